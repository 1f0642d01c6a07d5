// Twilio click-to-call (docs/providers/twilio.md): `POST /Calls` rings the employee (Client
// identity, SIP URI or phone); when they answer, the TwiML `<Dial>`s the customer. The employee's leg is
// the parent (`outbound-api`), the customer's the child (`outbound-dial`); both report to our webhook.
import { OriginateError, type CallOriginator, type HttpClient, type OriginateRequest } from './originate.ts';

interface Settings { authToken: string; accountSid: string; callerId: string; publicBaseUrl: string; apiUrl?: string; tenant?: string }

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function settingsOf(settings: unknown): Settings & { tenant: string } {
  const s = settings as Partial<Settings> | undefined;
  const missing = (['authToken', 'accountSid', 'callerId', 'publicBaseUrl'] as const).filter((k) => typeof s?.[k] !== 'string' || !s[k]);
  if (missing.length) throw new OriginateError(`the twilio provider is not configured for click-to-call (missing ${missing.join(', ')})`, false);
  // The callback URL needs the tenant: the stack's own (one tenant per stack), unless the settings name it.
  const tenant = s?.tenant ?? process.env['TENANT_ID'];
  if (!tenant) throw new OriginateError('the tenant id is unknown (TENANT_ID is not set)', false);
  return { ...(s as Settings), tenant };
}

/** Whom to ring first: the employee's SIP account (`client:` identity or SIP URI), else extension, else phone. */
export function twilioAgentAddress(from: OriginateRequest['from']): string | null {
  const sip = from.sipAccounts.map((x) => x.trim()).find(Boolean);
  if (sip) return /^sips?:/i.test(sip) ? sip : `client:${sip}`;
  if (from.extension.trim()) return `client:${from.extension.trim()}`;
  return from.phones.map((x) => x.trim()).find(Boolean) ?? null;
}

function json(text: string): { sid?: unknown; message?: unknown; code?: unknown } | null {
  try { const v: unknown = JSON.parse(text); return v && typeof v === 'object' ? v : null; } catch { return null; }
}

async function originate(req: OriginateRequest, settings: unknown, http: HttpClient) {
  const s = settingsOf(settings);
  const agent = twilioAgentAddress(req.from);
  if (!agent) throw new OriginateError('the employee has no SIP account, extension or phone to ring first', false);
  const to = req.to.trim();
  if (!/^\+?\d{3,15}$/.test(to)) throw new OriginateError(`cannot call ${JSON.stringify(req.to)}: not a phone number`, false);

  const hook = `${s.publicBaseUrl.replace(/\/+$/, '')}/webhooks/${encodeURIComponent(s.tenant)}/twilio`;
  const events = 'initiated ringing answered completed';
  // `action` and the `<Number>` status callback report the customer's leg (answered or not, and why).
  const twiml = `<Response><Dial callerId="${xml(s.callerId)}" action="${xml(`${hook}/dial-action`)}">`
    + `<Number statusCallback="${xml(hook)}" statusCallbackEvent="${events}">${xml(to)}</Number></Dial></Response>`;
  const form = new URLSearchParams({ To: agent, From: s.callerId, Twiml: twiml, StatusCallback: hook, StatusCallbackMethod: 'POST' });
  for (const e of events.split(' ')) form.append('StatusCallbackEvent', e);

  const url = `${(s.apiUrl ?? 'https://api.twilio.com').replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(s.accountSid)}/Calls.json`;
  let res: Awaited<ReturnType<HttpClient>>;
  let text: string;
  try {
    res = await http(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${s.accountSid}:${s.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
    });
    text = await res.text();
  } catch (err) {
    throw new OriginateError(`twilio request failed: ${(err as Error).message}`, true);
  }
  const body = json(text);
  const message = typeof body?.message === 'string' ? `${body.message}${body.code ? ` (${String(body.code)})` : ''}` : text.slice(0, 200);
  if (res.status < 200 || res.status >= 300) throw new OriginateError(`twilio Calls: HTTP ${res.status}: ${message}`, res.status >= 500 || res.status === 429, res.status);
  if (typeof body?.sid !== 'string' || !body.sid) throw new OriginateError(`twilio Calls: no call sid in the reply: ${message}`, false, res.status);
  return { commandId: req.commandId, providerCallId: body.sid };
}

export const twilioOriginator: CallOriginator = { provider: 'twilio', originate };
