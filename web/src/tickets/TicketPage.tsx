// One ticket: its calls and notes (with recordings), its status, a note form. Refreshed when it
// changes (N3: "call in progress" until the recording is attached).
import { useState } from 'preact/hooks';
import { ApiError } from '../api/http.ts';
import type { Customer, Employee, Page, Ticket, TicketMessage, TicketStatus } from '../api/types.ts';
import { LoadError } from '../pages/Notice.tsx';
import { TicketCall } from '../calls/Dialing.tsx';
import { CallbackButtons } from '../tasks/CallbackButtons.tsx';
import { useConsole, useRefreshOn } from '../ui/console-context.ts';
import { Handset } from '../ui/Handset.tsx';
import { useI18n } from '../ui/i18n-context.ts';
import { Link } from '../ui/router.tsx';
import { useAsync } from '../ui/use-async.ts';
import { StatusBadge, statuses } from './status.tsx';
import { FormError } from '../ui/FormError.tsx';

export function TicketPage({ id }: { id: string }) {
  const { t, dateTime } = useI18n();
  const { api, live } = useConsole();
  const ticket = useAsync(() => api.get<Ticket>(`/tickets/${encodeURIComponent(id)}`), [api, id]);
  const employees = useAsync(() => api.get<Page<Employee>>('/employees?limit=200'), [api]);
  useRefreshOn(
    live,
    (m) => ((m.type === 'ticket_created' || m.type === 'ticket_updated') && m.ticket.id === id) || (m.type === 'agent_action' && 'ticketId' in m && m.ticketId === id),
    ticket.reload,
  );
  const names = new Map((employees.data?.items ?? []).map((e) => [e.id, e.fullName]));

  if (ticket.error instanceof ApiError && ticket.error.status === 404) {
    return (
      <section class="notice">
        <h1>{t('ticket.notFound')}</h1>
        <Link href="/tickets">{t('ticket.back')}</Link>
      </section>
    );
  }
  if (ticket.error) return <LoadError error={ticket.error} retry={ticket.reload} />;
  const tk = ticket.data;
  if (!tk) return <p class="muted">{t('app.loading')}</p>;
  return (
    <article class="ticket" aria-labelledby="ticket-title">
      <Link href="/tickets" class="back">
        ← {t('ticket.back')}
      </Link>
      <div class="ticket-head">
        <h1 id="ticket-title">
          <Handset ticket={tk} /> {tk.subject}
        </h1>
        <StatusBadge status={tk.status} />
      </div>
      <dl class="facts">
        {tk.customerId && <CustomerFact id={tk.customerId} number={tk.customerNumber} />}
        <div>
          <dt>{t('ticket.customerNumber')}</dt>
          <dd class="phone">{tk.customerNumber ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('ticket.created')}</dt>
          <dd>
            <time dateTime={tk.createdAt}>{dateTime(tk.createdAt)}</time>
          </dd>
        </div>
      </dl>
      <TicketCall ticketId={tk.id} number={tk.customerNumber} />
      {tk.customerNumber && <CallbackButtons number={tk.customerNumber} callId={null} />}
      <StatusForm key={tk.status} ticket={tk} onSaved={ticket.reload} />
      <h2>{t('ticket.messages')}</h2>
      {tk.messages.length === 0 ? (
        <p class="muted">{t('ticket.noMessages')}</p>
      ) : (
        <ol class="messages">
          {tk.messages.map((m) => (
            <Message key={m.id} message={m} author={m.authorId ? (names.get(m.authorId) ?? m.authorId) : null} />
          ))}
        </ol>
      )}
      <NoteForm ticketId={tk.id} onSaved={ticket.reload} />
    </article>
  );
}

/** The ticket's customer by name, unless it is only the number (T6 names a customer made from a number by it). */
function CustomerFact({ id, number }: { id: string; number: string | null }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const customer = useAsync(() => api.get<Customer>(`/customers/${encodeURIComponent(id)}`), [api, id]);
  if (!customer.data || customer.data.fullName === number) return null;
  const { fullName, company } = customer.data;
  return (
    <div>
      <dt>{t('ticket.customer')}</dt>
      <dd>
        {company ? `${fullName}, ${company}` : fullName}{' '}
        <Link href={`/tickets?customer=${encodeURIComponent(id)}`}>{t('customer.tickets')}</Link>
      </dd>
    </div>
  );
}

function Message({ message, author }: { message: TicketMessage; author: string | null }) {
  const { t, dateTime } = useI18n();
  const { activeCallIds } = useConsole();
  const inProgress = message.kind === 'call' && !message.recordingUrl && message.callId !== null && activeCallIds.has(message.callId);
  return (
    <li class={`message message-${message.kind}`}>
      <div class="message-head">
        <strong>{t(`message.${message.kind}`)}</strong>
        {author && <span class="muted">{t('message.by', { name: author })}</span>}
        <time class="muted" dateTime={message.createdAt}>
          {dateTime(message.createdAt)}
        </time>
      </div>
      <p class="message-body">{message.body || <span class="muted">{t('ticket.noSummary')}</span>}</p>
      {inProgress && <p class="in-progress">{t('ticket.callInProgress')}</p>}
      {message.recordingUrl && (
        // biome-ignore lint/a11y/useMediaCaption: recordings of phone calls come without captions
        <audio controls preload="none" src={message.recordingUrl} aria-label={t('ticket.recording')} />
      )}
    </li>
  );
}

function StatusForm({ ticket, onSaved }: { ticket: Ticket; onSaved(): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const [status, setStatus] = useState<TicketStatus>(ticket.status);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api.send('PATCH', `/tickets/${ticket.id}`, { status });
      onSaved();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="inline-form" onSubmit={(e) => void submit(e)}>
      <label>
        {t('ticket.statusLabel')}
        <select value={status} onChange={(e) => setStatus(e.currentTarget.value as TicketStatus)}>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={status === ticket.status}>
        {t('ticket.saveStatus')}
      </button>
      <FormError error={error} />
    </form>
  );
}

function NoteForm({ ticketId, onSaved }: { ticketId: string; onSaved(): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api.send('POST', `/tickets/${ticketId}/messages`, { body });
      setBody('');
      onSaved();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="note-form" onSubmit={(e) => void submit(e)} aria-labelledby="note-title">
      <h2 id="note-title">{t('ticket.addNote')}</h2>
      <label>
        {t('ticket.note')}
        <textarea rows={3} value={body} onInput={(e) => setBody(e.currentTarget.value)} required />
      </label>
      <button type="submit" disabled={body.trim() === ''}>
        {t('ticket.saveNote')}
      </button>
      <FormError error={error} />
    </form>
  );
}
