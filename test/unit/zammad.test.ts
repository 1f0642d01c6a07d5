import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent, ReduceContext } from '#shared/domain/call.ts';
import { buildEmployeeMatcher } from '#shared/domain/employee-match.ts';
import { reduceCall } from '#shared/domain/reduce-call.ts';
import { adapters, type WebhookRequest } from '#shared/providers/index.ts';
import type { TenantPolicy } from '#shared/providers/provider.ts';
import { rejection } from './webhook-errors.ts';

const policy: TenantPolicy = { country: 'RU', blockedNumbers: [], outboundCallerIds: [] };

const zammad = adapters['zammad']!;
const TOKEN = 'zammad-token-0123456789';
const settings = { token: TOKEN };
const FIXTURES = new URL('../fixtures/zammad/', import.meta.url);
const T0 = Date.parse('2025-03-01T10:00:00.000Z');

const ctx: ReduceContext = {
  tenantId: 'demo',
  country: 'RU',
  matchEmployee: buildEmployeeMatcher(
    [
      { id: 'emp-chris', extension: '101', sipAccounts: [], phones: [], email: 'chris@chrispresso.com', fullName: 'Christopher Miller' },
      { id: 'emp-emma', extension: '102', sipAccounts: [], phones: [], email: 'emma@chrispresso.com', fullName: 'Emma Taylor' },
      { id: 'emp-user1', extension: '201', sipAccounts: [], phones: [], fullName: 'user 1' },
      { id: 'emp-user2', extension: '202', sipAccounts: [], phones: [], fullName: 'User 2' },
    ],
    'RU',
  ),
};

function request(body: unknown, opts: { contentType?: string; token?: string | undefined; at?: number } = {}): WebhookRequest {
  const contentType = opts.contentType ?? 'application/json';
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    method: 'POST',
    headers: { 'content-type': contentType },
    query: {},
    rawBody: Buffer.from(raw),
    subpath: ('token' in opts ? opts.token : TOKEN) ?? '',
    pathToken: 'token' in opts ? opts.token : TOKEN,
    receivedAt: new Date(T0 + (opts.at ?? 0) * 1000).toISOString(),
    publicUrl: 'https://api.example/webhooks/demo/zammad/x',
  };
}


interface Fixture { description: string; contentType: string; requests: { at: number; body: unknown }[]; expected: Record<string, unknown> }

describe('zammad adapter: documented lifecycles', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
  it('I1: fixtures are present', () => expect(files.length).toBeGreaterThanOrEqual(6));

  for (const file of files) {
    const fx = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Fixture;
    it(`I1: ${file} — ${fx.description}`, () => {
      const events: CanonicalEvent[] = [];
      for (const r of fx.requests) {
        const result = zammad.handle(request(r.body, { contentType: fx.contentType, at: r.at }), settings, policy);
        expect(result.reply).toEqual({ statusCode: 200, body: {} });
        events.push(...result.events);
      }
      expect(events.every((e) => e.provider === 'zammad' && e.occurredAtSource === 'receipt')).toBe(true);
      const call = reduceCall(events, ctx, 'c');
      expect(call).toMatchObject(fx.expected);
      // I3: the same deliveries in reverse order and twice give the same call
      expect(reduceCall([...events].reverse().concat(events), ctx, 'c')).toEqual(call);
    });
  }
});

