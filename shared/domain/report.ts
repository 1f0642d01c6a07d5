// Bucket rows → reports (L2, L3, L5). Pure: the range arithmetic (UTC hours, tenant-local days) and
// the assembly of totals, a dense time series for a chart, and per-group figures.
import { callCounters, dayBucket, hourBucket, type Counters } from './call-stats.ts';

export type ReportGranularity = 'hour' | 'day';

/** Longest range per granularity: a chart of ~2,200 hours, or three years of days. */
export const MAX_RANGE_DAYS: Record<ReportGranularity, number> = { hour: 92, day: 1100 };

export interface ReportBucket {
  /** The bucket id as stored: `2026-11-21T10` (UTC hour) or `2026-11-21` (tenant day). */
  bucket: string;
  /** The instant the bucket starts. */
  start: string;
}

export interface ReportRange {
  granularity: ReportGranularity;
  /** Aligned to whole buckets: UTC hours, or the tenant's days (midnight in its time zone). */
  from: string;
  to: string;
  buckets: ReportBucket[];
}

export class ReportRangeError extends Error {}

/** What a report is asked for: `from`/`to` are instants with an offset, or dates in the tenant's time zone. */
export interface ReportQuery {
  from: string;
  to: string;
  granularity: ReportGranularity;
}

export interface CallReportQuery extends ReportQuery {
  /** Also per employee, or per line (the company number of the call). */
  groupBy?: 'employee' | 'line' | undefined;
}

export interface HelpdeskReportQuery extends ReportQuery {
  /** The per-employee table (best in team) instead of the time series; CSV only. */
  groupBy?: 'employee' | undefined;
}

const HOUR = 3_600_000;
const DAY_ISO = /^\d{4}-\d{2}-\d{2}$/;

/** Offset of `timeZone` from UTC at an instant, in ms (positive east of Greenwich). */
function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return local - Math.floor(instant / 1000) * 1000;
}

/** The instant a tenant-local date starts (its midnight in `timeZone`). */
export function dayStart(day: string, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  let t = wall;
  // Two rounds settle a DST change between the guess and the answer.
  for (let i = 0; i < 3; i++) {
    const next = wall - offsetMs(t, timeZone);
    if (next === t) break;
    t = next;
  }
  return t;
}

export const nextDay = (day: string): string => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
};

/** An instant (ISO 8601 with offset) or a tenant-local date (`2026-11-21` = its midnight). */
export function parseInstant(value: string, timeZone: string): number {
  return DAY_ISO.test(value) ? dayStart(value, timeZone) : Date.parse(value);
}

/**
 * The buckets of [from, to): an hour report covers the UTC hours the range touches, a day report the
 * tenant's days it touches, so `from` moves back to the start of its bucket and `to` forward to the end
 * of the bucket it ends in. Throws ReportRangeError for an empty or too long range.
 */
export function reportRange(fromValue: string, toValue: string, granularity: ReportGranularity, timeZone: string): ReportRange {
  const from = parseInstant(fromValue, timeZone);
  const to = parseInstant(toValue, timeZone);
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new ReportRangeError('from and to must be ISO 8601 instants or dates');
  if (from >= to) throw new ReportRangeError('from must be before to');
  const buckets: ReportBucket[] = [];
  let alignedFrom: number;
  let alignedTo: number;
  if (granularity === 'hour') {
    alignedFrom = Math.floor(from / HOUR) * HOUR;
    alignedTo = Math.ceil(to / HOUR) * HOUR;
    if (alignedTo - alignedFrom > MAX_RANGE_DAYS.hour * 24 * HOUR) throw new ReportRangeError(`an hourly report covers at most ${MAX_RANGE_DAYS.hour} days`);
    for (let t = alignedFrom; t < alignedTo; t += HOUR) buckets.push({ bucket: hourBucket(new Date(t).toISOString()), start: new Date(t).toISOString() });
  } else {
    const first = dayBucket(new Date(from).toISOString(), timeZone);
    const last = dayBucket(new Date(to - 1).toISOString(), timeZone);
    // Checked before enumerating, so an absurd range costs nothing.
    if (to - from > (MAX_RANGE_DAYS.day + 1) * 24 * HOUR) throw new ReportRangeError(`a daily report covers at most ${MAX_RANGE_DAYS.day} days`);
    for (let day = first; day <= last; day = nextDay(day)) buckets.push({ bucket: day, start: new Date(dayStart(day, timeZone)).toISOString() });
    if (buckets.length > MAX_RANGE_DAYS.day) throw new ReportRangeError(`a daily report covers at most ${MAX_RANGE_DAYS.day} days`);
    alignedFrom = dayStart(first, timeZone);
    alignedTo = dayStart(nextDay(last), timeZone);
  }
  return { granularity, from: new Date(alignedFrom).toISOString(), to: new Date(alignedTo).toISOString(), buckets };
}

// ---- call report ----

export type CallMetrics = Record<(typeof callCounters)[number], number> & {
  /** talkSeconds / answered, one decimal; null without answered calls. */
  averageTalkSeconds: number | null;
  /** waitSeconds / waitCount (answered inbound calls), one decimal; null without any. */
  averageWaitSeconds: number | null;
};

const ratio = (a: number, b: number): number | null => (b > 0 ? Math.round((a / b) * 10) / 10 : null);

