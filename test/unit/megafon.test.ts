import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent, ReduceContext } from '#shared/domain/call.ts';
import { buildEmployeeMatcher } from '#shared/domain/employee-match.ts';
import { reduceCall } from '#shared/domain/reduce-call.ts';
import { megafonAdapter as megafon } from '#shared/providers/megafon.ts';
import type { TenantPolicy, WebhookRequest } from '#shared/providers/provider.ts';
import { rejection } from './webhook-errors.ts';

const TOKEN = 'crm-token-0123456789';
const settings = { crmToken: TOKEN };
const policy: TenantPolicy = { country: 'RU', blockedNumbers: [], outboundCallerIds: [] };
const FIXTURES = new URL('../fixtures/megafon/', import.meta.url);
const T0 = Date.parse('2017-09-05T15:08:52.000Z');
const CID = 'c-1';

const ctx: ReduceContext = {
  tenantId: 'demo',
  country: 'RU',
  matchEmployee: buildEmployeeMatcher(
    [
      { id: 'emp-101', extension: '101', sipAccounts: ['sip:ivanov@demo.megapbx.ru'], phones: [], fullName: 'Ivan Ivanov' },
      { id: 'emp-102', extension: '102', sipAccounts: [], phones: [], fullName: 'Petr Petrov' },
    ],
    'RU',
  ),
};

/** A form delivery; the valid token is appended unless the body carries its own. */
function request(body: string, at = 0, contentType = 'application/x-www-form-urlencoded'): WebhookRequest {
  const raw = body.includes('crm_token=') || contentType.includes('json') ? body : `${body}&crm_token=${TOKEN}`;
  return {
    method: 'POST',
    headers: { 'content-type': contentType },
    query: {},
    rawBody: Buffer.from(raw),
    subpath: '',
    receivedAt: new Date(T0 + at * 1000).toISOString(),
    publicUrl: 'https://api.example/webhooks/demo/megafon',
  };
}
const handle = (body: string, at = 0) => megafon.handle(request(body, at), settings, policy);


interface Fixture { description: string; deliveries: { at: number; body: string }[]; expected?: Record<string, unknown>; rejected?: { statusCode: number; code: string } }

