/**
 * Pool-level operations: CreateUserPool, DescribeUserPool, CreateUserPoolClient,
 * DescribeUserPoolClient, CreateResourceServer, CreateGroup — with Cognito's defaults and checks.
 */
import { AwsJsonError, epochSeconds } from '../aws-json.ts';
import { STANDARD_ATTRIBUTES } from './attributes.ts';
import { DEFAULT_PASSWORD_POLICY } from './password-policy.ts';
import { USER_SCOPE } from './tokens.ts';
import type { AppClientRecord, GroupRecord, PasswordPolicy, PoolState, SchemaAttribute, SigningKey, UserPoolRecord } from './types.ts';
import { newClientId, newClientSecret, newUserPoolId, own, param, type UserPools } from './user-pools.ts';

export interface PoolContext {
  pools: UserPools;
  now(): number;
  newKey(): Promise<SigningKey>;
}

const invalid = (message: string) => new AwsJsonError('InvalidParameterException', message);

function passwordPolicy(policies: unknown): PasswordPolicy {
  const given = (policies as { PasswordPolicy?: Partial<PasswordPolicy> } | undefined)?.PasswordPolicy;
  if (!given) return { ...DEFAULT_PASSWORD_POLICY };
  const policy: PasswordPolicy = {
    MinimumLength: given.MinimumLength ?? 8,
    RequireUppercase: given.RequireUppercase ?? false,
    RequireLowercase: given.RequireLowercase ?? false,
    RequireNumbers: given.RequireNumbers ?? false,
    RequireSymbols: given.RequireSymbols ?? false,
    TemporaryPasswordValidityDays: given.TemporaryPasswordValidityDays ?? 7,
  };
  if (policy.MinimumLength < 6 || policy.MinimumLength > 99) throw invalid('1 validation error detected: Value at \'policies.passwordPolicy.minimumLength\' failed to satisfy constraint: Member must have value between 6 and 99');
  if (policy.TemporaryPasswordValidityDays < 0 || policy.TemporaryPasswordValidityDays > 365) throw invalid('TemporaryPasswordValidityDays must be between 0 and 365.');
  return policy;
}

function schema(list: unknown): { custom: SchemaAttribute[]; required: string[] } {
  const custom: SchemaAttribute[] = [];
  const required: string[] = [];
  for (const a of (Array.isArray(list) ? list : []) as Array<Record<string, unknown>>) {
    const name = String(a['Name'] ?? '');
    if (name === 'sub' || STANDARD_ATTRIBUTES.has(name)) {
      if (a['Required'] === true) required.push(name);
      continue;
    }
    const plain = name.replace(/^custom:/, '');
    if (!/^[\w-]{1,20}$/.test(plain)) throw invalid(`Invalid custom attribute name ${name}: 1 to 20 letters, digits, '_' or '-'.`);
    if (a['Required'] === true) throw invalid('Required custom attributes are not supported currently.');
    const type = (a['AttributeDataType'] as SchemaAttribute['AttributeDataType'] | undefined) ?? 'String';
    if (!['String', 'Number', 'DateTime', 'Boolean'].includes(type)) throw invalid(`Invalid AttributeDataType ${type}.`);
    custom.push({ Name: plain, AttributeDataType: type, Mutable: a['Mutable'] !== false });
  }
  return { custom, required };
}

function inviteTemplate(config: unknown): Pick<UserPoolRecord, 'InviteMessageTemplate'> {
  const t = (config as { InviteMessageTemplate?: { EmailSubject?: unknown; EmailMessage?: unknown } } | undefined)?.InviteMessageTemplate;
  if (!t) return {};
  const { EmailSubject, EmailMessage } = t;
  return {
    InviteMessageTemplate: { ...(typeof EmailSubject === 'string' ? { EmailSubject } : {}), ...(typeof EmailMessage === 'string' ? { EmailMessage } : {}) },
  };
}

