// Zadarma click-to-call (docs/providers/zadarma.md): `GET /v1/request/callback/?from=&to=` rings `from` (the
// employee's PBX extension), then dials `to`. Auth as the official client `zadarma/user-api-v1`
// (`Client::_getAuthHeader`): `Authorization: {key}:{base64(hex HMAC-SHA1(path + query + md5(query), secret))}`
// where `query` is the key-sorted, PHP-urlencoded (RFC 1738) parameter string, `format=json` included.
// The reply has no call id: webhooks of the resulting call (NOTIFY_OUT_*) are not correlated to `commandId`.
import { createHash, createHmac } from 'node:crypto';
import { OriginateError, type CallOriginator, type OriginateRequest } from './originate.ts';

const PATH = '/v1/request/callback/';

interface Settings { apiKey: string; apiSecret: string; apiUrl?: string }

/** PHP `urlencode`: only `A-Za-z0-9-_.` stay, space → `+`. */
const phpEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');

/** `http_build_query` over the key-sorted parameters. */
export function zadarmaQuery(params: Record<string, string>): string {
  return Object.entries(params)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${phpEncode(k)}=${phpEncode(v)}`)
    .join('&');
}

export function zadarmaAuthorization(path: string, query: string, apiKey: string, apiSecret: string): string {
  const md5 = createHash('md5').update(query, 'utf8').digest('hex');
  const hex = createHmac('sha1', apiSecret).update(path + query + md5, 'utf8').digest('hex');
  return `${apiKey}:${Buffer.from(hex, 'utf8').toString('base64')}`;
}

function settingsOf(settings: unknown): Settings {
  const s = settings as Partial<Settings> | undefined;
  if (typeof s?.apiKey !== 'string' || !s.apiKey || typeof s.apiSecret !== 'string' || !s.apiSecret) {
    throw new OriginateError('the zadarma provider is not configured for this tenant', false);
  }
  return s as Settings;
}

async function originate(req: OriginateRequest, settings: unknown, http: Parameters<CallOriginator['originate']>[2]) {
  const { apiKey, apiSecret, apiUrl = 'https://api.zadarma.com' } = settingsOf(settings);
  // `from` may be an extension, a SIP number or a phone; numbers go as digits, as the official client sends them.
  const from = req.from.extension.trim() || (req.from.phones[0] ?? '').replace(/\D/g, '');
  const to = req.to.replace(/\D/g, '');
  if (!from) throw new OriginateError('the employee has no extension or phone to ring first', false);
  if (!to) throw new OriginateError(`cannot call ${JSON.stringify(req.to)}: no digits`, false);

  const query = zadarmaQuery({ format: 'json', from, to });
  const url = `${apiUrl.replace(/\/+$/, '')}${PATH}?${query}`;
  let res: Awaited<ReturnType<typeof http>>;
  let text: string;
  try {
    res = await http(url, { method: 'GET', headers: { authorization: zadarmaAuthorization(PATH, query, apiKey, apiSecret), accept: 'application/json' } });
    text = await res.text();
  } catch (err) {
    throw new OriginateError(`zadarma request failed: ${(err as Error).message}`, true);
  }
  const body = parseJson(text);
  const message = typeof body?.message === 'string' ? body.message : text.slice(0, 200);
  if (res.status < 200 || res.status >= 300) throw new OriginateError(`zadarma callback: HTTP ${res.status}: ${message}`, res.status >= 500 || res.status === 429, res.status);
  // A 2xx that is not `success` is refused; not retried, a retry could ring the employee twice.
  if (body?.status !== 'success') throw new OriginateError(`zadarma callback refused: ${message}`, false, res.status);
  return { commandId: req.commandId, providerCallId: null };
}

function parseJson(text: string): { status?: unknown; message?: unknown } | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

export const zadarmaOriginator: CallOriginator = { provider: 'zadarma', originate };
