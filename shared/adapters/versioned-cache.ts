// A per-container cache of a small partition read whole (the employee directory, the trigger rules):
// a copy is used for at most `ttlMs`, and only while the partition's version item is unchanged (one
// GetItem per use), so a write anywhere is seen by every container at once. Writers call `bump`.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './dynamo.ts';

type Key = { PK: string; SK: string };

export interface VersionedCache<T> {
  /** The cached value when still current, else a fresh load. `fresh` skips the cache (and does not fill it). */
  get(tenant: string, opts?: { fresh?: boolean; now?: number }): Promise<T>;
  /** After a write: drops this container's copy and moves the version on for the others. */
  bump(tenant: string): Promise<void>;
}

export function versionedCache<T>(versionKey: (tenant: string) => Key, load: (tenant: string) => Promise<T>, ttlMs = 30_000): VersionedCache<T> {
  let cached: { tenant: string; at: number; version: number; value: T } | null = null;
  const version = async (tenant: string) => {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: versionKey(tenant) }));
    return (out.Item?.['v'] as number | undefined) ?? 0;
  };
  return {
    async get(tenant, { fresh = false, now = Date.now() } = {}) {
      if (fresh) return load(tenant);
      const v = await version(tenant);
      if (cached && cached.tenant === tenant && cached.version === v && now - cached.at < ttlMs) return cached.value;
      const value = await load(tenant);
      cached = { tenant, at: now, version: v, value };
      return value;
    },
    async bump(tenant) {
      cached = null;
      await ddb.send(new UpdateCommand({ TableName: tableName, Key: versionKey(tenant), UpdateExpression: 'ADD v :one', ExpressionAttributeValues: { ':one': 1 } }));
    },
  };
}
