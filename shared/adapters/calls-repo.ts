// Call items: the reduced call plus the set of its canonical events, written with optimistic concurrency.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Call, CanonicalEvent } from '../domain/call.ts';
import { conditionally, ddb, keys, queryItems, tableName } from './dynamo.ts';
import type { OutboxEntry } from './publisher.ts';
import { lastActivity } from '../domain/stale-calls.ts';
import { phoneCallsIndex } from './call-customers-repo.ts';

export interface CallRecord {
  call: Call | null;
  events: CanonicalEvent[];
  version: number;
  outbox: OutboxEntry[];
}

export async function loadCallRecord(tenant: string, callId: string): Promise<CallRecord> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.call(tenant, callId), ConsistentRead: true }));
  const item = out.Item;
  if (!item) return { call: null, events: [], version: 0, outbox: [] };
  return { call: item['call'] as Call, events: item['events'] as CanonicalEvent[], version: item['version'] as number, outbox: (item['outbox'] ?? []) as OutboxEntry[] };
}

/**
 * Writes version `expected + 1`; false when another delivery won the race (the caller re-reads and retries).
 * An UpdateItem rather than a Put, so attributes other writers own on the item (the customer link
 * `customerId`, E2) survive. GSI2 holds the call while it is open (sweeper) and, once ended, under
 * its customer number (past calls of a number, E2).
 */
export async function saveCallRecord(tenant: string, call: Call, events: CanonicalEvent[], outbox: OutboxEntry[], expected: number): Promise<boolean> {
  const gsi2 =
    call.status !== 'ended'
      ? { pk: keys.openCalls(tenant), sk: `${call.status}#${lastActivity(call)}#${call.id}` }
      : call.customerNumber
        ? { pk: phoneCallsIndex(tenant, call.customerNumber), sk: `${call.startedAt}#${call.id}` }
        : null;
  const values: Record<string, unknown> = {
    ':g1pk': keys.callsIndex(tenant),
    ':g1sk': `${call.startedAt}#${call.id}`,
    ':call': call,
    ':events': events,
    ':outbox': outbox,
    ':next': expected + 1,
    ...(gsi2 ? { ':g2pk': gsi2.pk, ':g2sk': gsi2.sk } : {}),
    ...(expected === 0 ? {} : { ':v': expected }),
  };
  return conditionally(
    ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.call(tenant, call.id),
        UpdateExpression:
          'SET GSI1PK = :g1pk, GSI1SK = :g1sk, #call = :call, events = :events, outbox = :outbox, version = :next' +
          (gsi2 ? ', GSI2PK = :g2pk, GSI2SK = :g2sk' : ' REMOVE GSI2PK, GSI2SK'),
        ConditionExpression: expected === 0 ? 'attribute_not_exists(PK)' : 'version = :v',
        ExpressionAttributeNames: { '#call': 'call' },
        ExpressionAttributeValues: values,
      }),
    ),
  );
}

/** Empties the outbox once its entries are on the bus, unless a newer version already replaced it. */
export async function clearCallOutbox(tenant: string, callId: string, version: number): Promise<void> {
  await conditionally(
    ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.call(tenant, callId),
        UpdateExpression: 'SET outbox = :empty',
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':empty': [], ':v': version },
      }),
    ),
  );
}

/** A call as the API shows it: the reduced call plus, once known, the customer it is with (E2). */
export type CallView = Call & { customerId?: string };

function callView(item: Record<string, unknown>): CallView {
  const call = item['call'] as Call;
  return item['customerId'] ? { ...call, customerId: item['customerId'] as string } : call;
}

export async function getCall(tenant: string, callId: string): Promise<CallView | null> {
  const out = await ddb.send(
    new GetCommand({ TableName: tableName, Key: keys.call(tenant, callId), ProjectionExpression: '#c, customerId', ExpressionAttributeNames: { '#c': 'call' } }),
  );
  return out.Item?.['call'] ? callView(out.Item) : null;
}

/**
 * Unfinished calls in `status` whose latest activity is before `before`, oldest first. Ringing and
 * talking calls sort apart (`{status}#{lastActivity}#{id}`), so hours-long conversations never fill
 * the batch ahead of a call that stopped ringing minutes ago.
 */
export async function openCallsBefore(tenant: string, status: 'ringing' | 'answered', before: string, limit: number): Promise<Call[]> {
  return openCallsWhere('GSI2PK = :pk AND GSI2SK BETWEEN :lo AND :hi', { ':pk': keys.openCalls(tenant), ':lo': `${status}#`, ':hi': `${status}#${before}` }, limit);
}

/** Unfinished calls of the tenant (ringing or talking), at most `limit` of them. */
export async function openCalls(tenant: string, limit: number): Promise<Call[]> {
  return openCallsWhere('GSI2PK = :pk', { ':pk': keys.openCalls(tenant) }, limit);
}

async function openCallsWhere(KeyConditionExpression: string, ExpressionAttributeValues: Record<string, string>, limit: number): Promise<Call[]> {
  const calls: Call[] = [];
  for await (const i of queryItems({ IndexName: 'GSI2', KeyConditionExpression, ExpressionAttributeValues, ProjectionExpression: '#c', ExpressionAttributeNames: { '#c': 'call' }, Limit: limit })) {
    calls.push(i['call'] as Call);
    if (calls.length >= limit) break;
  }
  return calls;
}
