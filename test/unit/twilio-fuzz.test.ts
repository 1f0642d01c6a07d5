import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reduceCall } from '#shared/domain/reduce-call.ts';
import { WebhookError, type TenantPolicy, type WebhookRequest, type WebhookResult } from '#shared/providers/provider.ts';
import { twilioAdapter, twilioSignature } from '#shared/providers/twilio.ts';

const policy: TenantPolicy = { country: 'RU', blockedNumbers: [], outboundCallerIds: [] };
const TOKEN = 'twilio-auth-token-0123456789';
const settings = { authToken: TOKEN };
const URL_ = 'https://api.example.com/webhooks/demo/twilio';
const FIXTURES = new URL('../fixtures/twilio/', import.meta.url);
const seeds = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => (JSON.parse(readFileSync(new URL(f, FIXTURES), 'utf8')) as { deliveries: { subpath: string; params: Record<string, string> }[] }).deliveries);

/** Only canonical events with a 2xx reply, or a 4xx WebhookError; never another exception. */
function check(req: WebhookRequest): void {
  let result: WebhookResult;
  try {
    result = twilioAdapter.handle(req, settings, policy);
  } catch (err) {
    if (!(err instanceof WebhookError)) throw err;
    expect(err.statusCode).toBeGreaterThanOrEqual(400);
    expect(err.statusCode).toBeLessThan(500);
    return;
  }
  expect([200, 204]).toContain(result.reply?.statusCode);
  for (const e of result.events) {
    expect(e.key && e.providerCallId).toBeTruthy();
    expect(Number.isNaN(Date.parse(e.occurredAt))).toBe(false);
  }
  if (result.events.length) reduceCall(result.events, { tenantId: 't', country: 'RU', matchEmployee: (a) => a.sip ?? null }, 'c');
}

const base = (over: Partial<WebhookRequest>): WebhookRequest => ({
  method: 'POST', headers: {}, query: {}, rawBody: Buffer.alloc(0), subpath: '', receivedAt: '2025-03-01T10:00:00.000Z', publicUrl: URL_, ...over,
});

const anyText = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', '99999999999999999999', 'client:', 'sip:', 'client:alice', 'completed', 'in-progress', 'no-answer', 'machine_start', 'Sun, 99 Foo 2018', '%', '&', '=', 'constructor', '__proto__', 'toString'));
const numeric = fc.oneof(fc.integer().map(String), fc.double().map(String), fc.constantFrom('99999999999999999999', '1e15', '604801', '0x10', ' 5', 'Sat, 01 Jan 275760 00:00:00 +0000', 'Thu, 01 Jan 1970 00:00:00 +0000', 'Sat, 01 Mar 2025 10:00:00 +9999'));
const FIELDS = ['CallSid', 'ParentCallSid', 'CallStatus', 'Direction', 'From', 'To', 'CallDuration', 'SequenceNumber', 'Timestamp', 'SipResponseCode', 'AnsweredBy', 'DialCallSid', 'DialCallStatus', 'DialCallDuration', 'RecordingUrl', 'RecordingSid'];

/** A documented delivery, mutated: fields dropped, replaced, added; then (usually) correctly signed. */
const mutated = fc
  .record({
    seed: fc.constantFrom(...seeds),
    drop: fc.array(fc.nat(), { maxLength: 2 }),
    replace: fc.array(fc.tuple(fc.nat(), anyText), { maxLength: 2 }),
    add: fc.array(fc.tuple(fc.oneof(anyText, fc.constantFrom(...FIELDS)), anyText), { maxLength: 3 }),
    set: fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.oneof(anyText, numeric)), { maxLength: 3 }),
    subpath: fc.constantFrom<string | null>(null, null, null, '', 'dial-action', 'dial-action/', 'other'),
    signing: fc.constantFrom('good', 'good', 'good', 'garbage', 'none'),
    method: fc.constantFrom('POST', 'GET'),
  })
  .map(({ seed, drop, replace, add, set, subpath, signing, method }) => {
    let pairs = Object.entries({ ...seed.params, ...Object.fromEntries(set) });
    pairs = pairs.filter((_, i) => !drop.some((d) => d % (pairs.length + 1) === i));
    for (const [i, v] of replace) if (pairs.length) pairs[i % pairs.length] = [pairs[i % pairs.length]![0], v];
    pairs.push(...add);
    const qs = new URLSearchParams(pairs).toString();
    const sub = subpath ?? seed.subpath;
    const path = sub === 'dial-action/' ? 'dial-action' : sub;
    const get = method === 'GET';
    const publicUrl = `${URL_}${path ? `/${path}` : ''}${get ? `?${qs}` : ''}`;
    const signed = get ? [] : [...new URLSearchParams(qs)];
    const sig = signing === 'good' ? twilioSignature(TOKEN, publicUrl, signed) : signing === 'garbage' ? 'AAAA' : undefined;
    return base({
      method, subpath: sub, publicUrl,
      query: get ? Object.fromEntries(new URLSearchParams(qs)) : {},
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(sig ? { 'x-twilio-signature': sig } : {}) },
      rawBody: Buffer.from(get ? '' : qs),
    });
  });

const random = fc
  .record({ bytes: fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string().map((s) => Buffer.from(s))), method: fc.constantFrom('POST', 'GET', 'get', 'PUT'), sig: fc.option(anyText), query: fc.dictionary(anyText, anyText, { maxKeys: 3 }), publicUrl: fc.oneof(fc.constant(URL_), fc.webUrl(), anyText) })
  .map(({ bytes, method, sig, query, publicUrl }) => base({ method, rawBody: Buffer.from(bytes), query, publicUrl, headers: { 'content-type': 'application/json', ...(sig === null ? {} : { 'x-twilio-signature': sig }) } }));

describe('twilio adapter: fuzz', () => {
  it('I2: mutated documented deliveries (signed or not) → events or a 4xx WebhookError', () => {
    fc.assert(fc.property(mutated, (req) => check(req)), { numRuns: 500 });
  });

  it('I2: random bodies, methods, headers, queries and URLs → events or a 4xx WebhookError', () => {
    fc.assert(fc.property(random, (req) => check(req)), { numRuns: 300 });
    fc.assert(fc.property(random, (req) => check(req)), { numRuns: 100, seed: 42 });
  });

  it('I2: settings of any shape → 404 or handled, never a crash', () => {
    fc.assert(fc.property(fc.anything(), (s) => {
      try { twilioAdapter.handle(base({}), s, policy); } catch (err) { expect(err).toBeInstanceOf(WebhookError); }
    }), { numRuns: 200 });
  });
});
