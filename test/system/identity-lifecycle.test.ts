// An employee's life in the tenant's user pool through the local runtime, over real sockets and with
// the unmodified Cognito SDK client (issue 13's "done when"): an admin invites them through the API,
// they sign in with the temporary password from the invitation and set their own, open the
// WebSocket and get the pop-up of a call to their extension; deactivated, their refresh fails, their
// HTTP calls are 401 and their WebSocket is closed; reactivated, they sign in again. A token of
// another tenant's user pool is 401 on HTTP and on `$connect`.
import { randomInt } from 'node:crypto';
import {
  AdminGetUserCommand, AdminListGroupsForUserCommand, type CognitoIdentityProviderClient, InitiateAuthCommand, RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Employee } from '#shared/domain/directory.ts';
import type { Invitation } from '../../local/cognito/server.ts';
import { cognitoClient } from '../../local/logins.ts';
import { type AgentSocket, openAgent, randomNumber, ringdeskCall, useHarness, waitFor } from './harness.ts';
import { otherTenantToken } from './tokens.ts';

const h = useHarness();
const LINE = '+74951234567';
const NEW_PASSWORD = 'My-own-password-2026';
/** An analysts' route (agents get 403). */
const REPORT = '/reports/calls?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z';

let cognito: CognitoIdentityProviderClient;
beforeAll(() => {
  cognito = cognitoClient(h.info.cognito);
});
afterAll(() => cognito?.destroy());

