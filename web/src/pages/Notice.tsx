// Pages that only say something: not allowed for this access level, not found.
import { useI18n } from '../ui/i18n-context.ts';
import { Link } from '../ui/router.tsx';

export function NotAllowed() {
  const { t } = useI18n();
  return (
    <section class="notice" aria-labelledby="notice-title">
      <h1 id="notice-title">{t('notAllowed.title')}</h1>
      <p>{t('notAllowed.body')}</p>
      <Link href="/tickets">{t('notFound.back')}</Link>
    </section>
  );
}

export function NotFound() {
  const { t } = useI18n();
  return (
    <section class="notice" aria-labelledby="notice-title">
      <h1 id="notice-title">{t('notFound.title')}</h1>
      <Link href="/tickets">{t('notFound.back')}</Link>
    </section>
  );
}

export function LoadError({ error, retry }: { error: Error; retry(): void }) {
  const { t } = useI18n();
  return (
    <div class="error" role="alert">
      <p>{t('error.generic', { message: error.message })}</p>
      <button type="button" class="secondary" onClick={retry}>
        {t('error.retry')}
      </button>
    </div>
  );
}
