// Zammad generic CTI (docs/providers.md): lets PBX scripts written for Zammad push to us unchanged.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AgentRef, CanonicalEvent, Direction } from '../domain/call.ts';
import { normalizePhone } from '../domain/phone.ts';
import { own } from '../domain/lookup.ts';
import { parseBody, WebhookError, type ProviderAdapter, type TenantPolicy, type WebhookReply, type WebhookRequest, type WebhookResult } from './provider.ts';

const PROVIDER = 'zammad';

/** Zammad `cause` → canonical end reason; `normalClearing` does not say who hung up. */
const CAUSES: Record<string, string> = {
  normalClearing: 'unknown',
  busy: 'busy',
  cancel: 'caller_hangup',
  noAnswer: 'no_answer_timeout',
  congestion: 'congestion',
  notFound: 'invalid_number',
  forwarded: 'transferred',
};

/** Constant-time comparison that also hides the length of the secret. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  const h = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return given !== undefined && timingSafeEqual(h(given), h(expected));
}

function settingsToken(settings: unknown): string {
  const token = (settings as { token?: unknown } | undefined)?.token;
  if (typeof token !== 'string' || !token) throw new WebhookError(404, 'provider_not_configured', 'the zammad provider is not configured for this tenant');
  return token;
}

/** One scalar field: strings as sent, numbers stringified (scripts send ids as ints), arrays refused. */
function scalar(body: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const v = body[name];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') return v.trim();
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new WebhookError(400, 'invalid_field', `field ${name} must be a string`);
  }
  return undefined;
}

/** `user`: string, JSON array, `user[]` form list or comma-joined string (docs/call-model.md §10.7 item 11). */
function users(body: Record<string, unknown>): string[] {
  const v = body['user'] ?? body['user[]'];
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return list
    .flatMap((x) => (typeof x === 'string' || typeof x === 'number' ? String(x).split(',') : []))
    .map((s) => s.trim())
    .filter(Boolean);
}

const isVoicemail = (user: string | undefined) => user?.toLowerCase() === 'voicemail';

/**
 * `answeringNumber` is matched by Zammad against phone, login and id: we don't know which, so the
 * value goes into every AgentRef field it could be and the employee matcher decides.
 */
function agentOf(answeringNumber: string | undefined, user: string | undefined): AgentRef | undefined {
  const agent: AgentRef = {};
  const v = answeringNumber;
  if (v) {
    if (/^sips?:/i.test(v)) agent.sip = v;
    else {
      if (v.includes('@')) { agent.email = v; agent.sip = v; }
      if (!/\s/.test(v)) agent.extension = v;
      if (/^\+?[\d\s().-]+$/.test(v)) agent.phone = v;
    }
  }
  if (user) agent.name = user;
  else if (v && !agent.phone && !agent.email && !agent.sip) agent.name = v; // a login
  return Object.keys(agent).length ? agent : undefined;
}

const e164 = (raw: string, country: string) => normalizePhone(raw, country).e164;

/** Incoming `from` on the block list (both sides compared in E.164; withheld numbers never match). */
function isBlocked(from: string, policy: TenantPolicy): boolean {
  const n = e164(from, policy.country);
  return !!n && policy.blockedNumbers.some((b) => (e164(b, policy.country) ?? b) === n);
}

/** First caller-ID rule whose prefix starts the E.164 `to` (`+7…` or `7…`; `''` is the default). */
function callerIdFor(to: string, policy: TenantPolicy): string | undefined {
  const n = e164(to, policy.country);
  if (!n) return undefined; // an extension or a withheld number: nothing to rewrite
  return policy.outboundCallerIds.find(({ prefix }) => n.startsWith(prefix) || (!prefix.startsWith('+') && n.slice(1).startsWith(prefix)))?.callerId;
}

