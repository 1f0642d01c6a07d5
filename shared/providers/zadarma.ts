// Zadarma PBX webhooks (docs/providers/zadarma.md; same API at Novofon and Megacall): one URL for every
// NOTIFY_* event, form-encoded, header `Signature` over event-specific fields, `zd_echo` URL check.
import { createHmac } from 'node:crypto';
import type { AgentRef, CanonicalEvent, Direction } from '../domain/call.ts';
import { parseBody, WebhookError, type ProviderAdapter, type WebhookRequest, type WebhookResult } from './provider.ts';
import { own } from '../domain/lookup.ts';
import { tokenMatches } from './zammad.ts';

const PROVIDER = 'zadarma';

/** Fields concatenated into the signed string, per event (official `Webhook/Notify*::getSignatureString`). */
export const SIGNED_FIELDS: Record<string, readonly string[]> = {
  NOTIFY_START: ['caller_id', 'called_did', 'call_start'],
  NOTIFY_IVR: ['caller_id', 'called_did', 'call_start'],
  NOTIFY_INTERNAL: ['caller_id', 'called_did', 'call_start'],
  NOTIFY_END: ['caller_id', 'called_did', 'call_start'],
  NOTIFY_ANSWER: ['caller_id', 'destination', 'call_start'],
  NOTIFY_OUT_START: ['internal', 'destination', 'call_start'],
  NOTIFY_OUT_END: ['internal', 'destination', 'call_start'],
  NOTIFY_RECORD: ['pbx_call_id', 'call_id_with_rec'],
};

/** `disposition` → canonical end reason (docs/call-model.md §10.3); `answered` does not say who hung up. */
const DISPOSITIONS: Record<string, string> = {
  answered: 'unknown',
  busy: 'busy',
  cancel: 'caller_hangup',
  'no answer': 'no_answer_timeout',
  failed: 'system_error',
  'no money': 'billing',
  'unallocated number': 'invalid_number',
  'no limit': 'billing',
  'no day limit': 'billing',
  'line limit': 'congestion',
  'no money, no limit': 'billing',
};

const MAX_ECHO = 512;
const MAX_DURATION = 7 * 24 * 3600;

interface Settings { apiKey: string; apiSecret: string }

function settingsOf(settings: unknown): Settings {
  const s = settings as Partial<Settings> | undefined;
  if (typeof s?.apiSecret !== 'string' || !s.apiSecret) throw new WebhookError(404, 'provider_not_configured', 'the zadarma provider is not configured for this tenant');
  return s as Settings;
}

/** Both variants seen in the wild: base64 of the hex digest (PHP) and of the raw digest (official TS lib). */
export function zadarmaSignatures(signed: string, secret: string): [string, string] {
  const digest = createHmac('sha1', secret).update(signed, 'utf8').digest();
  return [Buffer.from(digest.toString('hex'), 'utf8').toString('base64'), digest.toString('base64')];
}

function verifySignature(req: WebhookRequest, signed: string, secret: string): void {
  const header = Object.entries(req.headers).find(([k]) => k.toLowerCase() === 'signature')?.[1]?.trim();
  const [hex, raw] = zadarmaSignatures(signed, secret);
  // Both compares always run (no short-circuit), each over fixed-length hashes.
  const ok = Number(tokenMatches(header, hex)) | Number(tokenMatches(header, raw));
  if (!header || !ok) throw new WebhookError(401, 'invalid_signature', 'Signature header is missing or does not match');
}

/** One form field: trimmed string or undefined; repeated keys are refused. */
function field(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new WebhookError(400, 'invalid_field', `field ${name} must be a single value`);
  return v.trim() || undefined;
}

/** `pbx_call_id` is `in_…` / `out_…` in observed traffic [code]; used only where the event itself doesn't tell. */
const directionOfId = (id: string): Direction | undefined => (id.startsWith('in_') ? 'inbound' : id.startsWith('out_') ? 'outbound' : undefined);

