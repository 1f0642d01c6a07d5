// N6: "call back in 10 / 30 / 60 min" — a callback task for a number, from a pop-up or a ticket.
import { useState } from 'preact/hooks';
import { useConsole } from '../ui/console-context.ts';
import { useI18n } from '../ui/i18n-context.ts';
import { FormError } from '../ui/FormError.tsx';

export const CALLBACK_DELAYS = [10, 30, 60] as const;

export function CallbackButtons({ number, callId }: { number: string; callId: string | null }) {
  const { t, dateTime } = useI18n();
  const { api } = useConsole();
  const [scheduled, setScheduled] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const schedule = async (minutes: number) => {
    setError(null);
    try {
      // One request id per click: a retried request never makes a second task (R2).
      await api.send('POST', '/tasks', { number, dueInMinutes: minutes, callId, requestId: `cb-${Date.now()}-${minutes}` });
      setScheduled(new Date(Date.now() + minutes * 60_000).toISOString());
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <fieldset class="callback" aria-label={t('callback.group', { number })}>
      <legend>{t('callback.label')}</legend>
      {CALLBACK_DELAYS.map((m) => (
        <button key={m} type="button" class="secondary small" aria-label={t('callback.in', { minutes: m })} onClick={() => void schedule(m)}>
          {t('callback.minutes', { minutes: m })}
        </button>
      ))}
      {scheduled && (
        <span class="done" role="status">
          {t('callback.scheduled', { time: dateTime(scheduled) })}
        </span>
      )}
      <FormError error={error} inline />
    </fieldset>
  );
}
