// The small pieces every form repeats: the error line under it (announced) and its cancel button.
import { useI18n } from './i18n-context.ts';

/** Nothing while there is no error; `inline` for a form that is a row of buttons. */
export function FormError({ error, inline = false }: { error: string | null; inline?: boolean }) {
  if (!error) return null;
  const Tag = inline ? 'span' : 'p';
  return (
    <Tag class="error" role="alert">
      {error}
    </Tag>
  );
}

export function CancelButton({ onClick }: { onClick(): void }) {
  const { t } = useI18n();
  return (
    <button type="button" class="secondary" onClick={onClick}>
      {t('form.cancel')}
    </button>
  );
}
