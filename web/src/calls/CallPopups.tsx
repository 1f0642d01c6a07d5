// Where pop-ups appear: top right on a laptop, across the top on a phone. A new call is announced to
// screen readers and, when the tab is in the background, as a browser notification.
import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../ui/i18n-context.ts';
import { CallPopup } from './CallPopup.tsx';
import type { Popup, PopupAction } from './popups.ts';

export function CallPopups({ popups, dispatch }: { popups: Popup[]; dispatch(action: PopupAction): void }) {
  const { t } = useI18n();
  const announced = useRef(new Set<string>());
  const ringing = popups.find((p) => p.phase === 'ringing');
  const announcement = ringing ? `${t('popup.incoming')}: ${ringing.call.from}${ringing.customer?.fullName ? `, ${ringing.customer.fullName}` : ''}` : '';

  useEffect(() => {
    if (!ringing || announced.current.has(ringing.call.id)) return;
    announced.current.add(ringing.call.id);
    if (document.hidden && 'Notification' in window && Notification.permission === 'granted') {
      const note = new Notification(t('popup.incoming'), { body: announcement, tag: ringing.call.id });
      note.onclick = () => {
        window.focus();
        note.close();
      };
    }
  }, [ringing, announcement, t]);

  return (
    <>
      <p class="visually-hidden" aria-live="assertive">
        {announcement}
      </p>
      {popups.length > 0 && (
        <section class="popups" aria-label={t('popup.region')}>
          {popups.map((p) => (
            <CallPopup key={p.call.id} popup={p} dispatch={dispatch} />
          ))}
        </section>
      )}
    </>
  );
}
