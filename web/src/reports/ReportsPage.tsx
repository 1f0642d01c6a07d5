// Reports for supervisors: call metrics (L2) as tiles and a time-series chart, per employee or line
// (L3), and the helpdesk statistics (L5), over a range the supervisor picks.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { z } from 'zod';
import type { callReportSchema, helpdeskReportSchema } from '#shared/http/routes/reports.ts';
import { LoadError } from '../pages/Notice.tsx';
import { useConsole } from '../ui/console-context.ts';
import { useI18n } from '../ui/i18n-context.ts';
import { useAsync } from '../ui/use-async.ts';
import type CallChartView from './CallChart.tsx';
import type { ChartSeries } from './CallChart.tsx';

export type CallReport = z.infer<typeof callReportSchema>;
type HelpdeskReport = z.infer<typeof helpdeskReportSchema>;

/** The chart module, fetched on the first report shown (its own chunk with uPlot). */
function useChartModule(): typeof CallChartView | null {
  const [chart, setChart] = useState<{ view: typeof CallChartView } | null>(null);
  useEffect(() => {
    void import('./CallChart.tsx').then((m) => setChart({ view: m.default }));
  }, []);
  return chart?.view ?? null;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

const tiles = ['total', 'answered', 'missed', 'outgoing', 'target', 'newCustomers'] as const;

const seconds = (s: number | null) => (s === null ? '—' : `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`);

export function ReportsPage() {
  const { t } = useI18n();
  const { api } = useConsole();
  const CallChart = useChartModule();
  const [from, setFrom] = useState(() => isoDay(daysAgo(6)));
  const [to, setTo] = useState(() => isoDay(daysAgo(-1)));
  const [granularity, setGranularity] = useState<'day' | 'hour'>('day');
  const [groupBy, setGroupBy] = useState<'' | 'employee' | 'line'>('');
  const query = `from=${from}&to=${to}&granularity=${granularity}${groupBy ? `&groupBy=${groupBy}` : ''}`;
  const calls = useAsync(() => api.get<CallReport>(`/reports/calls?${query}`), [api, query]);
  const helpdesk = useAsync(() => api.get<HelpdeskReport>(`/reports/helpdesk?from=${from}&to=${to}&granularity=${granularity}`), [api, from, to, granularity]);

  const chart = useMemo(() => {
    const r = calls.data;
    if (!r) return null;
    const times = r.series.map((b) => Date.parse(b.start) / 1000);
    const series: ChartSeries[] = [
      { label: t('report.total'), values: r.series.map((b) => b.total), color: '#2563eb' },
      { label: t('report.answered'), values: r.series.map((b) => b.answered), color: '#16a34a' },
      { label: t('report.missed'), values: r.series.map((b) => b.missed), color: '#dc2626' },
    ];
    return { times, series };
  }, [calls.data, t]);

  return (
    <section aria-labelledby="reports-title">
      <div class="page-head">
        <h1 id="reports-title">{t('reports.title')}</h1>
      </div>
      <form class="filters" aria-label={t('reports.range')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('calls.from')}
          <input type="date" value={from} required onChange={(e) => e.currentTarget.value && setFrom(e.currentTarget.value)} />
        </label>
        <label>
          {t('calls.to')}
          <input type="date" value={to} required onChange={(e) => e.currentTarget.value && setTo(e.currentTarget.value)} />
        </label>
        <label>
          {t('reports.granularity')}
          <select value={granularity} onChange={(e) => setGranularity(e.currentTarget.value as 'day' | 'hour')}>
            <option value="day">{t('reports.byDay')}</option>
            <option value="hour">{t('reports.byHour')}</option>
          </select>
        </label>
        <label>
          {t('reports.groupBy')}
          <select value={groupBy} onChange={(e) => setGroupBy(e.currentTarget.value as '' | 'employee' | 'line')}>
            <option value="">{t('reports.noGrouping')}</option>
            <option value="employee">{t('reports.byEmployee')}</option>
            <option value="line">{t('reports.byLine')}</option>
          </select>
        </label>
      </form>
      {calls.error && <LoadError error={calls.error} retry={calls.reload} />}
      {calls.data && (
        <>
          <ul class="tiles" aria-label={t('reports.callTotals')}>
            {tiles.map((k) => (
              <li key={k} class={`tile tile-${k}`}>
                <span class="tile-label">{t(`report.${k}`)}</span>
                <strong class="tile-value" data-metric={k}>
                  {calls.data?.totals[k]}
                </strong>
              </li>
            ))}
            <li class="tile">
              <span class="tile-label">{t('report.averageTalk')}</span>
              <strong class="tile-value">{seconds(calls.data.totals.averageTalkSeconds)}</strong>
            </li>
            <li class="tile">
              <span class="tile-label">{t('report.averageWait')}</span>
              <strong class="tile-value">{seconds(calls.data.totals.averageWaitSeconds)}</strong>
            </li>
          </ul>
          {chart && (
            <figure class="chart-box" aria-label={t('reports.chart')}>
              {CallChart ? <CallChart times={chart.times} series={chart.series} title={t('reports.chart')} /> : <p class="muted">{t('app.loading')}</p>}
            </figure>
          )}
          {calls.data.groups && calls.data.groups.length > 0 && (
            <table class="list groups" aria-label={t(groupBy === 'line' ? 'reports.byLine' : 'reports.byEmployee')}>
              <thead>
                <tr>
                  <th scope="col">{t(groupBy === 'line' ? 'calls.line' : 'calls.employee')}</th>
                  {tiles.map((k) => (
                    <th key={k} scope="col">
                      {t(`report.${k}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {calls.data.groups.map((g) => (
                  <tr key={g.key}>
                    <th scope="row">{g.name ?? g.key}</th>
                    {tiles.map((k) => (
                      <td key={k} data-label={t(`report.${k}`)}>
                        {g.totals[k]}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      <h2>{t('reports.helpdesk')}</h2>
      {helpdesk.error && <LoadError error={helpdesk.error} retry={helpdesk.reload} />}
      {helpdesk.data && (
        <ul class="tiles" aria-label={t('reports.helpdesk')}>
          {(['incomingTickets', 'withFirstResponse', 'closedWithRecording'] as const).map((k) => (
            <li key={k} class="tile">
              <span class="tile-label">{t(`report.${k}`)}</span>
              <strong class="tile-value">{helpdesk.data?.totals[k]}</strong>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
