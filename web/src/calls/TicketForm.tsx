// T1: during (or right after) the call the agent files it as a new ticket: subject and summary.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Ticket } from '../api/types.ts';
import { useConsole } from '../ui/console-context.ts';
import { useI18n } from '../ui/i18n-context.ts';
import { CancelButton, FormError } from '../ui/FormError.tsx';

export function TicketForm(props: { callId: string; onCreated(ticket: Ticket): void; onCancel(): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const [subject, setSubject] = useState('');
  const [summary, setSummary] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const titleId = `ticket-form-${props.callId}`;

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onCreated(await api.send<Ticket>('POST', `/calls/${encodeURIComponent(props.callId)}/ticket`, { subject: subject.trim(), summary }));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel ticket-form" aria-labelledby={titleId} onSubmit={(e) => void submit(e)}>
      <h3 id={titleId}>{t('ticketForm.title')}</h3>
      <label>
        {t('ticketForm.subject')}
        <input ref={first} value={subject} maxLength={500} required onInput={(e) => setSubject(e.currentTarget.value)} />
      </label>
      <label>
        {t('ticketForm.summary')}
        <textarea rows={3} value={summary} maxLength={10_000} onInput={(e) => setSummary(e.currentTarget.value)} />
      </label>
      <div class="buttons">
        <button type="submit" disabled={busy || subject.trim() === ''}>
          {t('ticketForm.submit')}
        </button>
        <CancelButton onClick={props.onCancel} />
      </div>
      <FormError error={error} />
    </form>
  );
}
