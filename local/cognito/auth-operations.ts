/**
 * Signing in and out: InitiateAuth (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH), RespondToAuthChallenge
 * (NEW_PASSWORD_REQUIRED), GetUser, GlobalSignOut and RevokeToken, with Cognito's error names and
 * messages. Refresh tokens are opaque; revoking one revokes the `origin_jti` of the tokens minted
 * from it, which Cognito's own APIs (GetUser, GlobalSignOut) then refuse.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import { AwsJsonError } from '../aws-json.ts';
import { attributeList, attributesFromRequest } from './attributes.ts';
import { accessTokenClaims, idTokenClaims, jwks, type SignInSession, type TokenSigner } from './tokens.ts';
import type { AppClientRecord, PoolState, UserRecord } from './types.ts';
import { checkPassword, type UserContext } from './user-operations.ts';
import { opaqueToken, own, param } from './user-pools.ts';

export interface AuthContext extends UserContext {
  signer: TokenSigner;
  issuer(userPoolId: string): string;
  /** NEW_PASSWORD_REQUIRED sessions (in memory only, as they live minutes). */
  sessions: Map<string, ChallengeSession>;
}

export interface ChallengeSession {
  userPoolId: string;
  clientId: string;
  username: string;
  expiresAt: number;
  used: boolean;
}

const notAuthorized = (message: string) => new AwsJsonError('NotAuthorizedException', message);
const invalid = (message: string) => new AwsJsonError('InvalidParameterException', message);

/** `SECRET_HASH` = Base64(HMAC-SHA256(client secret, username + client id)), for clients with a secret. */
export function secretHash(clientSecret: string, username: string, clientId: string): string {
  return createHmac('sha256', clientSecret).update(username + clientId).digest('base64');
}

function checkSecretHash(client: AppClientRecord, usernames: string[], given: string | undefined): void {
  const secret = client.ClientSecret;
  if (!secret) return;
  if (given === undefined) throw notAuthorized(`Client ${client.ClientId} is configured with secret but SECRET_HASH was not received`);
  const ok = usernames.some((u) => {
    const expected = Buffer.from(secretHash(secret, u, client.ClientId));
    const actual = Buffer.from(given);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  });
  if (!ok) throw notAuthorized(`Unable to verify secret hash for client ${client.ClientId}`);
}

function authParameters(body: Record<string, unknown>, member: string): Record<string, string> {
  const value = body[member];
  return typeof value === 'object' && value !== null ? (value as Record<string, string>) : {};
}

function requiredParameter(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (typeof value !== 'string' || value === '') throw invalid(`Missing required parameter ${name}`);
  return value;
}

async function mintTokens(ctx: AuthContext, ps: PoolState, client: AppClientRecord, user: UserRecord, session: SignInSession): Promise<{ AccessToken: string; IdToken: string; ExpiresIn: number; TokenType: 'Bearer' }> {
  const issuer = ctx.issuer(ps.pool.Id);
  const now = Math.floor(ctx.now() / 1000);
  const [AccessToken, IdToken] = await Promise.all([
    ctx.signer.sign(ps.pool.key, accessTokenClaims(ps, client, user, session, issuer, now)),
    ctx.signer.sign(ps.pool.key, idTokenClaims(ps, client, user, session, issuer, now)),
  ]);
  return { AccessToken, IdToken, ExpiresIn: client.accessTokenSeconds, TokenType: 'Bearer' };
}

/** A fresh sign-in: id and access tokens plus a new refresh token sharing one `origin_jti`. */
async function signIn(ctx: AuthContext, ps: PoolState, client: AppClientRecord, user: UserRecord): Promise<Record<string, unknown>> {
  const now = ctx.now();
  const session: SignInSession = { originJti: randomUUID(), eventId: randomUUID(), authTime: Math.floor(now / 1000) };
  const refreshToken = opaqueToken();
  ctx.pools.state.refreshTokens[refreshToken] = {
    userPoolId: ps.pool.Id,
    clientId: client.ClientId,
    username: user.Username,
    originJti: session.originJti,
    authTime: session.authTime,
    expiresAt: now + client.refreshTokenSeconds * 1000,
    revoked: false,
  };
  return { ChallengeParameters: {}, AuthenticationResult: { ...(await mintTokens(ctx, ps, client, user, session)), RefreshToken: refreshToken } };
}

