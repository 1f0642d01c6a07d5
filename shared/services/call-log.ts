// The call log (L1): pages of rows newest first, read from keyed partitions only. Without a filter
// the calls index (GSI1); with filters the most selective facet partition (or, for a customer, the
// merge of their numbers' partitions), the other filters checked on the rows. A filtered page reads
// at most READ_BUDGET items, so a sparse filter answers a short page with a cursor rather than
// reading on without bound. See docs/architecture.md, "Call log".
import { allCallsReader, BUDGET_EXHAUSTED, facetReader, type LogEntry, type LogReader, type ReadBudget } from '../adapters/call-log-repo.ts';
import { getCustomer } from '../adapters/customers-repo.ts';
import {
  decodeLogCursor,
  encodeLogCursor,
  facetToRead,
  hasFacetFilter,
  InvalidCursor,
  rowMatches,
  type CallLogFilters,
  type CallLogRow,
} from '../domain/call-log.ts';
import { Invalid, NotFound } from '../domain/errors.ts';
import { normalizePhone } from '../domain/phone.ts';

/** Items one request may read, over all the partitions it reads. */
export const READ_BUDGET = 1000;
/** Page size of callLogRows (the export). */
const STREAM_PAGE = 200;

/** The query as the API validated it (shared/http/routes/core.ts `callLogQuery`). */
export interface CallLogQuery {
  from?: string | undefined;
  to?: string | undefined;
  direction?: CallLogFilters['direction'] | undefined;
  outcome?: CallLogFilters['outcome'] | undefined;
  employeeId?: string | undefined;
  line?: string | undefined;
  number?: string | undefined;
  customerId?: string | undefined;
  hasRecording?: 'true' | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Normalized filters: instants in `toISOString()` form, numbers in E.164 with the tenant's country (I4). Invalid for what cannot be. */
export function callLogFilters(q: Omit<CallLogQuery, 'limit' | 'cursor'>, country: string): CallLogFilters {
  const instant = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const ms = Date.parse(v);
    if (Number.isNaN(ms)) throw new Invalid(`${name}: not an ISO-8601 instant`, 'invalid_query');
    return new Date(ms).toISOString();
  };
  const f: CallLogFilters = {};
  const from = instant(q.from, 'from');
  const to = instant(q.to, 'to');
  if (from && to && from >= to) throw new Invalid('from: `from` must be before `to`', 'invalid_query');
  if (from) f.from = from;
  if (to) f.to = to;
  if (q.direction) f.direction = q.direction;
  if (q.outcome) f.outcome = q.outcome;
  if (q.employeeId) f.employeeId = q.employeeId;
  // An entry number may be a short service number or a trunk name: kept as sent when it is no phone number.
  if (q.line) f.line = normalizePhone(q.line, country).e164 ?? q.line.trim();
  if (q.number) {
    const e164 = normalizePhone(q.number, country).e164;
    if (!e164) throw new Invalid('number: not a phone number', 'invalid_query');
    f.number = e164;
  }
  if (q.customerId) f.customerId = q.customerId;
  if (q.hasRecording === 'true') f.hasRecording = true;
  return f;
}

interface Page {
  rows: CallLogRow[];
  /** Position of the last entry read, when more may follow. */
  next: string | null;
}

/**
 * One page: merges its partitions newest first (one partition unless filtering by a customer with
 * several numbers), keeps the rows every filter accepts, and stops at `limit` rows or when the
 * budget is spent. Positions are unique and strictly decreasing, so continuing after the last
 * position read neither repeats nor skips a call.
 */
async function readPage(tenant: string, f: CallLogFilters, after: string | undefined, limit: number): Promise<Page> {
  const budget: ReadBudget = { left: READ_BUDGET };
  const range = { ...(f.from ? { from: f.from } : {}), ...(f.to ? { to: f.to } : {}), ...(after ? { after } : {}) };
  let readers: LogReader[];
  let phones: string[] = [];
  if (!hasFacetFilter(f)) {
    readers = [allCallsReader(tenant, range, limit + 1, budget)];
  } else {
    if (f.customerId) {
      const customer = await getCustomer(tenant, f.customerId);
      if (!customer) throw new NotFound('no customer with this id', 'customer_not_found');
      phones = customer.phones;
    }
    const facet = facetToRead(f);
    const partitions = facet ? [facet] : phones.map((p) => `num:${p}`);
    // Rows of the read partition all match when it is the only filter; else read ahead more per page.
    const filters = Object.values({ ...f, from: undefined, to: undefined }).filter((v) => v !== undefined).length;
    const perPage = filters > 1 ? Math.max(limit + 1, 100) : limit + 1;
    const share = Math.max(1, Math.floor(READ_BUDGET / Math.max(1, partitions.length)));
    readers = partitions.map((p) => facetReader(tenant, p, range, Math.min(perPage, share), budget));
  }

  const rows: CallLogRow[] = [];
  let last: string | null = null;
  for (;;) {
    const heads = await Promise.all(readers.map((r) => r.peek()));
    if (heads.includes(BUDGET_EXHAUSTED)) return { rows, next: last };
    let best = -1;
    heads.forEach((h, i) => {
      const b = heads[best] as LogEntry | null | undefined;
      if (h && h !== BUDGET_EXHAUSTED && (!b || h.position > b.position)) best = i;
    });
    if (best < 0) return { rows, next: null };
    // A full page ends only once it is known whether anything follows (the read-ahead holds it).
    if (rows.length >= limit) return { rows, next: last };
    const reader = readers[best];
    if (!reader) return { rows, next: null };
    const entry = reader.take();
    last = entry.position;
    if (rowMatches(entry.row, f, phones)) rows.push(entry.row);
  }
}

export interface CallLogPage {
  items: CallLogRow[];
  next: string | null;
}

export interface CallLogSettings {
  /** The tenant's default country (I4), for the numbers in filters. */
  country: string;
  /** Signs cursors, so that one only continues the query and tenant it was issued for. */
  cursorKey: string;
}

/** GET /calls. */
export async function listCallLog(tenant: string, query: CallLogQuery, settings: CallLogSettings): Promise<CallLogPage> {
  const filters = callLogFilters(query, settings.country);
  let after: string | undefined;
  if (query.cursor) {
    try {
      after = decodeLogCursor(settings.cursorKey, tenant, filters, query.cursor);
    } catch (err) {
      if (err instanceof InvalidCursor) throw new Invalid('invalid cursor: it belongs to another query', 'invalid_cursor');
      throw err;
    }
  }
  const page = await readPage(tenant, filters, after, query.limit);
  return { items: page.rows, next: page.next ? encodeLogCursor(settings.cursorKey, tenant, filters, page.next) : null };
}

/** Every row matching the filters, newest first, read page by page (for streaming exports). */
export async function* callLogRows(tenant: string, filters: CallLogFilters): AsyncGenerator<CallLogRow> {
  let after: string | undefined;
  do {
    const page = await readPage(tenant, filters, after, STREAM_PAGE);
    yield* page.rows;
    after = page.next ?? undefined;
  } while (after);
}
