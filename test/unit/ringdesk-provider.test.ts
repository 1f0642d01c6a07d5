import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ReduceContext } from '#shared/domain/call.ts';
import { reduceCall } from '#shared/domain/reduce-call.ts';
import { adapters, WebhookError, type WebhookRequest } from '#shared/providers/index.ts';
import { ringdeskWebhookSchema } from '#shared/providers/ringdesk.ts';
import type { TenantPolicy } from '#shared/providers/provider.ts';

const policy: TenantPolicy = { country: 'RU', blockedNumbers: [], outboundCallerIds: [] };

const ringdesk = adapters['ringdesk']!;
const SECRET = 'ringdesk-secret-0123456789';
const settings = { secret: SECRET };
const RECEIVED = '2025-03-01T10:00:00.000Z';
const sign = (raw: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

function request(body: unknown, headers: Record<string, string | undefined> = {}): WebhookRequest {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const h: Record<string, string> = { 'content-type': 'application/json', 'x-ringdesk-signature': sign(raw) };
  for (const [k, v] of Object.entries(headers)) if (v === undefined) delete h[k]; else h[k] = v;
  return { method: 'POST', headers: h, query: {}, subpath: '', rawBody: Buffer.from(raw), receivedAt: RECEIVED, publicUrl: 'https://api.example/webhooks/demo/ringdesk' };
}

function rejection(fn: () => unknown): WebhookError {
  try { fn(); } catch (err) { if (err instanceof WebhookError) return err; throw err; }
  throw new Error('expected a WebhookError');
}

const ctx: ReduceContext = { tenantId: 'demo', country: 'RU', matchEmployee: (a) => (a.extension ? `emp-${a.extension}` : null) };

describe('ringdesk adapter', () => {
  it('I1: a signed single event maps to one canonical event', () => {
    const result = ringdesk.handle(request({ callId: 'r1', event: 'created', direction: 'inbound', from: '89161234567', to: '101', occurredAt: '2025-03-01T13:00:00+03:00', sequence: 1, extra: 'ignored' }), settings, policy);
    expect(result.reply).toEqual({ statusCode: 200, body: { accepted: 1 } });
    expect(result.events).toEqual([{
      key: 'r1|created|1||', provider: 'ringdesk', providerCallId: 'r1', providerEventType: 'created', type: 'created', sequence: 1,
      occurredAt: '2025-03-01T10:00:00.000Z', occurredAtSource: 'provider', direction: 'inbound', from: '89161234567', to: '101',
    }]);
  });

  it('I1: a batch is a whole call; missing occurredAt falls back to receipt time', () => {
    const body = { events: [
      { callId: 'r2', event: 'created', direction: 'inbound', from: '+79161234567', to: '+74951234567', occurredAt: '2025-03-01T09:59:00Z' },
      { callId: 'r2', event: 'offered', agents: [{ extension: '101' }, { extension: '102' }], occurredAt: '2025-03-01T09:59:01Z' },
      { callId: 'r2', event: 'answered', agent: { extension: '102' }, occurredAt: '2025-03-01T09:59:11Z' },
      { callId: 'r2', event: 'ended', endReason: 'callee_hangup', eventId: 'end-1' },
      { callId: 'r2', event: 'recording_available', recording: { url: 'https://rec.example/r2.mp3' } },
    ] };
    const { events } = ringdesk.handle(request(body), settings, policy);
    expect(events).toHaveLength(5);
    expect(events[3]).toMatchObject({ key: 'id:end-1', occurredAt: RECEIVED, occurredAtSource: 'receipt' });
    const call = reduceCall(events, ctx, 'c');
    expect(call).toMatchObject({ outcome: 'answered', answeredBy: 'emp-102', offeredTo: ['emp-101', 'emp-102'], waitSeconds: 11, talkSeconds: 49, recordingUrl: 'https://rec.example/r2.mp3' });
  });

  it('I3: dedupe key is stable across redeliveries and distinguishes agents', () => {
    const key = (b: object) => ringdesk.handle(request(b), settings, policy).events[0]!.key;
    const answered = { callId: 'r3', event: 'answered', agent: { extension: '101' } };
    expect(key(answered)).toBe(key({ ...answered }));
    expect(key(answered)).not.toBe(key({ ...answered, agent: { extension: '102' } }));
    expect(key({ ...answered, eventId: 'e-9' })).toBe('id:e-9');
  });

  it('I1: missing, malformed or wrong signatures are 401 invalid_signature', () => {
    const body = JSON.stringify({ callId: 'r4', event: 'created' });
    for (const signature of [undefined, 'sha256=zz', sign(body, 'another-secret-000000'), sign(body).replace('sha256=', 'sha1=')]) {
      expect(rejection(() => ringdesk.handle(request(body, { 'x-ringdesk-signature': signature }), settings, policy))).toMatchObject({ statusCode: 401, code: 'invalid_signature' });
    }
    // a valid signature for different bytes fails too
    expect(rejection(() => ringdesk.handle(request(body, { 'x-ringdesk-signature': sign(`${body} `) }), settings, policy)).statusCode).toBe(401);
  });

  it('I1: the signature is verified before the body is parsed', () => {
    expect(rejection(() => ringdesk.handle(request('{broken', { 'x-ringdesk-signature': `sha256=${'0'.repeat(64)}` }), settings, policy)).statusCode).toBe(401);
  });

  it.each([
    ['malformed JSON', '{broken', 400],
    ['missing callId', { event: 'created' }, 400],
    ['bad occurredAt', { callId: 'x', event: 'created', occurredAt: 'yesterday' }, 400],
    ['bad direction', { callId: 'x', event: 'created', direction: 'up' }, 400],
    ['empty agent', { callId: 'x', event: 'answered', agent: {} }, 400],
    ['bad end reason', { callId: 'x', event: 'ended', endReason: 'exploded' }, 400],
    ['batch over 50', { events: Array.from({ length: 51 }, (_, i) => ({ callId: 'x', event: 'created', eventId: String(i) })) }, 400],
  ] as const)('I2: %s → %s invalid payload', (_name, body, statusCode) => {
    const err = rejection(() => ringdesk.handle(request(body), settings, policy));
    expect(err.statusCode).toBe(statusCode);
    expect(err.message).toMatch(/JSON|callId|occurredAt|direction|agent|endReason|events/);
  });

  it('I2: a form body is 415, an oversized body 413', () => {
    expect(rejection(() => ringdesk.handle(request('callId=x', { 'content-type': 'application/x-www-form-urlencoded' }), settings, policy)).statusCode).toBe(415);
    expect(rejection(() => ringdesk.handle(request({ callId: 'x', event: 'created', pad: 'x'.repeat(300_000) }), settings, policy)).statusCode).toBe(413);
  });

  it('I2: well-formed unknown event kinds are acknowledged and ignored', () => {
    expect(ringdesk.handle(request({ callId: 'x', event: 'held' }), settings, policy).events).toEqual([]);
    const batch = ringdesk.handle(request({ events: [{ callId: 'x', event: 'held' }, { callId: 'x', event: 'created' }] }), settings, policy);
    expect(batch.events.map((e) => e.type)).toEqual(['created']);
  });

  it('I2: the exported schema is the documented contract', () => {
    expect(ringdeskWebhookSchema.safeParse({ callId: 'x', event: 'ended', endReason: 'busy' }).success).toBe(true);
    expect(ringdeskWebhookSchema.safeParse({ callId: 'x', event: 'nope' }).success).toBe(false);
  });

  it('I2: an unconfigured provider is 404', () => {
    expect(rejection(() => ringdesk.handle(request({ callId: 'x', event: 'created' }), {}, policy)).statusCode).toBe(404);
  });
});
