// The call log's facet items (L1): one small item per (facet, call), `T#t#LOG#{facet}` /
// `{startedAt}#{callId}`, holding the log row; and a marker per call (`T#t#CALL#{id}` / `LOG`) that
// records which version of the call is filed under which facets, so re-filing is idempotent and
// order-safe. See docs/architecture.md, "Call log".
import { GetCommand, QueryCommand, TransactWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Call } from '../domain/call.ts';
import { logFacets, logPosition, logRow, type CallLogRow } from '../domain/call-log.ts';
import { ddb, isConditionFailure, keys, tableName } from './dynamo.ts';
import { retry } from './retry.ts';

interface LogMarker {
  version: number;
  facets: string[];
  position: string;
}

/** How many times a lost race (another filing of the same call committed first) is re-read and retried. */
const MAX_ATTEMPTS = 6;

export type FileOutcome = 'filed' | 'up_to_date' | 'no_call';

/**
 * Files the call's current state (a consistent read of the call item, never the event's snapshot)
 * under its facets: puts the row in every facet, deletes it from facets it left, and moves the
 * marker, in one transaction conditioned on the marker read. A redelivered or late event finds the
 * marker at or beyond the call's version and changes nothing.
 */
export function fileCallInLog(tenant: string, callId: string, customerOf: (e164: string) => Promise<string | null>): Promise<FileOutcome> {
  // Another filing of this call committed first (or held its items): re-read and decide again.
  return retry({ attempts: MAX_ATTEMPTS, baseMs: 20, capMs: 1000, retryOn: isConditionFailure }, async () => {
    const [callOut, markerOut] = await Promise.all([
      ddb.send(new GetCommand({ TableName: tableName, Key: keys.call(tenant, callId), ConsistentRead: true, ProjectionExpression: '#c, version, customerId', ExpressionAttributeNames: { '#c': 'call' } })),
      ddb.send(new GetCommand({ TableName: tableName, Key: keys.callLogMarker(tenant, callId), ConsistentRead: true })),
    ]);
    const item = callOut.Item as { call: Call; version: number; customerId?: string } | undefined;
    if (!item?.call) return 'no_call';
    const { call, version } = item;
    const marker = markerOut.Item as LogMarker | undefined;
    if (marker && marker.version >= version) return 'up_to_date';

    const facets = logFacets(call);
    const position = logPosition(call);
    const customerId = item.customerId ?? (facets.length > 0 && call.customerNumber ? await customerOf(call.customerNumber) : null);
    const row = logRow(call, customerId);
    // A late event can move startedAt: then every old item sits at another sort key and goes.
    const dropped = marker ? marker.facets.filter((f) => marker.position !== position || !facets.includes(f)).map((f) => ({ PK: keys.callLog(tenant, f), SK: marker.position })) : [];
    const markerCondition = marker
      ? { ConditionExpression: 'version = :old', ExpressionAttributeValues: { ':old': marker.version } }
      : { ConditionExpression: 'attribute_not_exists(PK)' };
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: { ...keys.callLogMarker(tenant, callId), version, facets, position }, ...markerCondition } },
          ...facets.map((f) => ({ Put: { TableName: tableName, Item: { PK: keys.callLog(tenant, f), SK: position, row } } })),
          ...dropped.map((Key) => ({ Delete: { TableName: tableName, Key } })),
        ],
      }),
    );
    return 'filed';
  });
}

// ---------------------------------------------------------------------------------------------
// Reading: newest first within a startedAt range, charged against a per-request read budget.

export interface LogEntry {
  position: string;
  row: CallLogRow;
}

/** Items a request may still read; shared by every partition it reads. */
export interface ReadBudget {
  left: number;
}

export interface LogRange {
  /** Inclusive lower bound of startedAt (ISO-8601). */
  from?: string;
  /** Exclusive upper bound of startedAt. */
  to?: string;
  /** Exclusive upper bound of the position: continue after this row (the cursor). */
  after?: string;
}

export const BUDGET_EXHAUSTED = Symbol('budget exhausted');

/** One partition read lazily, newest first, a page at a time. */
export class LogReader {
  private buffer: LogEntry[] = [];
  private startKey: Record<string, unknown> | undefined;
  private done: boolean;
  private started = false;
  private readonly input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>;

  constructor(
    query: { index?: 'GSI1'; pk: string },
    private readonly range: LogRange,
    private readonly pageSize: number,
    private readonly budget: ReadBudget,
    private readonly toEntry: (item: Record<string, unknown>) => LogEntry,
  ) {
    const pkName = query.index ? 'GSI1PK' : 'PK';
    const skName = query.index ? 'GSI1SK' : 'SK';
    // Positions are `{startedAt}#{id}`: `from` sorts before every position of that instant and `to`
    // before every position at it, so BETWEEN from AND to is "from ≤ startedAt < to".
    const lo = range.from ?? '0';
    const to = range.to ?? '~';
    const after = range.after ?? '~';
    const hi = to < after ? to : after;
    this.done = lo > hi;
    this.input = {
      ...(query.index ? { IndexName: query.index } : {}),
      KeyConditionExpression: `${pkName} = :pk AND ${skName} BETWEEN :lo AND :hi`,
      ExpressionAttributeValues: { ':pk': query.pk, ':lo': lo, ':hi': hi },
      ScanIndexForward: false,
      ...(query.index ? { ProjectionExpression: '#c, customerId, GSI1SK', ExpressionAttributeNames: { '#c': 'call' } } : {}),
    };
  }

  /** The next entry without consuming it; null at the end; BUDGET_EXHAUSTED when reading on would exceed the budget. */
  async peek(): Promise<LogEntry | null | typeof BUDGET_EXHAUSTED> {
    while (this.buffer.length === 0 && !this.done) {
      // A reader's first read always happens, with room for the cursor's own row plus one: a merge
      // needs every partition's head, and each request must move on by at least one item.
      if (this.budget.left <= 0 && this.started) return BUDGET_EXHAUSTED;
      const limit = Math.max(this.started ? 1 : 2, Math.min(this.pageSize, this.budget.left));
      this.started = true;
      const out = await ddb.send(new QueryCommand({ ...this.input, TableName: tableName, Limit: limit, ExclusiveStartKey: this.startKey }));
      this.budget.left -= out.Count ?? 0;
      // BETWEEN includes the cursor's own row: it was on the previous page.
      this.buffer = (out.Items ?? []).map(this.toEntry).filter((e) => e.position !== this.range.after);
      this.startKey = out.LastEvaluatedKey;
      this.done = !out.LastEvaluatedKey;
    }
    return this.buffer[0] ?? null;
  }

  take(): LogEntry {
    const entry = this.buffer.shift();
    if (!entry) throw new Error('take() without a peeked entry');
    return entry;
  }
}

/** Every call of the tenant, ringing ones included (GSI1). */
export function allCallsReader(tenant: string, range: LogRange, pageSize: number, budget: ReadBudget): LogReader {
  return new LogReader({ index: 'GSI1', pk: keys.callsIndex(tenant) }, range, pageSize, budget, (item) => ({
    position: item['GSI1SK'] as string,
    row: logRow(item['call'] as Call, (item['customerId'] as string | undefined) ?? null),
  }));
}

/** The ended calls filed under one facet (`emp:emp-101`, `num:+7916…`). */
export function facetReader(tenant: string, facet: string, range: LogRange, pageSize: number, budget: ReadBudget): LogReader {
  return new LogReader({ pk: keys.callLog(tenant, facet) }, range, pageSize, budget, (item) => ({ position: item['SK'] as string, row: item['row'] as CallLogRow }));
}
