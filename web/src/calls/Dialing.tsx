// N4, T7: click-to-call from a ticket. The call in progress is kept for the whole console: its ticket
// page shows the dialing block; on any other page a notice offers the way back to that ticket.
import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { useConsole } from '../ui/console-context.ts';
import { FormError } from '../ui/FormError.tsx';
import { useI18n } from '../ui/i18n-context.ts';
import { Link } from '../ui/router.tsx';
import { callFromTicket, dialingAfter, type Dialing } from './dialing.ts';

interface DialingState {
  dialing: Dialing | null;
  /** Starts a click-to-call from a ticket; rejects with the API's error. */
  call(ticketId: string, phone?: string): Promise<void>;
  dismiss(): void;
}

const DialingContext = createContext<DialingState | null>(null);

export function useDialing(): DialingState {
  const state = useContext(DialingContext);
  if (!state) throw new Error('useDialing outside DialingProvider');
  return state;
}

export function DialingProvider({ children }: { children: ComponentChildren }) {
  const { api, live } = useConsole();
  const [dialing, setDialing] = useState<Dialing | null>(null);
  useEffect(() => live.onMessage((m) => setDialing((d) => dialingAfter(d, m))), [live]);
  const state: DialingState = {
    dialing,
    // The push (`call_dialing`, with the subject) may come before or after the API's answer: keep the richer one.
    call: async (ticketId, phone) => {
      const started = await callFromTicket(api, ticketId, phone);
      setDialing((d) => (d?.commandId === started.commandId ? d : started));
    },
    dismiss: () => setDialing(null),
  };
  return <DialingContext.Provider value={state}>{children}</DialingContext.Provider>;
}

/** On the ticket page: the call button, and the dialing block while its call is in progress. */
export function TicketCall({ ticketId, number }: { ticketId: string; number: string | null }) {
  const { t } = useI18n();
  const { dialing, call, dismiss } = useDialing();
  const [error, setError] = useState<string | null>(null);
  const here = dialing?.ticketId === ticketId ? dialing : null;
  if (here) {
    // Dismissable: a PBX that never reports the call would otherwise keep the block for good.
    return (
      <div class="dialing" role="status">
        <strong>{here.phase === 'dialing' ? t('dialing.dialing', { number: here.number }) : t('dialing.talking', { number: here.number })}</strong>
        {here.phase === 'dialing' && <span class="muted">{t('dialing.note')}</span>}
        <button type="button" class="secondary small" onClick={dismiss}>
          {t('reminder.dismiss')}
        </button>
      </div>
    );
  }
  if (!number) return null;
  const start = () => {
    setError(null);
    call(ticketId).catch((err: Error) => setError(err.message));
  };
  return (
    <div class="ticket-call">
      <button type="button" onClick={start} disabled={dialing !== null}>
        {t('dialing.call', { number })}
      </button>
      <FormError error={error} inline />
    </div>
  );
}

/** N4: away from the ticket of the call in progress, the way back to it. */
export function DialingNotice({ path }: { path: string }) {
  const { t } = useI18n();
  const { dialing, dismiss } = useDialing();
  if (!dialing || path === `/tickets/${dialing.ticketId}`) return null;
  return (
    <div class="dialing-notice" role="status">
      <span>{dialing.phase === 'dialing' ? t('dialing.dialing', { number: dialing.number }) : t('dialing.talking', { number: dialing.number })}</span>
      <Link href={`/tickets/${dialing.ticketId}`}>{dialing.subject ? t('dialing.backTo', { subject: dialing.subject }) : t('dialing.back')}</Link>
      <button type="button" class="secondary small" onClick={dismiss}>
        {t('reminder.dismiss')}
      </button>
    </div>
  );
}