export async function initiateAuth(ctx: AuthContext, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { ps, client } = ctx.pools.client(param(body, 'ClientId'));
  const flow = param(body, 'AuthFlow');
  const params = authParameters(body, 'AuthParameters');
  if (flow === 'USER_PASSWORD_AUTH') return userPasswordAuth(ctx, ps, client, params);
  if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') return refreshTokenAuth(ctx, ps, client, params);
  throw invalid(`The local Cognito supports the USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH flows, not ${flow}.`);
}

async function userPasswordAuth(ctx: AuthContext, ps: PoolState, client: AppClientRecord, params: Record<string, string>): Promise<Record<string, unknown>> {
  if (!client.ExplicitAuthFlows.some((f) => f === 'ALLOW_USER_PASSWORD_AUTH' || f === 'USER_PASSWORD_AUTH')) throw invalid('USER_PASSWORD_AUTH flow not enabled for this client');
  const username = requiredParameter(params, 'USERNAME');
  const password = requiredParameter(params, 'PASSWORD');
  checkSecretHash(client, [username], params['SECRET_HASH']);
  const user = ctx.pools.findUser(ps, username);
  if (!user) {
    throw client.PreventUserExistenceErrors === 'ENABLED' ? notAuthorized('Incorrect username or password.') : new AwsJsonError('UserNotFoundException', 'User does not exist.');
  }
  if (user.Password !== password) throw notAuthorized('Incorrect username or password.');
  if (!user.Enabled) throw notAuthorized('User is disabled.');
  if (user.UserStatus === 'RESET_REQUIRED') throw new AwsJsonError('PasswordResetRequiredException', 'Password reset required for the user');
  if (user.UserStatus === 'FORCE_CHANGE_PASSWORD') {
    if ((user.temporaryPasswordExpires ?? Infinity) < ctx.now()) throw notAuthorized('Temporary password has expired and must be reset by an administrator.');
    const session = opaqueToken();
    ctx.sessions.set(session, { userPoolId: ps.pool.Id, clientId: client.ClientId, username: user.Username, expiresAt: ctx.now() + client.AuthSessionValidity * 60_000, used: false });
    const { sub: _sub, ...shown } = user.Attributes;
    return {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: session,
      ChallengeParameters: { USER_ID_FOR_SRP: user.Username, requiredAttributes: '[]', userAttributes: JSON.stringify(shown) },
    };
  }
  return signIn(ctx, ps, client, user);
}

async function refreshTokenAuth(ctx: AuthContext, ps: PoolState, client: AppClientRecord, params: Record<string, string>): Promise<Record<string, unknown>> {
  const token = requiredParameter(params, 'REFRESH_TOKEN');
  const record = own(ctx.pools.state.refreshTokens, token);
  if (!record || record.clientId !== client.ClientId) throw notAuthorized('Invalid Refresh Token');
  const user = ctx.pools.findUser(ps, record.username);
  checkSecretHash(client, user ? [user.Username, ...(user.Attributes['email'] ? [user.Attributes['email']] : [])] : [record.username], params['SECRET_HASH']);
  if (!user) throw notAuthorized('User does not exist.');
  if (!user.Enabled) throw notAuthorized('User is disabled.');
  if (record.revoked) throw notAuthorized('Refresh Token has been revoked');
  if (record.expiresAt < ctx.now()) throw notAuthorized('Refresh Token has expired');
  const session: SignInSession = { originJti: record.originJti, eventId: randomUUID(), authTime: record.authTime };
  return { ChallengeParameters: {}, AuthenticationResult: await mintTokens(ctx, ps, client, user, session) };
}

