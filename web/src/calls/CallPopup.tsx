// One call at the agent (N1, N2): the caller's number and card; once the agent answered, what can be
// done with the call — find the customer of an unknown number, or file a ticket (T1, T3).
import { useState } from 'preact/hooks';
import type { CustomerCard } from '../api/messages.ts';
import type { Customer } from '../api/types.ts';
import { useConsole } from '../ui/console-context.ts';
import { useI18n } from '../ui/i18n-context.ts';
import { Link } from '../ui/router.tsx';
import { CustomerCardView } from './CustomerCardView.tsx';
import { CallbackButtons } from '../tasks/CallbackButtons.tsx';
import { CustomerSearch } from './CustomerSearch.tsx';
import { LinkTicket } from './LinkTicket.tsx';
import type { Popup, PopupAction } from './popups.ts';
import { TicketForm } from './TicketForm.tsx';

/** The pop-up of a linked customer shows the default card fields (N1). */
function cardOf(c: Customer): CustomerCard {
  return { id: c.id, fullName: c.fullName, email: c.email, company: c.company };
}

export function CallPopup({ popup, dispatch }: { popup: Popup; dispatch(action: PopupAction): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const [panel, setPanel] = useState<'none' | 'search' | 'ticket' | 'link'>('none');
  const { call, customer, phase } = popup;
  const callId = call.id;
  const inbound = call.direction !== 'outbound';
  const titleId = `popup-${callId}`;

  const open = (next: 'search' | 'ticket' | 'link') => {
    setPanel(next);
    dispatch({ kind: 'hold', callId });
    // T3: opening the create form is itself an action (an empty open ticket if nothing else is done).
    if (next === 'ticket') api.send('POST', `/calls/${encodeURIComponent(callId)}/ticket-draft`).catch(() => undefined);
  };

  return (
    <section class={`popup popup-${phase}`} role="dialog" aria-labelledby={titleId}>
      <header class="popup-head">
        <h2 id={titleId}>{t(inbound ? 'popup.incoming' : 'popup.outgoing')}</h2>
        <span class={`phase phase-${phase}`}>{t(`popup.${phase}`)}</span>
        {phase === 'ended' && (
          <button type="button" class="icon" aria-label={t('popup.close')} onClick={() => dispatch({ kind: 'close', callId })}>
            ×
          </button>
        )}
      </header>
      <p class="popup-number">{inbound ? call.from : call.to}</p>
      {customer ? <CustomerCardView card={customer} /> : <p class="unknown">{t('popup.unknownCaller')}</p>}
      {inbound && phase !== 'ringing' && <CallbackButtons number={call.from} callId={callId} />}
      {popup.ticketId ? (
        <p class="done" role="status">
          {t(popup.linked ? 'link.done' : 'popup.ticketCreated')}. <Link href={`/tickets/${popup.ticketId}`}>{t('popup.openTicket')}</Link>
        </p>
      ) : (
        phase !== 'ringing' && (
          <div class="popup-actions">
            {panel === 'none' && (
              <div class="buttons">
                {!customer && (
                  <button type="button" class="secondary" onClick={() => open('search')}>
                    {t('popup.findCustomer')}
                  </button>
                )}
                <button type="button" onClick={() => open('ticket')}>
                  {t('popup.createTicket')}
                </button>
                <button type="button" class="secondary" onClick={() => open('link')}>
                  {t('link.open')}
                </button>
              </div>
            )}
            {panel === 'search' && (
              <CustomerSearch
                callId={callId}
                onLinked={(c) => {
                  dispatch({ kind: 'linked', callId, customer: cardOf(c) });
                  setPanel('none');
                }}
                onCancel={() => setPanel('none')}
              />
            )}
            {panel === 'link' && (
              <LinkTicket
                callId={callId}
                customerId={customer?.id ?? null}
                number={inbound ? call.from : call.to}
                onLinked={(ticket) => dispatch({ kind: 'ticket', callId, ticketId: ticket.id, linked: true })}
                onCancel={() => setPanel('none')}
              />
            )}
            {panel === 'ticket' && (
              <TicketForm callId={callId} onCreated={(ticket) => dispatch({ kind: 'ticket', callId, ticketId: ticket.id })} onCancel={() => setPanel('none')} />
            )}
          </div>
        )
      )}
    </section>
  );
}
