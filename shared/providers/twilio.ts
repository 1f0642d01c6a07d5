// Twilio Voice status callbacks and the `<Dial action>` callback (docs/providers/twilio.md). The parent CallSid
// is the call; child legs (`outbound-dial`, `ParentCallSid`) are the legs `<Dial>` rang. Outcome comes
// from child legs and `DialCallStatus`, never from the parent's `completed` (Twilio answers to run TwiML).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AgentRef, CanonicalEvent, Direction } from '../domain/call.ts';
import { own } from '../domain/lookup.ts';
import { assertBodySize, WebhookError, type ProviderAdapter, type WebhookReply, type WebhookRequest, type WebhookResult } from './provider.ts';

const PROVIDER = 'twilio';
const STATUSES = new Set(['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled']);
const TERMINAL = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
/** AMD results that are not a human (`AnsweredBy`): the answer is a machine, not talk evidence. */
const MACHINE = /^(machine|fax)/;

interface TwilioSettings { authToken: string; publicBaseUrl?: string }
type Params = Record<string, string>;

function settingsOf(settings: unknown): TwilioSettings {
  const s = settings as { authToken?: unknown; publicBaseUrl?: unknown } | undefined;
  if (typeof s?.authToken !== 'string' || !s.authToken) throw new WebhookError(404, 'provider_not_configured', 'the twilio provider is not configured for this tenant');
  return { authToken: s.authToken, ...(typeof s.publicBaseUrl === 'string' && s.publicBaseUrl ? { publicBaseUrl: s.publicBaseUrl } : {}) };
}