describe('zammad adapter: mapping', () => {
  const base = { from: '493023125741', to: '492214710334', direction: 'in', callId: 'x-1' };

  it('I1: newCall → created + offered with every agent; `user[]` form and comma list are equivalent', () => {
    const json = zammad.handle(request({ ...base, event: 'newCall', user: ['A One', 'B Two'] }), settings, policy).events;
    const form = zammad.handle(request('event=newCall&from=1&to=2&direction=in&callId=x-1&user[]=A+One&user[]=B+Two', { contentType: 'application/x-www-form-urlencoded' }), settings, policy).events;
    const comma = zammad.handle(request({ ...base, event: 'newCall', user: 'A One, B Two' }), settings, policy).events;
    for (const events of [json, form, comma]) {
      expect(events.map((e) => e.type)).toEqual(['created', 'offered']);
      expect(events[1]!.agents).toEqual([{ name: 'A One' }, { name: 'B Two' }]);
    }
    expect(json[0]).toMatchObject({ direction: 'inbound', providerCallId: 'x-1', from: '493023125741' });
  });

  it('I1: call_id alias, multipart form and numeric fields are accepted', () => {
    const boundary = 'XyZ';
    const fields = [['event', 'newCall'], ['from', '4912347114711'], ['to', '4930600000000'], ['direction', 'in'], ['call_id', 'm-1']];
    const parts = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    const body = `${parts.join('')}--${boundary}--\r\n`;
    const events = zammad.handle(request(body, { contentType: `multipart/form-data; boundary=${boundary}` }), settings, policy).events;
    expect(events).toMatchObject([{ type: 'created', providerCallId: 'm-1', from: '4912347114711' }]);
    expect(zammad.handle(request({ ...base, from: 4912347114711, event: 'newCall' }), settings, policy).events[0]!.from).toBe('4912347114711');
  });

  it('I1: outgoing newCall makes the calling agent the call’s own leg, not a ringing one', () => {
    const events = zammad.handle(request({ ...base, direction: 'out', event: 'newCall', user: 'Emma Taylor' }), settings, policy).events;
    expect(events).toMatchObject([{ type: 'created', direction: 'outbound', agent: { name: 'Emma Taylor' } }]);
  });

  it('I1: answer carries the agent from answeringNumber and user; voicemail is flagged', () => {
    const [answer] = zammad.handle(request({ ...base, event: 'answer', user: 'Emma Taylor', answeringNumber: 'emma@chrispresso.com' }), settings, policy).events;
    expect(answer).toMatchObject({ type: 'answered', agent: { email: 'emma@chrispresso.com', name: 'Emma Taylor' } });
    expect(ctx.matchEmployee(answer!.agent!)).toBe('emp-emma');
    const [byExt] = zammad.handle(request({ ...base, event: 'answer', answeringNumber: '101' }), settings, policy).events;
    expect(ctx.matchEmployee(byExt!.agent!)).toBe('emp-chris');
    const [vm] = zammad.handle(request({ ...base, event: 'answer', user: 'voicemail' }), settings, policy).events;
    expect(vm).toMatchObject({ type: 'answered', voicemail: true });
    expect(vm!.agent).toBeUndefined();
  });

  it.each([
    ['normalClearing', 'unknown'],
    ['busy', 'busy'],
    ['cancel', 'caller_hangup'],
    ['noAnswer', 'no_answer_timeout'],
    ['congestion', 'congestion'],
    ['notFound', 'invalid_number'],
    ['forwarded', 'transferred'],
    // Prototype-named causes are unknown causes, not a function from Object.prototype (a throw on every retry).
    ['constructor', 'unknown'],
    ['__proto__', 'unknown'],
    ['toString', 'unknown'],
  ])('I1: hangup cause %s → endReason %s', (cause, endReason) => {
    const [e] = zammad.handle(request({ ...base, event: 'hangup', cause }), settings, policy).events;
    expect(e).toMatchObject({ type: 'ended', endReason, rawReason: cause });
  });

  it('I3: dedupe keys: redelivery is the same event, answers by two agents are two', () => {
    const key = (body: object, at: number) => zammad.handle(request({ ...base, ...body }, { at }), settings, policy).events.map((e) => e.key);
    expect(key({ event: 'hangup' }, 0)).toEqual(key({ event: 'hangup' }, 5));
    expect(key({ event: 'answer', answeringNumber: '101' }, 0)).not.toEqual(key({ event: 'answer', answeringNumber: '102' }, 0));
  });

  it('I5: forwarded hangup without answer is not a missed call', () => {
    const events = [
      ...zammad.handle(request({ ...base, event: 'newCall', user: ['Emma Taylor'] }), settings, policy).events,
      ...zammad.handle(request({ ...base, event: 'hangup', cause: 'forwarded' }, { at: 5 }), settings, policy).events,
    ];
    expect(reduceCall(events, ctx, 'c').outcome).toBe('ivr_only');
  });
});

describe('zammad adapter: rejections', () => {
  const ok = { event: 'newCall', from: '1', to: '2', direction: 'in', callId: 'r-1' };

  it('I1: a wrong or missing token is 401 invalid_token', () => {
    expect(rejection(() => zammad.handle(request(ok, { token: 'wrong' }), settings, policy))).toMatchObject({ statusCode: 401, code: 'invalid_token' });
    expect(rejection(() => zammad.handle(request(ok, { token: undefined }), settings, policy))).toMatchObject({ statusCode: 401, code: 'invalid_token' });
  });

  it('I1: the token is checked before the body is read', () => {
    expect(rejection(() => zammad.handle(request('{not json', { token: 'wrong' }), settings, policy)).statusCode).toBe(401);
  });

  it('I2: an unconfigured provider is 404', () => {
    expect(rejection(() => zammad.handle(request(ok), undefined, policy))).toMatchObject({ statusCode: 404 });
  });

  it.each([
    ['malformed JSON', '{"event":', 'application/json', 400, 'malformed_json'],
    ['empty body', '', 'application/json', 400, 'empty_body'],
    ['JSON array', '[1,2]', 'application/json', 400, 'invalid_payload'],
    ['missing event', JSON.stringify({ ...ok, event: undefined }), 'application/json', 400, 'missing_field'],
    ['missing callId', JSON.stringify({ ...ok, callId: undefined }), 'application/json', 400, 'missing_field'],
    ['missing from', JSON.stringify({ ...ok, from: undefined }), 'application/json', 400, 'missing_field'],
    ['missing to', 'event=newCall&from=1&direction=in&callId=r', 'application/x-www-form-urlencoded', 400, 'missing_field'],
    ['callId too long', JSON.stringify({ ...ok, callId: 'x'.repeat(251) }), 'application/json', 400, 'invalid_field'],
    ['invalid direction', JSON.stringify({ ...ok, direction: 'sideways' }), 'application/json', 422, 'invalid_direction'],
    ['unsupported type', 'event=newCall', 'text/xml', 415, 'unsupported_media_type'],
    ['over 256 KB', JSON.stringify({ ...ok, pad: 'x'.repeat(300_000) }), 'application/json', 413, 'payload_too_large'],
  ] as const)('I2: %s → %i %s', (_name, body, contentType, statusCode, code) => {
    const err = rejection(() => zammad.handle(request(body, { contentType }), settings, policy));
    expect(err).toMatchObject({ statusCode, code });
    expect(err.message.length).toBeGreaterThan(5);
  });

  it('I2: a well-formed unknown event is acknowledged and ignored', () => {
    expect(zammad.handle(request({ ...ok, event: 'transfer' }), settings, policy)).toEqual({ events: [], reply: { statusCode: 200, body: {} } });
  });
});

