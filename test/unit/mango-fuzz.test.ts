// The Mango adapter on hostile input: whatever arrives, it returns events or throws a 4xx
// WebhookError — any other exception would be a 5xx (and a retry storm, where retries exist).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reduceCall } from '#shared/domain/reduce-call.ts';
import { mangoAdapter } from '#shared/providers/mango.ts';
import { WebhookError, type TenantPolicy, type WebhookRequest, type WebhookResult } from '#shared/providers/provider.ts';

const KEY = 'fuzz-key';
const SALT = 'fuzz-salt';
const settings = { apiKey: KEY, apiSalt: SALT };
const policy: TenantPolicy = { country: 'RU', blockedNumbers: [], outboundCallerIds: [] };
const ctx = { tenantId: 't', country: 'RU', matchEmployee: () => null };
const sign = (json: string) => createHash('sha256').update(KEY + json + SALT, 'utf8').digest('hex');

const FIXTURES = new URL('../fixtures/mango/', import.meta.url);
const deliveries = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => (JSON.parse(readFileSync(new URL(f, FIXTURES), 'utf8')) as { deliveries?: { subpath: string; json: unknown }[] }).deliveries ?? []);

const SUBPATHS = ['events/call', 'events/summary', 'events/recording', 'events/record/added', 'events/dtmf', 'result/callback', '', '/events/call/', 'EVENTS/CALL'];
const CONTENT_TYPES = ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', '', 'application/json', 'multipart/form-data; boundary=x', 'text/plain', 'multipart/form-data'];

function req(subpath: string, body: Buffer | string, contentType: string): WebhookRequest {
  return {
    method: 'POST',
    headers: contentType ? { 'content-type': contentType } : {},
    query: {},
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
    subpath,
    receivedAt: '2025-03-01T10:00:00.000Z',
    publicUrl: 'https://api.example/webhooks/t/mango',
  };
}

let withEvents = 0;

/** Events, or a 4xx WebhookError; events must be well-formed and reducible. */
function check(run: () => WebhookResult): void {
  let result: WebhookResult;
  try {
    result = run();
  } catch (err) {
    if (!(err instanceof WebhookError)) throw err;
    expect(err.statusCode).toBeGreaterThanOrEqual(400);
    expect(err.statusCode).toBeLessThan(500);
    return;
  }
  expect(result.reply).toEqual({ statusCode: 200, body: {} });
  for (const e of result.events) {
    expect(e.key.length).toBeGreaterThan(0);
    expect(e.providerCallId.length).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(e.occurredAt))).toBe(false);
    if (e.sequence !== undefined) expect(Number.isSafeInteger(e.sequence)).toBe(true);
  }
  if (result.events.length) { withEvents++; reduceCall(result.events, ctx, 'c'); }
}

/** Lone surrogates (a truncated emoji) become U+FFFD here, as on the wire: the sign then fails (401). */
const form = (fields: [string, string][]) => new URLSearchParams(fields).toString();

/** Every path to a value inside a JSON document. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (!v || typeof v !== 'object') return [prefix];
  const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return [prefix, ...keys.flatMap((k) => paths((v as Record<string | number, unknown>)[k], [...prefix, k]))];
}

type Mutation = { kind: 'delete' | 'replace'; at: number; value: unknown };
function mutate(doc: unknown, m: Mutation): unknown {
  const copy = structuredClone(doc);
  const all = paths(copy).filter((p) => p.length > 0);
  const path = all[m.at % Math.max(all.length, 1)];
  if (!path) return m.value;
  const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], copy) as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (m.kind === 'delete') delete parent[last];
  else parent[last] = m.value;
  return copy;
}

const hostileValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(null, '', ' ', '-1', '1e3', '0x10', 1.5, -7, 2 ** 53, 1e300, true, [], {}, 'Appeared', 'NaN'),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.nat({ max: 2000 }).map((n) => 'x'.repeat(n * 100)),
);

/** `undefined` four times out of five. */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

describe('mango adapter fuzz (I2: 4xx or events, never another exception)', () => {
  it('I2: random bytes, content types and subpaths', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 400 }), fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a))),
        fc.constantFrom(...CONTENT_TYPES),
        fc.oneof(fc.constantFrom(...SUBPATHS), fc.string({ maxLength: 30 })),
        fc.constantFrom<unknown>(settings, undefined, {}, { apiKey: KEY }, null, 'x'),
        (body, contentType, subpath, s) => check(() => mangoAdapter.handle(req(subpath, body, contentType), s, policy)),
      ),
      { numRuns: 500 },
    );
  });

  it('I2: random form fields, signed or not', () => {
    const field = fc.tuple(fc.oneof(fc.constantFrom('vpbx_api_key', 'sign', 'json', 'json[]', 'other'), fc.string({ maxLength: 10 })), fc.string({ maxLength: 60 }));
    fc.assert(
      fc.property(
        fc.array(field, { maxLength: 6 }),
        fc.option(fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 200 })), { nil: undefined }),
        fc.constantFrom(...SUBPATHS),
        (extra, json, subpath) => {
          const fields: [string, string][] = json === undefined ? extra : [['vpbx_api_key', KEY], ['sign', sign(json)], ['json', json], ...extra];
          check(() => mangoAdapter.handle(req(subpath, form(fields), 'application/x-www-form-urlencoded'), settings, policy));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('I2: mutated valid deliveries (deleted fields, wrong types, huge strings, truncation, duplicates), correctly signed', () => {
    const mutation = fc.record({ kind: fc.constantFrom<'delete' | 'replace'>('delete', 'replace'), at: fc.nat(), value: hostileValue });
    fc.assert(
      fc.property(
        fc.constantFrom(...deliveries),
        fc.array(mutation, { maxLength: 4 }),
        rarely(fc.nat()),
        rarely(fc.constant(true)),
        rarely(fc.constantFrom(...SUBPATHS)),
        (d, mutations, cut, duplicate, otherSubpath) => {
          let json = JSON.stringify(mutations.reduce(mutate, d.json as unknown));
          if (cut !== undefined) json = json.slice(0, cut % (json.length + 1));
          const fields: [string, string][] = [['vpbx_api_key', KEY], ['sign', sign(json)], ['json', json]];
          if (duplicate) fields.push(['json', json]);
          const subpath = otherSubpath ?? d.subpath;
          check(() => mangoAdapter.handle(req(subpath, form(fields), 'application/x-www-form-urlencoded'), settings, policy));
        },
      ),
      { numRuns: 1500 },
    );
    expect(withEvents).toBeGreaterThan(100); // the mutations still reach the mapping, not only the 401/400 gates
  });
});