describe('megafon adapter: documented lifecycles (fixtures)', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
  it('I1: fixtures are present', () => expect(files.length).toBeGreaterThanOrEqual(8));

  for (const file of files) {
    const fx = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Fixture;
    it(`I1: ${file} — ${fx.description}`, () => {
      if (fx.rejected) {
        for (const d of fx.deliveries) expect(rejection(() => handle(d.body, d.at))).toMatchObject(fx.rejected);
        return;
      }
      const events: CanonicalEvent[] = [];
      for (const d of fx.deliveries) {
        const result = handle(d.body, d.at);
        expect(result.reply).toEqual({ statusCode: 200, body: {} });
        if (d.body.startsWith('cmd=contact')) expect(result.lookup).toEqual({ kind: 'responsible_employee', phone: expect.any(String) });
        events.push(...result.events);
      }
      expect(events.every((e) => e.provider === 'megafon' && e.providerCallId === '28181504645339936')).toBe(true);
      const call = reduceCall(events, ctx, 'c');
      expect(call).toMatchObject(fx.expected!);
      // I3: any arrival order, with redeliveries, gives the same call
      fc.assert(
        fc.property(fc.shuffledSubarray(events, { minLength: events.length }), fc.subarray(events), (order, again) => {
          expect(reduceCall([...order, ...again], ctx, 'c')).toEqual(call);
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe('megafon adapter: mapping', () => {
  const IN = `direction=in&phone=79161234567&diversion=74951234567&callid=${CID}`;

  it('I1: event legs are keyed by user; login, extension and device go into the agent', () => {
    const [e] = handle(`cmd=event&type=INCOMING&${IN}&user=Ivanov&ext=101&telnum=79030000001`).events;
    expect(e).toMatchObject({ type: 'offered', legId: 'ivanov', agents: [{ extension: '101', sip: 'Ivanov', phone: '79030000001' }], from: '79161234567', to: '74951234567', direction: 'inbound', occurredAtSource: 'receipt' });
    // a login alone is matched through the employee's SIP account
    const [byLogin] = handle(`cmd=event&type=ACCEPTED&${IN}&user=ivanov`).events;
    expect(ctx.matchEmployee(byLogin!.agent!)).toBe('emp-101');
  });

  it('I1: CANCELLED for a group member ends only that leg, never the call', () => {
    const events = [
      ...handle(`cmd=event&type=INCOMING&${IN}&user=ivanov&ext=101`).events,
      ...handle(`cmd=event&type=INCOMING&${IN}&user=petrov&ext=102`).events,
      ...handle(`cmd=event&type=CANCELLED&${IN}&user=petrov&ext=102`, 5).events,
      ...handle(`cmd=event&type=ACCEPTED&${IN}&user=ivanov&ext=101`, 5).events,
    ];
    expect(events.find((e) => e.providerEventType === 'event:CANCELLED')).toMatchObject({ type: 'ended', legId: 'petrov' });
    const call = reduceCall(events, ctx, 'c');
    expect(call).toMatchObject({ status: 'answered', outcome: null, answeredBy: 'emp-101' });
    // a CANCELLED without a user has no leg to end: it must not end the call
    expect(handle(`cmd=event&type=CANCELLED&${IN}`).events).toMatchObject([{ type: 'created' }]);
  });

  it('I1: a prototype-named status is an unknown status, not a function from Object.prototype', () => {
    for (const status of ['constructor', '__proto__', 'toString']) {
      const ended = handle(`cmd=history&type=in&status=${status}&${IN}&duration=30`, 99).events.find((e) => e.type === 'ended');
      expect(ended, status).toMatchObject({ endReason: 'unknown', rawReason: status });
    }
  });

  it('I1: history start (compact UTC), duration and link → provider-timed end and recording', () => {
    const events = handle(`cmd=history&type=in&status=Missed&${IN}&start=20240229T235959Z&duration=2&link=https://r.example/a.mp3`, 99).events;
    expect(events.map((e) => e.type)).toEqual(['ended', 'recording_available']);
    expect(events[0]).toMatchObject({ occurredAt: '2024-03-01T00:00:01.000Z', occurredAtSource: 'provider', endReason: 'no_answer_timeout', rawReason: 'Missed' });
    expect(events[1]!.recording).toEqual({ url: 'https://r.example/a.mp3' });
    // without start: the delivery is the end
    expect(handle(`cmd=history&type=in&status=missed&${IN}&duration=30`, 99).events[0]).toMatchObject({ occurredAt: new Date(T0 + 99_000).toISOString(), occurredAtSource: 'receipt' });
  });

  it('I1: history `wait` times the inferred answer', () => {
    const call = reduceCall(handle(`cmd=history&type=in&status=Success&${IN}&user=petrov&ext=102&start=20170905T150852Z&duration=60&wait=15`).events, ctx, 'c');
    expect(call).toMatchObject({ outcome: 'answered', answeredBy: 'emp-102', waitSeconds: 15, talkSeconds: 45 });
  });

  it.each([
    ['in', 'missed', 'user=ivanov', 'missed'],
    ['in', 'Missed', '', 'ivr_only'],
    ['in', 'Cancel', 'user=ivanov', 'missed'],
    ['out', 'Success', '', 'answered'],
    ['out', 'Busy', 'user=ivanov', 'busy'],
    ['out', 'NotAvailable', 'user=ivanov', 'failed'],
    ['out', 'NotAllowed', 'user=ivanov', 'failed'],
    ['out', 'NotFound', 'user=ivanov', 'failed'],
    ['out', 'Cancel', 'user=ivanov', 'canceled'],
    ['out', 'Missed', 'user=ivanov', 'not_answered'],
  ])('I1: history type=%s status=%s (%s) alone → outcome %s', (type, status, user, outcome) => {
    const events = handle(`cmd=history&type=${type}&status=${status}&phone=79161234567&${user}&start=20170905T150852Z&duration=20&callid=${CID}`).events;
    expect(reduceCall(events, ctx, 'c').outcome).toBe(outcome);
  });

  it('I3: dedupe key is (callid, cmd, type, user): redelivery is the same event, another user is not', () => {
    const keys = (body: string, at: number) => handle(body, at).events.map((e) => e.key);
    expect(keys(`cmd=event&type=INCOMING&${IN}&user=ivanov`, 0)).toEqual(keys(`cmd=event&type=INCOMING&${IN}&user=ivanov`, 3));
    expect(keys(`cmd=event&type=INCOMING&${IN}&user=ivanov`, 0)).not.toEqual(keys(`cmd=event&type=INCOMING&${IN}&user=petrov`, 0));
    expect(keys(`cmd=event&type=INCOMING&${IN}&user=ivanov`, 0)).not.toEqual(keys(`cmd=event&type=ACCEPTED&${IN}&user=ivanov`, 0));
  });

  it('I1: a JSON body with numeric fields is accepted too', () => {
    const body = JSON.stringify({ cmd: 'event', type: 'INCOMING', callid: 7, ext: 101, crm_token: TOKEN });
    expect(megafon.handle(request(body, 0, 'application/json'), settings, policy).events).toMatchObject([{ providerCallId: '7', agents: [{ extension: '101' }] }]);
  });
});

describe('megafon adapter: contact lookup (E3), rating, unknown kinds', () => {
  const employee = { id: 'emp-101', extension: '101', fullName: 'Ivan Ivanov', email: null };

  it('E3: contact asks for the responsible employee and records nothing', () => {
    expect(handle(`cmd=contact&phone=79161234567&callid=${CID}`)).toEqual({ events: [], reply: { statusCode: 200, body: {} }, lookup: { kind: 'responsible_employee', phone: '79161234567' } });
    expect(handle(`cmd=contact&phone=&callid=${CID}`)).toEqual({ events: [], reply: { statusCode: 200, body: {} } }); // withheld: nothing to look up
  });

  it('E3: answerLookup → {"responsible": ext}, or {} when nobody is responsible', () => {
    const lookup = { kind: 'responsible_employee' as const, phone: '79161234567' };
    expect(megafon.answerLookup!(lookup, employee, settings)).toEqual({ statusCode: 200, body: { responsible: '101' } });
    expect(megafon.answerLookup!(lookup, null, settings)).toEqual({ statusCode: 200, body: {} });
  });

  it('I2: rating, unknown commands and unknown event types are acknowledged and ignored', () => {
    const ack = { events: [], reply: { statusCode: 200, body: {} } };
    expect(handle(`cmd=rating&callid=${CID}&user=ivanov&ext=101&phone=79161234567&rating=5`)).toEqual(ack);
    expect(handle(`cmd=subscriptionStatus&callid=${CID}`)).toEqual(ack);
    expect(handle(`cmd=event&type=HOLD&callid=${CID}&user=ivanov`)).toEqual(ack);
  });
});

describe('megafon adapter: rejections', () => {
  it('I2: an unconfigured provider is 404', () => {
    expect(rejection(() => megafon.handle(request('cmd=event'), undefined, policy))).toMatchObject({ statusCode: 404 });
  });

  it('I1: the token is checked before the fields', () => {
    expect(rejection(() => handle('cmd=history&duration=x&crm_token=bad'))).toMatchObject({ statusCode: 401, code: 'invalid_token' });
  });

  it.each([
    ['missing cmd', 'callid=1'],
    ['missing callid', 'cmd=event&type=INCOMING&user=ivanov'],
    ['repeated field', 'cmd=event&type=INCOMING&callid=1&user=a&user=b'],
    ['bad start', 'cmd=history&type=in&status=Success&callid=1&start=2017-09-05 15:08:52'],
    ['impossible start', 'cmd=history&type=in&status=Success&callid=1&start=20170231T150852Z'],
    ['bad duration', 'cmd=history&type=in&status=Success&callid=1&duration=-5'],
    ['callid too long', `cmd=event&type=INCOMING&callid=${'x'.repeat(251)}`],
  ])('I2: %s → 400 invalid_parameters', (_name, body) => {
    const err = rejection(() => handle(body));
    expect(err).toMatchObject({ statusCode: 400, code: 'invalid_parameters' });
    expect(err.message).toMatch(/^Invalid parameters: /);
  });

  it('I2: an empty body is 400, an unsupported content type 415', () => {
    expect(rejection(() => megafon.handle(request('', 0, 'application/x-www-form-urlencoded'), settings, policy)).statusCode).toBe(400);
    expect(rejection(() => megafon.handle(request('cmd=event', 0, 'text/xml'), settings, policy)).statusCode).toBe(415);
  });
});
