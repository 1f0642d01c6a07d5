import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Call, CanonicalEvent, ReduceContext } from '#shared/domain/call.ts';
import { buildEmployeeMatcher } from '#shared/domain/employee-match.ts';
import { reduceCall } from '#shared/domain/reduce-call.ts';
import { WebhookError, type TenantPolicy, type WebhookRequest } from '#shared/providers/provider.ts';
import { SIGNED_FIELDS, zadarmaAdapter } from '#shared/providers/zadarma.ts';

const policy: TenantPolicy = { country: 'RU', blockedNumbers: [], outboundCallerIds: [] };
const SECRET = 'zadarma-secret-0123456789';
const settings = { apiKey: 'zd-key', apiSecret: SECRET, apiUrl: 'https://api.zadarma.com' };
const FIXTURES = new URL('../fixtures/zadarma/', import.meta.url);
const T0 = Date.parse('2025-03-01T10:00:00.000Z');

const ctx: ReduceContext = {
  tenantId: 'demo',
  country: 'RU',
  matchEmployee: buildEmployeeMatcher(
    [
      { id: 'emp-anna', extension: '100', sipAccounts: [], phones: [], fullName: 'Anna' },
      { id: 'emp-boris', extension: '101', sipAccounts: [], phones: [], fullName: 'Boris' },
      { id: 'emp-chris', extension: '102', sipAccounts: [], phones: [], fullName: 'Chris' },
    ],
    'RU',
  ),
};

type Fields = Record<string, string>;
interface Delivery { at: number; fields: Fields; signature?: string | null; secret?: string; tamper?: Fields }
interface Fixture { description: string; requests: Delivery[]; expected?: Record<string, unknown>; legExtensions?: string[]; expectedError?: { statusCode: number; code: string } }

/** Independent of the adapter: PHP `base64_encode(hash_hmac('sha1', S, secret))` (hex) or the TS lib (raw). */
function sign(fields: Fields, variant: 'hex' | 'raw' = 'hex', secret = SECRET): string {
  const s = (SIGNED_FIELDS[fields['event'] ?? ''] ?? []).map((f) => fields[f] ?? '').join('');
  const mac = createHmac('sha1', secret).update(s);
  return variant === 'hex' ? Buffer.from(mac.digest('hex')).toString('base64') : mac.digest('base64');
}

function request(d: Delivery, variant: 'hex' | 'raw' = 'hex'): WebhookRequest {
  const signature = d.signature === undefined ? sign(d.fields, variant, d.secret) : d.signature;
  const body = new URLSearchParams({ ...d.fields, ...d.tamper }).toString();
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === null ? {} : { signature }) },
    query: {},
    rawBody: Buffer.from(body),
    subpath: '',
    receivedAt: new Date(T0 + d.at * 1000).toISOString(),
    publicUrl: 'https://api.example/webhooks/demo/zadarma',
  };
}

const deliver = (d: Delivery, variant: 'hex' | 'raw' = 'hex') => zadarmaAdapter.handle(request(d, variant), settings, policy);

function rejection(fn: () => unknown): WebhookError {
  try { fn(); } catch (err) { if (err instanceof WebhookError) return err; throw err; }
  throw new Error('expected a WebhookError');
}

const legExtensions = (call: Call) => call.legs.map((l) => l.agent.extension).sort();
const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
const fixtures = files.map((file) => ({ file, fx: JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Fixture }));
const lifecycles = fixtures.filter(({ fx }) => fx.expected);

