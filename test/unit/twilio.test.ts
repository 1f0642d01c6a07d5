import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent, ReduceContext } from '#shared/domain/call.ts';
import { buildEmployeeMatcher } from '#shared/domain/employee-match.ts';
import { reduceCall } from '#shared/domain/reduce-call.ts';
import type { TenantPolicy, WebhookRequest } from '#shared/providers/provider.ts';
import { twilioAdapter, twilioSignature } from '#shared/providers/twilio.ts';
import { rejection } from './webhook-errors.ts';

const policy: TenantPolicy = { country: 'RU', blockedNumbers: [], outboundCallerIds: [] };
const TOKEN = 'twilio-auth-token-0123456789';
const settings = { authToken: TOKEN, apiUrl: 'https://api.twilio.com' };
const BASE = 'https://api.example.com/webhooks/demo/twilio';
const FIXTURES = new URL('../fixtures/twilio/', import.meta.url);
const T0 = Date.parse('2025-03-01T10:00:00.000Z');

const ctx: ReduceContext = {
  tenantId: 'demo',
  country: 'RU',
  matchEmployee: buildEmployeeMatcher(
    [
      { id: 'emp-101', extension: '101', sipAccounts: ['alice'], phones: ['+79031110101'], fullName: 'Alice Smith' },
      { id: 'emp-102', extension: '102', sipAccounts: ['bob'], phones: ['+79031110102'], fullName: 'Bob Jones' },
    ],
    'RU',
  ),
};

type Params = Record<string, string>;
interface Delivery { at: number; subpath: string; params: Params; tamper?: Params; signature?: string }
interface Fixture { description: string; deliveries: Delivery[]; expected: Record<string, unknown> }

interface Opts { at?: number; subpath?: string; signedUrl?: string; publicUrl?: string; signature?: string; method?: string; token?: string; headers?: Record<string, string> }

/** A form POST signed as Twilio signs it: over `signedUrl` (default: the URL we see) + sorted params. */
function request(params: Params, o: Opts = {}, sent: Params = params): WebhookRequest {
  const subpath = o.subpath ?? '';
  const publicUrl = o.publicUrl ?? `${BASE}${subpath ? `/${subpath}` : ''}`;
  const get = o.method === 'GET';
  const signature = o.signature ?? twilioSignature(o.token ?? TOKEN, o.signedUrl ?? publicUrl, get ? [] : Object.entries(params));
  return {
    method: o.method ?? 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, ...o.headers },
    query: Object.fromEntries(new URLSearchParams(publicUrl.split('?')[1] ?? '')),
    rawBody: Buffer.from(get ? '' : new URLSearchParams(sent).toString()),
    subpath,
    receivedAt: new Date(T0 + (o.at ?? 0) * 1000).toISOString(),
    publicUrl,
  };
}
const deliver = (d: Delivery, at = d.at) => twilioAdapter.handle(request(d.params, { at, subpath: d.subpath, ...(d.signature ? { signature: d.signature } : {}) }, { ...d.params, ...d.tamper }), settings, policy);
const forged = (d: Delivery) => !!d.tamper || !!d.signature;


const status = { CallSid: 'CAX', ParentCallSid: 'CAP', Direction: 'outbound-dial', From: '+79161234567', To: 'client:alice', CallStatus: 'ringing', SequenceNumber: '1', Timestamp: 'Sat, 01 Mar 2025 10:00:01 +0000' };

