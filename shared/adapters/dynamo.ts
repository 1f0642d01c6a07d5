// The DynamoDB document client (module-scope singleton), the single-table key builders, and the
// generic helpers every repository shares: conditional writes, transactions whose failed conditions
// name the value at fault, retries of lost races, paging, cursors and batches.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../config.ts';
import { Conflict, Invalid } from '../domain/errors.ts';
import { retry, tryAgain } from './retry.ts';
import { sdkClientOptions } from './sdk-options.ts';

export const tableName = requireEnv('TABLE_NAME');
export const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientOptions), {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

/** Key builders: every key starts with the tenant (S1). See docs/architecture.md. */
export const keys = {
  call: (t: string, callId: string) => ({ PK: `T#${t}#CALL#${callId}`, SK: 'CALL' }),
  callsIndex: (t: string) => `T#${t}#CALLS`,
  openCalls: (t: string) => `T#${t}#OPENCALLS`,
  callTicket: (t: string, callId: string) => ({ PK: `T#${t}#CALL#${callId}`, SK: 'TICKET' }),
  callLog: (t: string, facet: string) => `T#${t}#LOG#${facet}`,
  callLogMarker: (t: string, callId: string) => ({ PK: `T#${t}#CALL#${callId}`, SK: 'LOG' }),
  ticket: (t: string, id: string) => ({ PK: `T#${t}#TICKET#${id}`, SK: 'TICKET' }),
  ticketsByStatus: (t: string, status: string) => `T#${t}#TICKETS#${status}`,
  tickets: (t: string) => `T#${t}#TICKETS`,
  missedGroup: (t: string, number: string) => ({ PK: `T#${t}#MISSED#${number}`, SK: 'OPEN' }),
  customer: (t: string, id: string) => ({ PK: `T#${t}#CUST#${id}`, SK: 'CUST' }),
  phone: (t: string, e164: string) => ({ PK: `T#${t}#PHONE#${e164}`, SK: 'PHONE' }),
  employees: (t: string) => `T#${t}#EMPLOYEES`,
  employee: (t: string, id: string) => ({ PK: `T#${t}#EMPLOYEES`, SK: `EMP#${id}` }),
  employeeKey: (t: string, kind: string, value: string) => ({ PK: `T#${t}#EMPKEY#${kind}#${value}`, SK: 'EMPKEY' }),
  /** Bumped after every employee write: containers check it (one GetItem) before trusting their cache. */
  employeesVersion: (t: string) => ({ PK: `T#${t}#EMPVERSION`, SK: 'VERSION' }),
  /** One customer search token's partition; its items are keyed by customer id. */
  customerSearch: (t: string, token: string) => `T#${t}#CSEARCH#${token}`,
  employeeConnections: (t: string, employeeId: string) => `T#${t}#EMPCONN#${employeeId}`,
  connection: (t: string, connectionId: string) => ({ PK: `T#${t}#CONN#${connectionId}`, SK: 'CONN' }),
  /** Statistics bucket partitions (docs/analytics.md): `STATS` calls, `TSTATS` tickets; H|D; all|emp|line. */
  statsBuckets: (t: string, family: 'STATS' | 'TSTATS', granularity: 'H' | 'D', kind: string) => `T#${t}#${family}#${granularity}#${kind}`,
  /** The earliest inbound call from a number (new customers). */
  firstCall: (t: string, e164: string) => ({ PK: `T#${t}#FIRSTCALL#${e164}`, SK: 'FIRSTCALL' }),
};

export function isConditionFailure(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException';
}

/** Runs a conditional write: true when it was applied, false when its condition did not hold (a lost race). */
export async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** The key attributes of the table and its indexes (lib/core.ts): all a LastEvaluatedKey holds. */
const CURSOR_ATTRIBUTES = new Set(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK']);

/** Opaque list cursors: base64url of the LastEvaluatedKey. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

export function decodeCursor(cursor: string | undefined, partition: string): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new Invalid('invalid cursor', 'invalid_cursor');
  }
  // A cursor only ever points inside the partition it came from: no paging into another tenant.
  if (!key || typeof key !== 'object' || Array.isArray(key) || !Object.values(key).includes(partition)) throw new Invalid('invalid cursor', 'invalid_cursor');
  // And it is a key of this table: the table's and its indexes' key attributes, string values only.
  // Anything else (another attribute, a nested map, a number) would reach DynamoDB as a 500.
  const entries = Object.entries(key);
  if (entries.length > CURSOR_ATTRIBUTES.size || entries.some(([name, value]) => !CURSOR_ATTRIBUTES.has(name) || typeof value !== 'string' || value.length > 1024)) {
    throw new Invalid('invalid cursor', 'invalid_cursor');
  }
  return key as Record<string, unknown>;
}

/** Every item a Query matches, page after page; an async iterator, so a caller can stop early. */
export async function* queryItems(input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<Record<string, unknown>> {
  let start = input.ExclusiveStartKey;
  do {
    const out = await ddb.send(new QueryCommand({ ...input, TableName: tableName, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) yield item;
    start = out.LastEvaluatedKey;
  } while (start);
}

// ---------------------------------------------------------------------------------------------
// Transactions whose failed conditions say what is at fault

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const MAX_TRANSACT_ITEMS = 100;

export interface GuardedWrite {
  item: TransactItem;
  /** The Conflict message when this item's condition fails; null = a lost race on the owner (re-read, retry). */
  onConflict: string | null;
}

/** A condition on the record being changed failed: another writer got there first. */
export class LostRace extends Error {}

/** Condition codes of a cancelled transaction, in item order; null for any other error. */
function cancellationCodes(err: unknown): string[] | null {
  const e = err as { name?: string; CancellationReasons?: { Code?: string }[]; message?: string };
  if (e?.name !== 'TransactionCanceledException') return null;
  if (e.CancellationReasons) return e.CancellationReasons.map((r) => r.Code ?? 'None');
  // DynamoDB Local and older endpoints only put the reasons in the message: "[None, ConditionalCheckFailed]".
  const m = /\[([^\]]*)\]/.exec(e.message ?? '');
  return m?.[1]?.split(',').map((s) => s.trim()) ?? [];
}

/**
 * Runs one transaction. A failed condition becomes a Conflict naming the value (or LostRace for the
 * owner's own revision); a cancellation for any other reason (another transaction held an item, a
 * throttle) is retried after a pause.
 */
export async function transact(items: GuardedWrite[]): Promise<void> {
  if (items.length > MAX_TRANSACT_ITEMS) throw new Invalid('too many phone numbers or other unique values in one change', 'too_many_values');
  await retry({ attempts: 7, baseMs: 20, capMs: 1000, retryOn: (err) => cancellationCodes(err) !== null }, async () => {
    try {
      await ddb.send(new TransactWriteCommand({ TransactItems: items.map((d) => d.item) }));
    } catch (err) {
      const failed = cancellationCodes(err)?.indexOf('ConditionalCheckFailed') ?? -1;
      if (failed < 0) throw err;
      const message = items[failed]?.onConflict;
      if (message === null || message === undefined) throw new LostRace();
      throw new Conflict(message);
    }
  });
}

/** Re-reads and re-applies a change until it commits without losing an optimistic race. */
export function retryLostRaces<T>(change: () => Promise<T>): Promise<T> {
  return retry(
    { attempts: 9, baseMs: 10, capMs: 200, retryOn: (err) => err instanceof LostRace, giveUp: () => new Conflict('the record changed concurrently, try again') },
    change,
  );
}

/** The condition of an optimistic write on a record's revision (0: the item exists but has none yet). */
export const revCondition = (rev: number) =>
  rev === 0 ? { ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(rev)' } : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': rev } };

// ---------------------------------------------------------------------------------------------
// Batches

export type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

const BATCH_RETRIES = { attempts: 11, baseMs: 25, capMs: 1000 };

/** BatchWriteItem in requests of 25, retrying unprocessed items with backoff. */
export async function batchWrite(requests: WriteRequest[]): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let pending: WriteRequest[] = requests.slice(i, i + 25);
    await retry({ ...BATCH_RETRIES, giveUp: () => new Error(`BatchWrite: ${pending.length} items still unprocessed`) }, async () => {
      const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
      return pending.length > 0 ? tryAgain : undefined;
    });
  }
}

/** BatchGetItem in requests of 100, retrying unprocessed keys with backoff; the items found, in no order. */
export async function batchGet(keyList: Record<string, unknown>[], projection?: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < keyList.length; i += 100) {
    let pending = keyList.slice(i, i + 100);
    await retry({ ...BATCH_RETRIES, giveUp: () => new Error(`BatchGet: ${pending.length} keys still unprocessed`) }, async () => {
      const out = await ddb.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ...(projection ? { ProjectionExpression: projection } : {}) } } }));
      found.push(...(out.Responses?.[tableName] ?? []));
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
      return pending.length > 0 ? tryAgain : undefined;
    });
  }
  return found;
}
