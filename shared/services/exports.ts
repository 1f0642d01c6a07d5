// CSV export (L4) of the call log and of the reports: the CSV text as an async sequence of chunks,
// one per page of rows, so the export function writes it to its response stream as it is read and
// memory stays flat however long the log is (functions/export-csv.ts,
// docs/adr/0004-csv-export-streaming.md). Who may export what is decided before, at the edge
// (shared/http/export-request.ts).
import { BOM, csvHeader, csvRows, localTime, type CsvCell, type CsvColumn } from '../domain/csv.ts';
import type { CallLogRow } from '../domain/call-log.ts';
import type { CallMetrics, CallReport, CallReportQuery, HelpdeskReport, HelpdeskReportQuery } from '../domain/report.ts';
import { callLogFilters, callLogRows, type CallLogQuery } from './call-log.ts';
import { callReport, employeeNames, helpdeskReport } from './reports.ts';

export interface ExportSettings {
  tenant: string;
  timeZone: string;
  country: string;
}

/** A CSV file, ready to stream. */
export interface CsvFile {
  filename: string;
  /** The CSV text in chunks (BOM and header first); pulled one chunk at a time. */
  chunks: AsyncIterable<string>;
}

/** Rows per written chunk: one chunk is tens of KB, large enough to keep per-write overhead small. */
const ROWS_PER_CHUNK = 200;

/**
 * The call log's columns. Times are wall-clock time in the tenant's time zone; employees appear by id
 * and, for people reading the sheet, by name (the id when the directory no longer has them).
 */