export async function respondToAuthChallenge(ctx: AuthContext, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { ps, client } = ctx.pools.client(param(body, 'ClientId'));
  const challenge = param(body, 'ChallengeName');
  if (challenge !== 'NEW_PASSWORD_REQUIRED') throw invalid(`The local Cognito answers the NEW_PASSWORD_REQUIRED challenge only, not ${challenge}.`);
  const responses = authParameters(body, 'ChallengeResponses');
  const session = ctx.sessions.get(param(body, 'Session'));
  if (!session || session.clientId !== client.ClientId || session.expiresAt < ctx.now()) throw notAuthorized('Invalid session for the user, session is expired.');
  if (session.used) throw notAuthorized('Invalid session for the user, session can only be used once.');
  const username = requiredParameter(responses, 'USERNAME');
  const newPassword = requiredParameter(responses, 'NEW_PASSWORD');
  const user = ctx.pools.findUser(ps, username);
  if (!user || user.Username !== session.username) throw notAuthorized('Invalid session for the user.');
  checkSecretHash(client, [username], responses['SECRET_HASH']);
  if (!user.Enabled) throw notAuthorized('User is disabled.');
  checkPassword(ps, newPassword, 'challengeResponses.NEW_PASSWORD');
  const extra = Object.entries(responses)
    .filter(([k]) => k.startsWith('userAttributes.'))
    .map(([k, v]) => ({ Name: k.slice('userAttributes.'.length), Value: v }));
  Object.assign(user.Attributes, attributesFromRequest(extra, ps.pool.CustomAttributes, { updating: true }));
  session.used = true;
  user.Password = newPassword;
  user.UserStatus = 'CONFIRMED';
  delete user.temporaryPasswordExpires;
  user.UserLastModifiedDate = ctx.now();
  return signIn(ctx, ps, client, user);
}

/** The user behind a valid, unrevoked access token of this stand-in, as Cognito's own APIs check it. */
async function accessTokenUser(ctx: AuthContext, token: string): Promise<{ ps: PoolState; user: UserRecord; claims: Record<string, unknown> }> {
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    throw notAuthorized('Invalid Access Token');
  }
  const poolId = typeof iss === 'string' ? iss.slice(iss.lastIndexOf('/') + 1) : '';
  const ps = own(ctx.pools.state.pools, poolId);
  if (!ps || iss !== ctx.issuer(poolId)) throw notAuthorized('Invalid Access Token');
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, createLocalJWKSet(jwks(ps.pool.key)), { issuer: ctx.issuer(poolId), currentDate: new Date(ctx.now()), algorithms: ['RS256'] }));
  } catch (err) {
    throw notAuthorized(err instanceof joseErrors.JWTExpired ? 'Access Token has expired' : 'Invalid Access Token');
  }
  if (claims['token_use'] !== 'access' || typeof claims['username'] !== 'string') throw notAuthorized('Invalid Access Token');
  if (typeof claims['origin_jti'] === 'string' && ctx.pools.isRevoked(claims['origin_jti'])) throw notAuthorized('Access Token has been revoked');
  const user = ctx.pools.findUser(ps, claims['username']);
  if (!user) throw new AwsJsonError('UserNotFoundException', 'User does not exist.');
  if (!user.Enabled) throw notAuthorized('User is disabled.');
  return { ps, user, claims };
}

export async function getUser(ctx: AuthContext, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { user } = await accessTokenUser(ctx, param(body, 'AccessToken'));
  return { Username: user.Username, UserAttributes: attributeList(user.Attributes) };
}

export async function globalSignOut(ctx: AuthContext, body: Record<string, unknown>): Promise<Record<string, never>> {
  const { ps, user } = await accessTokenUser(ctx, param(body, 'AccessToken'));
  ctx.pools.signOutEverywhere(ps.pool.Id, user.Username);
  return {};
}

export function revokeToken(ctx: AuthContext, body: Record<string, unknown>): Record<string, never> {
  const token = param(body, 'Token');
  const { client } = ctx.pools.client(param(body, 'ClientId'));
  if (client.ClientSecret && body['ClientSecret'] !== client.ClientSecret) throw new AwsJsonError('UnauthorizedException', 'Invalid client secret.');
  if (!client.EnableTokenRevocation) throw new AwsJsonError('UnsupportedOperationException', 'Token revocation is not enabled for this app client.');
  if (token.split('.').length === 3) throw new AwsJsonError('UnsupportedTokenTypeException', 'Only refresh tokens can be revoked.');
  const record = own(ctx.pools.state.refreshTokens, token);
  if (!record) return {}; // RFC 7009: an unknown token is no error
  if (record.clientId !== client.ClientId) throw new AwsJsonError('UnauthorizedException', 'The token was not issued to this client.');
  ctx.pools.revoke(record);
  return {};
}
