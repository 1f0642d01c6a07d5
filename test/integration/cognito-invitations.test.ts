// Invitations and the employee's login lifecycle against the local Cognito, with the unmodified
// @aws-sdk/client-cognito-identity-provider: the stand-in's invitation email (the pool's template,
// `{username}` and `{####}`), RESEND, AdminDeleteUser; and shared/adapters/user-pool.ts, which the
// employees API and `npm run admin -- invite` use.
import {
  AdminCreateUserCommand, AdminDeleteUserCommand, AdminGetUserCommand, AdminListGroupsForUserCommand, type CognitoIdentityProviderClient,
  InitiateAuthCommand, RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cognitoUserPool, type UserPool } from '#shared/adapters/user-pool.ts';
import { type Invitation, type LocalCognito, startCognito } from '../../local/cognito/server.ts';
import { cognitoClient } from '../../local/logins.ts';

const REGION = 'eu-west-1';
const POOL = `${REGION}_InviteTests`;
const CLIENT = 'inviteconsoleclient0000000';
const NEW_PASSWORD = 'A-new-password-42';
// As lib/features/identity.ts synthesizes it (AdminCreateUserConfig of the template).
const TEMPLATE = {
  EmailSubject: 'Your ringdesk login (demo)',
  EmailMessage: 'You have been invited to ringdesk. Sign in with {username} and the temporary password {####}; you will be asked to set your own.',
};

let cognito: LocalCognito;
let client: CognitoIdentityProviderClient;
let pool: UserPool;

beforeAll(async () => {
  cognito = await startCognito({
    port: 0,
    region: REGION,
    account: '000000000000',
    log: () => undefined,
    pools: [
      {
        Id: POOL,
        PoolName: 'ringdesk-demo',
        UsernameAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
        Schema: [{ Name: 'employeeId', AttributeDataType: 'String', Mutable: true }],
        Policies: { PasswordPolicy: { MinimumLength: 12, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: false, TemporaryPasswordValidityDays: 7 } },
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true, InviteMessageTemplate: TEMPLATE },
        Clients: [{ ClientName: 'console', ClientId: CLIENT, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], PreventUserExistenceErrors: 'ENABLED' }],
        Groups: [{ GroupName: 'admin', Precedence: 1 }, { GroupName: 'analyst', Precedence: 2 }, { GroupName: 'agent', Precedence: 3 }],
      },
    ],
  });
  client = cognitoClient({ endpoint: cognito.url, region: REGION });
  pool = cognitoUserPool(client, POOL);
});
afterAll(async () => {
  client?.destroy();
  await cognito?.close();
});

