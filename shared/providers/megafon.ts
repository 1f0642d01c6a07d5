// RU cloud-PBX "CRM API" (docs/providers/megafon.md): MegaFon VATS, same protocol at Gravitel, Kcell and others.
// One URL, form POST, `cmd` selects the command, shared secret `crm_token` in the body.
import type { AgentRef, CanonicalEvent, Direction } from '../domain/call.ts';
import { parseBody, WebhookError, type LookupEmployee, type ProviderAdapter, type WebhookLookup, type WebhookReply, type WebhookRequest, type WebhookResult } from './provider.ts';
import { own } from '../domain/lookup.ts';
import { tokenMatches } from './zammad.ts';

const PROVIDER = 'megafon';
const OK: WebhookReply = { statusCode: 200, body: {} };
const MAX_SECONDS = 7 * 24 * 3600;

/** `history.status` (case-insensitive: `missed` / `Missed`) → canonical end reason. */
const STATUS_REASONS: Record<string, string> = {
  success: 'unknown',
  missed: 'no_answer_timeout',
  cancel: 'caller_hangup',
  busy: 'busy',
  notavailable: 'unavailable',
  notallowed: 'forbidden',
  notfound: 'invalid_number',
};

type Fields = Record<string, unknown>;
const invalid = (message: string) => new WebhookError(400, 'invalid_parameters', `Invalid parameters: ${message}`);

/** One scalar field (numbers from JSON bodies stringified); a repeated form key is malformed. */
function field(body: Fields, name: string, max = 256): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') throw invalid(`${name} must be a single value`);
  const s = String(v).trim();
  if (s.length > max) throw invalid(`${name} is longer than ${max} characters`);
  return s || undefined;
}

function seconds(body: Fields, name: string): number | undefined {
  const v = field(body, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,7}$/.test(v) || Number(v) > MAX_SECONDS) throw invalid(`${name} must be a number of seconds`);
  return Number(v);
}

/** `start`: compact UTC `YYYYmmddTHHMMSSZ` → epoch ms. */
function compactUtc(v: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  const [year = NaN, month = NaN, day, hour, minute, second] = (m?.slice(1) ?? []).map(Number);
  const t = Date.UTC(year, month - 1, day, hour, minute, second);
  if (!m || Number.isNaN(t) || new Date(t).toISOString().replace(/[-:]|\.\d+/g, '') !== v) throw invalid('start must be YYYYmmddTHHMMSSZ (UTC)');
  return t;
}

/** The PBX user: `user` is the PBX login (a SIP account's user part), `ext` the extension, `telnum` the device. */
function agentOf(body: Fields): { leg: string; agent: AgentRef } | undefined {
  const user = field(body, 'user');
  const ext = field(body, 'ext');
  const telnum = field(body, 'telnum');
  const leg = user ?? ext ?? telnum;
  if (!leg) return undefined;
  const agent: AgentRef = { ...(ext ? { extension: ext } : {}), ...(user ? { sip: user } : {}), ...(telnum ? { phone: telnum } : {}) };
  return { leg: leg.toLowerCase(), agent };
}

