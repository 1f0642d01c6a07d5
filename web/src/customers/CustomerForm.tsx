// A customer's editable fields (E2): a new customer, or changes to one (only what changed is sent).
import { useState } from 'preact/hooks';
import type { Customer } from '../api/types.ts';
import { useConsole } from '../ui/console-context.ts';
import { useI18n } from '../ui/i18n-context.ts';
import { CancelButton, FormError } from '../ui/FormError.tsx';

type Draft = { fullName: string; email: string; company: string; phones: string; note: string };

const draftOf = (c: Customer | null): Draft => ({
  fullName: c?.fullName ?? '',
  email: c?.email ?? '',
  company: c?.company ?? '',
  phones: (c?.phones ?? []).join(', '),
  note: c?.note ?? '',
});

export function CustomerForm({ customer, onSaved, onCancel }: { customer: Customer | null; onSaved(c: Customer): void; onCancel(): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const [draft, setDraft] = useState<Draft>(() => draftOf(customer));
  const [error, setError] = useState<string | null>(null);
  const titleId = `customer-form-${customer?.id ?? 'new'}`;
  const field = (key: keyof Draft) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => setDraft((d) => ({ ...d, [key]: e.currentTarget.value }));

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body = {
      fullName: draft.fullName.trim(),
      email: draft.email.trim() || null,
      company: draft.company.trim() || null,
      phones: draft.phones
        .split(/[,;\n]/)
        .map((p) => p.trim())
        .filter(Boolean),
      note: draft.note.trim() || null,
    };
    try {
      onSaved(customer ? await api.send<Customer>('PATCH', `/customers/${customer.id}`, body) : await api.send<Customer>('POST', '/customers', body));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <form class="panel customer-form" aria-labelledby={titleId} onSubmit={(e) => void submit(e)}>
      <h2 id={titleId}>{customer ? t('customers.edit', { name: customer.fullName }) : t('customers.new')}</h2>
      <label>
        {t('field.fullName')}
        <input value={draft.fullName} required maxLength={200} onInput={field('fullName')} />
      </label>
      <label>
        {t('field.email')}
        <input type="email" value={draft.email} onInput={field('email')} />
      </label>
      <label>
        {t('field.company')}
        <input value={draft.company} maxLength={200} onInput={field('company')} />
      </label>
      <label>
        {t('field.phones')}
        <input value={draft.phones} inputMode="tel" onInput={field('phones')} aria-describedby={`${titleId}-phones`} />
        <span id={`${titleId}-phones`} class="muted hint">
          {t('customers.phonesHint')}
        </span>
      </label>
      <label>
        {t('field.note')}
        <textarea rows={2} value={draft.note} onInput={field('note')} />
      </label>
      <div class="buttons">
        <button type="submit" disabled={draft.fullName.trim() === ''}>
          {t('customers.save')}
        </button>
        <CancelButton onClick={onCancel} />
      </div>
      <FormError error={error} />
    </form>
  );
}
