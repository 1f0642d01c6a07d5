// Demo mode: one button per demo employee and the admin (local stack only, until Cognito).
import type { ConsoleConfig, DemoLogin } from '#shared/console-config.ts';
import { LanguageSwitch } from '../ui/Header.tsx';
import { useI18n } from '../ui/i18n-context.ts';

export function LoginPage({ config, onLogin }: { config: ConsoleConfig; onLogin(login: DemoLogin): void }) {
  const { t } = useI18n();
  return (
    <main id="main" class="login">
      <div class="login-card">
        <div class="login-top">
          <span class="brand">ringdesk</span>
          <LanguageSwitch />
        </div>
        <h1>{t('login.title')}</h1>
        <p class="muted">{t('login.demoNote')}</p>
        <ul class="logins">
          {config.auth.logins.map((l) => (
            <li key={l.employeeId}>
              <button type="button" class="login-choice" aria-label={t('login.as', { name: l.name })} onClick={() => onLogin(l)}>
                <span class="login-name">{l.name}</span>
                <span class="muted">
                  {t(`role.${l.role}`)}
                  {l.extension ? ` · ${t('login.extension', { extension: l.extension })}` : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </main>
  );
}
