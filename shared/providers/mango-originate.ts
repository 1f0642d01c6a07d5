// Mango click-to-call (docs/providers/mango.md, "Click-to-call"): `POST {apiUrl}commands/callback`,
// form `vpbx_api_key`, `sign`, `json`. Mango rings the employee (`from.extension`), then dials `to_number`; the calls'
// notifications carry our `command_id`, and the outcome comes later to `/result/callback`.
import { OriginateError, type CallOriginator, type HttpClient, type OriginateRequest, type OriginateResult } from './originate.ts';
import { mangoSettings, mangoSign } from './mango/sign.ts';

const DEFAULT_API_URL = 'https://app.mango-office.ru/vpbx/';

async function originate(req: OriginateRequest, settings: unknown, http: HttpClient): Promise<OriginateResult> {
  const s = mangoSettings(settings);
  if (!s) throw new OriginateError('the mango provider is not configured for this tenant', false);
  const extension = req.from.extension.trim();
  const toNumber = req.to.replace(/\D/g, ''); // Mango wants `74955404444`: digits, no `+`
  if (!extension) throw new OriginateError('the employee has no Mango extension to ring first', false);
  if (!toNumber) throw new OriginateError(`cannot call ${JSON.stringify(req.to)}: no digits`, false);

  const json = JSON.stringify({ command_id: req.commandId, from: { extension }, to_number: toNumber });
  const body = new URLSearchParams({ vpbx_api_key: s.apiKey, sign: mangoSign(s.apiKey, json, s.apiSalt), json }).toString();
  const base = s.apiUrl ?? DEFAULT_API_URL;
  const url = `${base.endsWith('/') ? base : `${base}/`}commands/callback`;

  let res: Awaited<ReturnType<HttpClient>>;
  let text: string;
  try {
    res = await http(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body });
    text = await res.text();
  } catch (err) {
    throw new OriginateError(`mango request failed: ${(err as Error).message}`, true);
  }
  if (res.status < 200 || res.status >= 300) {
    throw new OriginateError(`mango commands/callback: HTTP ${res.status}: ${text.slice(0, 200)}`, res.status >= 500 || res.status === 429, res.status);
  }
  // The reply carries a result code (1000 = accepted); 5xxx is a Mango-side failure worth a retry.
  let result: unknown;
  try { result = (JSON.parse(text) as { result?: unknown } | null)?.result; } catch { /* no JSON: HTTP 2xx is the answer */ }
  const code = typeof result === 'number' || typeof result === 'string' ? Number(result) : undefined;
  if (code !== undefined && Number.isFinite(code) && code !== 1000) {
    throw new OriginateError(`mango commands/callback refused: result ${code}`, code >= 5000 && code < 6000, res.status);
  }
  return { commandId: req.commandId, providerCallId: null };
}

export const mangoOriginator: CallOriginator = { provider: 'mango', originate };
