// Reports from the aggregates (L2, L3, L5): one Query per dimension over the bucket range, then the
// pure assembly (shared/domain/report.ts). `callReport` is also what the CSV export renders.
import { Invalid } from '../domain/errors.ts';
import {
  assembleCallReport,
  assembleHelpdeskReport,
  reportRange,
  ReportRangeError,
  type CallReport,
  type CallReportQuery,
  type HelpdeskReport,
  type HelpdeskReportQuery,
  type ReportQuery,
  type ReportRange,
} from '../domain/report.ts';
import { listEmployees } from '../adapters/employees-repo.ts';
import { queryBuckets } from '../adapters/stats-repo.ts';

export interface ReportTenant {
  id: string;
  /** Day buckets and date-only `from`/`to` are in this zone (tenant setting `timeZone`). */
  timeZone: string;
}

/** A JSON report too large for one Lambda response (see `boundedJson`): the CSV export streams any size. */
export const reportTooLarge = (bytes: number) =>
  new Invalid(`the report would be ${(bytes / 1e6).toFixed(1)} MB, over what one response carries: use a shorter range, granularity=day, or format=csv (streamed)`, 'report_too_large');

function rangeOf(tenant: ReportTenant, q: ReportQuery): ReportRange {
  try {
    return reportRange(q.from, q.to, q.granularity, tenant.timeZone);
  } catch (err) {
    if (err instanceof ReportRangeError) throw new Invalid(err.message, 'invalid_range');
    throw err;
  }
}

const granularityKey = (range: ReportRange) => (range.granularity === 'hour' ? 'H' : 'D');
const firstBucket = (range: ReportRange) => range.buckets[0]?.bucket ?? '';
const lastBucket = (range: ReportRange) => range.buckets.at(-1)?.bucket ?? '';

/** Employee id → full name, from the (cached) directory. */
export async function employeeNames(tenant: string): Promise<Record<string, string>> {
  return Object.fromEntries((await listEmployees(tenant)).map((e) => [e.id, e.fullName]));
}

/** GET /reports/calls: totals, a dense series and, with `groupBy`, the same per employee or line. */
export async function callReport(tenant: ReportTenant, query: CallReportQuery): Promise<CallReport> {
  const range = rangeOf(tenant, query);
  const g = granularityKey(range);
  const read = (kind: string) => queryBuckets(tenant.id, 'STATS', g, kind, firstBucket(range), lastBucket(range));
  if (!query.groupBy) return assembleCallReport(range, tenant.timeZone, await read('all'));
  const kind = query.groupBy === 'employee' ? 'emp' : 'line';
  const [all, rows, names] = await Promise.all([read('all'), read(kind), query.groupBy === 'employee' ? employeeNames(tenant.id) : undefined]);
  return assembleCallReport(range, tenant.timeZone, all, { groupBy: query.groupBy, rows, ...(names ? { names } : {}) });
}

/** GET /reports/helpdesk: ticket totals and series, and best in team per employee. */
export async function helpdeskReport(tenant: ReportTenant, query: HelpdeskReportQuery): Promise<HelpdeskReport> {
  const range = rangeOf(tenant, query);
  const g = granularityKey(range);
  const read = (kind: string) => queryBuckets(tenant.id, 'TSTATS', g, kind, firstBucket(range), lastBucket(range));
  const [all, employees, names] = await Promise.all([read('all'), read('emp'), employeeNames(tenant.id)]);
  return assembleHelpdeskReport(range, tenant.timeZone, all, employees, names);
}