/** The person's mailbox: what the stand-in serves at `/_local/invitations`, as an HTTP client reads it. */
async function mailbox(email: string): Promise<Invitation[]> {
  const res = await fetch(`${cognito.url}/_local/invitations?email=${encodeURIComponent(email)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Invitation[];
}

const nameOf = (p: Promise<unknown>) => p.then(() => 'resolved', (err: Error) => `${err.name}: ${err.message}`);
const login = (USERNAME: string, PASSWORD: string) => client.send(new InitiateAuthCommand({ ClientId: CLIENT, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD } }));

/** First sign-in: the temporary password, NEW_PASSWORD_REQUIRED, a new password; returns the tokens. */
async function firstLogin(email: string, temporary: string) {
  const challenge = await login(email, temporary);
  expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
  const done = await client.send(
    new RespondToAuthChallengeCommand({ ClientId: CLIENT, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: challenge.Session, ChallengeResponses: { USERNAME: email, NEW_PASSWORD } }),
  );
  return done.AuthenticationResult!;
}

const groupsOf = async (email: string) => ((await client.send(new AdminListGroupsForUserCommand({ UserPoolId: POOL, Username: email }))).Groups ?? []).map((g) => g.GroupName);

describe('the local Cognito sends invitations as Cognito does', () => {
  it("S6: AdminCreateUser mails the pool's invitation with the sign-in name and a temporary password; SUPPRESS mails nothing", async () => {
    const { User } = await client.send(new AdminCreateUserCommand({ UserPoolId: POOL, Username: 'olga@demo.example', DesiredDeliveryMediums: ['EMAIL'] }));
    expect(User).toMatchObject({ Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD' });
    const [mail, ...more] = await mailbox('olga@demo.example');
    expect(more).toEqual([]);
    expect(mail).toMatchObject({ userPoolId: POOL, username: User!.Username, email: 'olga@demo.example', subject: TEMPLATE.EmailSubject });
    expect(mail!.message).toBe(`You have been invited to ringdesk. Sign in with olga@demo.example and the temporary password ${mail!.temporaryPassword}; you will be asked to set your own.`);
    // The generated password follows the pool's policy.
    expect(mail!.temporaryPassword).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{12,}$/);

    await client.send(new AdminCreateUserCommand({ UserPoolId: POOL, Username: 'quiet@demo.example', MessageAction: 'SUPPRESS' }));
    expect(await mailbox('quiet@demo.example')).toEqual([]);
  });

  it('S6: RESEND mails a new temporary password and the old one stops working; not possible once the person has signed in', async () => {
    await client.send(new AdminCreateUserCommand({ UserPoolId: POOL, Username: 'pavel@demo.example' }));
    const [first] = await mailbox('pavel@demo.example');
    await client.send(new AdminCreateUserCommand({ UserPoolId: POOL, Username: 'pavel@demo.example', MessageAction: 'RESEND' }));
    const [, second] = await mailbox('pavel@demo.example');
    expect(second!.temporaryPassword).not.toBe(first!.temporaryPassword);
    expect(await nameOf(login('pavel@demo.example', first!.temporaryPassword))).toBe('NotAuthorizedException: Incorrect username or password.');
    await firstLogin('pavel@demo.example', second!.temporaryPassword);
    expect(await nameOf(client.send(new AdminCreateUserCommand({ UserPoolId: POOL, Username: 'pavel@demo.example', MessageAction: 'RESEND' })))).toMatch(
      /^UnsupportedUserStateException: Resend not possible/,
    );
  });

  it('AdminDeleteUser removes the user and revokes their refresh tokens; the email can be invited again', async () => {
    await client.send(new AdminCreateUserCommand({ UserPoolId: POOL, Username: 'rita@demo.example' }));
    const tokens = await firstLogin('rita@demo.example', (await mailbox('rita@demo.example'))[0]!.temporaryPassword);
    await client.send(new AdminDeleteUserCommand({ UserPoolId: POOL, Username: 'rita@demo.example' }));
    expect(await nameOf(client.send(new AdminGetUserCommand({ UserPoolId: POOL, Username: 'rita@demo.example' })))).toBe('UserNotFoundException: User does not exist.');
    expect(await nameOf(client.send(new InitiateAuthCommand({ ClientId: CLIENT, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } })))).toMatch(/^NotAuthorizedException/);
    expect(await nameOf(client.send(new AdminDeleteUserCommand({ UserPoolId: POOL, Username: 'rita@demo.example' })))).toBe('UserNotFoundException: User does not exist.');
    expect((await client.send(new AdminCreateUserCommand({ UserPoolId: POOL, Username: 'rita@demo.example' }))).User?.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
  });
});

describe("an employee's login (shared/adapters/user-pool.ts)", () => {
  const anna = { email: 'anna.k@demo.example', name: 'Anna K', role: 'agent' as const, employeeId: 'emp-anna-k' };

  it('S6: ensureLogin invites once with the group and employee id; a retry sends nothing and changes nothing', async () => {
    const first = await pool.ensureLogin(anna);
    expect(first.created).toBe(true);
    const again = await pool.ensureLogin(anna);
    expect(again).toEqual({ username: first.username, created: false });
    const mails = await mailbox(anna.email);
    expect(mails).toHaveLength(1);
    expect(await groupsOf(anna.email)).toEqual(['agent']);
    const user = await client.send(new AdminGetUserCommand({ UserPoolId: POOL, Username: anna.email }));
    expect(user.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'custom:employeeId', Value: 'emp-anna-k' }, { Name: 'name', Value: 'Anna K' }, { Name: 'email_verified', Value: 'true' }]));
    await firstLogin(anna.email, mails[0]!.temporaryPassword);
  });

  it('S6: a new access level moves the one access-level group', async () => {
    await pool.ensureLogin({ ...anna, role: 'admin' });
    expect(await groupsOf(anna.email)).toEqual(['admin']);
    await pool.ensureLogin({ ...anna, role: 'analyst' });
    expect(await groupsOf(anna.email)).toEqual(['analyst']);
  });

  it("S6: an email that signs in as another employee is a Conflict, and that login is left as it was", async () => {
    await expect(pool.ensureLogin({ ...anna, employeeId: 'emp-someone-else' })).rejects.toMatchObject({ name: 'Conflict', code: 'login_exists' });
    expect(await groupsOf(anna.email)).toEqual(['analyst']);
  });

  it('S6: disableLogin disables and signs out everywhere (refresh fails); ensureLogin enables again, and a new sign-in works', async () => {
    const tokens = (await login(anna.email, NEW_PASSWORD)).AuthenticationResult!;
    expect(await pool.disableLogin(anna.email)).toBe(true);
    expect(await nameOf(login(anna.email, NEW_PASSWORD))).toBe('NotAuthorizedException: User is disabled.');
    await pool.ensureLogin(anna);
    expect(await nameOf(client.send(new InitiateAuthCommand({ ClientId: CLIENT, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } })))).toBe(
      'NotAuthorizedException: Refresh Token has been revoked',
    );
    expect((await login(anna.email, NEW_PASSWORD)).AuthenticationResult?.IdToken).toBeTruthy();
    expect(await pool.disableLogin('nobody@demo.example')).toBe(false);
  });

  it('S6: changeLoginEmail moves the sign-in to the new address; a taken address is a Conflict', async () => {
    expect(await pool.changeLoginEmail(anna.email, 'anna.new@demo.example')).toBe(true);
    expect((await login('anna.new@demo.example', NEW_PASSWORD)).AuthenticationResult?.IdToken).toBeTruthy();
    await pool.ensureLogin({ email: 'boris.k@demo.example', name: 'Boris K', role: 'agent', employeeId: 'emp-boris-k' });
    await expect(pool.changeLoginEmail('anna.new@demo.example', 'boris.k@demo.example')).rejects.toMatchObject({ name: 'Conflict' });
    expect(await pool.changeLoginEmail('nobody@demo.example', 'x@demo.example')).toBe(false);
  });
});