describe('twilio adapter: documented lifecycles (docs/providers/twilio.md)', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
  it('I1: fixtures are present', () => expect(files.length).toBeGreaterThanOrEqual(7));

  for (const file of files) {
    const fx = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Fixture;
    it(`I1: ${file} — ${fx.description}`, () => {
      const events: CanonicalEvent[] = [];
      for (const d of fx.deliveries) {
        if (forged(d)) {
          expect(rejection(() => deliver(d))).toMatchObject({ statusCode: 401, code: 'invalid_signature' });
          continue;
        }
        const result = deliver(d);
        expect(result.reply).toEqual(d.subpath === 'dial-action'
          ? { statusCode: 200, body: '<?xml version="1.0" encoding="UTF-8"?><Response/>', contentType: 'text/xml' }
          : { statusCode: 204, body: '', contentType: 'text/plain' });
        events.push(...result.events);
      }
      expect(events.every((e) => e.provider === 'twilio' && e.sequence === undefined)).toBe(true);
      expect(reduceCall(events, ctx, 'c')).toMatchObject(fx.expected);
    });

    it(`I3: ${file} — any delivery order, with redeliveries, gives the same call`, () => {
      const ok = fx.deliveries.filter((d) => !forged(d));
      const call = reduceCall(ok.flatMap((d) => deliver(d).events), ctx, 'c');
      const order = fc.shuffledSubarray([...ok.keys()], { minLength: ok.length, maxLength: ok.length });
      const again = fc.array(fc.tuple(fc.nat(ok.length - 1), fc.integer({ min: 1, max: 600 })), { maxLength: 4 });
      fc.assert(
        fc.property(order, again, (idx, redeliveries) => {
          const events = [...idx.map((i) => ok[i]!), ...redeliveries.map(([i]) => ok[i]!)]
            .flatMap((d, n) => deliver(d, n < ok.length ? d.at : d.at + redeliveries[n - ok.length]![1]).events);
          expect(reduceCall(events, ctx, 'c')).toEqual(call);
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe('twilio adapter: X-Twilio-Signature', () => {
  it('I1: matches Twilio’s documented example vector', () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', Object.entries(params))).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('I1: the exact URL counts: subpath and query string are signed', () => {
    expect(twilioAdapter.handle(request(status, { publicUrl: `${BASE}?rc=2` }), settings, policy).events.length).toBeGreaterThan(0);
    expect(rejection(() => twilioAdapter.handle(request(status, { publicUrl: `${BASE}?rc=2`, signedUrl: BASE }), settings, policy)).statusCode).toBe(401);
    const dial = { CallSid: 'CAP', Direction: 'inbound', DialCallSid: 'CAX', DialCallStatus: 'no-answer' };
    expect(twilioAdapter.handle(request(dial, { subpath: 'dial-action' }), settings, policy).events).toMatchObject([{ type: 'ended', legId: 'CAX' }]);
    expect(rejection(() => twilioAdapter.handle(request(dial, { subpath: 'dial-action', signedUrl: BASE }), settings, policy)).statusCode).toBe(401);
  });

  it.each([
    ['signed with :443, seen without port', 'https://api.example.com:443/webhooks/demo/twilio', BASE],
    ['signed without port, seen with :443', BASE, 'https://api.example.com:443/webhooks/demo/twilio'],
  ])('I1: port variants are accepted: %s', (_name, signedUrl, publicUrl) => {
    expect(twilioAdapter.handle(request(status, { signedUrl, publicUrl }), settings, policy).events.length).toBeGreaterThan(0);
  });

  it('I1: behind a proxy the URL is publicBaseUrl + /webhooks/{tenant}/twilio[/subpath] + query', () => {
    const behind = { ...settings, publicBaseUrl: 'https://pbx.example.org/prod/' };
    const publicUrl = 'https://abc123.execute-api.eu-west-1.amazonaws.com/webhooks/demo/twilio/dial-action?x=1';
    const dial = { CallSid: 'CAP', DialCallSid: 'CAX', DialCallStatus: 'busy' };
    const ok = request(dial, { subpath: 'dial-action', publicUrl, signedUrl: 'https://pbx.example.org/prod/webhooks/demo/twilio/dial-action?x=1' });
    expect(twilioAdapter.handle(ok, behind, policy).events).toMatchObject([{ type: 'ended', endReason: 'busy' }]);
    expect(rejection(() => twilioAdapter.handle(request(dial, { subpath: 'dial-action', publicUrl }), behind, policy)).statusCode).toBe(401);
  });

  it('I1: GET callbacks: params in the query, signature over the URL only', () => {
    const publicUrl = `${BASE}?${new URLSearchParams(status)}`;
    expect(twilioAdapter.handle(request(status, { method: 'GET', publicUrl }), settings, policy).events).toMatchObject([{ type: 'offered', legId: 'CAX' }]);
  });

  it('I1: JSON bodies: URL carries bodySHA256, the body hash must match', () => {
    const body = JSON.stringify(status);
    const hash = createHash('sha256').update(body).digest('hex');
    const publicUrl = `${BASE}?bodySHA256=${hash}`;
    const req = (raw: string): WebhookRequest => ({ ...request({}, { publicUrl }), headers: { 'content-type': 'application/json', 'x-twilio-signature': twilioSignature(TOKEN, publicUrl, []) }, rawBody: Buffer.from(raw) });
    expect(twilioAdapter.handle(req(body), settings, policy).events).toMatchObject([{ type: 'offered' }]);
    expect(rejection(() => twilioAdapter.handle(req(body.replace('ringing', 'in-progress')), settings, policy)).statusCode).toBe(401);
  });

  it.each([
    ['missing header', { signature: '' }],
    ['wrong token', { token: 'another-token' }],
    ['garbage', { signature: 'not base64 at all' }],
  ])('I2: %s → 401 invalid_signature, no events', (_name, o) => {
    expect(rejection(() => twilioAdapter.handle(request(status, o), settings, policy))).toMatchObject({ statusCode: 401, code: 'invalid_signature' });
  });

  it('I2: the signature is checked before the body is interpreted; parameters changed after signing are refused', () => {
    expect(rejection(() => twilioAdapter.handle(request(status, {}, { ...status, CallStatus: 'in-progress' }), settings, policy)).statusCode).toBe(401);
    expect(rejection(() => twilioAdapter.handle(request({ CallSid: '../../x' }, { signature: 'x' }), settings, policy)).statusCode).toBe(401);
  });
});

describe('twilio adapter: mapping', () => {
  const one = (params: Params, o: Opts = {}) => twilioAdapter.handle(request(params, o), settings, policy).events;

  it('I1: child legs: client:alice → sip/name alice, sip: URI → sip, phone → phone; providerCallId is the parent', () => {
    expect(one(status)).toEqual([expect.objectContaining({ type: 'offered', providerCallId: 'CAP', legId: 'CAX', agents: [{ sip: 'alice', name: 'alice' }], occurredAt: '2025-03-01T10:00:01.000Z', occurredAtSource: 'provider' })]);
    expect(one({ ...status, To: 'sip:bob@demo.sip.twilio.com' })[0]!.agents).toEqual([{ sip: 'sip:bob@demo.sip.twilio.com' }]);
    expect(one({ ...status, To: '+79031110102' })[0]!.agents).toEqual([{ phone: '+79031110102' }]);
    expect(ctx.matchEmployee({ sip: 'sip:bob@demo.sip.twilio.com' })).toBe('emp-102');
  });

  it('I1: a `completed`-only child subscription still offers, answers (CallDuration > 0, dated back) and ends the leg', () => {
    const events = one({ ...status, CallStatus: 'completed', CallDuration: '30', SequenceNumber: '0', Timestamp: 'Sat, 01 Mar 2025 10:01:00 +0000' });
    expect(events.map((e) => [e.type, e.occurredAt])).toEqual([['offered', '2025-03-01T10:01:00.000Z'], ['answered', '2025-03-01T10:00:30.000Z'], ['ended', '2025-03-01T10:01:00.000Z']]);
  });

  it('I1: the parent of an inbound call is never talk evidence, even `in-progress` / `completed` with CallDuration', () => {
    const parent = { CallSid: 'CAP', Direction: 'inbound', From: '+79161234567', To: '+74951234567', SequenceNumber: '1' };
    expect(one({ ...parent, CallStatus: 'in-progress' }).map((e) => e.type)).toEqual(['created']);
    expect(one({ ...parent, CallStatus: 'completed', CallDuration: '60' }).map((e) => e.type)).toEqual(['created', 'ended']);
  });

  it('I1: REST call to a customer (real capture): answered; AMD machine is voicemail, not talk', () => {
    const capture = { Direction: 'outbound-api', CallbackSource: 'call-progress-events', SequenceNumber: '3', CallSid: 'CAbe98', CallStatus: 'completed', CallDuration: '49', Duration: '1', From: '+16466063895', To: '+551135892112', Timestamp: 'Sun, 25 Mar 2018 09:53:19 +0000', AnsweredBy: 'human' };
    const call = reduceCall(one(capture), ctx, 'c');
    expect(call).toMatchObject({ direction: 'outbound', outcome: 'answered', customerNumber: '+551135892112', talkSeconds: 49, endedAt: '2018-03-25T09:53:19.000Z' });
    expect(reduceCall(one({ ...capture, AnsweredBy: 'machine_end_beep' }), ctx, 'c').outcome).toBe('not_answered');
  });

  it('I1: a Client/SIP caller places an outgoing call: the agent is the origin, the customer is `To`', () => {
    const events = one({ CallSid: 'CAP', Direction: 'inbound', From: 'client:bob', To: '+79161234567', CallStatus: 'ringing', SequenceNumber: '0' });
    expect(events).toMatchObject([{ type: 'created', direction: 'outbound', agent: { sip: 'bob', name: 'bob' }, to: '+79161234567' }]);
  });

  it.each([
    ['busy', undefined, 'busy'],
    ['no-answer', undefined, 'no_answer_timeout'],
    ['canceled', undefined, 'caller_hangup'],
    ['failed', '404', 'invalid_number'],
    ['failed', '503', 'congestion'],
    ['failed', undefined, 'system_error'],
    ['failed', 'constructor', 'system_error'],
    ['failed', '__proto__', 'system_error'],
    ['completed', undefined, 'unknown'],
  ])('I1: CallStatus %s (SIP %s) → endReason %s', (CallStatus, sip, endReason) => {
    const ended = one({ ...status, CallStatus, ...(sip ? { SipResponseCode: sip } : {}) }).find((e) => e.type === 'ended');
    expect(ended).toMatchObject({ endReason, rawReason: sip ? `${CallStatus};sip=${sip}` : CallStatus, legId: 'CAX' });
  });

  it('I1: Dial action: answered leg dated back by DialCallDuration; no DialCallSid → nothing', () => {
    const dial = { CallSid: 'CAP', Direction: 'inbound', DialCallSid: 'CAX', DialCallStatus: 'completed', DialCallDuration: '40' };
    expect(one(dial, { subpath: 'dial-action', at: 100 }).map((e) => [e.type, e.legId, e.occurredAt])).toEqual([
      ['answered', 'CAX', new Date(T0 + 60_000).toISOString()],
      ['ended', 'CAX', new Date(T0 + 100_000).toISOString()],
    ]);
    expect(one({ CallSid: 'CAP', DialCallStatus: 'no-answer' }, { subpath: 'dial-action' })).toEqual([]);
  });

  it('I1: Dial action + parent without child callbacks: answered is detected; an unanswered Dial names nobody (gap, docs)', () => {
    const parent = { CallSid: 'CAP', Direction: 'inbound', From: '+79161234567', To: '+74951234567', CallStatus: 'completed', CallDuration: '30', SequenceNumber: '0' };
    const call = (DialCallStatus: string, DialCallDuration: string) =>
      reduceCall([...one({ CallSid: 'CAP', Direction: 'inbound', DialCallSid: 'CAX', DialCallStatus, DialCallDuration }, { subpath: 'dial-action', at: 28 }), ...one(parent, { at: 30 })], ctx, 'c');
    expect(call('completed', '20')).toMatchObject({ outcome: 'answered', answeredBy: null, talkSeconds: 22 });
    // Never `answered` from the parent's `completed`; without a child callback the reducer cannot tell it rang at someone.
    expect(call('no-answer', '0').outcome).toBe('ivr_only');
  });

  it('I1: recording URL on a callback → recording_available', () => {
    const events = one({ CallSid: 'CAP', RecordingSid: 'RE1', RecordingUrl: 'https://api.twilio.com/rec/RE1', RecordingStatus: 'completed' });
    expect(events).toMatchObject([{ type: 'recording_available', providerCallId: 'CAP', recording: { id: 'RE1', url: 'https://api.twilio.com/rec/RE1' } }]);
  });

  it('I3: dedupe key (CallSid, SequenceNumber): redelivery is the same event; fallback CallSid + CallStatus', () => {
    const keys = (p: Params, at: number) => one(p, { at }).map((e) => e.key);
    expect(keys(status, 0)).toEqual(keys(status, 30));
    expect(keys(status, 0)).not.toEqual(keys({ ...status, SequenceNumber: '2' }, 0));
    const { SequenceNumber: _, ...noSeq } = status;
    expect(keys(noSeq, 0)).toEqual(keys(noSeq, 9));
    expect(keys(noSeq, 0)).not.toEqual(keys({ ...noSeq, CallStatus: 'initiated' }, 0));
  });
});

describe('twilio adapter: rejections and acknowledgements', () => {
  it('I2: unconfigured provider → 404', () => {
    expect(rejection(() => twilioAdapter.handle(request(status), undefined, policy))).toMatchObject({ statusCode: 404, code: 'provider_not_configured' });
    expect(rejection(() => twilioAdapter.handle(request(status), {}, policy)).statusCode).toBe(404);
  });

  it('I2: unknown subpath → 404; missing CallSid → 400; bad SID → 400', () => {
    expect(rejection(() => twilioAdapter.handle(request(status, { subpath: 'voice' }), settings, policy)).statusCode).toBe(404);
    expect(rejection(() => twilioAdapter.handle(request({ CallStatus: 'ringing' }), settings, policy))).toMatchObject({ statusCode: 400, code: 'missing_field' });
    expect(rejection(() => twilioAdapter.handle(request({ ...status, CallSid: 'CA 1' }), settings, policy))).toMatchObject({ statusCode: 400, code: 'invalid_field' });
  });

  it('I2: over 256 KB → 413', () => {
    expect(rejection(() => twilioAdapter.handle(request({ ...status, Pad: 'x'.repeat(300_000) }), settings, policy)).statusCode).toBe(413);
  });

  it('I2: unknown CallStatus and unknown fields are acknowledged (204) and ignored', () => {
    expect(twilioAdapter.handle(request({ ...status, CallStatus: 'teleported' }), settings, policy)).toEqual({ events: [], reply: { statusCode: 204, body: '', contentType: 'text/plain' } });
    expect(twilioAdapter.handle(request({ ...status, FromCity: 'MOSCOW', 'z-flag': '1' }), settings, policy).events).toEqual(twilioAdapter.handle(request(status), settings, policy).events);
  });
});
