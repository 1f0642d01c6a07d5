// Our own canonical webhook: for PBX glue we write ourselves and for tests. The body is already the
// canonical event, so the adapter only verifies, validates and fills defaults.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AgentRef, CanonicalEvent } from '../domain/call.ts';
import { webUrl } from '../domain/urls.ts';
import { assertBodySize, parseBody, WebhookError, type ProviderAdapter, type WebhookRequest, type WebhookResult } from './provider.ts';

const PROVIDER = 'ringdesk';
const EVENT_TYPES = ['created', 'offered', 'answered', 'ended', 'recording_available'] as const;
const END_REASONS = [
  'caller_hangup', 'callee_hangup', 'no_answer_timeout', 'busy', 'rejected', 'dnd', 'unavailable', 'invalid_number',
  'forbidden', 'billing', 'congestion', 'routing_end', 'transferred', 'system_error', 'unknown',
] as const;

const text = z.string().trim().min(1).max(256);
const agentSchema = z
  .object({ extension: text, sip: text, phone: text, email: text, name: text })
  .partial()
  .refine((a) => Object.values(a).some(Boolean), 'an agent needs at least one of extension, sip, phone, email, name');

const eventSchema = z.object({
  callId: z.string().min(1).max(250),
  event: z.enum(EVENT_TYPES),
  eventId: z.string().min(1).max(200).optional(),
  sequence: z.number().int().nonnegative().optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  direction: z.enum(['inbound', 'outbound', 'internal']).optional(),
  from: z.string().max(256).optional(),
  to: z.string().max(256).optional(),
  queue: text.optional(),
  legId: text.optional(),
  agents: z.array(agentSchema).max(100).optional(),
  agent: agentSchema.optional(),
  voicemail: z.boolean().optional(),
  endReason: z.enum(END_REASONS).optional(),
  rawReason: z.string().max(256).optional(),
  recording: z.object({ url: webUrl, id: text.optional() }).optional(),
});

/** One event, or a batch of up to 50 (unknown extra fields are ignored, docs/call-model.md §10.7 item 11). */
const batchSchema = z.object({ events: z.array(eventSchema).min(1).max(50) });
export const ringdeskWebhookSchema = z.union([eventSchema, batchSchema]);
export type RingdeskEvent = z.infer<typeof eventSchema>;

function verifySignature(req: WebhookRequest, secret: string): void {
  const header = req.headers['x-ringdesk-signature'] ?? '';
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  const expected = createHmac('sha256', secret).update(req.rawBody).digest();
  if (!match?.[1] || !timingSafeEqual(Buffer.from(match[1], 'hex'), expected)) {
    throw new WebhookError(401, 'invalid_signature', 'x-ringdesk-signature is missing or does not match the body');
  }
}

const agentIdentity = (a: AgentRef | undefined) =>
  a ? (['extension', 'sip', 'phone', 'email', 'name'] as const).map((f) => a[f] ?? '').join('/') : '';

function toCanonical(e: RingdeskEvent, receivedAt: string): CanonicalEvent {
  const who = e.agent ? agentIdentity(e.agent) : (e.agents ?? []).map(agentIdentity).join(',');
  return {
    key: e.eventId ? `id:${e.eventId}` : [e.callId, e.event, e.sequence ?? '', e.legId ?? '', who].join('|'),
    provider: PROVIDER,
    providerCallId: e.callId,
    providerEventType: e.event,
    type: e.event,
    ...(e.sequence !== undefined ? { sequence: e.sequence } : {}),
    occurredAt: e.occurredAt ? new Date(e.occurredAt).toISOString() : receivedAt,
    occurredAtSource: e.occurredAt ? 'provider' : 'receipt',
    ...pickDefined(e, ['direction', 'from', 'to', 'queue', 'legId', 'agents', 'agent', 'voicemail', 'endReason', 'rawReason', 'recording']),
  };
}

function pickDefined<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/**
 * Well-formed events of kinds we don't know are acknowledged and ignored (I2), not rejected.
 * Returns null when nothing is left to validate.
 */
function dropUnknownKinds(body: unknown): unknown {
  const unknownKind = (x: unknown) => {
    const o = x as { event?: unknown; callId?: unknown } | null;
    return !!o && typeof o === 'object' && typeof o.callId === 'string' && typeof o.event === 'string' && !(EVENT_TYPES as readonly string[]).includes(o.event);
  };
  if (unknownKind(body)) return null;
  const events = (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return body;
  const known = events.filter((e) => !unknownKind(e));
  return known.length === 0 && events.length > 0 ? null : { ...(body as object), events: known };
}

function handle(req: WebhookRequest, settings: unknown): WebhookResult {
  const secret = (settings as { secret?: unknown } | undefined)?.secret;
  if (typeof secret !== 'string' || !secret) throw new WebhookError(404, 'provider_not_configured', 'the ringdesk provider is not configured for this tenant');
  assertBodySize(req);
  verifySignature(req, secret); // before parsing: unauthenticated bytes are never interpreted

  const contentType = req.headers['content-type'];
  if (contentType && !/^application\/([\w.+-]*\+)?json\b/i.test(contentType)) throw new WebhookError(415, 'unsupported_media_type', 'send application/json');
  const body = dropUnknownKinds(parseBody({ ...req, headers: { ...req.headers, 'content-type': 'application/json' } }));
  if (body === null) return { events: [], reply: { statusCode: 200, body: { accepted: 0 } } };
  // Validate against the branch the body claims, so the error names the bad field (not "no union member").
  const isBatch = !!body && typeof body === 'object' && 'events' in body;
  const result = (isBatch ? batchSchema : eventSchema).safeParse(body);
  if (!result.success) {
    const detail = result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new WebhookError(400, 'invalid_payload', `invalid ringdesk event: ${detail}`);
  }
  const list = 'events' in result.data ? result.data.events : [result.data];
  const events = list.map((e) => toCanonical(e, req.receivedAt));
  return { events, reply: { statusCode: 200, body: { accepted: events.length } } };
}

export const ringdeskAdapter: ProviderAdapter = { name: PROVIDER, handle };
