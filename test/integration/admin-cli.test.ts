// `npm run admin -- invite` against a local user pool: the invitation carries a temporary password,
// the first sign-in must set a new one, and the resulting id token is the principal the API sees.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InitiateAuthCommand, RespondToAuthChallengeCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '#shared/http/auth.ts';
import { cognitoClient } from '../../local/logins.ts';
import { projectRoot } from '../../local/start.ts';
import { startTenantPools, type TenantPools } from '../unit/tenant-pools.ts';

let pools: TenantPools;
let dir: string;
let infoFile: string;

beforeAll(async () => {
  pools = await startTenantPools(['demo', 'acme']);
  dir = mkdtempSync(path.join(tmpdir(), 'ringdesk-admin-'));
  infoFile = path.join(dir, 'local.json');
  writeFileSync(infoFile, JSON.stringify({ cognito: pools.info('demo') }));
});
afterAll(async () => {
  await pools.cognito.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI as a child process (asynchronously: the local Cognito answers it from this process). */
const admin = (...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'bin/admin.ts'), ...args, '--info', infoFile], { cwd: projectRoot, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });

describe('npm run admin -- invite', () => {
  it('S6: invites the first admin; the temporary password asks for a new one, and the id token is an admin of this tenant only', async () => {
    const out = await admin('invite', '--email', 'first.admin@demo.example', '--name', 'First Admin', '--role', 'admin');
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('invited first.admin@demo.example (admin, employee emp-first-admin)');

    const [invitation] = pools.cognito.invitations().filter((i) => i.email === 'first.admin@demo.example');
    expect(invitation?.temporaryPassword).toEqual(expect.any(String));
    const info = pools.info('demo');
    const client = cognitoClient(info);
    const first = await client.send(
      new InitiateAuthCommand({ ClientId: info.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'first.admin@demo.example', PASSWORD: invitation!.temporaryPassword } }),
    );
    expect(first.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    const done = await client.send(
      new RespondToAuthChallengeCommand({
        ClientId: info.clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: first.Session!,
        ChallengeResponses: { USERNAME: 'first.admin@demo.example', NEW_PASSWORD: 'A-new-password-42' },
      }),
    );
    const idToken = done.AuthenticationResult!.IdToken!;
    const settings = (tenant: string) => {
      const i = pools.info(tenant);
      return { issuer: i.issuer, consoleClientId: i.clientId, machineClientId: i.machineClientId };
    };
    expect(await createTokenVerifier(settings('demo'), 'demo')(idToken)).toEqual({ tenant: 'demo', employeeId: 'emp-first-admin', role: 'admin' });
    await expect(createTokenVerifier(settings('acme'), 'acme')(idToken)).rejects.toMatchObject({ statusCode: 401 });
    client.destroy();
  });

  it('S6: run again, it sends no second invitation; the email of another employee is refused', async () => {
    const before = pools.cognito.invitations().length;
    const again = await admin('invite', '--email', 'first.admin@demo.example', '--name', 'First Admin', '--role', 'admin');
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('already signs in as employee emp-first-admin');
    const other = await admin('invite', '--email', 'first.admin@demo.example', '--name', 'Someone', '--role', 'agent', '--employee-id', 'emp-someone');
    expect(other.status).toBe(1);
    expect(other.stderr).toContain('already signs in as another employee');
    expect(pools.cognito.invitations().length).toBe(before);
  });

  it('refuses an unknown role and a missing email without touching the pool', async () => {
    const before = pools.cognito.invitations().length;
    const badRole = await admin('invite', '--email', 'x@demo.example', '--name', 'X', '--role', 'root');
    expect(badRole.status).toBe(1);
    expect(badRole.stderr).toContain('--role must be one of agent, analyst, admin');
    expect((await admin('invite', '--name', 'X')).stderr).toContain('--email is required');
    expect(pools.cognito.invitations().length).toBe(before);
  });
});