function handle(req: WebhookRequest, settings: unknown): WebhookResult {
  const { apiSecret } = settingsOf(settings);
  const method = req.method.toUpperCase();
  if (method === 'GET') {
    const echo = req.query['zd_echo'];
    if (echo === undefined) throw new WebhookError(400, 'missing_zd_echo', 'GET is only for the zd_echo URL check');
    if (echo.length > MAX_ECHO) throw new WebhookError(400, 'invalid_field', `zd_echo is longer than ${MAX_ECHO} characters`);
    return { events: [], reply: { statusCode: 200, body: echo, contentType: 'text/plain' } };
  }
  if (method !== 'POST') throw new WebhookError(400, 'unsupported_method', `${method} is not supported; Zadarma posts forms`);

  const parsed = parseBody(req);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new WebhookError(400, 'invalid_payload', 'body must be a form of NOTIFY fields');
  const body = parsed as Record<string, unknown>;
  const ack: WebhookResult = { events: [], reply: { statusCode: 200, body: {} } };

  const event = field(body, 'event');
  if (!event) throw new WebhookError(400, 'missing_field', 'field event is required');
  const signedFields = Object.hasOwn(SIGNED_FIELDS, event) ? SIGNED_FIELDS[event] : undefined; // `constructor` is no event
  if (!signedFields) return ack; // unknown kind (NOTIFY_SMS, speech recognition…): acknowledged, ignored (I2)
  verifySignature(req, signedFields.map((f) => { const v = body[f]; return typeof v === 'string' ? v : ''; }).join(''), apiSecret);

  const pbxCallId = field(body, 'pbx_call_id');
  if (!pbxCallId) throw new WebhookError(400, 'missing_field', 'field pbx_call_id is required');
  if (pbxCallId.length > 250) throw new WebhookError(400, 'invalid_field', 'pbx_call_id is longer than 250 characters');
  const internal = field(body, 'internal');
  if (internal && internal.length > 64) throw new WebhookError(400, 'invalid_field', 'internal is longer than 64 characters');
  const callStart = field(body, 'call_start') ?? '';
  const callerId = field(body, 'caller_id');
  const destination = field(body, 'destination');
  const calledDid = field(body, 'called_did');

  const agent: AgentRef | undefined = internal ? { extension: internal } : undefined;
  // Zadarma has no leg ids: one synthetic leg per extension (docs/call-model.md §10.1).
  const leg = agent ? { legId: `${pbxCallId}/${internal}`, agent } : {};
  const key = `${pbxCallId}|${event}|${internal ?? ''}|${callStart}`;
  const base = {
    provider: PROVIDER,
    providerCallId: pbxCallId,
    providerEventType: event,
    // `call_start` is the call's start (same in every event) in the account's zone without offset:
    // no use as an event time, so events carry the receipt time.
    occurredAt: req.receivedAt,
    occurredAtSource: 'receipt' as const,
  };
  const inbound = { direction: 'inbound' as const, ...(callerId ? { from: callerId } : {}), ...(calledDid ? { to: calledDid } : {}) };
  const outbound = { direction: 'outbound' as const, from: callerId ?? internal, ...(destination ? { to: destination } : {}) };
  const events: CanonicalEvent[] = [];

  switch (event) {
    case 'NOTIFY_START':
    case 'NOTIFY_IVR':
      events.push({ ...base, ...inbound, key, type: 'created' });
      break;
    case 'NOTIFY_INTERNAL':
      // Once per extension rung (group ringing): distinct keys by `internal`, not duplicates.
      if (internal) events.push({ ...base, ...inbound, key, type: 'offered', legId: `${pbxCallId}/${internal}`, agents: [{ extension: internal }] });
      break;
    case 'NOTIFY_ANSWER': {
      const direction = directionOfId(pbxCallId);
      // Without `internal` an inbound answer is the IVR's, no talk evidence; outbound it is the callee's.
      events.push({ ...base, ...(direction ? { direction } : {}), key, type: 'answered', ...leg });
      break;
    }
    case 'NOTIFY_OUT_START':
      events.push({ ...base, ...outbound, key, type: 'created', ...leg });
      break;
    case 'NOTIFY_END':
    case 'NOTIFY_OUT_END': {
      const isOut = event === 'NOTIFY_OUT_END';
      const disposition = field(body, 'disposition');
      const statusCode = field(body, 'status_code');
      const duration = Number(field(body, 'duration') ?? '0');
      const talk = Number.isSafeInteger(duration) && duration > 0 && duration <= MAX_DURATION ? duration : 0;
      const parties = isOut ? outbound : inbound;
      // NOTIFY_ANSWER is a separate subscription: infer it from the final record (docs/call-model.md §10.7 item 7).
      if (disposition === 'answered' && (internal || isOut)) {
        const at = new Date(Date.parse(req.receivedAt) - talk * 1000).toISOString();
        events.push({ ...base, ...parties, occurredAt: at, key: `${key}|answered`, type: 'answered', ...leg });
      }
      const rawReason = [disposition, statusCode].filter(Boolean).join('/');
      events.push({
        ...base,
        ...parties,
        key,
        type: 'ended',
        endReason: own(DISPOSITIONS, disposition) ?? 'unknown',
        ...(rawReason ? { rawReason } : {}),
        ...(agent ? { agent } : {}),
      });
      break;
    }
    case 'NOTIFY_RECORD': {
      const rec = field(body, 'call_id_with_rec');
      // Only an id: the file is fetched later via /v1/pbx/record/request/ (~40 s after the end).
      if (rec) events.push({ ...base, key: `${pbxCallId}|${event}|${rec}`, type: 'recording_available', recording: { id: rec } });
      break;
    }
  }
  // Seam: a routing answer to NOTIFY_START/NOTIFY_IVR (`{"redirect":…}`, `{"hangup":1}`) would go here.
  return { ...ack, events };
}

export const zadarmaAdapter: ProviderAdapter = { name: PROVIDER, handle };
