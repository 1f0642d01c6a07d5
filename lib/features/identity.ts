// Who may call the tenant's APIs (S3, design decision 9): one Cognito user pool per tenant stack.
// Employees are users signing in by email, invited by an admin (no self sign-up); access levels
// are groups; the employee id is the custom attribute `employeeId`. The console signs in with a
// public client (no secret: it runs in a browser); integrations use a confidential client with
// client credentials and the read-only scope.
import { Aws, CfnOutput, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery, CfnUserPoolGroup, OAuthScope, ResourceServerScope, StringAttribute, UserPool, type UserPoolClient, type IUserPool,
  UserPoolResourceServer, type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { AccessLevel } from '#shared/domain/directory.ts';
import { passwordPolicy } from '#shared/domain/password-policy.ts';

/** The groups, one per access level; lower precedence wins when a user is in several. */
export const ACCESS_GROUPS: readonly { name: AccessLevel; precedence: number }[] = [
  { name: 'admin', precedence: 1 },
  { name: 'analyst', precedence: 2 },
  { name: 'agent', precedence: 3 },
];

export const RESOURCE_SERVER_ID = 'ringdesk';
export const READ_SCOPE_NAME = 'read';

export interface IdentityProps {
  tenant: string;
}

export class Identity extends Construct {
  readonly userPool: IUserPool;
  readonly consoleClient: UserPoolClient;
  readonly machineClient: UserPoolClient;
  /** `https://cognito-idp.{region}.amazonaws.com/{poolId}`: the `iss` of the pool's tokens. */
  readonly issuer: string;
  /** The pool's Cognito domain: integrations get machine tokens from its OAuth2 token endpoint. */
  readonly domain: UserPoolDomain;
  /** `https://{prefix}.auth.{region}.amazoncognito.com/oauth2/token` (client credentials grant). */
  readonly tokenEndpoint: string;

  constructor(scope: Construct, id: string, { tenant }: IdentityProps) {
    super(scope, id);
    const pool = new UserPool(this, 'UserPool', {
      userPoolName: `ringdesk-${tenant}`,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      selfSignUpEnabled: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      customAttributes: { employeeId: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }) },
      passwordPolicy: { ...passwordPolicy, tempPasswordValidity: Duration.days(7) },
      userInvitation: {
        emailSubject: `Your ringdesk login (${tenant})`,
        emailBody: 'You have been invited to ringdesk. Sign in with {username} and the temporary password {####}; you will be asked to set your own.',
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN, // people's logins outlive a stack deletion, like the table
    });
    this.userPool = pool;
    for (const g of ACCESS_GROUPS) {
      new CfnUserPoolGroup(this, `${g.name[0]!.toUpperCase()}${g.name.slice(1)}Group`, {
        userPoolId: pool.userPoolId,
        groupName: g.name,
        precedence: g.precedence,
        description: `ringdesk access level ${g.name}`,
      });
    }

    this.consoleClient = pool.addClient('ConsoleClient', {
      userPoolClientName: 'console',
      generateSecret: false,
      authFlows: { userPassword: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      // The console uses InitiateAuth only; no hosted UI, so no OAuth flows on this client.
      disableOAuth: true,
    });

    const read = new ResourceServerScope({ scopeName: READ_SCOPE_NAME, scopeDescription: 'Read calls, tickets, reports and the directory' });
    const api = new UserPoolResourceServer(this, 'ResourceServer', { userPool: pool, identifier: RESOURCE_SERVER_ID, userPoolResourceServerName: 'ringdesk API', scopes: [read] });
    this.machineClient = pool.addClient('MachineClient', {
      userPoolClientName: 'integrations',
      generateSecret: true,
      authFlows: {},
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      oAuth: { flows: { clientCredentials: true }, scopes: [OAuthScope.resourceServer(api, read)] },
    });

    // Client credentials need the pool's OAuth2 token endpoint, i.e. a domain. Cognito domain prefixes are
    // unique per region across all accounts, so the tenant gets the first block of the stack's own GUID
    // (stable for the stack's life, different in every account and region); `aws`, `amazon` and `cognito`
    // are reserved words in a prefix.
    const stackGuidBlock = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
    this.domain = pool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: `ringdesk-${tenant.replace(/aws|amazon|cognito/g, 'x')}-${stackGuidBlock}` },
    });
    this.tokenEndpoint = `${this.domain.baseUrl()}/oauth2/token`;

    this.issuer = `https://${pool.userPoolProviderUrl}`;
    const stack = Stack.of(this);
    new CfnOutput(stack, 'UserPoolId', { value: pool.userPoolId });
    new CfnOutput(stack, 'ConsoleClientId', { value: this.consoleClient.userPoolClientId });
    new CfnOutput(stack, 'MachineClientId', { value: this.machineClient.userPoolClientId });
    new CfnOutput(stack, 'UserPoolIssuer', { value: this.issuer });
    new CfnOutput(stack, 'MachineTokenEndpoint', { value: this.tokenEndpoint, description: 'OAuth2 token endpoint for machine tokens (client credentials of MachineClientId)' });
  }
}
