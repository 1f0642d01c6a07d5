// The tickets list's customer filter: find a customer by name, company, email or number and pick
// one (the list then asks `customerId=`); the picked customer shows as a chip that clears it.
import { useState } from 'preact/hooks';
import type { Customer, Page } from '../api/types.ts';
import { useConsole } from '../ui/console-context.ts';
import { FormError } from '../ui/FormError.tsx';
import { useI18n } from '../ui/i18n-context.ts';

export function CustomerFilter({ customer, onChange }: { customer: Pick<Customer, 'id' | 'fullName'> | null; onChange(c: Pick<Customer, 'id' | 'fullName'> | null): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Customer[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  if (customer) {
    return (
      <span class="chip">
        {t('tickets.customerIs', { name: customer.fullName })}
        <button type="button" class="secondary small" aria-label={t('tickets.clearCustomer')} onClick={() => onChange(null)}>
          ✕
        </button>
      </span>
    );
  }
  const search = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      setFound((await api.get<Page<Customer>>(`/customers?limit=10&q=${encodeURIComponent(q.trim())}`)).items);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="customer-filter" onSubmit={(e) => void search(e)}>
      <label>
        {t('tickets.customer')}
        <input type="search" size={14} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
      </label>
      <button type="submit" class="secondary" disabled={q.trim() === ''}>
        {t('tickets.findCustomer')}
      </button>
      {found && found.length === 0 && <span class="muted">{t('search.none')}</span>}
      {found && found.length > 0 && (
        <ul class="results" aria-label={t('search.results')}>
          {found.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                class="secondary small"
                onClick={() => {
                  setFound(null);
                  onChange(c);
                }}
              >
                {[c.fullName, c.company].filter(Boolean).join(', ')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <FormError error={error} inline />
    </form>
  );
}
