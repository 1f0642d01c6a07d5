// Two tenants' user pools in one local Cognito, shaped like lib/features/identity.ts's (email
// sign-in, `custom:employeeId`, access-level groups, the console and integrations clients), for
// tests of the token verifier without a whole stack.
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { type LocalCognito, startCognito, type UserPoolSeed } from '../../local/cognito/server.ts';
import { cognitoClient, LOCAL_PASSWORD, type LocalCognitoInfo, tokenFor } from '../../local/logins.ts';
import type { Role } from '#shared/domain/principal.ts';

const REGION = 'us-east-1';

function poolSeed(tenant: string): UserPoolSeed {
  return {
    Id: `${REGION}_${tenant}Pool`,
    PoolName: `ringdesk-${tenant}`,
    UsernameAttributes: ['email'],
    UsernameConfiguration: { CaseSensitive: false },
    Schema: [{ Name: 'employeeId', AttributeDataType: 'String', Mutable: true }],
    Policies: { PasswordPolicy: { MinimumLength: 12, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: false, TemporaryPasswordValidityDays: 7 } },
    ResourceServers: [{ Identifier: 'ringdesk', Name: 'ringdesk API', Scopes: [{ ScopeName: 'read', ScopeDescription: 'read' }] }],
    Clients: [
      { ClientName: 'console', ClientId: `${tenant}console`.padEnd(26, '0'), ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], PreventUserExistenceErrors: 'ENABLED' },
      { ClientName: 'integrations', ClientId: `${tenant}machine`.padEnd(26, '0'), GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['ringdesk/read'], AllowedOAuthFlowsUserPoolClient: true },
    ],
    Groups: [
      { GroupName: 'admin', Precedence: 1 },
      { GroupName: 'analyst', Precedence: 2 },
      { GroupName: 'agent', Precedence: 3 },
    ],
  };
}

export interface TenantPools {
  cognito: LocalCognito;
  info(tenant: string): LocalCognitoInfo;
  /** An id token of the tenant's console client for an employee with this role. */
  token(tenant: string, employeeId: string, role: Role): Promise<string>;
  /** A client-credentials access token of the tenant's integrations client. */
  machineToken(tenant: string, scope?: string): Promise<string>;
  /** What bindIdentity puts in a function's environment, for the tenant. */
  env(tenant: string): Record<string, string>;
}

export async function startTenantPools(tenants: string[]): Promise<TenantPools> {
  const seeds = tenants.map(poolSeed);
  const cognito = await startCognito({ port: 0, region: REGION, account: '000000000000', pools: seeds, log: () => undefined });
  const info = (tenant: string): LocalCognitoInfo => {
    const seed = seeds[tenants.indexOf(tenant)]!;
    const [consoleClient, machineClient] = seed.Clients!;
    return { endpoint: cognito.url, region: REGION, userPoolId: seed.Id!, clientId: consoleClient!.ClientId!, issuer: cognito.issuer(seed.Id!), machineClientId: machineClient!.ClientId! };
  };
  return {
    cognito,
    info,
    token: (tenant, employeeId, role) => tokenFor(info(tenant), tenant, { employeeId, role }),
    async machineToken(tenant, scope = 'ringdesk/read') {
      const i = info(tenant);
      const client = cognitoClient(i);
      const { UserPoolClient } = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: i.userPoolId, ClientId: i.machineClientId }));
      const basic = Buffer.from(`${i.machineClientId}:${UserPoolClient?.ClientSecret ?? ''}`).toString('base64');
      const res = await fetch(cognito.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
      });
      const body = (await res.json()) as { access_token?: string };
      if (!body.access_token) throw new Error(`client credentials: HTTP ${res.status}`);
      return body.access_token;
    },
    env(tenant) {
      const i = info(tenant);
      return { COGNITO_ISSUER: i.issuer, COGNITO_USER_POOL_ID: i.userPoolId, COGNITO_CONSOLE_CLIENT_ID: i.clientId, COGNITO_MACHINE_CLIENT_ID: i.machineClientId };
    },
  };
}

export { LOCAL_PASSWORD };