describe('zammad adapter: synchronous answers (reject / dial)', () => {
  const strict: TenantPolicy = {
    country: 'RU',
    blockedNumbers: ['+79161234567'],
    outboundCallerIds: [{ prefix: '+49', callerId: '4930600000000' }, { prefix: '7', callerId: '74951234567' }, { prefix: '', callerId: '70000000000' }],
  };
  const call = { to: '74951234567', callId: 'b-1' };

  it('I1: incoming newCall from a blocked number (any spelling) → reject busy, created flagged, no ringing', () => {
    for (const from of ['+79161234567', '79161234567', '89161234567']) {
      const result = zammad.handle(request({ ...call, from, direction: 'in', event: 'newCall', user: ['Emma Taylor'] }), settings, strict);
      expect(result.reply).toEqual({ statusCode: 200, body: { action: 'reject', reason: 'busy' } });
      expect(result.events).toMatchObject([{ type: 'created', rejected: true, direction: 'inbound' }]);
    }
  });

  it('I1: the PBX still sends hangup: the call ends without ringing anybody', () => {
    const events = [
      ...zammad.handle(request({ ...call, from: '89161234567', direction: 'in', event: 'newCall', user: 'Emma Taylor' }), settings, strict).events,
      ...zammad.handle(request({ ...call, from: '89161234567', direction: 'in', event: 'hangup', cause: 'busy' }, { at: 1 }), settings, strict).events,
    ];
    const c = reduceCall(events, ctx, 'c');
    expect(c).toMatchObject({ status: 'ended', offeredTo: [], answeredBy: null, customerNumber: '+79161234567' });
    // A blocked caller is logged as rejected_blocked: never a missed call, so no ticket (I5).
    expect(c.outcome).toBe('rejected_blocked');
  });

  it('I2: not blocked: other numbers, withheld callers, outgoing calls and hangups answer {}', () => {
    const reply = (body: object) => zammad.handle(request({ ...call, ...body }), settings, strict).reply;
    expect(reply({ from: '79161234568', direction: 'in', event: 'newCall' })).toEqual({ statusCode: 200, body: {} });
    expect(reply({ from: 'anonymous', direction: 'in', event: 'newCall' })).toEqual({ statusCode: 200, body: {} });
    expect(reply({ from: '79161234567', direction: 'in', event: 'hangup' })).toEqual({ statusCode: 200, body: {} });
    expect(zammad.handle(request({ ...call, from: '79161234567', direction: 'in', event: 'newCall' }), settings, policy).reply).toEqual({ statusCode: 200, body: {} });
  });

  it.each([
    ['+493023125741', '4930600000000'],
    ['493023125741', '4930600000000'],
    ['89161234567', '74951234567'],
    ['+12025550123', '70000000000'],
  ])('I1: outgoing newCall to %s → dial with caller_id %s (first matching prefix on E.164)', (to, callerId) => {
    const result = zammad.handle(request({ from: '101', to, callId: 'o-1', direction: 'out', event: 'newCall', user: 'Emma Taylor' }), settings, strict);
    expect(result.reply).toEqual({ statusCode: 200, body: { action: 'dial', caller_id: callerId, number: to } });
    expect(result.events).toMatchObject([{ type: 'created', direction: 'outbound' }]);
  });

  it('I2: outgoing newCall without a matching rule, or to an extension, answers {}', () => {
    const out = (to: string, p: TenantPolicy) => zammad.handle(request({ from: '101', to, callId: 'o-2', direction: 'out', event: 'newCall' }), settings, p).reply;
    expect(out('89161234567', { ...strict, outboundCallerIds: [{ prefix: '+49', callerId: '1' }] })).toEqual({ statusCode: 200, body: {} });
    expect(out('102', strict)).toEqual({ statusCode: 200, body: {} });
    expect(out('89161234567', policy)).toEqual({ statusCode: 200, body: {} });
  });
});
