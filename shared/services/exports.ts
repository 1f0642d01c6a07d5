// CSV export (L4) of the call log and of the call report: who may export what, and the CSV text as
// an async sequence of chunks, one per page of rows, so the export function writes it to its
// response stream as it is read and memory stays flat however long the log is
// (functions/export-csv.ts, docs/adr/0004-csv-export-streaming.md).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { BOM, csvHeader, csvRows, localTime, type CsvCell, type CsvColumn } from '../domain/csv.ts';
import type { CallLogRow } from '../domain/call-log.ts';
import type { CallMetrics, CallReport, HelpdeskReport } from '../domain/report.ts';
import { requireRole, type RouteSpec } from '../http/api.ts';
import { bearer, verifyToken, type Principal } from '../http/auth.ts';
import { csvQueryFields, verifyExportToken } from '../http/export-token.ts';
import { AppError, badRequest, notFound, unauthorized } from '../http/errors.ts';
import { callLogFilterFields, listCallsRoute } from '../http/routes/core.ts';
import { callReportQuery, callReportRoute, helpdeskReportQuery, helpdeskReportRoute } from '../http/routes/reports.ts';
import { callLogFilters, callLogRows } from './call-log.ts';
import { callReport, employeeNames, helpdeskReport } from './reports.ts';

export interface ExportSettings {
  tenant: string;
  authSecret: string;
  timeZone: string;
  country: string;
}

/** A checked export, ready to stream. */
export interface CsvExport {
  principal: Principal;
  filename: string;
  /** The CSV text in chunks (BOM and header first); pulled one chunk at a time. */
  chunks: AsyncIterable<string>;
}

/** Rows per written chunk: one chunk is tens of KB, large enough to keep per-write overhead small. */
const ROWS_PER_CHUNK = 200;

const exportParams = {
  bom: csvQueryFields.bom,
  token: z.string().max(4096).optional().describe('Export token from the 303 of `GET /calls?format=csv`'),
  format: z.literal('csv').optional(),
};

const callLogExportQuery = callLogFilterFields.extend(exportParams);
const callReportExportQuery = callReportQuery.extend(exportParams);
const helpdeskReportExportQuery = helpdeskReportQuery.extend(exportParams);

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

/** The caller: the export token of a 303 (`?token=`), else an ordinary bearer token. 401 before anything else. */
async function exportPrincipal(event: APIGatewayProxyEventV2, path: string, s: ExportSettings): Promise<Principal> {
  const token = event.queryStringParameters?.['token'];
  if (token !== undefined) return verifyExportToken(token, s.authSecret, s.tenant, path);
  const auth = event.headers?.['authorization'];
  if (!auth) throw unauthorized('an export needs ?token= (from the 303 of the API) or an Authorization: Bearer token');
  return verifyToken(bearer(auth), s.authSecret, s.tenant);
}

function parseQuery<S extends z.ZodType>(schema: S, event: APIGatewayProxyEventV2): z.output<S> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '), 'invalid_query');
  return parsed.data;
}

interface ExportRoute {
  /** The API route whose data this exports: its path names the export, its roles decide who may. */
  spec: RouteSpec;
  plan(event: APIGatewayProxyEventV2, s: ExportSettings): Promise<Omit<CsvExport, 'principal'>>;
}

const routes: ExportRoute[] = [
  {
    spec: listCallsRoute,
    async plan(event, s) {
      const q = parseQuery(callLogExportQuery, event);
      const filters = callLogFilters(q, s.country);
      return {
        filename: exportFilename('calls', s.timeZone, filters.from, filters.to),
        chunks: csvChunks(callLogColumns(s.timeZone, await employeeNames(s.tenant)), callLogRows(s.tenant, filters), q.bom === 'true'),
      };
    },
  },
  {
    // A report is a few thousand rows at most (one per bucket or group): read whole, then written.
    spec: callReportRoute,
    async plan(event, s) {
      const { bom, token: _token, format: _format, ...query } = parseQuery(callReportExportQuery, event);
      const report = await callReport({ id: s.tenant, timeZone: s.timeZone }, query);
      const { columns, rows } = callReportTable(report);
      return {
        filename: exportFilename(report.groupBy ? `call-report-by-${report.groupBy}` : 'call-report', s.timeZone, report.from, report.to),
        chunks: csvChunks(columns, inMemory(rows), bom === 'true'),
      };
    },
  },
  {
    spec: helpdeskReportRoute,
    async plan(event, s) {
      const { bom, token: _token, format: _format, groupBy, ...query } = parseQuery(helpdeskReportExportQuery, event);
      const report = await helpdeskReport({ id: s.tenant, timeZone: s.timeZone }, query);
      const { columns, rows } = helpdeskReportTable(report, groupBy);
      return {
        filename: exportFilename(groupBy ? 'helpdesk-report-by-employee' : 'helpdesk-report', s.timeZone, report.from, report.to),
        chunks: csvChunks(columns, inMemory(rows), bom === 'true'),
      };
    },
  },
];

/**
 * Checks an export request in the order every endpoint does, all before the first CSV byte:
 * path (404), method (405), caller (401), role (403), query (400).
 */
export async function prepareExport(event: APIGatewayProxyEventV2, s: ExportSettings): Promise<CsvExport> {
  const path = event.rawPath.replace(/\/+$/, '') || '/';
  const route = routes.find((r) => r.spec.path === path);
  if (!route) throw notFound(`no export at ${path}; exports: ${routes.map((r) => r.spec.path).join(', ')}`);
  const method = event.requestContext.http.method;
  if (method !== 'GET') throw new AppError(405, 'method_not_allowed', 'exports are read with GET');
  const principal = await exportPrincipal(event, path, s);
  requireRole(principal, route.spec.roles);
  return { principal, ...(await route.plan(event, s)) };
}
