/**
 * Public types and the JSON-serialisable state of the local Cognito user pools stand-in. Times are
 * epoch milliseconds in the state; the wire carries epoch seconds.
 */
import type { JWK } from 'jose';

export interface PasswordPolicy {
  MinimumLength: number;
  RequireUppercase: boolean;
  RequireLowercase: boolean;
  RequireNumbers: boolean;
  RequireSymbols: boolean;
  TemporaryPasswordValidityDays: number;
}

export interface SchemaAttribute {
  /** As declared: `employeeId` for the custom attribute users carry as `custom:employeeId`. */
  Name: string;
  AttributeDataType: 'String' | 'Number' | 'DateTime' | 'Boolean';
  Mutable: boolean;
}

export interface SigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export interface UserPoolRecord {
  Id: string;
  Name: string;
  Arn: string;
  PasswordPolicy: PasswordPolicy;
  /** `['email']`: users sign in with their email and get a generated username (the `sub`). */
  UsernameAttributes: string[];
  /** `UsernameConfiguration.CaseSensitive`; false compares usernames and aliases case-insensitively. */
  CaseSensitive: boolean;
  CustomAttributes: SchemaAttribute[];
  /** Standard attributes every user must have (`Required: true` in the schema). */
  RequiredAttributes: string[];
  CreationDate: number;
  LastModifiedDate: number;
  key: SigningKey;
  /** `AdminCreateUserConfig.InviteMessageTemplate` (email part): `{username}` and `{####}` are filled in. */
  InviteMessageTemplate?: { EmailSubject?: string; EmailMessage?: string };
}

export interface AppClientRecord {
  ClientId: string;
  ClientName: string;
  UserPoolId: string;
  ClientSecret?: string;
  ExplicitAuthFlows: string[];
  AllowedOAuthFlows: string[];
  AllowedOAuthScopes: string[];
  AllowedOAuthFlowsUserPoolClient: boolean;
  PreventUserExistenceErrors: 'LEGACY' | 'ENABLED';
  EnableTokenRevocation: boolean;
  /** In seconds (the wire's `TokenValidityUnits` are applied on the way in and out). */
  accessTokenSeconds: number;
  idTokenSeconds: number;
  refreshTokenSeconds: number;
  TokenValidityUnits: { AccessToken: string; IdToken: string; RefreshToken: string };
  AuthSessionValidity: number;
  CreationDate: number;
  LastModifiedDate: number;
}

export type UserStatus = 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED' | 'RESET_REQUIRED';

export interface UserRecord {
  Username: string;
  Attributes: Record<string, string>;
  Enabled: boolean;
  UserStatus: UserStatus;
  /** Local stand-in only: passwords kept in clear, as no real credential ever reaches it. */
  Password: string;
  /** When the temporary password stops working (FORCE_CHANGE_PASSWORD only). */
  temporaryPasswordExpires?: number;
  groups: string[];
  UserCreateDate: number;
  UserLastModifiedDate: number;
}

export interface GroupRecord {
  GroupName: string;
  Description?: string;
  Precedence?: number;
  RoleArn?: string;
  CreationDate: number;
  LastModifiedDate: number;
}

export interface ResourceServerRecord {
  Identifier: string;
  Name: string;
  Scopes: Array<{ ScopeName: string; ScopeDescription: string }>;
}

export interface PoolState {
  pool: UserPoolRecord;
  clients: Record<string, AppClientRecord>;
  users: Record<string, UserRecord>;
  groups: Record<string, GroupRecord>;
  resourceServers: Record<string, ResourceServerRecord>;
}

export interface RefreshTokenRecord {
  userPoolId: string;
  clientId: string;
  username: string;
  /** The `origin_jti` of every token minted from this sign-in. */
  originJti: string;
  authTime: number;
  expiresAt: number;
  revoked: boolean;
}

/** The invitation Cognito would email (captured instead of sent): the message as the person would read it. */
export interface Invitation {
  userPoolId: string;
  username: string;
  email?: string;
  temporaryPassword: string;
  /** From the pool's invitation template, or Cognito's default. */
  subject: string;
  message: string;
  sentAt: string;
}

export interface CognitoState {
  pools: Record<string, PoolState>;
  /** By the refresh token itself (opaque, random). */
  refreshTokens: Record<string, RefreshTokenRecord>;
  /** `origin_jti`s whose access and id tokens Cognito's own APIs no longer accept. */
  revokedOrigins: string[];
  invitations: Invitation[];
}

/**
 * A user pool created at start, with the fields of CreateUserPool (plus a fixed `Id`), its app
 * clients (CreateUserPoolClient fields plus a fixed `ClientId` / `ClientSecret`), resource servers
 * and groups. An existing pool of that id (from the state file) is kept as it is.
 */
export interface UserPoolSeed {
  Id?: string;
  PoolName: string;
  [field: string]: unknown;
  Clients?: Array<{ ClientName: string; ClientId?: string; ClientSecret?: string; [field: string]: unknown }>;
  ResourceServers?: Array<{ Identifier: string; Name: string; Scopes?: Array<{ ScopeName: string; ScopeDescription: string }> }>;
  Groups?: Array<{ GroupName: string; Description?: string; Precedence?: number }>;
}

export interface LocalCognitoOptions {
  port: number;
  host?: string;
  region: string;
  account: string;
  pools?: UserPoolSeed[];
  /** Keeps the state (pools, keys, users, refresh tokens) in this JSON file across restarts. */
  stateFile?: string;
  /** The stand-in's notion of now (token times, temporary-password and session expiry). */
  clock?: () => Date;
  log?: (line: string) => void;
}

export interface LocalCognito {
  /** `http://host:port`: the SDK `endpoint` / `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`. */
  url: string;
  /** The `iss` of the pool's tokens: `{url}/{userPoolId}`. */
  issuer(userPoolId: string): string;
  /** `{issuer}/.well-known/jwks.json`. */
  jwksUri(userPoolId: string): string;
  /** `{url}/oauth2/token` (one token endpoint for every pool; the client id picks the pool). */
  tokenEndpoint: string;
  invitations(): Invitation[];
  close(): Promise<void>;
}