export function userPoolType(p: UserPoolRecord, ps: PoolState): Record<string, unknown> {
  return {
    Id: p.Id,
    Name: p.Name,
    Arn: p.Arn,
    Policies: { PasswordPolicy: p.PasswordPolicy },
    UsernameAttributes: p.UsernameAttributes,
    UsernameConfiguration: { CaseSensitive: p.CaseSensitive },
    SchemaAttributes: [
      ...p.RequiredAttributes.map((Name) => ({ Name, AttributeDataType: 'String', Mutable: true, Required: true })),
      ...p.CustomAttributes.map((a) => ({ Name: `custom:${a.Name}`, AttributeDataType: a.AttributeDataType, Mutable: a.Mutable, Required: false, DeveloperOnlyAttribute: false })),
    ],
    MfaConfiguration: 'OFF',
    ...(p.InviteMessageTemplate ? { AdminCreateUserConfig: { InviteMessageTemplate: p.InviteMessageTemplate } } : {}),
    EstimatedNumberOfUsers: Object.keys(ps.users).length,
    CreationDate: epochSeconds(p.CreationDate),
    LastModifiedDate: epochSeconds(p.LastModifiedDate),
  };
}

export async function createUserPool(ctx: PoolContext, body: Record<string, unknown>, fixedId?: string): Promise<{ UserPool: Record<string, unknown> }> {
  const name = param(body, 'PoolName');
  if (!/^[\w\s+=,.@-]{1,128}$/.test(name)) throw invalid(`1 validation error detected: Value '${name}' at 'poolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+`);
  const usernameAttributes = (body['UsernameAttributes'] as string[] | undefined) ?? [];
  if (usernameAttributes.some((a) => a !== 'email' && a !== 'phone_number')) throw invalid('UsernameAttributes may hold email and phone_number only.');
  const { custom, required } = schema(body['Schema']);
  const id = fixedId ?? newUserPoolId(ctx.pools.region);
  if (own(ctx.pools.state.pools, id)) throw invalid(`User pool ${id} already exists.`);
  const now = ctx.now();
  const pool: UserPoolRecord = {
    Id: id,
    Name: name,
    Arn: `arn:aws:cognito-idp:${ctx.pools.region}:${ctx.pools.account}:userpool/${id}`,
    PasswordPolicy: passwordPolicy(body['Policies']),
    UsernameAttributes: usernameAttributes,
    CaseSensitive: (body['UsernameConfiguration'] as { CaseSensitive?: boolean } | undefined)?.CaseSensitive ?? true,
    CustomAttributes: custom,
    RequiredAttributes: required,
    CreationDate: now,
    LastModifiedDate: now,
    key: await ctx.newKey(),
    ...inviteTemplate(body['AdminCreateUserConfig']),
  };
  const ps: PoolState = { pool, clients: {}, users: {}, groups: {}, resourceServers: {} };
  ctx.pools.state.pools[id] = ps;
  return { UserPool: userPoolType(pool, ps) };
}

export function describeUserPool(ctx: PoolContext, body: Record<string, unknown>): { UserPool: Record<string, unknown> } {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  return { UserPool: userPoolType(ps.pool, ps) };
}

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 };
const AUTH_FLOWS = new Set([
  'ADMIN_NO_SRP_AUTH', 'CUSTOM_AUTH_FLOW_ONLY', 'USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_CUSTOM_AUTH',
  'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_AUTH',
]);
const OIDC_SCOPES = new Set(['openid', 'email', 'phone', 'profile', USER_SCOPE]);

/** A token validity in seconds from the request's value and unit, within Cognito's bounds. */
function validity(value: unknown, unit: string, fallbackSeconds: number, minSeconds: number, maxSeconds: number, what: string): number {
  if (value === undefined || value === null) return fallbackSeconds;
  const factor = UNIT_SECONDS[unit];
  if (typeof value !== 'number' || !factor) throw invalid(`Invalid ${what} token validity.`);
  const seconds = value * factor;
  if (seconds < minSeconds || seconds > maxSeconds) throw invalid(`${what} token validity must be between ${minSeconds / 60} minutes and ${maxSeconds / 86_400} days.`);
  return seconds;
}

