// The console's `config.json`: what the static web app (web/) needs to know about its tenant stack.
// Generated beside the build — by `npm start` locally, by the stack on AWS — never baked into it.
// It is public: it names the user pool and its public app client, never a token or password of AWS.
import type { AccessLevel } from './domain/directory.ts';
import type { Locale } from './domain/ticket.ts';

/** A seeded login of the local demo tenant, shown on the login page as a hint that fills the form (local only). */
export interface DemoLogin {
  email: string;
  password: string;
  name: string;
  role: AccessLevel;
}

/** Where people log in: the tenant's Cognito user pool and the console's app client (no secret; USER_PASSWORD_AUTH). */
export interface CognitoLoginConfig {
  mode: 'cognito';
  region: string;
  userPoolId: string;
  clientId: string;
  /** Only for the local stand-in; absent on AWS, where it is `https://cognito-idp.{region}.amazonaws.com/`. */
  endpoint?: string;
  /** Local only: the demo tenant's logins, shown as hints. */
  demoLogins?: DemoLogin[];
}

export interface ConsoleConfig {
  /** HTTP API base URL, no trailing slash. */
  apiUrl: string;
  /** WebSocket URL; the console appends `?token=`. */
  wsUrl: string;
  tenant: string;
  /** The tenant's language: the console's default until a person picks another. */
  locale: Locale;
  auth: CognitoLoginConfig;
}
