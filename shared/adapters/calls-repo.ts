// Call items: the reduced call plus the set of its canonical events, written with optimistic concurrency.
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Call, CanonicalEvent } from '../domain/call.ts';
import { conditionally, ddb, decodeCursor, encodeCursor, keys, tableName } from './dynamo.ts';
import type { OutboxEntry } from './publisher.ts';
import { lastActivity } from '../domain/stale-calls.ts';

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

/** Writes version `expected + 1`; false when another delivery won the race (the caller re-reads and retries). */
export async function saveCallRecord(tenant: string, call: Call, events: CanonicalEvent[], outbox: OutboxEntry[], expected: number): Promise<boolean> {
  return conditionally(
    ddb.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.call(tenant, call.id),
          GSI1PK: keys.callsIndex(tenant),
          GSI1SK: `${call.startedAt}#${call.id}`,
          // Sparse index of unfinished calls, oldest activity first, for the sweeper (no Scan).
          ...(call.status === 'ended' ? {} : { GSI2PK: keys.openCalls(tenant), GSI2SK: `${lastActivity(call)}#${call.id}` }),
          call,
          events,
          outbox,
          version: expected + 1,
        },
        ConditionExpression: expected === 0 ? 'attribute_not_exists(PK)' : 'version = :v',
        ExpressionAttributeValues: expected === 0 ? undefined : { ':v': expected },
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

export async function getCall(tenant: string, callId: string): Promise<Call | null> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.call(tenant, callId), ProjectionExpression: '#c', ExpressionAttributeNames: { '#c': 'call' } }));
  return (out.Item?.['call'] as Call | undefined) ?? null;
}

export async function listCalls(tenant: string, limit: number, cursor?: string): Promise<{ items: Call[]; next: string | null }> {
  const partition = keys.callsIndex(tenant);
  const out = await ddb.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      // Only the call, not its stored events: list pages stay small.
      ProjectionExpression: '#c',
      ExpressionAttributeNames: { '#c': 'call' },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, partition),
    }),
  );
  return { items: (out.Items ?? []).map((i) => i['call'] as Call), next: encodeCursor(out.LastEvaluatedKey) };
}

/** Unfinished calls whose latest activity is before `before`, oldest first. */
export async function openCallsBefore(tenant: string, before: string, limit: number): Promise<Call[]> {
  const calls: Call[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ddb.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK < :before',
        ExpressionAttributeValues: { ':pk': keys.openCalls(tenant), ':before': before },
        ProjectionExpression: '#c',
        ExpressionAttributeNames: { '#c': 'call' },
        Limit: limit - calls.length,
        ExclusiveStartKey: start,
      }),
    );
    for (const i of out.Items ?? []) calls.push(i['call'] as Call);
    start = out.LastEvaluatedKey;
  } while (start && calls.length < limit);
  return calls;
}
