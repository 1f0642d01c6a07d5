// The few Cognito user-pool calls the console makes, as plain `fetch` of the JSON 1.1 protocol the
// AWS SDK speaks (the SDK itself would multiply the bundle). The app client is public (no secret),
// so no request is signed; the endpoint answers browsers' CORS preflights.
import type { CognitoLoginConfig } from '#shared/console-config.ts';

/** A refused call: `code` is Cognito's exception name (`NotAuthorizedException`, …) or `NetworkError`. */
export class CognitoError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface CognitoTokens {
  IdToken: string;
  AccessToken: string;
  /** Only from a password or challenge sign-in; a refresh keeps the one it used. */
  RefreshToken?: string;
  ExpiresIn: number;
}

export type SignInResult = { kind: 'tokens'; tokens: CognitoTokens } | { kind: 'newPasswordRequired'; session: string; username: string };

export function cognitoEndpoint(auth: Pick<CognitoLoginConfig, 'region' | 'endpoint'>): string {
  return auth.endpoint ?? `https://cognito-idp.${auth.region}.amazonaws.com/`;
}

async function call(auth: CognitoLoginConfig, operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(cognitoEndpoint(auth), {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw new CognitoError('NetworkError', err instanceof Error ? err.message : String(err));
  }
  const payload = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    // `__type` may be namespaced (`com.amazonaws…#NotAuthorizedException`).
    const type = String(payload['__type'] ?? 'UnknownError');
    const code = type.slice(type.lastIndexOf('#') + 1);
    throw new CognitoError(code, String(payload['message'] ?? payload['Message'] ?? res.statusText));
  }
  return payload;
}

function resultOf(out: Record<string, unknown>, username: string): SignInResult {
  const tokens = out['AuthenticationResult'] as CognitoTokens | undefined;
  if (tokens?.IdToken && tokens.AccessToken) return { kind: 'tokens', tokens };
  if (out['ChallengeName'] === 'NEW_PASSWORD_REQUIRED' && typeof out['Session'] === 'string') {
    const params = out['ChallengeParameters'] as Record<string, string> | undefined;
    return { kind: 'newPasswordRequired', session: out['Session'], username: params?.['USER_ID_FOR_SRP'] ?? username };
  }
  throw new CognitoError('UnsupportedChallenge', `Cognito asked for ${String(out['ChallengeName'] ?? 'nothing')}`);
}

export async function passwordSignIn(auth: CognitoLoginConfig, email: string, password: string): Promise<SignInResult> {
  const out = await call(auth, 'InitiateAuth', { ClientId: auth.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } });
  return resultOf(out, email);
}

export async function setNewPassword(auth: CognitoLoginConfig, challenge: { session: string; username: string }, newPassword: string): Promise<SignInResult> {
  const out = await call(auth, 'RespondToAuthChallenge', {
    ClientId: auth.clientId,
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: challenge.session,
    ChallengeResponses: { USERNAME: challenge.username, NEW_PASSWORD: newPassword },
  });
  return resultOf(out, challenge.username);
}

export async function refreshTokens(auth: CognitoLoginConfig, refreshToken: string): Promise<CognitoTokens> {
  const out = await call(auth, 'InitiateAuth', { ClientId: auth.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } });
  const result = resultOf(out, '');
  if (result.kind !== 'tokens') throw new CognitoError('UnsupportedChallenge', 'Cognito asked for a challenge on refresh');
  return result.tokens;
}

/** Revokes every refresh token of the user (all their devices), as "log out" should. */
export async function globalSignOut(auth: CognitoLoginConfig, accessToken: string): Promise<void> {
  await call(auth, 'GlobalSignOut', { AccessToken: accessToken });
}
