// Who is logged in, where they can go, the language, the live connection, and the way out.
import type { LiveState } from '../api/live.ts';
import type { ConsoleUser } from '../session.ts';
import { localeNames, locales, type ConsoleLocale } from '../i18n.ts';
import { allowed, matchPage, pages } from '../pages.ts';
import { useI18n } from './i18n-context.ts';
import { Link } from './router.tsx';

export function Header(props: { login: ConsoleUser; path: string; live: LiveState; onLogout(): void }) {
  const { t } = useI18n();
  const current = matchPage(props.path)?.page.id;
  const nav = pages.flatMap((p) => (p.nav && allowed(p, props.login.role) ? [{ ...p, nav: p.nav }] : []));
  return (
    <header class="topbar">
      <div class="brand">ringdesk</div>
      <nav aria-label={t('header.nav')} class="nav">
        {nav.map((p) => (
          <Link key={p.id} href={p.path} aria-current={current === p.id || (p.id === 'tickets' && current === 'ticket') ? 'page' : undefined}>
            {t(p.nav)}
          </Link>
        ))}
      </nav>
      <div class="session">
        <span class={`live live-${props.live}`} role="status">
          {t(`live.${props.live}`)}
        </span>
        <LanguageSwitch />
        <span class="who" title={t('header.user', { name: props.login.name })}>
          {props.login.name}
          <span class="role">{t(`role.${props.login.role}`)}</span>
        </span>
      </div>
      <button type="button" class="secondary logout" onClick={props.onLogout}>
        {t('header.logout')}
      </button>
    </header>
  );
}

export function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    <label class="language">
      <span class="visually-hidden">{t('header.language')}</span>
      <select value={locale} onChange={(e) => setLocale(e.currentTarget.value as ConsoleLocale)}>
        {locales.map((l) => (
          <option key={l} value={l} lang={l}>
            {localeNames[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
