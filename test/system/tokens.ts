// Tokens for system tests: an employee of the running tenant with any role (a user of its pool),
// and an admin of ANOTHER tenant's pool in the same local Cognito (another issuer and signing key,
// the token a compromised neighbour stack could mint for its own users).
import {
  CreateGroupCommand, CreateUserPoolClientCommand, CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient, ensureLogin, LOCAL_PASSWORD, signIn, tokenFor } from '../../local/logins.ts';
import type { LocalInfo } from '../../local/start.ts';
import type { Role } from '#shared/domain/principal.ts';

/** An id token of this tenant's pool for `employeeId` with `role` (the user is created or updated first). */
export function employeeToken(info: LocalInfo, employeeId: string, role: Role): Promise<string> {
  return tokenFor(info.cognito, info.tenant, { employeeId, role });
}

const otherPools = new Map<string, Promise<{ userPoolId: string; clientId: string }>>();

async function createOtherPool(info: LocalInfo): Promise<{ userPoolId: string; clientId: string }> {
  const client = cognitoClient(info.cognito);
  const { UserPool } = await client.send(
    new CreateUserPoolCommand({
      PoolName: 'ringdesk-acme',
      UsernameAttributes: ['email'],
      Schema: [{ Name: 'employeeId', AttributeDataType: 'String', Mutable: true }],
    }),
  );
  const userPoolId = UserPool!.Id!;
  for (const GroupName of ['admin', 'analyst', 'agent']) await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName }));
  const { UserPoolClient } = await client.send(
    new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'console', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
  );
  return { userPoolId, clientId: UserPoolClient!.ClientId! };
}

/** An id token of another tenant's user pool, with the same claims a token of this tenant would have. */
export async function otherTenantToken(info: LocalInfo, employeeId: string, role: Role): Promise<string> {
  let pool = otherPools.get(info.cognito.endpoint);
  if (!pool) {
    pool = createOtherPool(info);
    otherPools.set(info.cognito.endpoint, pool);
  }
  const { userPoolId, clientId } = await pool;
  const client = cognitoClient(info.cognito);
  const email = `${employeeId}@acme.test`;
  await ensureLogin(client, userPoolId, { email, password: LOCAL_PASSWORD, role, name: employeeId, employeeId });
  return (await signIn(client, clientId, email, LOCAL_PASSWORD)).idToken;
}
