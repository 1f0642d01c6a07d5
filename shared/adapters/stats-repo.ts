// Statistics items (docs/analytics.md): bucket counters (ADD only), the per-call / per-ticket marker
// holding what the item last contributed, and the first-call registry per customer number. A change is
// one transaction: the bucket deltas, the markers (conditioned on the revision read) and the registry.
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Contribution, Counters } from '../domain/call-stats.ts';
import { parseBucketKey } from '../domain/call-stats.ts';
import type { BucketRow } from '../domain/report.ts';
import { ddb, isConditionFailure, keys, queryItems, tableName } from './dynamo.ts';

export type StatsFamily = 'STATS' | 'TSTATS';
type Key = { PK: string; SK: string };

/** The marker of a call or a ticket: the item's own key partition, SK `STATS`. */
export const statsMarkerKey = (itemKey: Key): Key => ({ PK: itemKey.PK, SK: 'STATS' });

export interface StatsMarker {
  key: Key;
  /** Write counter of the marker, 0 when there is none yet: the condition of the next write. */
  rev: number;
  /** Version of the call / ticket last counted. */
  version: number;
  contribution: Contribution;
}

export async function getStatsMarker(key: Key): Promise<StatsMarker> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  const item = out.Item;
  return { key, rev: (item?.['rev'] as number) ?? 0, version: (item?.['version'] as number) ?? 0, contribution: (item?.['contribution'] as Contribution) ?? {} };
}

export interface FirstCall {
  callId: string;
  startedAt: string;
}

export async function getFirstCall(tenant: string, number: string): Promise<FirstCall | null> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.firstCall(tenant, number), ConsistentRead: true }));
  return out.Item ? { callId: out.Item['callId'] as string, startedAt: out.Item['startedAt'] as string } : null;
}

export interface StatsWrite {
  family: StatsFamily;
  /** Deltas to ADD to the buckets. */
  diff: Contribution;
  /** Markers to replace, each conditioned on the revision it had when read. */
  markers: { marker: StatsMarker; version: number; contribution: Contribution }[];
  /** The first-call registry of a number, conditioned on what was read (null: absent). */
  firstCall?: { number: string; expected: FirstCall | null; next: FirstCall };
}

/** Items one write touches; a transaction holds at most 100. */
export const itemCount = (w: StatsWrite): number => Object.keys(w.diff).length + w.markers.length + (w.firstCall ? 1 : 0);

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

function bucketUpdate(tenant: string, family: StatsFamily, key: string, delta: Counters): TransactItems[number] {
  const { granularity, kind, sortKey } = parseBucketKey(key);
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const adds = Object.entries(delta).map(([counter, v], i) => {
    names[`#c${i}`] = counter;
    values[`:v${i}`] = v ?? 0;
    return `#c${i} :v${i}`;
  });
  return {
    Update: {
      TableName: tableName,
      Key: { PK: keys.statsBuckets(tenant, family, granularity, kind), SK: sortKey },
      UpdateExpression: `ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * Applies one change atomically; false when a condition failed or another transaction touched the same
 * items (the caller re-reads and tries again).
 */
export async function writeStats(tenant: string, w: StatsWrite): Promise<boolean> {
  const items: TransactItems = Object.entries(w.diff).map(([key, delta]) => bucketUpdate(tenant, w.family, key, delta));
  for (const { marker, version, contribution } of w.markers) {
    items.push({
      Put: {
        TableName: tableName,
        Item: { ...marker.key, rev: marker.rev + 1, version, contribution },
        ...(marker.rev === 0 ? { ConditionExpression: 'attribute_not_exists(PK)' } : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': marker.rev } }),
      },
    });
  }
  if (w.firstCall) {
    const { number, expected, next } = w.firstCall;
    items.push({
      Put: {
        TableName: tableName,
        Item: { ...keys.firstCall(tenant, number), ...next },
        ...(expected
          ? { ConditionExpression: 'callId = :c AND startedAt = :s', ExpressionAttributeValues: { ':c': expected.callId, ':s': expected.startedAt } }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    });
  }
  try {
    await ddb.send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (err) {
    if (isConditionFailure(err) || isConflict(err)) return false;
    throw err;
  }
}

function isConflict(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return name === 'TransactionConflictException' || name === 'TransactionInProgressException';
}

/**
 * Every bucket item of one dimension whose bucket lies in [firstBucket, lastBucket]: one Query (paged).
 * `emp`/`line` sort keys are `{bucket}#{value}`, so `{lastBucket}~` closes the range after the last
 * bucket's values (`~` sorts after `#`, digits and letters).
 */
export async function queryBuckets(tenant: string, family: StatsFamily, granularity: 'H' | 'D', kind: string, firstBucket: string, lastBucket: string): Promise<BucketRow[]> {
  const rows: BucketRow[] = [];
  for await (const item of queryItems({
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :a AND :b',
    ExpressionAttributeValues: { ':pk': keys.statsBuckets(tenant, family, granularity, kind), ':a': firstBucket, ':b': `${lastBucket}~` },
  })) {
    const { PK: _pk, SK, ...counters } = item as { PK: string; SK: string } & Counters;
    const at = SK.indexOf('#');
    rows.push({ bucket: at < 0 ? SK : SK.slice(0, at), key: at < 0 ? null : SK.slice(at + 1), counters: counters as Counters });
  }
  return rows;
}
