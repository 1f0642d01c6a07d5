// People of a local tenant as Cognito users: created (or brought up to date) in the stack's user
// pool with a known, permanent password and signed in with the unmodified SDK client, as the
// console does. Used by the seed and by tests that need a token for a given employee and role.
import {
  AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminListGroupsForUserCommand, AdminRemoveUserFromGroupCommand, AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand, CognitoIdentityProviderClient, InitiateAuthCommand, UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Role } from '#shared/domain/principal.ts';

/** Where the local tenant's people sign in (`.ringdesk/local.json` `cognito`). */
export interface LocalCognitoInfo {
  /** The local Cognito endpoint (SDK `endpoint`). */
  endpoint: string;
  region: string;
  userPoolId: string;
  /** The console's public app client. */
  clientId: string;
  /** The `iss` of the pool's tokens. */
  issuer: string;
  /** The integrations' client (client credentials, `ringdesk/read`). */
  machineClientId: string;
}

export interface Login {
  email: string;
  password: string;
  role: Role;
  name: string;
  employeeId: string;
}

export function cognitoClient(c: Pick<LocalCognitoInfo, 'endpoint' | 'region'>): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/** Creates the user (no invitation) or updates its attributes, sets its one group and a permanent password. Idempotent. */
export async function ensureLogin(client: CognitoIdentityProviderClient, userPoolId: string, login: Login): Promise<void> {
  const UserAttributes = [
    { Name: 'email', Value: login.email },
    { Name: 'email_verified', Value: 'true' },
    { Name: 'name', Value: login.name },
    { Name: 'custom:employeeId', Value: login.employeeId },
  ];
  try {
    await client.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: login.email, UserAttributes, MessageAction: 'SUPPRESS' }));
  } catch (err) {
    if (!(err instanceof UsernameExistsException)) throw err;
    await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: userPoolId, Username: login.email, UserAttributes }));
  }
  const { Groups = [] } = await client.send(new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: login.email }));
  for (const g of Groups) {
    if (g.GroupName !== login.role) await client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: userPoolId, Username: login.email, GroupName: g.GroupName }));
  }
  await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: login.email, GroupName: login.role }));
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: login.email, Password: login.password, Permanent: true }));
}

/** USER_PASSWORD_AUTH with the console's client: the id token the console sends as its bearer token. */
export async function signIn(client: CognitoIdentityProviderClient, clientId: string, email: string, password: string): Promise<{ idToken: string; refreshToken: string }> {
  const out = await client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }));
  const idToken = out.AuthenticationResult?.IdToken;
  const refreshToken = out.AuthenticationResult?.RefreshToken;
  if (!idToken || !refreshToken) throw new Error(`signing in ${email}: ${out.ChallengeName ?? 'no tokens'}`);
  return { idToken, refreshToken };
}

/** A password the pool's policy accepts (12+ characters, upper, lower, digit), known to tests and the demo. */
export const LOCAL_PASSWORD = 'Ringdesk-demo-2026';

/**
 * An id token for an employee of the tenant with this role: the user `{employeeId}@{tenant}.test`
 * is created or updated first. For tests that act as made-up employees.
 */
export async function tokenFor(c: LocalCognitoInfo, tenant: string, who: { employeeId: string; role: Role }): Promise<string> {
  const client = cognitoClient(c);
  const email = `${who.employeeId.replace(/[^\w.-]/g, '-')}@${tenant}.test`.toLowerCase();
  await ensureLogin(client, c.userPoolId, { email, password: LOCAL_PASSWORD, role: who.role, name: who.employeeId, employeeId: who.employeeId });
  return (await signIn(client, c.clientId, email, LOCAL_PASSWORD)).idToken;
}
