// N6: a callback reminder appears the moment its task falls due (task_due), until dismissed.
import { useEffect, useState } from 'preact/hooks';
import type { Task } from '../api/types.ts';
import { useConsole } from '../ui/console-context.ts';
import { useI18n } from '../ui/i18n-context.ts';
import { Link } from '../ui/router.tsx';

export function DueReminders() {
  const { t, dateTime } = useI18n();
  const { live } = useConsole();
  const [due, setDue] = useState<Task[]>([]);
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
            <Link href="/tasks">{t('reminder.allTasks')}</Link>
            <button type="button" class="secondary small" onClick={() => setDue((list) => list.filter((x) => x.id !== task.id))}>
              {t('reminder.dismiss')}
            </button>
          </div>
        </div>
      ))}
    </section>
  );
}
