/**
 * The pool's RS256 signing key, its JWKS, and the id and access tokens Cognito mints, with Cognito's
 * claims (`cognito:username`, `cognito:groups`, `custom:*`, `token_use`, `origin_jti`, …).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { AppClientRecord, GroupRecord, PoolState, SigningKey, UserRecord } from './types.ts';

export const USER_SCOPE = 'aws.cognito.signin.user.admin';

export async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const kid = randomBytes(32).toString('base64');
  const publicJwk = await exportJWK(publicKey);
  return { kid, privateJwk: await exportJWK(privateKey), publicJwk: { kty: 'RSA', n: publicJwk.n, e: publicJwk.e, kid, alg: 'RS256', use: 'sig' } };
}

/** `GET /{poolId}/.well-known/jwks.json`: the pool's one public key. */
export function jwks(key: SigningKey): { keys: JWK[] } {
  return { keys: [key.publicJwk] };
}

export class TokenSigner {
  private readonly keys = new Map<string, ReturnType<typeof importJWK>>();

  async sign(key: SigningKey, claims: Record<string, unknown>): Promise<string> {
    let imported = this.keys.get(key.kid);
    if (!imported) {
      imported = importJWK(key.privateJwk, 'RS256');
      this.keys.set(key.kid, imported);
    }
    return new SignJWT(claims).setProtectedHeader({ kid: key.kid, alg: 'RS256' }).sign(await imported);
  }
}

/** One sign-in's tokens share `origin_jti`, `event_id` and `auth_time` (seconds). */
export interface SignInSession {
  originJti: string;
  eventId: string;
  authTime: number;
}

/** Group names for `cognito:groups`: by precedence (lowest first, unset last), then name. */
export function groupClaim(user: UserRecord, groups: Record<string, GroupRecord>): string[] {
  const precedence = (g: string) => groups[g]?.Precedence ?? Number.MAX_SAFE_INTEGER;
  return user.groups.filter((g) => groups[g]).sort((a, b) => precedence(a) - precedence(b) || a.localeCompare(b));
}

const BOOLEAN_ATTRIBUTES = new Set(['email_verified', 'phone_number_verified']);

export function idTokenClaims(state: PoolState, client: AppClientRecord, user: UserRecord, session: SignInSession, issuer: string, nowSeconds: number): Record<string, unknown> {
  const attributes = Object.fromEntries(
    Object.entries(user.Attributes).map(([name, value]) => [name, BOOLEAN_ATTRIBUTES.has(name) ? value === 'true' : name === 'updated_at' ? Number(value) : value]),
  );
  const groups = groupClaim(user, state.groups);
  return {
    ...attributes,
    sub: user.Attributes['sub'],
    ...(groups.length > 0 ? { 'cognito:groups': groups } : {}),
    iss: issuer,
    'cognito:username': user.Username,
    origin_jti: session.originJti,
    aud: client.ClientId,
    event_id: session.eventId,
    token_use: 'id',
    auth_time: session.authTime,
    exp: nowSeconds + client.idTokenSeconds,
    iat: nowSeconds,
    jti: randomUUID(),
  };
}

export function accessTokenClaims(state: PoolState, client: AppClientRecord, user: UserRecord, session: SignInSession, issuer: string, nowSeconds: number): Record<string, unknown> {
  const groups = groupClaim(user, state.groups);
  return {
    sub: user.Attributes['sub'],
    ...(groups.length > 0 ? { 'cognito:groups': groups } : {}),
    iss: issuer,
    client_id: client.ClientId,
    origin_jti: session.originJti,
    event_id: session.eventId,
    token_use: 'access',
    scope: USER_SCOPE,
    auth_time: session.authTime,
    exp: nowSeconds + client.accessTokenSeconds,
    iat: nowSeconds,
    jti: randomUUID(),
    username: user.Username,
  };
}

/** The machine token of `/oauth2/token` (client credentials): the client is the subject, no groups. */
export function clientCredentialsClaims(client: AppClientRecord, scopes: string[], issuer: string, nowSeconds: number): Record<string, unknown> {
  return {
    sub: client.ClientId,
    token_use: 'access',
    scope: scopes.join(' '),
    auth_time: nowSeconds,
    iss: issuer,
    exp: nowSeconds + client.accessTokenSeconds,
    iat: nowSeconds,
    version: 2,
    jti: randomUUID(),
    client_id: client.ClientId,
  };
}