export function userPoolClientType(c: AppClientRecord): Record<string, unknown> {
  const inUnit = (seconds: number, unit: string) => seconds / (UNIT_SECONDS[unit] ?? 1);
  return {
    UserPoolId: c.UserPoolId,
    ClientName: c.ClientName,
    ClientId: c.ClientId,
    ...(c.ClientSecret ? { ClientSecret: c.ClientSecret } : {}),
    ExplicitAuthFlows: c.ExplicitAuthFlows,
    AllowedOAuthFlows: c.AllowedOAuthFlows,
    AllowedOAuthScopes: c.AllowedOAuthScopes,
    AllowedOAuthFlowsUserPoolClient: c.AllowedOAuthFlowsUserPoolClient,
    PreventUserExistenceErrors: c.PreventUserExistenceErrors,
    EnableTokenRevocation: c.EnableTokenRevocation,
    AccessTokenValidity: inUnit(c.accessTokenSeconds, c.TokenValidityUnits.AccessToken),
    IdTokenValidity: inUnit(c.idTokenSeconds, c.TokenValidityUnits.IdToken),
    RefreshTokenValidity: inUnit(c.refreshTokenSeconds, c.TokenValidityUnits.RefreshToken),
    TokenValidityUnits: c.TokenValidityUnits,
    AuthSessionValidity: c.AuthSessionValidity,
    CreationDate: epochSeconds(c.CreationDate),
    LastModifiedDate: epochSeconds(c.LastModifiedDate),
  };
}

export function createUserPoolClient(ctx: PoolContext, body: Record<string, unknown>, fixed: { ClientId?: string; ClientSecret?: string } = {}): { UserPoolClient: Record<string, unknown> } {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  const name = param(body, 'ClientName');
  const flows = (body['ExplicitAuthFlows'] as string[] | undefined) ?? ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH'];
  const unknownFlow = flows.find((f) => !AUTH_FLOWS.has(f));
  if (unknownFlow) throw invalid(`Invalid ExplicitAuthFlows value ${unknownFlow}.`);
  const withSecret = body['GenerateSecret'] === true || fixed.ClientSecret !== undefined;
  const oauthFlows = (body['AllowedOAuthFlows'] as string[] | undefined) ?? [];
  const scopes = (body['AllowedOAuthScopes'] as string[] | undefined) ?? [];
  if (oauthFlows.includes('client_credentials')) {
    if (!withSecret) throw new AwsJsonError('InvalidOAuthFlowException', 'client_credentials flow can not be selected if client does not have a client secret.');
    if (oauthFlows.length > 1) throw new AwsJsonError('InvalidOAuthFlowException', 'client_credentials flow can not be selected with either implicit or code flow.');
  }
  for (const scope of scopes) {
    const [server, scopeName] = [scope.slice(0, scope.lastIndexOf('/')), scope.slice(scope.lastIndexOf('/') + 1)];
    const custom = own(ps.resourceServers, server)?.Scopes.some((s) => s.ScopeName === scopeName) ?? false;
    if (!custom && (oauthFlows.includes('client_credentials') || !OIDC_SCOPES.has(scope))) throw new AwsJsonError('ScopeDoesNotExistException', `Invalid scope requested: ${scope}`);
  }
  const units = { AccessToken: 'hours', IdToken: 'hours', RefreshToken: 'days', ...((body['TokenValidityUnits'] as Record<string, string> | undefined) ?? {}) };
  const session = (body['AuthSessionValidity'] as number | undefined) ?? 3;
  if (session < 3 || session > 15) throw invalid('AuthSessionValidity must be between 3 and 15 minutes.');
  const prevent = (body['PreventUserExistenceErrors'] as string | undefined) ?? 'LEGACY';
  if (prevent !== 'LEGACY' && prevent !== 'ENABLED') throw invalid(`Invalid PreventUserExistenceErrors ${prevent}.`);
  const now = ctx.now();
  const client: AppClientRecord = {
    ClientId: fixed.ClientId ?? newClientId(),
    ClientName: name,
    UserPoolId: ps.pool.Id,
    ...(withSecret ? { ClientSecret: fixed.ClientSecret ?? newClientSecret() } : {}),
    ExplicitAuthFlows: flows,
    AllowedOAuthFlows: oauthFlows,
    AllowedOAuthScopes: scopes,
    AllowedOAuthFlowsUserPoolClient: body['AllowedOAuthFlowsUserPoolClient'] === true,
    PreventUserExistenceErrors: prevent,
    EnableTokenRevocation: body['EnableTokenRevocation'] !== false,
    accessTokenSeconds: validity(body['AccessTokenValidity'], units.AccessToken, 3600, 300, 86_400, 'Access'),
    idTokenSeconds: validity(body['IdTokenValidity'], units.IdToken, 3600, 300, 86_400, 'Id'),
    refreshTokenSeconds: validity(body['RefreshTokenValidity'], units.RefreshToken, 30 * 86_400, 3600, 3650 * 86_400, 'Refresh'),
    TokenValidityUnits: units,
    AuthSessionValidity: session,
    CreationDate: now,
    LastModifiedDate: now,
  };
  ps.clients[client.ClientId] = client;
  return { UserPoolClient: userPoolClientType(client) };
}