function base(body: Fields, cmd: string, type: string, callId: string, direction: Direction | undefined) {
  const phone = field(body, 'phone');
  const line = field(body, 'diversion');
  const [from, to] = direction === 'outbound' ? [line, phone] : [phone, line];
  const queue = field(body, 'groupRealName');
  return {
    provider: PROVIDER,
    providerCallId: callId,
    providerEventType: `${cmd}:${type}`,
    ...(direction ? { direction } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(queue ? { queue } : {}),
  };
}

const directionOf = (v: string | undefined): Direction | undefined => (v === 'in' ? 'inbound' : v === 'out' ? 'outbound' : undefined);

/** `cmd=event`: one user's leg; no timestamps, so receipt time. CANCELLED ends that leg only (docs/call-model.md §10.7 item 8). */
function eventDelivery(body: Fields, callId: string, receivedAt: string): CanonicalEvent[] {
  const type = (field(body, 'type') ?? '').toUpperCase();
  const direction = directionOf(field(body, 'direction')) ?? (type === 'OUTGOING' ? 'outbound' : type === 'INCOMING' ? 'inbound' : undefined);
  const who = agentOf(body);
  const e = { ...base(body, 'event', type, callId, direction), key: `${callId}|event|${type}|${who?.leg ?? ''}`, occurredAt: receivedAt, occurredAtSource: 'receipt' as const };
  const leg = who ? { legId: who.leg, agent: who.agent } : undefined;
  switch (type) {
    case 'INCOMING':
      return [who ? { ...e, type: 'offered', legId: who.leg, agents: [who.agent] } : { ...e, type: 'created' }];
    case 'OUTGOING': // the dialling user is the call's own leg, not a ringing one
      return [{ ...e, type: 'created', ...leg }];
    case 'ACCEPTED':
      return [{ ...e, type: 'answered', ...leg }];
    case 'COMPLETED':
    case 'CANCELLED':
    case 'TRANSFERRED':
      // Without a user there is no leg to end, and a call-level `ended` would end the whole call.
      if (!leg) return [{ ...e, type: 'created' }];
      return [{ ...e, type: 'ended', ...leg, rawReason: type, ...(type === 'TRANSFERRED' ? { endReason: 'transferred' } : {}) }];
    default:
      return []; // well-formed, unknown type: acknowledged (I2)
  }
}

/**
 * `cmd=history`: the final record ends the call. The answer is inferred from `status=Success` with a
 * user (docs/call-model.md §10.7 item 7, PBXs that send no events), timed at `start + wait` or else the end, so a real
 * ACCEPTED (earlier) keeps the ring time; history alone then shows the whole duration as waiting.
 */
function historyDelivery(body: Fields, callId: string, receivedAt: string): CanonicalEvent[] {
  const type = field(body, 'type') ?? '';
  const direction = directionOf(type);
  const status = field(body, 'status') ?? '';
  const duration = seconds(body, 'duration') ?? 0;
  const wait = seconds(body, 'wait');
  const start = field(body, 'start');
  const startMs = start ? compactUtc(start) : Date.parse(receivedAt) - duration * 1000;
  const at = (s: number) => new Date(startMs + Math.min(s, duration) * 1000).toISOString();
  const who = agentOf(body);
  const key = `${callId}|history|${type}|${who?.leg ?? ''}`;
  const e = { ...base(body, 'history', status, callId, direction), occurredAtSource: start ? ('provider' as const) : ('receipt' as const) };
  const events: CanonicalEvent[] = [];
  if (who && direction === 'outbound') events.push({ ...e, key: `${key}|created`, type: 'created', occurredAt: at(0), legId: who.leg, agent: who.agent });
  else if (who) events.push({ ...e, key: `${key}|offered`, type: 'offered', occurredAt: at(0), legId: who.leg, agents: [who.agent] });
  if (status.toLowerCase() === 'success' && (who || direction === 'outbound')) {
    events.push({ ...e, key: `${key}|answered`, type: 'answered', occurredAt: at(wait ?? duration), ...(who ? { legId: who.leg, agent: who.agent } : {}) });
  }
  events.push({ ...e, key: `${key}|ended`, type: 'ended', occurredAt: at(duration), endReason: own(STATUS_REASONS, status.toLowerCase()) ?? 'unknown', ...(status ? { rawReason: status } : {}) });
  const link = field(body, 'link', 2048);
  if (link && /^https?:\/\/\S+$/i.test(link)) events.push({ ...e, key: `${key}|recording`, type: 'recording_available', occurredAt: at(duration), recording: { url: link } });
  return events;
}

function handle(req: WebhookRequest, settings: unknown): WebhookResult {
  const expected = (settings as { crmToken?: unknown } | undefined)?.crmToken;
  if (typeof expected !== 'string' || !expected) throw new WebhookError(404, 'provider_not_configured', 'the megafon provider is not configured for this tenant');
  const parsed = parseBody(req); // the token travels in the body
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid('body must be a form of CRM API fields');
  const body = parsed as Fields;
  const token = body['crm_token'];
  if (!tokenMatches(typeof token === 'string' ? token : undefined, expected)) throw new WebhookError(401, 'invalid_token', 'Invalid token');

  const cmd = field(body, 'cmd');
  if (!cmd) throw invalid('cmd is required');
  if (cmd === 'contact') {
    const phone = field(body, 'phone');
    return { events: [], reply: OK, ...(phone ? { lookup: { kind: 'responsible_employee', phone } } : {}) };
  }
  if (cmd !== 'event' && cmd !== 'history') return { events: [], reply: OK }; // `rating` and unknown commands: acknowledged
  const callId = field(body, 'callid', 250);
  if (!callId) throw invalid('callid is required');
  return { events: (cmd === 'event' ? eventDelivery : historyDelivery)(body, callId, req.receivedAt), reply: OK };
}

/** E3: `{"responsible": "<ext>"}` routes the call to the customer's manager; `{}` when there is none. */
function answerLookup(_lookup: WebhookLookup, employee: LookupEmployee | null): WebhookReply {
  return { statusCode: 200, body: employee?.extension ? { responsible: employee.extension } : {} };
}

export const megafonAdapter: ProviderAdapter = { name: PROVIDER, handle, answerLookup };