describe('zadarma adapter: documented lifecycles', () => {
  it('I1: fixtures are present', () => expect(files.length).toBeGreaterThanOrEqual(8));

  for (const { file, fx } of lifecycles) {
    it(`I1: ${file} — ${fx.description}`, () => {
      const events: CanonicalEvent[] = [];
      for (const d of fx.requests) {
        const result = deliver(d);
        expect(result.reply).toEqual({ statusCode: 200, body: {} });
        events.push(...result.events);
      }
      expect(events.every((e) => e.provider === 'zadarma' && e.providerCallId === fx.requests[0]!.fields['pbx_call_id'])).toBe(true);
      const call = reduceCall(events, ctx, 'c');
      expect(call).toMatchObject(fx.expected!);
      expect(legExtensions(call)).toEqual(fx.legExtensions);
    });
  }

  for (const { file, fx } of fixtures.filter(({ fx }) => fx.expectedError)) {
    it(`I1: ${file} — ${fx.description}: 401, no events`, () => {
      for (const d of fx.requests) expect(rejection(() => deliver(d))).toMatchObject(fx.expectedError!);
    });
  }
});

describe('zadarma adapter: order and redelivery', () => {
  for (const { file, fx } of lifecycles) {
    const baseline = () => reduceCall(fx.requests.flatMap((d) => deliver(d).events), ctx, 'c');

    it(`I3: ${file}: any delivery order, with redeliveries, gives the same call`, () => {
      const expected = baseline();
      fc.assert(
        fc.property(
          fc.shuffledSubarray(fx.requests, { minLength: fx.requests.length }),
          fc.subarray(fx.requests),
          fc.integer({ min: 1, max: 600 }),
          (order, again, delay) => {
            const deliveries = [...order, ...again.map((d) => ({ ...d, at: d.at + delay }))];
            expect(reduceCall(deliveries.flatMap((d) => deliver(d).events), ctx, 'c')).toEqual(expected);
          },
        ),
        { numRuns: 40 },
      );
    });

    it(`I3: ${file}: deliveries arriving in another order at other times keep outcome, direction and legs`, () => {
      const expected = baseline();
      fc.assert(
        fc.property(fc.shuffledSubarray(fx.requests, { minLength: fx.requests.length }), (order) => {
          const call = reduceCall(order.flatMap((d, i) => deliver({ ...d, at: i * 3 }).events), ctx, 'c');
          expect([call.outcome, call.direction, call.answeredBy === null, legExtensions(call), [...call.offeredTo].sort()])
            .toEqual([expected.outcome, expected.direction, expected.answeredBy === null, legExtensions(expected), [...expected.offeredTo].sort()]);
        }),
        { numRuns: 40 },
      );
    });
  }

  const fields = { pbx_call_id: 'in_k1', call_start: '2025-03-01 13:00:00', caller_id: '79161234567', called_did: '74951234567' };
  it('I3: dedupe key is (pbx_call_id, event, internal, call_start): NOTIFY_INTERNAL per extension is not a duplicate', () => {
    const key = (f: Fields, at = 0) => deliver({ at, fields: { ...fields, ...f } }).events.map((e) => e.key);
    expect(key({ event: 'NOTIFY_INTERNAL', internal: '100' })).toEqual(['in_k1|NOTIFY_INTERNAL|100|2025-03-01 13:00:00']);
    expect(key({ event: 'NOTIFY_INTERNAL', internal: '100' }, 9)).toEqual(key({ event: 'NOTIFY_INTERNAL', internal: '100' }));
    expect(key({ event: 'NOTIFY_INTERNAL', internal: '101' })).not.toEqual(key({ event: 'NOTIFY_INTERNAL', internal: '100' }));
    expect(key({ event: 'NOTIFY_START' })).not.toEqual(key({ event: 'NOTIFY_IVR' }));
  });
});

