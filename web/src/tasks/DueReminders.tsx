// N6: a callback reminder appears the moment its task falls due (task_due), until dismissed. "Call
// back" dials the number from its newest ticket (click-to-call, T7) and opens that ticket (N4).
import { useEffect, useState } from 'preact/hooks';
import type { Page, Task, Ticket } from '../api/types.ts';
import { useDialing } from '../calls/Dialing.tsx';
import { useConsole } from '../ui/console-context.ts';
import { FormError } from '../ui/FormError.tsx';
import { useI18n } from '../ui/i18n-context.ts';
import { Link, navigate } from '../ui/router.tsx';

export function DueReminders() {
  const { t, dateTime } = useI18n();
  const { api, live } = useConsole();
  const { dialing, call } = useDialing();
  const [due, setDue] = useState<Task[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const dismiss = (id: string) => setDue((list) => list.filter((x) => x.id !== id));
  const callBack = async (task: Task) => {
    setErrors(({ [task.id]: _, ...rest }) => rest);
    try {
      const [ticket] = (await api.get<Page<Ticket>>(`/tickets?limit=1&number=${encodeURIComponent(task.number)}`)).items;
      if (!ticket) throw new Error(t('reminder.noTicket'));
      await call(ticket.id, task.number);
      dismiss(task.id);
      navigate(`/tickets/${ticket.id}`);
    } catch (err) {
      setErrors((e) => ({ ...e, [task.id]: (err as Error).message }));
    }
  };
  useEffect(
    () =>
      live.onMessage((m) => {
        if (m.type !== 'task_due') return;
        setDue((list) => [m.task, ...list.filter((x) => x.id !== m.task.id)]);
      }),
    [live],
  );
  if (due.length === 0) return null;
  return (
    <section class="reminders" aria-label={t('reminder.region')}>
      {due.map((task) => (
        <div key={task.id} class="reminder" role="alert">
          <strong>{t('reminder.title', { number: task.number })}</strong>
          <span class="muted">
            {t('reminder.dueAt')} <time dateTime={task.dueAt}>{dateTime(task.dueAt)}</time>
          </span>
          <div class="buttons">
            <button type="button" class="small" disabled={dialing !== null} onClick={() => void callBack(task)}>
              {t('reminder.callBack')}
            </button>
            <Link href="/tasks">{t('reminder.allTasks')}</Link>
            <button type="button" class="secondary small" onClick={() => dismiss(task.id)}>
              {t('reminder.dismiss')}
            </button>
          </div>
          <FormError error={errors[task.id] ?? null} />
        </div>
      ))}
    </section>
  );
}
