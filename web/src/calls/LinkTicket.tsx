// T2: during the call the agent adds it to one of the caller's earlier tickets (the customer's, or the
// number's when the caller is unknown).
import { useState } from 'preact/hooks';
import type { Page, Ticket } from '../api/types.ts';
import { StatusBadge } from '../tickets/status.tsx';
import { useConsole } from '../ui/console-context.ts';
import { Handset } from '../ui/Handset.tsx';
import { useI18n } from '../ui/i18n-context.ts';
import { useAsync } from '../ui/use-async.ts';
import { CancelButton, FormError } from '../ui/FormError.tsx';

export function LinkTicket(props: { callId: string; customerId: string | null; number: string; onLinked(ticket: Ticket): void; onCancel(): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const filter = props.customerId ? `customerId=${encodeURIComponent(props.customerId)}` : `number=${encodeURIComponent(props.number)}`;
  const tickets = useAsync(() => api.get<Page<Ticket>>(`/tickets?limit=10&${filter}`), [api, filter]);
  const [error, setError] = useState<string | null>(null);
  const titleId = `link-${props.callId}`;
  const link = async (ticket: Ticket) => {
    setError(null);
    try {
      props.onLinked(await api.send<Ticket>('POST', `/calls/${encodeURIComponent(props.callId)}/link`, { ticketId: ticket.id }));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section class="panel" aria-labelledby={titleId}>
      <h3 id={titleId}>{t('link.title')}</h3>
      {tickets.data && tickets.data.items.length === 0 && <p class="muted">{t('link.none')}</p>}
      {tickets.data && tickets.data.items.length > 0 && (
        <ul class="results">
          {tickets.data.items.map((ticket) => (
            <li key={ticket.id}>
              <span class="result-name">
                <span>
                  <Handset ticket={ticket} /> {ticket.subject}
                </span>
                <StatusBadge status={ticket.status} />
              </span>
              <button type="button" class="secondary small" aria-label={t('link.button', { subject: ticket.subject })} onClick={() => void link(ticket)}>
                {t('search.linkButton')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="buttons">
        <CancelButton onClick={props.onCancel} />
      </div>
      <FormError error={error} />
    </section>
  );
}
