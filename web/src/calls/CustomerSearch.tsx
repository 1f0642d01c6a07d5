// N2, T6: an unknown caller is linked to a customer found by name, email, company or number; the
// call's number joins the customer's phones.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Customer, Page } from '../api/types.ts';
import { useConsole } from '../ui/console-context.ts';
import { useI18n } from '../ui/i18n-context.ts';
import { CancelButton, FormError } from '../ui/FormError.tsx';

export function CustomerSearch(props: { callId: string; onLinked(customer: Customer): void; onCancel(): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Customer[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const search = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      setResults((await api.get<Page<Customer>>(`/customers?limit=10&q=${encodeURIComponent(q.trim())}`)).items);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const link = async (customer: Customer) => {
    setError(null);
    try {
      const linked = await api.send<{ customer: Customer }>('POST', `/calls/${encodeURIComponent(props.callId)}/customer`, { customerId: customer.id });
      props.onLinked(linked.customer);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div class="panel">
      <form class="search" onSubmit={(e) => void search(e)}>
        <label>
          {t('search.label')}
          <input ref={input} type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} required />
        </label>
        <div class="buttons">
          <button type="submit">{t('search.submit')}</button>
          <CancelButton onClick={props.onCancel} />
        </div>
      </form>
      {results && results.length === 0 && <p class="muted">{t('search.none')}</p>}
      {results && results.length > 0 && (
        <ul class="results" aria-label={t('search.results')}>
          {results.map((c) => (
            <li key={c.id}>
              <span class="result-name">
                {c.fullName}
                <span class="muted">{[c.company, c.email, c.phones[0]].filter(Boolean).join(' · ')}</span>
              </span>
              <button type="button" class="secondary" aria-label={t('search.link', { name: c.fullName })} onClick={() => void link(c)}>
                {t('search.linkButton')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <FormError error={error} />
    </div>
  );
}
