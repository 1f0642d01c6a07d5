// I2 under fuzzing: whatever arrives, the CRM API adapter yields canonical events or a 4xx WebhookError —
// never another exception, never an event the reducer cannot fold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reduceCall } from '#shared/domain/reduce-call.ts';
import { megafonAdapter as megafon } from '#shared/providers/megafon.ts';
import { WebhookError, type TenantPolicy, type WebhookRequest } from '#shared/providers/provider.ts';

const TOKEN = 'crm-token-0123456789';
const policy: TenantPolicy = { country: 'RU', blockedNumbers: [], outboundCallerIds: [] };
const ctx = { tenantId: 'demo', country: 'RU', matchEmployee: () => null };

/** Plausible values per field, mixed with junk. */
const PLAUSIBLE: Record<string, string[]> = {
  type: ['in', 'out', 'INCOMING', 'ACCEPTED', 'COMPLETED', 'CANCELLED', 'OUTGOING', 'TRANSFERRED', 'HOLD'],
  direction: ['in', 'out', ''],
  status: ['Success', 'missed', 'Missed', 'Cancel', 'Busy', 'NotAvailable', 'NotAllowed', 'NotFound', 'weird'],
  user: ['ivanov', 'petrov', '101', ''],
  ext: ['101', '102', ''],
  telnum: ['79030000001', ''],
  phone: ['79161234567', '89161234567', 'anonymous', ''],
  diversion: ['74951234567', ''],
  callid: ['2818', 'c-1'],
  start: ['20170905T150852Z', '99991231T235959Z', '00010101T000000Z', '20170931T150852Z'],
  duration: ['0', '95', '604800', '9999999'],
  wait: ['0', '15', '100000'],
  link: ['https://r.example/a.mp3', 'ftp://x', 'not a url'],
  groupRealName: ['Sales'],
  'z-flag': ['1'],
};
const junk = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.integer().map(String));
const value = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...Object.values(PLAUSIBLE).flat()) }, junk);
const fields = fc.record(
  Object.fromEntries(Object.entries(PLAUSIBLE).map(([k, vs]) => [k, fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...vs) }, junk)])),
  { requiredKeys: ['callid', 'type'] },
);
const keys = fc.constantFrom(...Object.keys(PLAUSIBLE), 'user[]', 'rating');
const cmd = fc.constantFrom('event', 'event', 'history', 'history', 'contact', 'rating', 'makeCall', '');
const token = fc.constantFrom(`crm_token=${TOKEN}`, `crm_token=${TOKEN}`, 'crm_token=wrong', '');

/** Now and then a repeated key (`user=a&user=b`), which is malformed. */
const repeated = fc.oneof({ weight: 9, arbitrary: fc.constant([]) }, fc.array(fc.tuple(fc.constantFrom('cmd', 'user', 'callid'), value), { minLength: 1, maxLength: 1 }));
/** Plausible forms (to get past the token) and arbitrary bytes under arbitrary content types. */
const formBody = fc
  .tuple(cmd, fields, repeated, token)
  .map(([c, f, repeated, t]) => {
    const pairs = [...Object.entries(f), ...repeated];
    return [`cmd=${c}`, ...pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v ?? '')}`), t].filter(Boolean).join('&');
  });
const jsonValue = fc.oneof({ weight: 4, arbitrary: value }, fc.integer(), fc.boolean(), fc.constant(null), fc.array(value, { maxLength: 2 }), fc.object({ maxDepth: 1 }));
const jsonBody = fc.tuple(cmd, fields, fc.dictionary(keys, jsonValue, { maxKeys: 3 })).map(([c, f, o]) => JSON.stringify({ cmd: c, ...f, ...o, crm_token: TOKEN }));
const request = fc.oneof(
  { weight: 3, arbitrary: formBody.map((body) => ({ body, contentType: 'application/x-www-form-urlencoded' })) },
  jsonBody.map((body) => ({ body, contentType: 'application/json' })),
  fc.record({ body: fc.string({ maxLength: 200 }), contentType: fc.constantFrom('', 'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain') }),
);

function deliver(body: string, contentType: string) {
  const req: WebhookRequest = {
    method: 'POST',
    headers: contentType ? { 'content-type': contentType } : {},
    query: {},
    rawBody: Buffer.from(body),
    subpath: '',
    receivedAt: '2025-03-01T10:00:00.000Z',
    publicUrl: 'https://api.example/webhooks/demo/megafon',
  };
  return megafon.handle(req, { crmToken: TOKEN }, policy);
}

describe('megafon adapter: fuzz', () => {
  it('I2: any delivery → canonical events or a 4xx WebhookError', () => {
    let produced = 0;
    fc.assert(
      fc.property(request, ({ body, contentType }) => {
        let result: ReturnType<typeof deliver>;
        try {
          result = deliver(body, contentType);
        } catch (err) {
          expect(err).toBeInstanceOf(WebhookError);
          expect((err as WebhookError).statusCode).toBeGreaterThanOrEqual(400);
          expect((err as WebhookError).statusCode).toBeLessThan(500);
          return;
        }
        expect(result.reply?.statusCode).toBe(200);
        for (const e of result.events) {
          expect(e.provider).toBe('megafon');
          expect(e.key.startsWith(`${e.providerCallId}|`)).toBe(true);
          expect(new Date(e.occurredAt).toISOString()).toBe(e.occurredAt);
        }
        if (result.events.length) expect(() => reduceCall(result.events, ctx, 'c')).not.toThrow();
        if (result.events.length) produced++;
      }),
      { numRuns: 2000 },
    );
    expect(produced, 'the generators should also reach the event mapping').toBeGreaterThan(100);
  });
});
