// Customers for supervisors (C2): search (the API searches; it has no unfiltered list), create, edit.
// Analysts only read: they get no create or edit buttons (the API refuses them too).
import { useState } from 'preact/hooks';
import { mayWrite } from '#shared/domain/principal.ts';
import type { Customer, Page } from '../api/types.ts';
import { LoadError } from '../pages/Notice.tsx';
import { useConsole } from '../ui/console-context.ts';
import { useI18n } from '../ui/i18n-context.ts';
import { Link } from '../ui/router.tsx';
import { useAsync } from '../ui/use-async.ts';
import { CustomerForm } from './CustomerForm.tsx';

export function CustomersPage() {
  const { t } = useI18n();
  const { api, login } = useConsole();
  const canEdit = mayWrite(login.role);
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<Customer | 'new' | null>(null);
  const found = useAsync(() => (q ? api.get<Page<Customer>>(`/customers?limit=50&q=${encodeURIComponent(q)}`) : Promise.resolve(null)), [api, q]);
  const saved = (c: Customer) => {
    setEditing(null);
    if (q) found.reload();
    else setQ(c.fullName);
  };
  return (
    <section aria-labelledby="customers-title">
      <div class="page-head">
        <h1 id="customers-title">{t('customers.title')}</h1>
        {canEdit && (
          <button type="button" onClick={() => setEditing('new')}>
            {t('customers.new')}
          </button>
        )}
      </div>
      {editing && <CustomerForm key={editing === 'new' ? 'new' : editing.id} customer={editing === 'new' ? null : editing} onSaved={saved} onCancel={() => setEditing(null)} />}
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(draft.trim());
        }}
      >
        <label>
          {t('search.label')}
          <input type="search" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
        </label>
        <button type="submit" class="secondary" disabled={draft.trim() === ''}>
          {t('search.submit')}
        </button>
      </form>
      {found.error && <LoadError error={found.error} retry={found.reload} />}
      {!q && <p class="muted">{t('customers.searchFirst')}</p>}
      {found.data && found.data.items.length === 0 && <p class="muted">{t('search.none')}</p>}
      {found.data && found.data.items.length > 0 && (
        <table class="list" aria-labelledby="customers-title">
          <thead>
            <tr>
              <th scope="col">{t('field.fullName')}</th>
              <th scope="col">{t('field.company')}</th>
              <th scope="col">{t('field.phones')}</th>
              <th scope="col">{t('field.email')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('customers.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {found.data.items.map((c) => (
              <tr key={c.id}>
                <td data-label={t('field.fullName')}>{c.fullName}</td>
                <td data-label={t('field.company')}>{c.company ?? '—'}</td>
                <td data-label={t('field.phones')} class="phone">
                  {c.phones.join(', ') || '—'}
                </td>
                <td data-label={t('field.email')}>{c.email ?? '—'}</td>
                <td>
                  <div class="row-actions">
                    {canEdit && (
                      <button type="button" class="secondary small" aria-label={t('customers.edit', { name: c.fullName })} onClick={() => setEditing(c)}>
                        {t('customers.editButton')}
                      </button>
                    )}
                    <Link href={`/tickets?customer=${encodeURIComponent(c.id)}`}>{t('customer.tickets')}</Link>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