describe('zadarma adapter: signature', () => {
  const start: Fields = { event: 'NOTIFY_START', pbx_call_id: 'in_s1', call_start: '2025-03-01 13:00:00', caller_id: '79161234567', called_did: '74951234567' };

  it('I1: both variants are accepted: base64 of the hex digest (PHP) and of the raw digest (TS lib)', () => {
    const hex = deliver({ at: 0, fields: start }, 'hex');
    const raw = deliver({ at: 0, fields: start }, 'raw');
    expect(sign(start, 'hex')).toHaveLength(56);
    expect(sign(start, 'raw')).toHaveLength(28);
    expect(hex.events).toHaveLength(1);
    expect(raw).toEqual(hex);
  });

  it('I1: the header name is case-insensitive', () => {
    const req = request({ at: 0, fields: start });
    const upper = { ...req, headers: { 'content-type': req.headers['content-type']!, Signature: req.headers['signature']! } };
    expect(zadarmaAdapter.handle(upper, settings, policy).events).toHaveLength(1);
  });

  it('I1: fields outside the signed string are not covered, signed ones are', () => {
    const internal = { ...start, event: 'NOTIFY_INTERNAL', internal: '100' };
    expect(deliver({ at: 0, fields: internal, tamper: { internal: '101' } }).events[0]!.agents).toEqual([{ extension: '101' }]);
    expect(rejection(() => deliver({ at: 0, fields: internal, tamper: { call_start: '2025-03-01 13:00:01' } }))).toMatchObject({ statusCode: 401, code: 'invalid_signature' });
  });

  it('I2: an unconfigured provider is 404, even for zd_echo', () => {
    expect(rejection(() => zadarmaAdapter.handle(request({ at: 0, fields: start }), undefined, policy))).toMatchObject({ statusCode: 404 });
    expect(rejection(() => zadarmaAdapter.handle(request({ at: 0, fields: start }), { apiKey: 'k' }, policy))).toMatchObject({ statusCode: 404 });
  });
});

describe('zadarma adapter: mapping', () => {
  const base: Fields = { pbx_call_id: 'in_m1', call_start: '2025-03-01 13:00:00', caller_id: '79161234567', called_did: '74951234567' };
  const one = (f: Fields, at = 0) => deliver({ at, fields: { ...base, ...f } }).events;

  it('I1: zd_echo URL check: GET ?zd_echo=X → 200 text/plain X, before any signature', () => {
    const req = { ...request({ at: 0, fields: base }), method: 'GET', headers: {}, rawBody: Buffer.alloc(0), query: { zd_echo: 'a1B2c3' } };
    expect(zadarmaAdapter.handle(req, settings, policy)).toEqual({ events: [], reply: { statusCode: 200, body: 'a1B2c3', contentType: 'text/plain' } });
    expect(rejection(() => zadarmaAdapter.handle({ ...req, query: {} }, settings, policy))).toMatchObject({ statusCode: 400 });
  });

  it('I1: NOTIFY_START / NOTIFY_IVR → created inbound; NOTIFY_INTERNAL → offered to one extension on its own leg', () => {
    expect(one({ event: 'NOTIFY_START' })).toMatchObject([{ type: 'created', direction: 'inbound', from: '79161234567', to: '74951234567', occurredAtSource: 'receipt' }]);
    expect(one({ event: 'NOTIFY_IVR', 'wait_dtmf[name]': 'menu' })).toMatchObject([{ type: 'created', providerEventType: 'NOTIFY_IVR' }]);
    expect(one({ event: 'NOTIFY_INTERNAL', internal: '100' })).toMatchObject([{ type: 'offered', legId: 'in_m1/100', agents: [{ extension: '100' }] }]);
  });

  it('I1: NOTIFY_END answered with internal → inferred answer (at end − duration) + ended', () => {
    const events = one({ event: 'NOTIFY_END', internal: '101', disposition: 'answered', duration: '30', status_code: '16', is_recorded: '0', call_id_with_rec: '' }, 45);
    expect(events).toMatchObject([
      { type: 'answered', legId: 'in_m1/101', agent: { extension: '101' }, occurredAt: new Date(T0 + 15_000).toISOString() },
      { type: 'ended', endReason: 'unknown', rawReason: 'answered/16', agent: { extension: '101' } },
    ]);
    expect(events[1]!.legId).toBeUndefined(); // the call's end, not one leg's
  });

  it('I1: NOTIFY_END answered without internal (IVR answered) is no talk evidence', () => {
    expect(one({ event: 'NOTIFY_END', disposition: 'answered', duration: '20' }).map((e) => e.type)).toEqual(['ended']);
  });

  it('I1: NOTIFY_RECORD → recording_available with the recording id', () => {
    expect(one({ event: 'NOTIFY_RECORD', call_id_with_rec: '1740823200.1' })).toMatchObject([{ type: 'recording_available', recording: { id: '1740823200.1' } }]);
  });

  it.each([
    ['answered', 'unknown'], ['busy', 'busy'], ['cancel', 'caller_hangup'], ['no answer', 'no_answer_timeout'], ['failed', 'system_error'],
    ['no money', 'billing'], ['unallocated number', 'invalid_number'], ['no limit', 'billing'], ['no day limit', 'billing'],
    ['line limit', 'congestion'], ['no money, no limit', 'billing'], ['something new', 'unknown'], ['constructor', 'unknown'],
  ])('I1: disposition %s → endReason %s', (disposition, endReason) => {
    const ended = one({ event: 'NOTIFY_END', disposition, status_code: '16' }).find((e) => e.type === 'ended');
    expect(ended).toMatchObject({ endReason, rawReason: `${disposition}/16` });
  });

  it.each([
    ['busy', 'busy'], ['cancel', 'canceled'], ['failed', 'failed'], ['no money', 'failed'], ['no answer', 'not_answered'],
  ])('I1: outgoing disposition %s → outcome %s', (disposition, outcome) => {
    const out: Fields = { pbx_call_id: 'out_o1', call_start: '2025-03-01 13:00:00', internal: '102', destination: '79161234567' };
    const events = [
      ...deliver({ at: 0, fields: { ...out, event: 'NOTIFY_OUT_START' } }).events,
      ...deliver({ at: 20, fields: { ...out, event: 'NOTIFY_OUT_END', disposition, duration: '0', status_code: '17' } }).events,
    ];
    expect(reduceCall(events, ctx, 'c')).toMatchObject({ direction: 'outbound', outcome, answeredBy: null });
  });
});

