/**
 * The user pool's OAuth 2.0 token endpoint for machine clients: `POST /oauth2/token` with
 * `grant_type=client_credentials`, the client authenticated by HTTP Basic (or `client_id` /
 * `client_secret` in the form), scopes from the client's allowed resource-server scopes. Errors
 * are 400 `{"error": "invalid_client" | "invalid_scope" | …}` as Cognito answers them.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AuthContext } from './auth-operations.ts';
import { clientCredentialsClaims } from './tokens.ts';
import type { AppClientRecord } from './types.ts';

export type TokenResponse = { status: number; body: Record<string, unknown> };

const oauthError = (error: string, description?: string): TokenResponse => ({ status: 400, body: { error, ...(description ? { error_description: description } : {}) } });

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `Authorization: Basic base64(id:secret)` or the form's `client_id` / `client_secret`. */
function clientCredentials(authorization: string | undefined, form: URLSearchParams): { id: string; secret: string } | undefined {
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  const id = form.get('client_id');
  return id ? { id, secret: form.get('client_secret') ?? '' } : undefined;
}

export async function oauth2Token(ctx: AuthContext, contentType: string | undefined, authorization: string | undefined, text: string): Promise<TokenResponse> {
  if (!(contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return oauthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  const form = new URLSearchParams(text);
  const credentials = clientCredentials(authorization, form);
  if (!credentials) return oauthError('invalid_client');
  let client: AppClientRecord;
  let poolId: string;
  try {
    const found = ctx.pools.client(credentials.id);
    client = found.client;
    poolId = found.ps.pool.Id;
  } catch {
    return oauthError('invalid_client');
  }
  if (!client.ClientSecret || !sameSecret(client.ClientSecret, credentials.secret)) return oauthError('invalid_client');
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials') return oauthError('unsupported_grant_type', 'The local token endpoint issues client_credentials grants only.');
  if (!client.AllowedOAuthFlowsUserPoolClient || !client.AllowedOAuthFlows.includes('client_credentials')) return oauthError('unauthorized_client');
  const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
  if (requested.some((s) => !client.AllowedOAuthScopes.includes(s))) return oauthError('invalid_scope');
  const scopes = requested.length > 0 ? requested : client.AllowedOAuthScopes;
  if (scopes.length === 0) return oauthError('invalid_scope');
  const token = await ctx.signer.sign(ctx.pools.pool(poolId).pool.key, clientCredentialsClaims(client, scopes, ctx.issuer(poolId), Math.floor(ctx.now() / 1000)));
  return { status: 200, body: { access_token: token, expires_in: client.accessTokenSeconds, token_type: 'Bearer' } };
}