export function callMetrics(c: Counters): CallMetrics {
  const m = Object.fromEntries(callCounters.map((k) => [k, c[k] ?? 0])) as Record<(typeof callCounters)[number], number>;
  return { ...m, averageTalkSeconds: ratio(m.talkSeconds, m.answered), averageWaitSeconds: ratio(m.waitSeconds, m.waitCount) };
}

/** One stored bucket item: its bucket, the group value for `emp`/`line` rows, and its counters. */
export interface BucketRow {
  bucket: string;
  key: string | null;
  counters: Counters;
}

export interface Report<M> {
  from: string;
  to: string;
  granularity: ReportGranularity;
  timeZone: string;
  totals: M;
  series: (ReportBucket & M)[];
}

export interface GroupReport<M> {
  key: string;
  name?: string;
  totals: M;
  /** Only the buckets with calls of the group (the others are zeros). */
  series: (ReportBucket & M)[];
}

function add(acc: Counters, c: Counters): Counters {
  for (const [k, v] of Object.entries(c)) acc[k] = (acc[k] ?? 0) + (v ?? 0);
  return acc;
}

/** Totals and the series of one group's rows: dense (every bucket of the range, zeros included) or only the buckets with counts. */
function seriesOf<M>(range: ReportRange, rows: BucketRow[], metrics: (c: Counters) => M, dense: boolean): { totals: M; series: (ReportBucket & M)[] } {
  const byBucket = new Map<string, Counters>();
  for (const r of rows) {
    const sums = byBucket.get(r.bucket) ?? {};
    add(sums, r.counters);
    byBucket.set(r.bucket, sums);
  }
  const totals: Counters = {};
  const series: (ReportBucket & M)[] = [];
  for (const b of range.buckets) {
    const c = byBucket.get(b.bucket);
    if (c) add(totals, c);
    // A bucket item can hold only zeros (a corrected call moved out of it): a sparse series skips it.
    if (dense || (c && Object.values(c).some((v) => v))) series.push({ ...b, ...metrics(c ?? {}) });
  }
  return { totals: metrics(totals), series };
}

export type CallReport = Report<CallMetrics> & { groupBy?: 'employee' | 'line'; groups?: GroupReport<CallMetrics>[] };

/**
 * `all` rows make the totals and the series; with a groupBy, the rows of that dimension make one group
 * per value (named from `names`), sorted by total calls, then key.
 */
export function assembleCallReport(
  range: ReportRange,
  timeZone: string,
  all: BucketRow[],
  grouped?: { groupBy: 'employee' | 'line'; rows: BucketRow[]; names?: Record<string, string> },
): CallReport {
  const report: CallReport = { from: range.from, to: range.to, granularity: range.granularity, timeZone, ...seriesOf(range, all, callMetrics, true) };
  if (!grouped) return report;
  return { ...report, groupBy: grouped.groupBy, groups: groupsOf(range, grouped.rows, callMetrics, grouped.names, (g) => g.totals.total) };
}

function groupsOf<M>(range: ReportRange, rows: BucketRow[], metrics: (c: Counters) => M, names: Record<string, string> | undefined, weight: (g: GroupReport<M>) => number): GroupReport<M>[] {
  const byKey = new Map<string, BucketRow[]>();
  for (const r of rows) {
    if (r.key === null) continue;
    const list = byKey.get(r.key) ?? [];
    list.push(r);
    byKey.set(r.key, list);
  }
  return [...byKey]
    .map(([key, list]) => ({ key, ...(names?.[key] ? { name: names[key] } : {}), ...seriesOf(range, list, metrics, false) }))
    .filter((g) => g.series.length > 0)
    .sort((a, b) => weight(b) - weight(a) || a.key.localeCompare(b.key));
}

// ---- helpdesk report (L5) ----

export type HelpdeskMetrics = Record<'incomingTickets' | 'withFirstResponse' | 'closedWithRecording', number>;
export type EmployeeHelpdeskMetrics = Record<'bestInTeam' | 'withFirstResponse', number>;

export const helpdeskMetrics = (c: Counters): HelpdeskMetrics => ({
  incomingTickets: c['incomingTickets'] ?? 0,
  withFirstResponse: c['withFirstResponse'] ?? 0,
  closedWithRecording: c['closedWithRecording'] ?? 0,
});

const employeeHelpdeskMetrics = (c: Counters): EmployeeHelpdeskMetrics => ({ bestInTeam: c['bestInTeam'] ?? 0, withFirstResponse: c['withFirstResponse'] ?? 0 });

export type HelpdeskReport = Report<HelpdeskMetrics> & {
  /** Per employee, best in team first (most closed tickets with their recording). */
  employees: { employeeId: string; name?: string; totals: EmployeeHelpdeskMetrics }[];
};

export function assembleHelpdeskReport(range: ReportRange, timeZone: string, all: BucketRow[], employees: BucketRow[], names?: Record<string, string>): HelpdeskReport {
  return {
    from: range.from,
    to: range.to,
    granularity: range.granularity,
    timeZone,
    ...seriesOf(range, all, helpdeskMetrics, true),
    employees: groupsOf(range, employees, employeeHelpdeskMetrics, names, (g) => g.totals.bestInTeam).map((g) => ({
      employeeId: g.key,
      ...(g.name ? { name: g.name } : {}),
      totals: g.totals,
    })),
  };
}
