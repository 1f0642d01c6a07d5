// The call log (L1) for supervisors: filters the API supports, newest first, "show more", recordings,
// and the CSV download of the same filters (L4).
import { useState } from 'preact/hooks';
import type { CallLogRow, Employee, Page } from '../api/types.ts';
import { LoadError } from '../pages/Notice.tsx';
import { useConsole } from '../ui/console-context.ts';
import { useI18n } from '../ui/i18n-context.ts';
import { useAsync } from '../ui/use-async.ts';
import { usePagedList } from '../ui/use-paged-list.ts';
import { downloadCsv } from './csv-download.ts';
import { FormError } from '../ui/FormError.tsx';

const directions = ['inbound', 'outbound', 'internal'] as const;
const outcomes = ['answered', 'missed', 'ivr_only', 'voicemail', 'rejected_blocked', 'not_answered', 'busy', 'failed', 'canceled'] as const;

export interface CallFilters {
  from: string;
  to: string;
  direction: string;
  outcome: string;
  employeeId: string;
  line: string;
  number: string;
  hasRecording: boolean;
}

const empty: CallFilters = { from: '', to: '', direction: '', outcome: '', employeeId: '', line: '', number: '', hasRecording: false };

/** The API's query of the filters: dates are local midnights; `to` is inclusive of its day. */
export function callLogQuery(f: CallFilters): string {
  const q = new URLSearchParams();
  if (f.from) q.set('from', new Date(`${f.from}T00:00:00`).toISOString());
  if (f.to) q.set('to', new Date(new Date(`${f.to}T00:00:00`).getTime() + 86_400_000).toISOString());
  for (const key of ['direction', 'outcome', 'employeeId', 'line', 'number'] as const) if (f[key].trim()) q.set(key, f[key].trim());
  if (f.hasRecording) q.set('hasRecording', 'true');
  return q.toString();
}

const duration = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;

export function CallLogPage() {
  const { t, dateTime } = useI18n();
  const { api, config, session } = useConsole();
  const [draft, setDraft] = useState<CallFilters>(empty);
  const [filters, setFilters] = useState<CallFilters>(empty);
  const query = callLogQuery(filters);
  const { first, items, next, showMore } = usePagedList(
    (cursor) => api.get<Page<CallLogRow>>(`/calls?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}${query ? `&${query}` : ''}`),
    [api, query],
  );
  const employees = useAsync(() => api.get<Page<Employee>>('/employees?limit=200'), [api]);
  const names = new Map((employees.data?.items ?? []).map((e) => [e.id, e.fullName]));
  const [csvError, setCsvError] = useState<string | null>(null);
  const [filtersOpen, setFiltersOpen] = useState(false);

  const set = (key: keyof CallFilters) => (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) =>
    setDraft((d) => ({ ...d, [key]: e.currentTarget instanceof HTMLInputElement && e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value }));
  const csv = (e: Event) => {
    e.preventDefault();
    setCsvError(null);
    downloadCsv(config.apiUrl, session.idToken, `/calls${query ? `?${query}` : ''}`).catch((err: Error) => setCsvError(err.message));
  };

  return (
    <section aria-labelledby="calls-title">
      <div class="page-head">
        <h1 id="calls-title">{t('calls.title')}</h1>
        <a class="button secondary" href={`${config.apiUrl}/calls?format=csv${query ? `&${query}` : ''}`} onClick={csv}>
          {t('calls.csv')}
        </a>
      </div>
      {/* On a phone the filters fold behind this toggle (CSS shows it there only); applying folds them again. */}
      <button type="button" class="secondary filters-toggle" aria-expanded={filtersOpen} aria-controls="call-filters" onClick={() => setFiltersOpen((o) => !o)}>
        {t('calls.filters')} <span aria-hidden="true">{filtersOpen ? '▴' : '▾'}</span>
      </button>
      <form
        id="call-filters"
        class={`filters call-filters${filtersOpen ? ' open' : ''}`}
        aria-label={t('calls.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
          setFiltersOpen(false);
        }}
      >
        <label>
          {t('calls.from')}
          <input type="date" value={draft.from} onInput={set('from')} />
        </label>
        <label>
          {t('calls.to')}
          <input type="date" value={draft.to} onInput={set('to')} />
        </label>
        <label>
          {t('calls.direction')}
          <select value={draft.direction} onChange={set('direction')}>
            <option value="">{t('tickets.allStatuses')}</option>
            {directions.map((d) => (
              <option key={d} value={d}>
                {t(`direction.${d}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('calls.outcome')}
          <select value={draft.outcome} onChange={set('outcome')}>
            <option value="">{t('tickets.allStatuses')}</option>
            {outcomes.map((o) => (
              <option key={o} value={o}>
                {t(`outcome.${o}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('calls.employee')}
          <select value={draft.employeeId} onChange={set('employeeId')}>
            <option value="">{t('tickets.allStatuses')}</option>
            {(employees.data?.items ?? []).map((e) => (
              <option key={e.id} value={e.id}>
                {e.fullName}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('calls.line')}
          <input value={draft.line} onInput={set('line')} inputMode="tel" />
        </label>
        <label>
          {t('calls.number')}
          <input value={draft.number} onInput={set('number')} inputMode="tel" />
        </label>
        <label class="check">
          <input type="checkbox" checked={draft.hasRecording} onChange={set('hasRecording')} />
          {t('calls.hasRecording')}
        </label>
        <button type="submit">{t('calls.apply')}</button>
      </form>
      <FormError error={csvError} />
      {first.error && <LoadError error={first.error} retry={first.reload} />}
      {first.data && items.length === 0 && <p class="muted">{t('calls.empty')}</p>}
      {items.length > 0 && (
        <table class="list calls" aria-labelledby="calls-title" aria-busy={first.loading}>
          <thead>
            <tr>
              <th scope="col">{t('calls.started')}</th>
              <th scope="col">{t('calls.direction')}</th>
              <th scope="col">{t('calls.number')}</th>
              <th scope="col">{t('calls.line')}</th>
              <th scope="col">{t('calls.employee')}</th>
              <th scope="col">{t('calls.outcome')}</th>
              <th scope="col">{t('calls.talk')}</th>
              <th scope="col">{t('calls.recording')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <td data-label={t('calls.started')}>
                  <time dateTime={c.startedAt}>{dateTime(c.startedAt)}</time>
                </td>
                <td data-label={t('calls.direction')}>{t(`direction.${c.direction}`)}</td>
                <td data-label={t('calls.number')} class="phone">
                  {c.customerNumber ?? c.from}
                </td>
                <td data-label={t('calls.line')} class="phone">
                  {c.line ?? '—'}
                </td>
                <td data-label={t('calls.employee')}>{c.answeredBy ? (names.get(c.answeredBy) ?? c.answeredBy) : '—'}</td>
                <td data-label={t('calls.outcome')}>{c.outcome ? <span class={`badge outcome-${c.outcome}`}>{t(`outcome.${c.outcome}`)}</span> : t('calls.ongoing')}</td>
                <td data-label={t('calls.talk')}>{duration(c.talkSeconds)}</td>
                <td data-label={t('calls.recording')}>
                  {c.recordingUrl ? (
                    // biome-ignore lint/a11y/useMediaCaption: recordings of phone calls come without captions
                    <audio controls preload="none" src={c.recordingUrl} aria-label={t('ticket.recording')} />
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" class="secondary more" onClick={() => void showMore()}>
          {t('tickets.more')}
        </button>
      )}
    </section>
  );
}
