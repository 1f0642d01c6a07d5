// Tickets of the tenant, newest first: missed-call handset (M1, M3), subject, caller number, status;
// filters by status, missed flag, number and customer (`?customer=` links here from a customer card).
import { useEffect, useState } from 'preact/hooks';
import type { Customer, Page, Ticket, TicketStatus } from '../api/types.ts';
import { LoadError } from '../pages/Notice.tsx';
import { useConsole, useRefreshOn } from '../ui/console-context.ts';
import { Handset } from '../ui/Handset.tsx';
import { useI18n } from '../ui/i18n-context.ts';
import { Link } from '../ui/router.tsx';
import { usePagedList } from '../ui/use-paged-list.ts';
import { CustomerFilter } from './CustomerFilter.tsx';
import { StatusBadge, statuses } from './status.tsx';

const ticketMessages = new Set(['ticket_created', 'ticket_updated', 'agent_action']);

export function TicketsPage({ customerId }: { customerId: string | null }) {
  const { t, dateTime } = useI18n();
  const { api, live } = useConsole();
  const [status, setStatus] = useState<TicketStatus | ''>('');
  const [missed, setMissed] = useState<'' | 'true' | 'false'>('');
  const [numberDraft, setNumberDraft] = useState('');
  const [number, setNumber] = useState('');
  // From a link (`?customer=`) only the id is known; the name follows for the chip.
  const [customer, setCustomer] = useState<Pick<Customer, 'id' | 'fullName'> | null>(customerId ? { id: customerId, fullName: '…' } : null);
  useEffect(() => {
    if (!customerId) return;
    api.get<Customer>(`/customers/${encodeURIComponent(customerId)}`).then(
      (c) => setCustomer((now) => (now?.id === c.id ? c : now)),
      () => undefined, // the list says what is wrong with the filter
    );
  }, [api, customerId]);
  const query = [status && `status=${status}`, missed && `missed=${missed}`, number && `number=${encodeURIComponent(number)}`, customer && `customerId=${encodeURIComponent(customer.id)}`].filter(Boolean).join('&');
  const { first, items, next, showMore } = usePagedList(
    (cursor) => api.get<Page<Ticket>>(`/tickets?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}${query ? `&${query}` : ''}`),
    [api, query],
  );
  useRefreshOn(live, (m) => ticketMessages.has(m.type), first.reload);

  return (
    <section aria-labelledby="tickets-title">
      <div class="page-head">
        <h1 id="tickets-title">{t('tickets.title')}</h1>
        <div class="filters">
          <label>
            {t('tickets.status')}
            <select value={status} onChange={(e) => setStatus(e.currentTarget.value as TicketStatus | '')}>
              <option value="">{t('tickets.allStatuses')}</option>
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('tickets.missed')}
            <select value={missed} onChange={(e) => setMissed(e.currentTarget.value as '' | 'true' | 'false')}>
              <option value="">{t('tickets.allStatuses')}</option>
              <option value="true">{t('tickets.missedOnly')}</option>
              <option value="false">{t('tickets.notMissed')}</option>
            </select>
          </label>
          <form
            class="number-filter"
            onSubmit={(e) => {
              e.preventDefault();
              setNumber(numberDraft.trim());
            }}
          >
            <label>
              {t('tickets.phone')}
              <input type="search" inputMode="tel" size={14} value={numberDraft} onInput={(e) => setNumberDraft(e.currentTarget.value)} />
            </label>
            <button type="submit" class="secondary">
              {t('tickets.find')}
            </button>
          </form>
          <CustomerFilter customer={customer} onChange={setCustomer} />
          <button type="button" class="secondary" onClick={first.reload}>
            {t('tickets.refresh')}
          </button>
        </div>
      </div>
      {first.error && <LoadError error={first.error} retry={first.reload} />}
      {first.data && items.length === 0 && <p class="muted">{t('tickets.empty')}</p>}
      {items.length > 0 && (
        <table class="list tickets" aria-labelledby="tickets-title" aria-busy={first.loading}>
          <thead>
            <tr>
              <th scope="col" class="col-icon">
                <span class="visually-hidden">{t('handset.missed')}</span>
              </th>
              <th scope="col">{t('tickets.subject')}</th>
              <th scope="col">{t('tickets.phone')}</th>
              <th scope="col">{t('tickets.status')}</th>
              <th scope="col">{t('tickets.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((ticket) => (
              <tr key={ticket.id}>
                <td class="col-icon">
                  <Handset ticket={ticket} />
                </td>
                <td class="subject">
                  <Link href={`/tickets/${ticket.id}`}>{ticket.subject}</Link>
                </td>
                <td data-label={t('tickets.phone')} class="phone">
                  {ticket.customerNumber ?? '—'}
                </td>
                <td data-label={t('tickets.status')}>
                  <StatusBadge status={ticket.status} />
                </td>
                <td data-label={t('tickets.updated')} class="muted">
                  <time dateTime={ticket.updatedAt}>{dateTime(ticket.updatedAt)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" class="secondary more" onClick={() => void showMore()}>
          {t('tickets.more')}
        </button>
      )}
    </section>
  );
}
