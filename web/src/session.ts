// Who is logged in, through the tenant's Cognito user pool, and the language a person picked.
//
// Where the tokens live: the id and access tokens (an hour) only in memory; the refresh token in
// localStorage, so a reload or a second tab logs back in with one REFRESH_TOKEN_AUTH call instead of
// the password. sessionStorage would protect nothing more (a script in the page reads either) and
// would lose the login on every new tab. What bounds a stolen refresh token is the server: "Log out"
// revokes it (GlobalSignOut), deactivating an employee revokes it and disables the user, and the
// app client lets it live 30 days at most (lib/features/identity.ts).
import type { CognitoLoginConfig, ConsoleConfig } from '#shared/console-config.ts';
import type { AccessLevel } from '#shared/domain/directory.ts';
import { roleOfGroups } from '#shared/domain/principal.ts';
import { CognitoError, type CognitoTokens, globalSignOut, passwordSignIn, refreshTokens, setNewPassword } from './api/cognito.ts';
import { isLocale, type ConsoleLocale } from './i18n.ts';

const REFRESH_KEY = 'ringdesk.refreshToken';
const LOCALE_KEY = 'ringdesk.locale';
/** Tokens are renewed this long before they expire, so no request goes out with an expired one. */
const REFRESH_AHEAD_MS = 5 * 60_000;

/** The logged-in person, from their id token's claims (the API reads the same claims). */
export interface ConsoleUser {
  employeeId: string;
  name: string;
  email: string;
  role: AccessLevel;
}

/** Why a session ended without the person logging out: the login page says so. */
export type SessionEnd = 'disabled' | 'expired' | 'unreachable';

export type SessionState = { kind: 'resuming' } | { kind: 'signedOut'; ended?: SessionEnd } | { kind: 'signedIn'; user: ConsoleUser };

export type PasswordChallenge = { session: string; username: string };

function claimsOf(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

function userOf(idToken: string): ConsoleUser {
  const claims = claimsOf(idToken);
  const employeeId = claims['custom:employeeId'];
  const role = roleOfGroups(claims['cognito:groups']);
  const email = typeof claims['email'] === 'string' ? claims['email'] : '';
  // A user of the pool without an employee id or an access group: the API would refuse every call.
  if (typeof employeeId !== 'string' || employeeId === '' || !role) throw new CognitoError('NotAnEmployee', 'the user is not an employee of this tenant');
  return { employeeId, role, email, name: typeof claims['name'] === 'string' && claims['name'] ? claims['name'] : email };
}

export class Session {
  state: SessionState;
  private tokens: { idToken: string; accessToken: string } | null = null;
  /** This tab's own: another tab's later login (another person, perhaps) replaces the stored one, not this. */
  private refreshToken: string | null;
  private refreshing: Promise<boolean> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<(s: SessionState) => void>();

  constructor(private readonly auth: CognitoLoginConfig) {
    this.refreshToken = localStorage.getItem(REFRESH_KEY);
    this.state = this.refreshToken ? { kind: 'resuming' } : { kind: 'signedOut' };
  }

  /** The bearer token of the API and the WebSocket; empty when signed out. */
  get idToken(): string {
    return this.tokens?.idToken ?? '';
  }

  onChange(listener: (s: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** At start: a stored refresh token logs the person back in. */
  async resume(): Promise<void> {
    if (this.state.kind === 'resuming') await this.refresh();
  }

  /** Throws a CognitoError a person can be shown (wrong password, disabled, …). */
  async signIn(email: string, password: string): Promise<PasswordChallenge | null> {
    const result = await passwordSignIn(this.auth, email.trim(), password);
    if (result.kind === 'newPasswordRequired') return { session: result.session, username: result.username };
    this.accept(result.tokens);
    return null;
  }

  /** First login with a temporary password: sets the person's own and logs in. */
  async setNewPassword(challenge: PasswordChallenge, newPassword: string): Promise<void> {
    const result = await setNewPassword(this.auth, challenge, newPassword);
    if (result.kind !== 'tokens') throw new CognitoError('UnsupportedChallenge', 'Cognito asked for another challenge');
    this.accept(result.tokens);
  }

  /**
   * New id and access tokens from the refresh token (before they expire, and when the API answers
   * 401). Concurrent callers share one request. False when the session has ended (the person is
   * sent to the login page) or Cognito cannot be reached.
   */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** GlobalSignOut (all the person's devices), then the login page. Signed out locally even when Cognito cannot be reached. */
  async signOut(): Promise<void> {
    const accessToken = this.tokens?.accessToken;
    this.end();
    if (accessToken) await globalSignOut(this.auth, accessToken).catch(() => undefined);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private async doRefresh(): Promise<boolean> {
    const refreshToken = this.refreshToken;
    if (!refreshToken) {
      this.end('expired');
      return false;
    }
    try {
      this.accept(await refreshTokens(this.auth, refreshToken));
      return true;
    } catch (err) {
      const code = err instanceof CognitoError ? err.code : '';
      if (code === 'NetworkError' || code === 'TooManyRequestsException' || code === 'InternalErrorException') {
        // Not the session's fault: keep it and try again shortly (signed in) or show the login page (at start).
        if (this.state.kind === 'resuming') this.end('unreachable', { keepRefreshToken: true });
        else this.schedule(30_000);
        return false;
      }
      this.end(err instanceof CognitoError && /disabled/i.test(err.message) ? 'disabled' : 'expired');
      return false;
    }
  }

  private accept(tokens: CognitoTokens): void {
    const user = userOf(tokens.IdToken);
    this.tokens = { idToken: tokens.IdToken, accessToken: tokens.AccessToken };
    if (tokens.RefreshToken) {
      this.refreshToken = tokens.RefreshToken;
      localStorage.setItem(REFRESH_KEY, tokens.RefreshToken);
    }
    // Lifetimes are relative (ExpiresIn, exp − iat), so a wrong clock on the PC does not matter.
    const claims = claimsOf(tokens.IdToken);
    const idLifetime = typeof claims['exp'] === 'number' && typeof claims['iat'] === 'number' ? claims['exp'] - claims['iat'] : tokens.ExpiresIn;
    this.schedule(Math.max(10_000, Math.min(tokens.ExpiresIn, idLifetime) * 1000 - REFRESH_AHEAD_MS));
    this.setState({ kind: 'signedIn', user });
  }

  private schedule(inMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), inMs);
  }

  private end(ended?: SessionEnd, opts: { keepRefreshToken?: boolean } = {}): void {
    clearTimeout(this.timer);
    this.tokens = null;
    if (!opts.keepRefreshToken) {
      if (localStorage.getItem(REFRESH_KEY) === this.refreshToken) localStorage.removeItem(REFRESH_KEY);
      this.refreshToken = null;
    }
    this.setState(ended ? { kind: 'signedOut', ended } : { kind: 'signedOut' });
  }

  private setState(state: SessionState): void {
    this.state = state;
    for (const l of this.listeners) l(state);
  }
}

/** The person's choice, else the tenant's language. */
export function storedLocale(config: ConsoleConfig): ConsoleLocale {
  const chosen = localStorage.getItem(LOCALE_KEY);
  return isLocale(chosen) ? chosen : isLocale(config.locale) ? config.locale : 'en';
}

export function storeLocale(locale: ConsoleLocale): void {
  localStorage.setItem(LOCALE_KEY, locale);
}