async function send<T = Record<string, unknown>>(method: string, path: string, body?: unknown, token: string = h.info.tokens.admin): Promise<{ status: number; body: T }> {
  const res = await fetch(`${h.info.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** The invitations mailed to `email`, read where the local Cognito keeps them (as a mailbox would). */
async function mailbox(email: string): Promise<Invitation[]> {
  const res = await fetch(`${h.info.cognito.endpoint}/_local/invitations?email=${encodeURIComponent(email)}`);
  return (await res.json()) as Invitation[];
}

const signIn = (USERNAME: string, PASSWORD: string) =>
  cognito.send(new InitiateAuthCommand({ ClientId: h.info.cognito.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD } }));
const refresh = (REFRESH_TOKEN: string) => cognito.send(new InitiateAuthCommand({ ClientId: h.info.cognito.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN } }));
const failureOf = (p: Promise<unknown>) => p.then(() => 'resolved', (err: Error) => `${err.name}: ${err.message}`);
const groupsOf = async (email: string) =>
  ((await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId: h.info.cognito.userPoolId, Username: email }))).Groups ?? []).map((g) => g.GroupName);

function closed(socket: AgentSocket, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    if (socket.ws.readyState === socket.ws.CLOSED) return resolve(-1);
    const timer = setTimeout(() => reject(new Error(`the WebSocket was not closed within ${timeoutMs} ms`)), timeoutMs);
    socket.ws.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** An inbound call ringing at this extension (the PBX's webhook names the extension); its call id. */
async function ringAt(extension: string): Promise<string> {
  const call = ringdeskCall(h.info, 'inbound', randomNumber(), LINE);
  await call.ring(extension);
  return call.id;
}

describe('an employee from invitation to deactivation', () => {
  const n = randomInt(1e6);
  const email = `lena.${n}@demo.example`;
  const extension = String(7000 + (n % 2000));
  const person = { externalId: `emp-lena-${n}`, extension, fullName: `Lena ${n}`, email, accessLevel: 'agent' };
  let employee: Employee;
  let tokens: { idToken: string; refreshToken: string };
  let socket: AgentSocket;

  it('S6, E1: an admin invites an employee through the API: the invitation carries a temporary password, their group is their access level', async () => {
    const created = await send<Employee>('POST', '/employees', person);
    expect(created.status).toBe(201);
    employee = created.body;
    expect(employee).toMatchObject({ id: person.externalId, email, accessLevel: 'agent', active: true });
    const [invitation, ...more] = await mailbox(email);
    expect(more).toEqual([]);
    expect(invitation!.subject).toBe('Your ringdesk login (demo)');
    expect(invitation!.message).toContain(email);
    expect(invitation!.message).toContain(invitation!.temporaryPassword);
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: h.info.cognito.userPoolId, Username: email }));
    expect(user).toMatchObject({ Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD' });
    expect(user.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'custom:employeeId', Value: employee.id }]));
    expect(await groupsOf(email)).toEqual(['agent']);

    // The same request again (say its answer was lost): the same employee, no second invitation.
    const retry = await send<Employee>('POST', '/employees', person);
    expect(retry).toEqual({ status: 201, body: employee });
    expect(await mailbox(email)).toHaveLength(1);
  });

  it('S6: the employee signs in with the temporary password, must set a new one, and gets tokens the API accepts', async () => {
    const [invitation] = await mailbox(email);
    const challenge = await signIn(email, invitation!.temporaryPassword);
    expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    expect(challenge.AuthenticationResult).toBeUndefined();
    const done = await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: h.info.cognito.clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: email, NEW_PASSWORD },
      }),
    );
    tokens = { idToken: done.AuthenticationResult!.IdToken!, refreshToken: done.AuthenticationResult!.RefreshToken! };
    expect(await failureOf(signIn(email, invitation!.temporaryPassword))).toBe('NotAuthorizedException: Incorrect username or password.');
    expect((await send('GET', '/tickets?limit=1', undefined, tokens.idToken)).status).toBe(200);
    // An agent: admin routes stay closed.
    expect((await send('GET', REPORT, undefined, tokens.idToken)).status).toBe(403);
  });

  it('N1, S6: they open the WebSocket with their id token and get the pop-up of a call to their extension', async () => {
    socket = await openAgent(h.info, tokens.idToken);
    const callId = await ringAt(extension);
    const popup = await socket.next('incoming_call', (m) => (m['call'] as { id: string }).id === callId);
    expect(popup['type']).toBe('incoming_call');
  });

  it('S6: a new access level moves their group; the token in hand grants no more than the directory', async () => {
    expect((await send<Employee>('PATCH', `/employees/${employee.id}`, { accessLevel: 'analyst' })).body.accessLevel).toBe('analyst');
    expect(await groupsOf(email)).toEqual(['analyst']);
    // The id token in hand still says agent; the refreshed one says analyst and opens the reports.
    expect((await send('GET', REPORT, undefined, tokens.idToken)).status).toBe(403);
    const refreshed = (await refresh(tokens.refreshToken)).AuthenticationResult!.IdToken!;
    expect((await send('GET', REPORT, undefined, refreshed)).status).toBe(200);
    await send('PATCH', `/employees/${employee.id}`, { accessLevel: 'agent' });
    expect(await groupsOf(email)).toEqual(['agent']);
    // Demoted, the analyst token is refused the reports at once.
    expect((await send('GET', REPORT, undefined, refreshed)).status).toBe(403);
  });

  it('S6: deactivated, their refresh fails, their unexpired id token is 401 on HTTP and on $connect, and their WebSocket is closed', async () => {
    const closing = closed(socket);
    const res = await send<Employee>('POST', `/employees/${employee.id}/deactivate`);
    expect(res).toMatchObject({ status: 200, body: { id: employee.id, active: false } });
    expect(await closing).toBeGreaterThan(0);
    expect(await failureOf(refresh(tokens.refreshToken))).toMatch(/^NotAuthorizedException: (User is disabled\.|Refresh Token has been revoked)$/);
    expect(await failureOf(signIn(email, NEW_PASSWORD))).toBe('NotAuthorizedException: User is disabled.');
    const http = await send('GET', '/tickets?limit=1', undefined, tokens.idToken);
    expect(http).toEqual({ status: 401, body: { error: 'unauthorized', message: expect.any(String) } });
    await expect(openAgent(h.info, tokens.idToken)).rejects.toThrow(/401/);
    expect((await cognito.send(new AdminGetUserCommand({ UserPoolId: h.info.cognito.userPoolId, Username: email }))).Enabled).toBe(false);
  });

  it('S6: reactivated, they sign in again with their own password; the refresh token of before stays revoked', async () => {
    expect((await send<Employee>('PATCH', `/employees/${employee.id}`, { active: true })).body.active).toBe(true);
    expect(await failureOf(refresh(tokens.refreshToken))).toBe('NotAuthorizedException: Refresh Token has been revoked');
    const again = (await signIn(email, NEW_PASSWORD)).AuthenticationResult!.IdToken!;
    expect((await send('GET', '/tickets?limit=1', undefined, again)).status).toBe(200);
    const reopened = await openAgent(h.info, again);
    await reopened.close();
    expect(await mailbox(email)).toHaveLength(1); // no new invitation for a person who has a password
  });
});

describe('a login the user pool refuses', () => {
  it('S6, E1: an email that already signs in as someone else is 409, and no half-made employee is left behind', async () => {
    const n = randomInt(1e6);
    const extension = String(9000 + (n % 900));
    const clash = { externalId: `emp-clash-${n}`, extension, fullName: 'Clash', email: 'admin@demo.example' };
    const res = await send('POST', '/employees', clash);
    expect(res).toEqual({ status: 409, body: { error: 'login_exists', message: expect.stringContaining('admin@demo.example') } });
    expect((await send('GET', `/employees/${clash.externalId}`)).status).toBe(404);
    // Its extension and id were released with it.
    const again = await send<Employee>('POST', '/employees', { ...clash, email: `clash.${n}@demo.example` });
    expect(again.status).toBe(201);
    expect(await mailbox(`clash.${n}@demo.example`)).toHaveLength(1);
  });
});

describe("another tenant's user pool", () => {
  it("S1, S3: a token of another tenant's pool, with this tenant's claims, is 401 on HTTP and on $connect", async () => {
    const foreign = await otherTenantToken(h.info, 'emp-101', 'admin');
    expect(await send('GET', '/tickets?limit=1', undefined, foreign)).toEqual({ status: 401, body: { error: 'unauthorized', message: expect.any(String) } });
    await expect(openAgent(h.info, foreign)).rejects.toThrow(/401/);
    // The same claims from this tenant's pool are let in, so the refusal is the pool's.
    const own = await waitFor('a token of this pool', async () => h.info.tokens.agents['101']);
    expect((await send('GET', '/tickets?limit=1', undefined, own)).status).toBe(200);
  });
});
