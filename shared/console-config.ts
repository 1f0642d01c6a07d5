// The console's `config.json`: what the static web app (web/) needs to know about its tenant stack.
// Generated beside the build — by `npm start` locally, by the stack on AWS — never baked into it.
import type { AccessLevel } from './domain/directory.ts';
import type { Locale } from './domain/ticket.ts';

/** A one-click login of the local demo tenant (local only, until people log in through Cognito). */
export interface DemoLogin {
  employeeId: string;
  name: string;
  role: AccessLevel;
  /** Extension of an employee; null for the admin login. */
  extension: string | null;
  token: string;
}

export interface ConsoleConfig {
  /** HTTP API base URL, no trailing slash. */
  apiUrl: string;
  /** WebSocket URL; the console appends `?token=`. */
  wsUrl: string;
  tenant: string;
  /** The tenant's language: the console's default until a person picks another. */
  locale: Locale;
  auth: { mode: 'demo'; logins: DemoLogin[] };
}