describe('zadarma adapter: rejections', () => {
  const start: Fields = { event: 'NOTIFY_START', pbx_call_id: 'in_r1', call_start: '2025-03-01 13:00:00', caller_id: '1', called_did: '2' };
  const raw = (body: string, extra: Partial<WebhookRequest> = {}) => ({ ...request({ at: 0, fields: start }), rawBody: Buffer.from(body), ...extra });

  it.each([
    ['empty body', raw(''), 400, 'empty_body'],
    ['no event', raw('pbx_call_id=x'), 400, 'missing_field'],
    ['unsupported method', raw('event=NOTIFY_START', { method: 'PUT' }), 400, 'unsupported_method'],
    ['over 256 KB', raw(`event=NOTIFY_START&pad=${'x'.repeat(300_000)}`), 413, 'payload_too_large'],
    ['signed but no pbx_call_id', request({ at: 0, fields: { ...start, pbx_call_id: '' } }), 400, 'missing_field'],
    ['repeated field', raw(`${new URLSearchParams(start)}&pbx_call_id=in_r2`), 400, 'invalid_field'],
  ] as const)('I2: %s → %i %s', (_name, req, statusCode, code) => {
    expect(rejection(() => zadarmaAdapter.handle(req, settings, policy))).toMatchObject({ statusCode, code });
  });

  it('I2: a well-formed unknown event is acknowledged with 200 and ignored', () => {
    for (const event of ['NOTIFY_SMS', 'constructor', '__proto__']) {
      expect(zadarmaAdapter.handle(raw(`event=${event}&caller_id=1&text=hi`), settings, policy)).toEqual({ events: [], reply: { statusCode: 200, body: {} } });
    }
  });
});
