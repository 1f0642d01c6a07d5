import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentRef, CanonicalEvent, ReduceContext } from '#shared/domain/call.ts';
import { reduceCall } from '#shared/domain/reduce-call.ts';
import { mangoAdapter } from '#shared/providers/mango.ts';
import { endReasonOf } from '#shared/providers/mango/reasons.ts';
import type { TenantPolicy, WebhookRequest } from '#shared/providers/provider.ts';
import { rejection } from './webhook-errors.ts';

const KEY = 'mango-api-key-0123';
const SALT = 'mango-salt-4567';
const settings = { apiKey: KEY, apiSalt: SALT, apiUrl: 'https://app.mango-office.ru/vpbx/' };
const policy: TenantPolicy = { country: 'RU', blockedNumbers: [], outboundCallerIds: [] };
const FIXTURES = new URL('../fixtures/mango/', import.meta.url);
const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const ctx: ReduceContext = {
  tenantId: 'demo',
  country: 'RU',
  matchEmployee: (a: AgentRef) => (a.extension === '101' || a.extension === '102' ? `emp-${a.extension}` : null),
};

interface Delivery { subpath: string; json: unknown }
interface CallFixture {
  description: string;
  deliveries: Delivery[];
  expected: { outcome: string; direction: string; answeredBy: string | null; legs: string[]; call: Record<string, unknown> };
}
interface RejectFixture { description: string; rejections: { why: string; tamper: string; delivery: Delivery }[]; expected: { statusCode: number; code: string } }

type Fields = Partial<Record<'vpbx_api_key' | 'sign' | 'json', string>>;
const signed = (json: string, key = KEY, salt = SALT): Fields => ({ vpbx_api_key: key, sign: sha256(key + json + salt), json });

function request(subpath: string, body: Fields | string, opts: { at?: number; contentType?: string } = {}): WebhookRequest {
  const raw = typeof body === 'string' ? body : new URLSearchParams(body as Record<string, string>).toString();
  return {
    method: 'POST',
    headers: { 'content-type': opts.contentType ?? 'application/x-www-form-urlencoded' },
    query: {},
    rawBody: Buffer.from(raw),
    subpath,
    receivedAt: new Date(T0 + (opts.at ?? 0) * 1000).toISOString(),
    publicUrl: `https://api.example/webhooks/demo/mango/${subpath}`,
  };
}

const deliver = (d: Delivery, at = 0) => mangoAdapter.handle(request(d.subpath, signed(JSON.stringify(d.json)), { at }), settings, policy);


const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
const load = <T>(file: string) => JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as T;
const callFixtures = files.map((f) => [f, load<CallFixture | RejectFixture>(f)] as const).filter((x): x is readonly [string, CallFixture] => 'deliveries' in x[1]);
const rejectFixtures = files.map((f) => [f, load<CallFixture | RejectFixture>(f)] as const).filter((x): x is readonly [string, RejectFixture] => 'rejections' in x[1]);

function callOf(events: CanonicalEvent[]) {
  return reduceCall(events, ctx, 'c');
}

describe('mango adapter: documented lifecycles (fixtures)', () => {
  it('I1: fixtures are present', () => {
    expect(callFixtures.length).toBeGreaterThanOrEqual(6);
    expect(rejectFixtures.length).toBeGreaterThanOrEqual(1);
  });

  for (const [file, fx] of callFixtures) {
    it(`I1: ${file} — ${fx.description}`, () => {
      const events = fx.deliveries.flatMap((d, i) => {
        const result = deliver(d, i);
        expect(result.reply).toEqual({ statusCode: 200, body: {} });
        return result.events;
      });
      expect(events.every((e) => e.provider === 'mango' && e.occurredAtSource === 'provider')).toBe(true);
      const call = callOf(events);
      expect({ outcome: call.outcome, direction: call.direction, answeredBy: call.answeredBy, legs: call.legs.map((l) => l.agent.extension) }).toEqual({
        outcome: fx.expected.outcome,
        direction: fx.expected.direction,
        answeredBy: fx.expected.answeredBy && `emp-${fx.expected.answeredBy}`,
        legs: fx.expected.legs,
      });
      expect(call).toMatchObject(fx.expected.call);
    });

    it(`I3: ${file} — any arrival order, redeliveries and receipt times give the same call`, () => {
      const reference = callOf(fx.deliveries.flatMap((d) => deliver(d).events));
      const n = fx.deliveries.length;
      fc.assert(
        fc.property(
          fc.shuffledSubarray(fx.deliveries, { minLength: n, maxLength: n }),
          fc.array(fc.nat(n - 1), { maxLength: 4 }),
          fc.array(fc.integer({ min: -3600, max: 3600 }), { minLength: n + 4, maxLength: n + 4 }),
          (order, again, receipts) => {
            const list = [...order, ...again.map((i) => fx.deliveries[i]!)];
            const events = list.flatMap((d, i) => deliver(d, receipts[i]).events);
            expect(callOf(events)).toEqual(reference);
          },
        ),
        { numRuns: 150 },
      );
    });
  }
});

