// The per-container cache of the employee directory and the trigger rules: a copy is reused only while
// the version item is unchanged and younger than its TTL; `bump` moves the version on and drops the copy.
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

process.env['TABLE_NAME'] ??= 'ringdesk-test';
const { versionedCache } = await import('#shared/adapters/versioned-cache.ts');

const ddb = mockClient(DynamoDBDocumentClient);
let version = 0;
let loads = 0;
const key = (t: string) => ({ PK: `T#${t}#THINGS`, SK: 'VERSION' });

beforeEach(() => {
  ddb.reset();
  version = 0;
  loads = 0;
  ddb.on(GetCommand).callsFake(() => ({ Item: version ? { v: version } : undefined }));
  ddb.on(UpdateCommand).callsFake(() => {
    version++;
    return {};
  });
});

function cache(ttlMs = 30_000) {
  return versionedCache(key, async (tenant) => `${tenant}:load${++loads}`, ttlMs);
}

describe('versionedCache', () => {
  it('reuses the copy while the version is unchanged, at one GetItem per use', async () => {
    const c = cache();
    expect(await c.get('demo', { now: 0 })).toBe('demo:load1');
    expect(await c.get('demo', { now: 1_000 })).toBe('demo:load1');
    expect(loads).toBe(1);
    expect(ddb.commandCalls(GetCommand).map((call) => call.args[0].input.Key)).toEqual([key('demo'), key('demo')]);
  });

  it('reloads when another container bumped the version, when the TTL ran out, and for another tenant', async () => {
    const c = cache(30_000);
    await c.get('demo', { now: 0 });
    version = 7; // a write in another container
    expect(await c.get('demo', { now: 1 })).toBe('demo:load2');
    expect(await c.get('demo', { now: 30_002 })).toBe('demo:load3');
    expect(await c.get('acme', { now: 30_003 })).toBe('acme:load4');
  });

  it('bump drops this container’s copy and moves the version on; fresh reads bypass the cache without filling it', async () => {
    const c = cache();
    await c.get('demo', { now: 0 });
    await c.bump('demo');
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({ Key: key('demo'), UpdateExpression: 'ADD v :one' });
    expect(await c.get('demo', { now: 1 })).toBe('demo:load2');
    expect(await c.get('demo', { fresh: true, now: 2 })).toBe('demo:load3');
    expect(await c.get('demo', { now: 3 })).toBe('demo:load2');
  });
});