/** The URL Twilio requested: `publicBaseUrl` + `/webhooks/{tenant}/twilio[/subpath]` + raw query, else `req.publicUrl`. */
export function twilioSignedUrl(req: WebhookRequest, publicBaseUrl?: string): string {
  const q = req.publicUrl.indexOf('?');
  const search = q >= 0 ? req.publicUrl.slice(q) : Object.keys(req.query).length ? `?${new URLSearchParams(req.query)}` : '';
  const tenant = /\/webhooks\/([^/?#]+)\/twilio(?:[/?#]|$)/.exec(req.publicUrl)?.[1];
  if (!publicBaseUrl || !tenant) return req.publicUrl;
  return `${publicBaseUrl.replace(/\/+$/, '')}/webhooks/${tenant}/twilio${req.subpath ? `/${req.subpath}` : ''}${search}`;
}

/** The URL with and without the scheme's default port, as Twilio's SDKs check (docs/call-model.md §10.7 item 2). */
function portVariants(url: string): string[] {
  const m = /^(https?):\/\/([^/:?#]+)(:\d+)?(.*)$/i.exec(url);
  if (!m) return [url];
  const [, scheme = '', host, port, rest] = m;
  const def = scheme.toLowerCase() === 'https' ? ':443' : ':80';
  return [...new Set([url, `${scheme}://${host}${rest}`, `${scheme}://${host}${port ?? def}${rest}`])];
}

export function twilioSignature(authToken: string, url: string, params: [string, string][]): string {
  const sorted = [...params].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return createHmac('sha1', authToken).update(url + sorted.map(([k, v]) => k + v).join(''), 'utf8').digest('base64');
}

const same = (a: string, b: string) => { const x = Buffer.from(a), y = Buffer.from(b); return x.length === y.length && timingSafeEqual(x, y); };

/** Verifies `X-Twilio-Signature` before anything is interpreted; returns the callback parameters. */
function verified(req: WebhookRequest, s: TwilioSettings): Params {
  assertBodySize(req);
  const header = req.headers['x-twilio-signature'] ?? '';
  const url = twilioSignedUrl(req, s.publicBaseUrl);
  const get = req.method.toUpperCase() === 'GET';
  // JSON bodies: Twilio signs the URL (which carries `bodySHA256`) and the body hash separately.
  const bodyHash = req.query['bodySHA256'];
  const pairs: [string, string][] = get || bodyHash ? [] : [...new URLSearchParams(req.rawBody.toString('utf8'))];
  const ok = !!header && portVariants(url).some((u) => same(twilioSignature(s.authToken, u, pairs), header))
    && (!bodyHash || same(createHash('sha256').update(req.rawBody).digest('hex'), bodyHash.toLowerCase()));
  if (!ok) throw new WebhookError(401, 'invalid_signature', 'X-Twilio-Signature is missing or does not match the URL and parameters');

  if (get) return { ...req.query };
  if (bodyHash) {
    let body: unknown;
    try { body = JSON.parse(req.rawBody.toString('utf8')); } catch { throw new WebhookError(400, 'malformed_json', 'body is not valid JSON'); }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new WebhookError(400, 'invalid_payload', 'body must be an object of callback parameters');
    return Object.fromEntries(Object.entries(body).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v)).map(([k, v]) => [k, String(v)]));
  }
  const params: Params = {};
  for (const [k, v] of pairs) if (!(k in params)) params[k] = v;
  return params;
}

const isAgentAddress = (v: string | undefined) => !!v && /^(client|sips?):/i.test(v);

/** `client:alice` → sip/name `alice`; `sip:alice@…` → sip; anything else is a phone. */
export function twilioAgent(to: string | undefined): AgentRef | undefined {
  const v = to?.trim();
  if (!v) return undefined;
  const client = /^client:(.+)$/i.exec(v)?.[1];
  if (client) return { sip: client, name: client, ...(client.includes('@') ? { email: client } : {}) };
  if (/^sips?:/i.test(v)) return { sip: v };
  return { phone: v };
}

/** Direction of the call from the parent's `Direction`, `From`, `To`. */
function callDirection(p: Params): Direction | undefined {
  if (p['Direction'] === 'outbound-api') return 'outbound';
  if (p['Direction'] === 'inbound') return isAgentAddress(p['From']) ? (isAgentAddress(p['To']) ? 'internal' : 'outbound') : 'inbound';
  return undefined;
}

/** The agent who placed a parent call: a Client/SIP caller, or the agent leg of a click-to-call (`POST /Calls` To=client:…). */
function originAgent(p: Params): AgentRef | undefined {
  if (p['Direction'] === 'inbound' && isAgentAddress(p['From'])) return twilioAgent(p['From']);
  if (p['Direction'] === 'outbound-api' && isAgentAddress(p['To'])) return twilioAgent(p['To']);
  return undefined;
}

/** The parent leg is the customer (a REST call to a phone): its answer is talk evidence. */
const parentIsCustomer = (p: Params) => p['Direction'] === 'outbound-api' && !isAgentAddress(p['To']);

const SIP: Record<string, string> = {
  '402': 'billing', '403': 'forbidden', '404': 'invalid_number', '408': 'no_answer_timeout', '480': 'unavailable', '484': 'invalid_number',
  '486': 'busy', '600': 'busy', '503': 'congestion', '603': 'rejected', '604': 'invalid_number',
};

function endReason(status: string, sip: string | undefined): { endReason: string; rawReason: string } {
  const rawReason = sip ? `${status};sip=${sip}` : status;
  switch (status) {
    case 'busy': return { endReason: 'busy', rawReason };
    case 'no-answer': return { endReason: 'no_answer_timeout', rawReason };
    case 'canceled': return { endReason: 'caller_hangup', rawReason };
    case 'failed': return { endReason: own(SIP, sip) ?? 'system_error', rawReason };
    default: return { endReason: 'unknown', rawReason }; // `completed` does not say who hung up
  }
}

const MIN_T = Date.parse('2000-01-01T00:00:00Z');
const MAX_T = Date.parse('2100-01-01T00:00:00Z');

/** RFC 2822 `Timestamp` → ISO; receipt time when missing, unparsable or absurd. */
function when(p: Params, receivedAt: string): Pick<CanonicalEvent, 'occurredAt' | 'occurredAtSource'> {
  const t = p['Timestamp'] ? Date.parse(p['Timestamp']) : NaN;
  return t >= MIN_T && t <= MAX_T ? { occurredAt: new Date(t).toISOString(), occurredAtSource: 'provider' } : { occurredAt: receivedAt, occurredAtSource: 'receipt' };
}

/** `iso` minus a duration field (whole seconds, at most a week; anything else is ignored). */
const secondsBefore = (iso: string, seconds: string | undefined) => {
  const n = /^\d{1,6}$/.test(seconds ?? '') ? Number(seconds) : 0;
  return n > 0 && n <= 7 * 86_400 ? new Date(Date.parse(iso) - n * 1000).toISOString() : iso;
};

const sid = (p: Params, name: string): string | undefined => {
  const v = p[name]?.trim();
  if (v && !/^[A-Za-z0-9_-]{1,64}$/.test(v)) throw new WebhookError(400, 'invalid_field', `${name} must be a Twilio SID`);
  return v || undefined;
};

/** `from`/`to` of the call as a parent-level event states them (a click-to-call's `To` is the agent, not the callee). */
const parties = (p: Params) => ({
  ...(p['From'] !== undefined ? { from: p['From'] } : {}),
  ...(p['To'] !== undefined && !(p['Direction'] === 'outbound-api' && isAgentAddress(p['To'])) ? { to: p['To'] } : {}),
});

function statusEvents(p: Params, callSid: string, receivedAt: string): CanonicalEvent[] {
  const status = p['CallStatus'] ?? '';
  const parent = sid(p, 'ParentCallSid');
  const at = when(p, receivedAt);
  const keyBase = `${callSid}|${p['SequenceNumber'] ?? '-'}|${status}`;
  const base = { provider: PROVIDER, providerCallId: parent ?? callSid, providerEventType: status, ...at };
  const events: CanonicalEvent[] = [];
  const recording = p['RecordingUrl'];
  if (recording) events.push({ ...base, key: `${p['RecordingSid'] ?? callSid}|recording`, type: 'recording_available', recording: { url: recording, ...(p['RecordingSid'] ? { id: p['RecordingSid'] } : {}) } });
  if (!STATUSES.has(status)) return events; // recording callbacks, unknown statuses: acknowledged (I2)
  const terminal = TERMINAL.has(status);
  const ended = () => endReason(status, p['SipResponseCode']);
  const talked = status === 'in-progress' || (status === 'completed' && /^0*[1-9]\d*$/.test(p['CallDuration'] ?? ''));
  const answerAt = status === 'completed' ? secondsBefore(at.occurredAt, p['CallDuration']) : at.occurredAt;
  const machine = MACHINE.test(p['AnsweredBy'] ?? '');

  if (parent) {
    // A child leg `<Dial>` rang: an agent (Client/SIP identity or phone), or the customer of an outgoing call.
    const agent = twilioAgent(p['To']);
    const leg = { ...base, legId: callSid, ...(p['From'] ? { from: p['From'] } : {}), ...(p['To'] && !isAgentAddress(p['To']) ? { to: p['To'] } : {}) };
    // Every callback offers the leg, so a `completed`-only subscription still says who it rang at.
    if (agent) events.push({ ...leg, key: `${keyBase}|offered`, type: 'offered', agents: [agent] });
    if (talked) events.push({ ...leg, key: `${keyBase}|answered`, type: 'answered', ...(agent ? { agent } : {}), occurredAt: answerAt });
    if (terminal) events.push({ ...leg, key: keyBase, type: 'ended', ...ended(), ...(agent ? { agent } : {}) });
    return events;
  }

  const direction = callDirection(p);
  const origin = originAgent(p);
  const call = { ...base, ...(direction ? { direction } : {}), ...parties(p) };
  // Every parent callback (also the terminal one) states the call, so its parties win over the legs';
  // a terminal one dates the call's start back by its CallDuration (when only `completed` is subscribed).
  const start = terminal ? secondsBefore(at.occurredAt, p['CallDuration']) : at.occurredAt;
  events.push({ ...call, key: `${keyBase}|created`, type: 'created', occurredAt: start, ...(origin ? { agent: origin } : {}) });
  if (talked && parentIsCustomer(p)) {
    events.push(machine
      ? { ...call, key: `${keyBase}|answered`, type: 'answered', voicemail: true, occurredAt: answerAt }
      : { ...call, key: `${keyBase}|answered`, type: 'answered', occurredAt: answerAt });
  }
  if (terminal) events.push({ ...call, key: keyBase, type: 'ended', ...ended() });
  return events;
}

/** `<Dial action>`: the parent's parameters plus the dialled leg's result. */
function dialActionEvents(p: Params, callSid: string, receivedAt: string): CanonicalEvent[] {
  const dialSid = sid(p, 'DialCallSid');
  const status = p['DialCallStatus'] ?? '';
  if (!dialSid || !status) return [];
  const direction = callDirection(p);
  const base = {
    provider: PROVIDER, providerCallId: sid(p, 'ParentCallSid') ?? callSid, providerEventType: `dial-action:${status}`, legId: dialSid,
    occurredAt: receivedAt, occurredAtSource: 'receipt' as const, ...(direction ? { direction } : {}), ...parties(p),
  };
  const key = `${dialSid}|dial-action|${status}`;
  if (status === 'completed' || status === 'answered') {
    return [
      { ...base, key: `${key}|answered`, type: 'answered', occurredAt: secondsBefore(receivedAt, p['DialCallDuration']) },
      { ...base, key, type: 'ended', endReason: 'unknown', rawReason: status },
    ];
  }
  if (!TERMINAL.has(status)) return [];
  return [{ ...base, key, type: 'ended', ...endReason(status, undefined) }];
}

function handle(req: WebhookRequest, settings: unknown): WebhookResult {
  const s = settingsOf(settings);
  const subpath = req.subpath.replace(/^\/+|\/+$/g, '');
  if (subpath !== '' && subpath !== 'dial-action') throw new WebhookError(404, 'unknown_path', `unknown twilio callback path ${subpath}`);
  const p = verified(req, s);
  const callSid = sid(p, 'CallSid');
  if (!callSid) throw new WebhookError(400, 'missing_field', 'field CallSid is required');
  const dial = subpath === 'dial-action';
  const events = dial ? dialActionEvents(p, callSid, req.receivedAt) : statusEvents(p, callSid, req.receivedAt);
  // Status-callback replies are ignored by Twilio; the Dial action's TwiML ends the call after `<Dial>`.
  const reply: WebhookReply = dial ? { statusCode: 200, body: TWIML, contentType: 'text/xml' } : { statusCode: 204, body: '', contentType: 'text/plain' };
  return { events, reply };
}

export const twilioAdapter: ProviderAdapter = { name: PROVIDER, handle };