describe('mango adapter: signature (I1)', () => {
  for (const [file, fx] of rejectFixtures) {
    for (const r of fx.rejections) {
      it(`I1: ${file} — ${r.why} → ${fx.expected.statusCode} ${fx.expected.code}, no events`, () => {
        const json = JSON.stringify(r.delivery.json);
        const fields: Fields = signed(json);
        if (r.tamper === 'key') fields.vpbx_api_key = 'someone-elses-key';
        if (r.tamper === 'sign') fields.sign = sha256(`${KEY}${json}wrong-salt`);
        if (r.tamper === 'json') fields.json = json.replace('Appeared', 'Connected');
        if (r.tamper === 'no-sign') delete fields.sign;
        if (r.tamper === 'no-key') delete fields.vpbx_api_key;
        if (r.tamper === 'garbage-json') fields.json = '{"entry_id":';
        expect(rejection(() => mangoAdapter.handle(request(r.delivery.subpath, fields), settings, policy))).toMatchObject(fx.expected);
      });
    }
  }

  it('I1: the sign is computed over the json string exactly as received (spacing, key order, non-ASCII, "+")', () => {
    const json = '{ "to": {"number": "sip:отдел+продаж@vpbx1.mangosip.ru", "extension": 101},\n "from":{"number":"+79001234567"}, "call_state":"Appeared", "seq":1, "timestamp":1700000000, "call_id":"L&1", "entry_id":"E=1" }';
    const [e] = mangoAdapter.handle(request('events/call', signed(json)), settings, policy).events;
    expect(e).toMatchObject({ type: 'offered', providerCallId: 'E=1', legId: 'L&1', agents: [{ extension: '101', sip: 'sip:отдел+продаж@vpbx1.mangosip.ru' }] });
    const reserialised = JSON.stringify(JSON.parse(json));
    const err = rejection(() => mangoAdapter.handle(request('events/call', { ...signed(json), json: reserialised }), settings, policy));
    expect(err.statusCode).toBe(401);
  });

  it('I1: an upper-case hex sign is accepted; a multipart form works like a url-encoded one', () => {
    const json = '{"entry_id":"E","call_id":"L","seq":1,"timestamp":1700000000,"call_state":"Appeared","from":{"number":"79001234567"},"to":{"extension":"101"}}';
    const fields = signed(json);
    expect(mangoAdapter.handle(request('events/call', { ...fields, sign: fields.sign!.toUpperCase() }), settings, policy).events).toHaveLength(1);
    const b = 'B0undary';
    const multipart = `${Object.entries(fields).map(([k, v]) => `--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('')}--${b}--\r\n`;
    expect(mangoAdapter.handle(request('events/call', multipart, { contentType: `multipart/form-data; boundary=${b}` }), settings, policy).events).toHaveLength(1);
  });

  it('I1: the signature is checked before the subpath or the json are looked at', () => {
    for (const subpath of ['events/call', 'events/dtmf', 'nowhere']) {
      expect(rejection(() => mangoAdapter.handle(request(subpath, { ...signed('{}'), json: '{not json' }), settings, policy)).statusCode).toBe(401);
    }
  });
});

describe('mango adapter: mapping', () => {
  const leg = { entry_id: 'E', call_id: 'L2', timestamp: 1700000010, location: 'abonent', from: { number: '79001234567', taken_from_call_id: 'L1' }, to: { extension: '101', number: 'sip:anna@vpbx1.mangosip.ru', acd_group: 300 } };
  const one = (json: object, subpath = 'events/call') => deliver({ subpath, json }).events;

  it('I1: leg states: Appeared → offered, Connected → answered, Disconnected → ended of that leg only; OnHold → nothing', () => {
    expect(one({ ...leg, seq: 1, call_state: 'Appeared' })).toMatchObject([{ type: 'offered', legId: 'L2', providerCallId: 'E', queue: '300', agents: [{ extension: '101', sip: 'sip:anna@vpbx1.mangosip.ru' }], occurredAt: '2023-11-14T22:13:30.000Z', occurredAtSource: 'provider' }]);
    expect(one({ ...leg, seq: 2, call_state: 'Connected' })).toMatchObject([{ type: 'answered', legId: 'L2', agent: { extension: '101' } }]);
    expect(one({ ...leg, seq: 3, call_state: 'OnHold' })).toEqual([]);
    expect(one({ ...leg, seq: 4, call_state: 'Disconnected', disconnect_reason: 1121 })).toMatchObject([{ type: 'ended', legId: 'L2', endReason: 'busy', rawReason: '1121' }]);
    expect(one({ ...leg, seq: 5, call_state: 'Transferring' })).toEqual([]);
  });

  it('I1: numbers as strings or ints are the same event; unknown fields are ignored', () => {
    const a = one({ ...leg, seq: 2, timestamp: 1700000010, call_state: 'Connected', to: { ...leg.to, extension: 101 } });
    const b = one({ ...leg, seq: '2', timestamp: '1700000010', call_state: 'Connected', dct: { number: '', type: 0 }, 'z-flag': 1, sip_call_id: 'x@y' });
    expect(a).toEqual(b);
  });

  it('I1: group ringing — a non-answering member’s Disconnected is not a miss and does not end the call', () => {
    const events = [
      ...one({ ...leg, call_id: 'L2', seq: 1, call_state: 'Appeared' }),
      ...one({ ...leg, call_id: 'L3', seq: 1, call_state: 'Appeared', to: { extension: '102' } }),
      ...one({ ...leg, call_id: 'L2', seq: 2, call_state: 'Disconnected', disconnect_reason: 1182, timestamp: 1700000015 }),
      ...one({ ...leg, call_id: 'L3', seq: 2, call_state: 'Connected', to: { extension: '102' }, timestamp: 1700000015 }),
    ];
    const call = callOf(events);
    expect(call).toMatchObject({ status: 'answered', outcome: null, offeredTo: ['emp-101', 'emp-102'], answeredBy: 'emp-102', endedAt: null });
  });

  it('I1: legs without an employee (IVR, queue) give created on Appeared and nothing else', () => {
    const ivr = { entry_id: 'E', call_id: 'L1', timestamp: 1700000000, location: 'ivr', from: { number: '79001234567' }, to: { number: '74951234567', line_number: '74951234567' } };
    expect(one({ ...ivr, seq: 1, call_state: 'Appeared' })).toMatchObject([{ type: 'created', direction: 'inbound', from: '79001234567', to: '74951234567' }]);
    expect(one({ ...ivr, seq: 2, call_state: 'Connected' })).toEqual([]);
    expect(one({ ...ivr, seq: 3, call_state: 'Disconnected', disconnect_reason: 1170 })).toEqual([]);
  });

  it('I1: outgoing leg: the calling employee is the call’s own (origin) leg; the callee number is `to`', () => {
    const out = { entry_id: 'E', call_id: 'O1', timestamp: 1700000000, seq: 1, call_state: 'Appeared', from: { extension: '101', number: 'sip:anna@vpbx1.mangosip.ru' }, to: { number: '79161234567' } };
    expect(one(out)).toMatchObject([{ type: 'created', direction: 'outbound', agent: { extension: '101' }, to: '79161234567' }]);
  });

  it('I1: an employee-to-employee leg (transfer consultation) says nothing about direction or parties', () => {
    const [e] = one({ entry_id: 'E', call_id: 'LX', timestamp: 1700000000, seq: 1, call_state: 'Appeared', from: { extension: '101' }, to: { extension: '102' } });
    expect(e).toMatchObject({ type: 'offered', agents: [{ extension: '102' }] });
    expect(e!.direction ?? e!.from ?? e!.to).toBeUndefined();
  });

  it('I1: summary alone — outcome from talk_time, never from entry_result', () => {
    const base = { entry_id: 'S', call_direction: 1, from: { number: '79001234567' }, line_number: '74951234567', create_time: 1700000000, end_time: 1700000060 };
    const outcome = (s: object) => callOf(one({ ...base, ...s }, 'events/summary')).outcome;
    expect(outcome({ to: { extension: '101' }, talk_time: 1700000010, entry_result: 0 })).toBe('answered');
    expect(outcome({ to: { extension: '101' }, talk_time: 0, entry_result: 1 })).toBe('missed');
    expect(outcome({ to: {}, talk_time: 0, entry_result: 1 })).toBe('ivr_only');
    expect(outcome({ to: [], talk_time: '0', entry_result: '1' })).toBe('ivr_only');
    expect(outcome({ call_direction: 2, from: { extension: '101' }, to: { number: '79161234567' }, talk_time: 1700000010 })).toBe('answered');
    expect(outcome({ call_direction: 2, from: { extension: '101' }, to: { number: '79161234567' }, talk_time: 0, disconnect_reason: 1121 })).toBe('busy');
  });

  it('I1: recordings — Completed (1000) and record/added are one recording_available keyed by recording_id', () => {
    const rec = { recording_id: 'R1', entry_id: 'E', call_id: 'L2', extension: '101', timestamp: 1700000070 };
    expect(one({ ...rec, recording_state: 'Started' }, 'events/recording')).toEqual([]);
    expect(one({ ...rec, recording_state: 'Completed', completion_code: 4002 }, 'events/recording')).toEqual([]);
    const [done] = one({ ...rec, recording_state: 'Completed', completion_code: '1000' }, 'events/recording');
    const [added] = one({ entry_id: 'E', recording_id: 'R1', product_id: 1, user_id: -1, timestamp: 1700000080 }, 'events/record/added');
    expect(done).toMatchObject({ type: 'recording_available', recording: { id: 'R1' }, providerCallId: 'E' });
    expect(added!.key).toBe(done!.key);
  });

  it.each([
    ['1110', 'caller_hangup'], ['1111', 'no_answer_timeout'], ['1120', 'callee_hangup'], ['1121', 'busy'], ['1122', 'rejected'],
    ['1123', 'dnd'], ['1131', 'unavailable'], ['1133', 'invalid_number'], ['1151', 'rejected'], ['1164', 'unavailable'],
    ['1170', 'routing_end'], ['2219', 'billing'], ['3200', 'invalid_number'], ['4201', 'unavailable'], ['5001', 'congestion'],
    ['5003', 'system_error'], ['1100', 'unknown'], ['9999', 'unknown'], ['abc', 'unknown'], [undefined, 'unknown'],
  ])('I1: disconnect_reason %s → %s (unknown codes by class)', (code, reason) => {
    expect(endReasonOf(code)).toBe(reason);
  });

  it('I1: a Disconnected with was_transferred ends the leg as transferred', () => {
    expect(one({ ...leg, seq: 4, call_state: 'Disconnected', disconnect_reason: 1120, to: { ...leg.to, was_transferred: true } })).toMatchObject([{ endReason: 'transferred', rawReason: '1120' }]);
  });

  it('I4: numbers are kept raw in events and normalised to E.164 in the call; a missing from.number is anonymous-unknown', () => {
    const summary = { entry_id: 'S', call_direction: 1, from: { number: '89001234567' }, to: { extension: '101' }, line_number: '74951234567', create_time: 1700000000, talk_time: 0, end_time: 1700000030 };
    const events = one(summary, 'events/summary');
    expect(events[0]!.from).toBe('89001234567');
    expect(callOf(events)).toMatchObject({ customerNumber: '+79001234567', to: '+74951234567' });
    expect(callOf(one({ ...summary, from: {} }, 'events/summary'))).toMatchObject({ customerNumber: null, presentation: 'unknown' });
  });
});

describe('mango adapter: dedupe keys and ordering (I3)', () => {
  const leg = { entry_id: 'E', call_id: 'L2', timestamp: 1700000010, from: { number: '79001234567' }, to: { extension: '101' } };
  const keys = (json: object, subpath = 'events/call', at = 0) => mangoAdapter.handle(request(subpath, signed(JSON.stringify(json)), { at }), settings, policy).events.map((e) => e.key);

  it('I3: redelivery (another receipt time, another json spelling) has the same keys and events', () => {
    const a = mangoAdapter.handle(request('events/call', signed(JSON.stringify({ ...leg, seq: 2, call_state: 'Connected' })), { at: 0 }), settings, policy).events;
    const b = mangoAdapter.handle(request('events/call', signed(JSON.stringify({ ...leg, seq: '2', call_state: 'Connected', timestamp: '1700000010' })), { at: 900 }), settings, policy).events;
    expect(b).toEqual(a);
    expect(a.map((e) => e.key)).toEqual(['L2|2|Connected']);
    const summary = { entry_id: 'E', call_direction: 1, from: { number: '1' }, to: { extension: '101' }, create_time: 1700000000, talk_time: 1700000005, end_time: 1700000060 };
    expect(keys(summary, 'events/summary', 0)).toEqual(keys(summary, 'events/summary', 50));
    expect(keys(summary, 'events/summary')).toContain('E|summary');
  });

  it('I3: distinct (call_id, seq, call_state) are distinct keys', () => {
    const all = [keys({ ...leg, seq: 2, call_state: 'Connected' }), keys({ ...leg, seq: 4, call_state: 'Connected' }), keys({ ...leg, call_id: 'L3', seq: 2, call_state: 'Connected' }), keys({ ...leg, seq: 2, call_state: 'Disconnected' })].flat();
    expect(new Set(all).size).toBe(4);
  });

  it('I3: sequence orders one leg by seq and different legs by timestamp', () => {
    const seqOf = (json: object) => mangoAdapter.handle(request('events/call', signed(JSON.stringify(json))), settings, policy).events[0]!.sequence!;
    expect(seqOf({ ...leg, seq: 1, call_state: 'Appeared' })).toBeLessThan(seqOf({ ...leg, seq: 2, call_state: 'Connected' }));
    expect(seqOf({ ...leg, call_id: 'LA', seq: 9, call_state: 'Connected', timestamp: 1700000005 })).toBeLessThan(seqOf({ ...leg, call_id: 'LX', seq: 2, call_state: 'Connected', timestamp: 1700000006 }));
    expect(Number.isSafeInteger(seqOf({ ...leg, seq: 999_999_999, call_state: 'Connected', timestamp: 3_999_999_999 }))).toBe(true);
  });
});

describe('mango adapter: acknowledgements and rejections (I2)', () => {
  const ok = '{"entry_id":"E","call_id":"L","seq":1,"timestamp":1700000000,"call_state":"Appeared","from":{"number":"79001234567"},"to":{"extension":"101"}}';
  const ACK = { events: [], reply: { statusCode: 200, body: {} } };

  it.each(['events/dtmf', 'events/sms', 'events/record/tagged', 'events/recognized/offline', 'result/callback', 'result/route', ''])('I2: %s (signed) → 200 {} and no events', (subpath) => {
    expect(mangoAdapter.handle(request(subpath, signed('{"command_id":"c1","result":1000}')), settings, policy)).toEqual(ACK);
  });

  it('I2: "check connection" pings — empty body, form without json, json {} or [] — are 200 with no events', () => {
    expect(mangoAdapter.handle(request('', ''), settings, policy)).toEqual(ACK);
    expect(mangoAdapter.handle(request('events/call', { vpbx_api_key: KEY }), settings, policy)).toEqual(ACK);
    expect(mangoAdapter.handle(request('events/call', signed('{}')), settings, policy)).toEqual(ACK);
    expect(mangoAdapter.handle(request('events/call', signed('[]')), settings, policy)).toEqual(ACK);
    expect(rejection(() => mangoAdapter.handle(request('events/call', { vpbx_api_key: 'other' }), settings, policy)).statusCode).toBe(401);
  });

  it('I2: an unconfigured provider is 404', () => {
    expect(rejection(() => mangoAdapter.handle(request('events/call', signed(ok)), undefined, policy))).toMatchObject({ statusCode: 404, code: 'provider_not_configured' });
    expect(rejection(() => mangoAdapter.handle(request('events/call', signed(ok)), { apiKey: KEY }, policy)).statusCode).toBe(404);
  });

  it.each([
    ['malformed json', 'events/call', signed('{"entry_id":'), undefined, 400, 'malformed_json'],
    ['json is a string', 'events/call', signed('"x"'), undefined, 400, 'invalid_payload'],
    ['missing entry_id', 'events/call', signed(ok.replace('"entry_id":"E",', '')), undefined, 400, 'invalid_payload'],
    ['seq not a number', 'events/call', signed(ok.replace('"seq":1', '"seq":"one"')), undefined, 400, 'invalid_payload'],
    ['timestamp out of range', 'events/call', signed(ok.replace('1700000000', '99999999999999')), undefined, 400, 'invalid_payload'],
    ['summary without entry_id', 'events/summary', signed('{"call_direction":1}'), undefined, 400, 'invalid_payload'],
    ['repeated json field', 'events/call', `${new URLSearchParams(signed(ok) as Record<string, string>)}&json=x`, undefined, 400, 'invalid_field'],
    ['JSON body instead of a form', 'events/call', JSON.stringify(signed(ok)), 'application/json', 415, 'unsupported_media_type'],
    ['over 256 KB', 'events/call', signed(ok.replace('"L"', `"${'x'.repeat(300_000)}"`)), undefined, 413, 'payload_too_large'],
  ] as const)('I2: %s → %i %s', (_why, subpath, body, contentType, statusCode, code) => {
    const err = rejection(() => mangoAdapter.handle(request(subpath, body as Fields | string, contentType ? { contentType } : {}), settings, policy));
    expect(err).toMatchObject({ statusCode, code });
    expect(err.message.length).toBeGreaterThan(5);
  });
});
