// The agent's own callback tasks (N6), earliest due first; refreshed when one falls due.
import { useState } from 'preact/hooks';
import type { Page } from '../api/types.ts';
import type { Task, TaskStatus } from '../api/types.ts';
import { LoadError } from '../pages/Notice.tsx';
import { useConsole, useRefreshOn } from '../ui/console-context.ts';
import { useI18n } from '../ui/i18n-context.ts';
import { useAsync } from '../ui/use-async.ts';

const taskStatuses: readonly TaskStatus[] = ['open', 'due', 'cancelled'];

export function TasksPage() {
  const { t, dateTime } = useI18n();
  const { api, live } = useConsole();
  const [status, setStatus] = useState<TaskStatus | ''>('');
  const tasks = useAsync(() => api.get<Page<Task>>(`/tasks?limit=100${status ? `&status=${status}` : ''}`), [api, status]);
  useRefreshOn(live, (m) => m.type === 'task_due', tasks.reload);
  const items = tasks.data?.items ?? [];
  return (
    <section aria-labelledby="tasks-title">
      <div class="page-head">
        <h1 id="tasks-title">{t('tasks.title')}</h1>
        <div class="filters">
          <label>
            {t('tasks.status')}
            <select value={status} onChange={(e) => setStatus(e.currentTarget.value as TaskStatus | '')}>
              <option value="">{t('tickets.allStatuses')}</option>
              {taskStatuses.map((s) => (
                <option key={s} value={s}>
                  {t(`task.${s}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      {tasks.error && <LoadError error={tasks.error} retry={tasks.reload} />}
      {tasks.data && items.length === 0 && <p class="muted">{t('tasks.empty')}</p>}
      {items.length > 0 && (
        <table class="list" aria-labelledby="tasks-title">
          <thead>
            <tr>
              <th scope="col">{t('tasks.number')}</th>
              <th scope="col">{t('tasks.due')}</th>
              <th scope="col">{t('tasks.status')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((task) => (
              <tr key={task.id} class={`task-${task.status}`}>
                <td data-label={t('tasks.number')} class="phone">
                  {task.number}
                </td>
                <td data-label={t('tasks.due')}>
                  <time dateTime={task.dueAt}>{dateTime(task.dueAt)}</time>
                </td>
                <td data-label={t('tasks.status')}>
                  <span class={`badge task-badge-${task.status}`}>{t(`task.${task.status}`)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
