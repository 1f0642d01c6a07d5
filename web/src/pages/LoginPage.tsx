// Email and password against the tenant's Cognito user pool; a first login with the invitation's
// temporary password then asks for the person's own (NEW_PASSWORD_REQUIRED). Locally the seeded
// demo logins are listed as hints that fill the form.
import type { ConsoleConfig } from '#shared/console-config.ts';
import { useRef, useState } from 'preact/hooks';
import { CognitoError } from '../api/cognito.ts';
import type { MessageKey } from '../i18n.ts';
import type { PasswordChallenge, Session, SessionEnd } from '../session.ts';
import { LanguageSwitch } from '../ui/Header.tsx';
import { useI18n } from '../ui/i18n-context.ts';
import { passwordPolicy } from '#shared/domain/password-policy.ts';

/** The pool's policy, stated on the page ({min} in the messages). */
const policy = { min: passwordPolicy.minLength };

/** Cognito's refusals in words a person understands (its own messages are English-only and terse). */
function errorKey(err: unknown): MessageKey {
  if (!(err instanceof CognitoError)) return 'login.error.other';
  switch (err.code) {
    case 'NotAuthorizedException':
      if (/disabled/i.test(err.message)) return 'login.error.disabled';
      if (/temporary password has expired/i.test(err.message)) return 'login.error.temporaryExpired';
      if (/session/i.test(err.message)) return 'login.error.challengeExpired';
      return 'login.error.credentials';
    case 'UserNotFoundException':
      return 'login.error.credentials';
    case 'PasswordResetRequiredException':
      return 'login.error.resetRequired';
    case 'InvalidPasswordException':
      return 'login.error.policy';
    case 'TooManyRequestsException':
    case 'TooManyFailedAttemptsException':
    case 'LimitExceededException':
      return 'login.error.tooMany';
    case 'NetworkError':
      return 'login.error.network';
    case 'NotAnEmployee':
      return 'login.error.notEmployee';
    default:
      return 'login.error.other';
  }
}

const ENDED: Record<SessionEnd, MessageKey> = { disabled: 'login.ended.disabled', expired: 'login.ended.expired', unreachable: 'login.error.network' };

/** Asked on a click, as browsers want: pop-ups reach the agent when the tab is in the background. */
function askNotifications(): void {
  if ('Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
}

export function LoginPage({ config, session, ended }: { config: ConsoleConfig; session: Session; ended?: SessionEnd | undefined }) {
  const { t } = useI18n();
  const [challenge, setChallenge] = useState<PasswordChallenge | null>(null);
  const [notice, setNotice] = useState<MessageKey | null>(ended ? ENDED[ended] : null);
  return (
    <main id="main" class="login">
      <div class="login-card">
        <div class="login-top">
          <span class="brand">ringdesk</span>
          <LanguageSwitch />
        </div>
        {notice ? (
          <p class="login-notice" role="status">
            {t(notice)}
          </p>
        ) : null}
        {challenge ? (
          <NewPasswordForm
            session={session}
            challenge={challenge}
            onRestart={(why) => {
              setChallenge(null);
              setNotice(why);
            }}
          />
        ) : (
          <PasswordForm
            config={config}
            session={session}
            onChallenge={(c) => {
              setNotice(null);
              setChallenge(c);
            }}
          />
        )}
      </div>
    </main>
  );
}

function PasswordForm({ config, session, onChallenge }: { config: ConsoleConfig; session: Session; onChallenge(c: PasswordChallenge): void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<MessageKey | null>(null);
  const submit = useRef<HTMLButtonElement>(null);
  const demoLogins = config.auth.demoLogins ?? [];

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    askNotifications();
    setBusy(true);
    setError(null);
    try {
      const next = await session.signIn(email, password);
      // Signed in: the app replaces this page. A challenge: the next step asks for a new password.
      if (next) onChallenge(next);
    } catch (err) {
      setError(errorKey(err));
      setBusy(false);
    }
  };

  return (
    <>
      <h1>{t('login.title')}</h1>
      <form class="login-form" onSubmit={onSubmit}>
        <label>
          {t('login.email')}
          <input type="email" name="username" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          {t('login.password')}
          <input type="password" name="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error ? (
          <p class="error" role="alert">
            {t(error, policy)}
          </p>
        ) : null}
        <button type="submit" ref={submit} disabled={busy}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
      {demoLogins.length > 0 ? (
        <section class="demo-logins" aria-labelledby="demo-logins">
          <h2 id="demo-logins">{t('login.demoTitle')}</h2>
          <p class="muted">{t('login.demoNote')}</p>
          <ul class="logins">
            {demoLogins.map((l) => (
              <li key={l.email}>
                <button
                  type="button"
                  class="login-choice"
                  aria-label={t('login.fillAs', { name: l.name })}
                  onClick={() => {
                    setEmail(l.email);
                    setPassword(l.password);
                    setError(null);
                    submit.current?.focus();
                  }}
                >
                  <span class="login-name">{l.name}</span>
                  <span class="muted">
                    {t(`role.${l.role}`)} · {l.email}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

function NewPasswordForm({ session, challenge, onRestart }: { session: Session; challenge: PasswordChallenge; onRestart(why: MessageKey): void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<MessageKey | null>(null);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (password !== repeat) {
      setError('login.error.mismatch');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await session.setNewPassword(challenge, password);
    } catch (err) {
      const key = errorKey(err);
      // The challenge lives minutes and answers once: an expired one needs the temporary password again.
      if (key === 'login.error.challengeExpired') onRestart(key);
      else {
        setError(key);
        setBusy(false);
      }
    }
  };

  return (
    <>
      <h1>{t('login.newPasswordTitle')}</h1>
      <p class="muted">{t('login.newPasswordNote')}</p>
      <form class="login-form" onSubmit={onSubmit}>
        <input type="hidden" name="username" autoComplete="username" value={challenge.username} />
        <label>
          {t('login.newPassword')}
          <input type="password" autoComplete="new-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <label>
          {t('login.repeatPassword')}
          <input type="password" autoComplete="new-password" required value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} />
        </label>
        <p class="muted small">{t('login.policy', policy)}</p>
        {error ? (
          <p class="error" role="alert">
            {t(error, policy)}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? t('login.submitting') : t('login.setPassword')}
        </button>
      </form>
    </>
  );
}