export function callLogColumns(timeZone: string, names: Readonly<Record<string, string>> = {}): CsvColumn<CallLogRow>[] {
  const name = (id: string) => names[id] ?? id;
  return [
    { header: 'call_id', value: (r) => r.id },
    { header: 'started_at', value: (r) => localTime(r.startedAt, timeZone) },
    { header: 'ended_at', value: (r) => localTime(r.endedAt, timeZone) },
    { header: 'direction', value: (r) => r.direction },
    { header: 'outcome', value: (r) => r.outcome },
    { header: 'from', value: (r) => r.from },
    { header: 'to', value: (r) => r.to },
    { header: 'line', value: (r) => r.line },
    { header: 'customer_number', value: (r) => r.customerNumber },
    { header: 'customer_id', value: (r) => r.customerId },
    { header: 'employees', value: (r) => r.employees.join(';') },
    { header: 'employee_names', value: (r) => r.employees.map(name).join(';') },
    { header: 'answered_by', value: (r) => r.answeredBy },
    { header: 'answered_by_name', value: (r) => (r.answeredBy ? name(r.answeredBy) : null) },
    { header: 'wait_seconds', value: (r) => r.waitSeconds },
    { header: 'talk_seconds', value: (r) => r.talkSeconds },
    { header: 'recording_url', value: (r) => r.recordingUrl },
    { header: 'provider', value: (r) => r.provider },
  ];
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * A call report as one table: a row per bucket (or, grouped, per employee or line), the metrics as
 * columns, and a last row `total`. The metric columns follow the report's own fields, so a metric
 * added to the report is exported without a change here.
 */
export function callReportTable(report: CallReport): { columns: CsvColumn<{ head: CsvCell[]; metrics: CallMetrics }>[]; rows: { head: CsvCell[]; metrics: CallMetrics }[] } {
  const metricKeys = Object.keys(report.totals) as (keyof CallMetrics)[];
  const metricColumns = metricKeys.map((k) => ({ header: snake(k), value: (r: { metrics: CallMetrics }) => r.metrics[k] }));
  const headColumn = (header: string, i: number) => ({ header, value: (r: { head: CsvCell[] }) => r.head[i] });
  if (report.groupBy && report.groups) {
    const key = report.groupBy === 'employee' ? 'employee_id' : 'line';
    return {
      columns: [headColumn(key, 0), headColumn('name', 1), ...metricColumns],
      rows: [...report.groups.map((g) => ({ head: [g.key, g.name ?? null], metrics: g.totals })), { head: ['total', null], metrics: report.totals }],
    };
  }
  return {
    columns: [headColumn(report.granularity === 'hour' ? 'hour_start' : 'day', 0), ...metricColumns],
    rows: [
      ...report.series.map((b) => ({ head: [report.granularity === 'hour' ? localTime(b.start, report.timeZone) : b.bucket], metrics: b })),
      { head: ['total'], metrics: report.totals },
    ],
  };
}

type TableRow = { head: CsvCell[]; metrics: Record<string, number> };

/**
 * The helpdesk report (L5) as one table: its time series with a last row `total`, or with `groupBy=employee`
 * the per-employee figures, best in team first.
 */
export function helpdeskReportTable(report: HelpdeskReport, groupBy: 'employee' | undefined): { columns: CsvColumn<TableRow>[]; rows: TableRow[] } {
  const headColumn = (header: string, i: number) => ({ header, value: (r: TableRow) => r.head[i] });
  const metricColumns = (keys: string[]) => keys.map((k) => ({ header: snake(k), value: (r: TableRow) => r.metrics[k] }));
  if (groupBy === 'employee') {
    const keys = ['bestInTeam', 'withFirstResponse'];
    return {
      columns: [headColumn('employee_id', 0), headColumn('name', 1), ...metricColumns(keys)],
      rows: report.employees.map((e) => ({ head: [e.employeeId, e.name ?? null], metrics: e.totals })),
    };
  }
  return {
    columns: [headColumn(report.granularity === 'hour' ? 'hour_start' : 'day', 0), ...metricColumns(Object.keys(report.totals))],
    rows: [
      ...report.series.map((b) => ({ head: [report.granularity === 'hour' ? localTime(b.start, report.timeZone) : b.bucket], metrics: b })),
      { head: ['total'], metrics: report.totals },
    ],
  };
}

async function* inMemory<T>(rows: T[]): AsyncGenerator<T> {
  yield* rows;
}

/** Header first, then the rows in chunks of ROWS_PER_CHUNK; the next page is read only when the stream wants more. */
export async function* csvChunks<T>(columns: CsvColumn<T>[], rows: AsyncIterable<T>, bom: boolean): AsyncGenerator<string> {
  yield (bom ? BOM : '') + csvHeader(columns);
  let batch: T[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= ROWS_PER_CHUNK) {
      yield csvRows(columns, batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield csvRows(columns, batch);
}

/** `calls-2026-11-01-2026-11-22.csv`: the range in tenant-local dates (`all` without a start, today without an end). */
export function exportFilename(kind: string, timeZone: string, from: string | undefined, to: string | undefined, now = new Date()): string {
  const day = (iso: string) => localTime(iso, timeZone).slice(0, 10);
  return `${kind}-${from ? day(from) : 'all'}-${day(to ?? now.toISOString())}.csv`;
}

/** The call log (L1 filters), read page by page as the stream asks for more. */
export async function callLogCsv(s: ExportSettings, query: Omit<CallLogQuery, 'limit' | 'cursor'>, bom: boolean): Promise<CsvFile> {
  const filters = callLogFilters(query, s.country);
  return {
    filename: exportFilename('calls', s.timeZone, filters.from, filters.to),
    chunks: csvChunks(callLogColumns(s.timeZone, await employeeNames(s.tenant)), callLogRows(s.tenant, filters), bom),
  };
}

// A report is a few thousand rows at most (one per bucket or group): read whole, then written.

export async function callReportCsv(s: ExportSettings, query: CallReportQuery, bom: boolean): Promise<CsvFile> {
  const report = await callReport({ id: s.tenant, timeZone: s.timeZone }, query);
  const { columns, rows } = callReportTable(report);
  return {
    filename: exportFilename(report.groupBy ? `call-report-by-${report.groupBy}` : 'call-report', s.timeZone, report.from, report.to),
    chunks: csvChunks(columns, inMemory(rows), bom),
  };
}

export async function helpdeskReportCsv(s: ExportSettings, query: HelpdeskReportQuery, bom: boolean): Promise<CsvFile> {
  const report = await helpdeskReport({ id: s.tenant, timeZone: s.timeZone }, query);
  const { columns, rows } = helpdeskReportTable(report, query.groupBy);
  return {
    filename: exportFilename(query.groupBy ? 'helpdesk-report-by-employee' : 'helpdesk-report', s.timeZone, report.from, report.to),
    chunks: csvChunks(columns, inMemory(rows), bom),
  };
}
