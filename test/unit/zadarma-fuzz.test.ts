import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reduceCall } from '#shared/domain/reduce-call.ts';
import { WebhookError, type TenantPolicy, type WebhookRequest, type WebhookResult } from '#shared/providers/provider.ts';
import { SIGNED_FIELDS, zadarmaAdapter } from '#shared/providers/zadarma.ts';

const policy: TenantPolicy = { country: 'RU', blockedNumbers: [], outboundCallerIds: [] };
const SECRET = 'zadarma-secret-0123456789';
const settings = { apiKey: 'zd-key', apiSecret: SECRET };
const FIXTURES = new URL('../fixtures/zadarma/', import.meta.url);
const seeds = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => (JSON.parse(readFileSync(new URL(f, FIXTURES), 'utf8')) as { requests: { fields: Record<string, string> }[] }).requests.map((r) => r.fields));

const sign = (pairs: [string, string][], variant: boolean) => {
  const get = (k: string) => pairs.find(([n]) => n === k)?.[1] ?? '';
  const event = get('event');
  const mac = createHmac('sha1', SECRET).update(((Object.hasOwn(SIGNED_FIELDS, event) && SIGNED_FIELDS[event]) || []).map(get).join(''));
  return variant ? Buffer.from(mac.digest('hex')).toString('base64') : mac.digest('base64');
};

/** Only canonical events with a 200 reply, or a 4xx WebhookError; never another exception. */
function check(req: WebhookRequest): void {
  let result: WebhookResult;
  try {
    result = zadarmaAdapter.handle(req, settings, policy);
  } catch (err) {
    if (!(err instanceof WebhookError)) throw err;
    expect(err.statusCode).toBeGreaterThanOrEqual(400);
    expect(err.statusCode).toBeLessThan(500);
    return;
  }
  expect(result.reply?.statusCode).toBe(200);
  for (const e of result.events) {
    expect(e.key && e.providerCallId).toBeTruthy();
    expect(Number.isNaN(Date.parse(e.occurredAt))).toBe(false);
  }
  if (result.events.length) reduceCall(result.events, { tenantId: 't', country: 'RU', matchEmployee: (a) => a.extension ?? null }, 'c');
}

const base = (over: Partial<WebhookRequest>): WebhookRequest => ({
  method: 'POST', headers: {}, query: {}, rawBody: Buffer.alloc(0), subpath: '', receivedAt: '2025-03-01T10:00:00.000Z', publicUrl: 'https://x/webhooks/t/zadarma', ...over,
});

const anyText = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', ' ', '0', '-1', '1e309', '99999999999999999999', 'answered', 'NOTIFY_END', '[]', '%', '&', '=', 'constructor', '__proto__', 'toString'));
const contentType = fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'multipart/form-data; boundary=b', 'text/xml', '', 'application/x-www-form-urlencoded; charset=utf-8');

/** A documented delivery, mutated: fields dropped, replaced, added, duplicated; then (usually) signed. */
const mutated = fc
  .record({
    seed: fc.constantFrom(...seeds),
    drop: fc.array(fc.nat(), { maxLength: 3 }),
    replace: fc.array(fc.tuple(fc.nat(), anyText), { maxLength: 4 }),
    add: fc.array(fc.tuple(fc.oneof(anyText, fc.constantFrom('event', 'internal', 'duration', 'disposition', 'pbx_call_id', 'x[]')), anyText), { maxLength: 3 }),
    signing: fc.constantFrom('hex', 'raw', 'garbage', 'none', 'Signature'),
    event: fc.option(fc.constantFrom(...Object.keys(SIGNED_FIELDS), 'NOTIFY_SMS', '', 'constructor', '__proto__'), { nil: undefined }),
  })
  .map(({ seed, drop, replace, add, signing, event }) => {
    let pairs = Object.entries(seed);
    if (event !== undefined) pairs = pairs.map(([k, v]) => [k, k === 'event' ? event : v]);
    pairs = pairs.filter((_, i) => !drop.some((d) => d % (pairs.length + 1) === i));
    for (const [i, v] of replace) if (pairs.length) pairs[i % pairs.length] = [pairs[i % pairs.length]![0], v];
    pairs.push(...add);
    const body = new URLSearchParams(pairs).toString();
    const sig = signing === 'hex' || signing === 'raw' ? sign(pairs, signing === 'hex') : signing === 'garbage' ? 'AAAA' : undefined;
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (sig) headers['signature'] = sig;
    if (signing === 'Signature') headers['Signature'] = sign(pairs, true);
    return base({ headers, rawBody: Buffer.from(body) });
  });

const random = fc
  .record({ bytes: fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string().map((s) => Buffer.from(s))), contentType, method: fc.constantFrom('POST', 'GET', 'get', 'PUT', 'OPTIONS'), sig: fc.option(anyText), echo: fc.option(anyText) })
  .map(({ bytes, contentType, method, sig, echo }) =>
    base({ method, rawBody: Buffer.from(bytes), headers: { 'content-type': contentType, ...(sig === null ? {} : { signature: sig }) }, query: echo === null ? {} : { zd_echo: echo } }));

describe('zadarma adapter: fuzz', () => {
  it('I2: random bodies, methods, headers and queries → events or a 4xx WebhookError', () => {
    fc.assert(fc.property(random, check), { numRuns: 1500 });
  });

  it('I2: mutated documented deliveries, signed or not → events or a 4xx WebhookError', () => {
    fc.assert(fc.property(mutated, check), { numRuns: 3000 });
  });
});