export function describeUserPoolClient(ctx: PoolContext, body: Record<string, unknown>): { UserPoolClient: Record<string, unknown> } {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  const clientId = param(body, 'ClientId');
  const client = own(ps.clients, clientId);
  if (!client) throw new AwsJsonError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
  return { UserPoolClient: userPoolClientType(client) };
}

export function createResourceServer(ctx: PoolContext, body: Record<string, unknown>): { ResourceServer: Record<string, unknown> } {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  const identifier = param(body, 'Identifier');
  const name = param(body, 'Name');
  if (own(ps.resourceServers, identifier)) throw invalid(`${identifier} already exists in this user pool.`);
  const scopes = ((body['Scopes'] as Array<{ ScopeName: string; ScopeDescription: string }> | undefined) ?? []).map((s) => ({ ScopeName: s.ScopeName, ScopeDescription: s.ScopeDescription }));
  ps.resourceServers[identifier] = { Identifier: identifier, Name: name, Scopes: scopes };
  return { ResourceServer: { UserPoolId: ps.pool.Id, Identifier: identifier, Name: name, Scopes: scopes } };
}

export function groupType(g: GroupRecord, userPoolId: string): Record<string, unknown> {
  return {
    GroupName: g.GroupName,
    UserPoolId: userPoolId,
    ...(g.Description !== undefined ? { Description: g.Description } : {}),
    ...(g.Precedence !== undefined ? { Precedence: g.Precedence } : {}),
    ...(g.RoleArn !== undefined ? { RoleArn: g.RoleArn } : {}),
    CreationDate: epochSeconds(g.CreationDate),
    LastModifiedDate: epochSeconds(g.LastModifiedDate),
  };
}

export function createGroup(ctx: PoolContext, body: Record<string, unknown>): { Group: Record<string, unknown> } {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  const name = param(body, 'GroupName');
  if (own(ps.groups, name)) throw new AwsJsonError('GroupExistsException', `A group with the name ${name} already exists.`);
  const now = ctx.now();
  const group: GroupRecord = { GroupName: name, CreationDate: now, LastModifiedDate: now };
  if (typeof body['Description'] === 'string') group.Description = body['Description'];
  if (typeof body['Precedence'] === 'number') group.Precedence = body['Precedence'];
  if (typeof body['RoleArn'] === 'string') group.RoleArn = body['RoleArn'];
  ps.groups[name] = group;
  return { Group: groupType(group, ps.pool.Id) };
}
