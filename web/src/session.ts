// What the browser remembers between visits: who is logged in (a demo login's employee id) and the
// language a person picked. Tokens stay in config.json; nothing secret is stored here.
import type { ConsoleConfig, DemoLogin } from '#shared/console-config.ts';
import { isLocale, type ConsoleLocale } from './i18n.ts';

const LOGIN_KEY = 'ringdesk.login';
const LOCALE_KEY = 'ringdesk.locale';

export function storedLogin(config: ConsoleConfig): DemoLogin | null {
  const id = localStorage.getItem(LOGIN_KEY);
  return config.auth.logins.find((l) => l.employeeId === id) ?? null;
}

export function storeLogin(login: DemoLogin | null): void {
  if (login) localStorage.setItem(LOGIN_KEY, login.employeeId);
  else localStorage.removeItem(LOGIN_KEY);
}

/** The person's choice, else the tenant's language. */
export function storedLocale(config: ConsoleConfig): ConsoleLocale {
  const chosen = localStorage.getItem(LOCALE_KEY);
  return isLocale(chosen) ? chosen : isLocale(config.locale) ? config.locale : 'en';
}

export function storeLocale(locale: ConsoleLocale): void {
  localStorage.setItem(LOCALE_KEY, locale);
}