// A call refused by the block list is marked `rejected: true`; the reducer derives `rejected_blocked`.
function handle(req: WebhookRequest, settings: unknown, policy: TenantPolicy): WebhookResult {
  const expected = settingsToken(settings);
  if (!tokenMatches(req.pathToken, expected)) throw new WebhookError(401, 'invalid_token', 'Invalid token, please contact your admin!');

  const parsed = parseBody(req);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new WebhookError(400, 'invalid_payload', 'body must be an object of CTI fields');
  const body = parsed as Record<string, unknown>;

  const event = scalar(body, 'event');
  const callId = scalar(body, 'callId', 'call_id');
  if (!event) throw new WebhookError(400, 'missing_field', 'field event is required');
  if (!callId) throw new WebhookError(400, 'missing_field', 'field callId (or call_id) is required');
  if (callId.length > 250) throw new WebhookError(400, 'invalid_field', 'callId is longer than 250 characters');
  const rawDirection = scalar(body, 'direction');
  if (rawDirection !== 'in' && rawDirection !== 'out') throw new WebhookError(422, 'invalid_direction', 'Invalid direction!');
  const from = scalar(body, 'from');
  const to = scalar(body, 'to');
  if (from === undefined) throw new WebhookError(400, 'missing_field', 'field from is required');
  if (to === undefined) throw new WebhookError(400, 'missing_field', 'field to is required');

  const direction: Direction = rawDirection === 'in' ? 'inbound' : 'outbound';
  const queue = scalar(body, 'queue');
  const base = {
    provider: PROVIDER,
    providerCallId: callId,
    providerEventType: event,
    occurredAt: req.receivedAt, // the format has no timestamps
    occurredAtSource: 'receipt' as const,
    direction,
    from,
    to,
    ...(queue ? { queue } : {}),
  };
  const userList = users(body);
  const answeringNumber = scalar(body, 'answeringNumber');
  const events: CanonicalEvent[] = [];
  let reply: WebhookReply = { statusCode: 200, body: {} };

  switch (event) {
    case 'newCall': {
      const agents = userList.filter((u) => !isVoicemail(u)).map((name): AgentRef => ({ name }));
      if (direction === 'outbound') {
        // `user` of an outgoing call is the agent who dials: the call's own agent leg, not a ringing one.
        events.push({ ...base, key: `${callId}|newCall`, type: 'created', ...(agents[0] ? { agent: agents[0] } : {}) });
        const callerId = callerIdFor(to, policy);
        if (callerId) reply = { statusCode: 200, body: { action: 'dial', caller_id: callerId, number: to } };
      } else if (isBlocked(from, policy)) {
        // The PBX rejects it and still sends hangup: recorded, but it never rings at anyone.
        events.push({ ...base, key: `${callId}|newCall`, type: 'created', rejected: true });
        reply = { statusCode: 200, body: { action: 'reject', reason: 'busy' } };
      } else {
        events.push({ ...base, key: `${callId}|newCall`, type: 'created' });
        if (agents.length) events.push({ ...base, key: `${callId}|newCall|offered`, type: 'offered', agents });
      }
      break;
    }
    case 'answer': {
      const user = userList[0];
      if (isVoicemail(user)) {
        events.push({ ...base, key: `${callId}|answer|voicemail`, type: 'answered', voicemail: true });
        break;
      }
      const agent = agentOf(answeringNumber, user);
      // Two answers by different agents (a transfer) are two events, not a redelivery.
      const who = `${answeringNumber ?? ''}/${user ?? ''}`.toLowerCase();
      events.push({ ...base, key: `${callId}|answer|${who}`, type: 'answered', ...(agent ? { agent } : {}) });
      break;
    }
    case 'hangup': {
      const cause = scalar(body, 'cause');
      const agent = agentOf(answeringNumber, userList[0]);
      events.push({
        ...base,
        key: `${callId}|hangup`,
        type: 'ended',
        endReason: own(CAUSES, cause) ?? 'unknown',
        ...(cause ? { rawReason: cause } : {}),
        ...(agent && !isVoicemail(userList[0]) ? { agent } : {}),
      });
      break;
    }
    default:
      return { events: [], reply: { statusCode: 200, body: {} } }; // well-formed but unknown: acknowledged so the PBX stops retrying (I2)
  }
  return { events, reply };
}

export const zammadAdapter: ProviderAdapter = { name: PROVIDER, handle };
