// Real signed PBX deliveries over HTTP for the system tests: each provider's wire format and
// authentication (Mango sign, Zadarma Signature, Twilio X-Twilio-Signature, MegaFon crm_token),
// with the secrets of the demo tenant. Fixtures come from test/fixtures/{provider}.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mangoSign } from '#shared/providers/mango/sign.ts';
import { twilioSignature } from '#shared/providers/twilio.ts';
import { SIGNED_FIELDS, zadarmaSignatures } from '#shared/providers/zadarma.ts';
import type { LocalInfo } from '../../local/start.ts';

interface DemoSecrets {
  mango: { apiKey: string; apiSalt: string };
  zadarma: { apiKey: string; apiSecret: string };
  twilio: { authToken: string };
  megafon: { crmToken: string };
}

export const demoSecrets = (JSON.parse(readFileSync(new URL('../../config/tenants/demo.json', import.meta.url), 'utf8')) as { providers: DemoSecrets }).providers;

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

export function loadFixture<T>(provider: string, name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${provider}/${name}.json`, import.meta.url), 'utf8')) as T;
}

/** Letters and digits only (valid in every provider's call id). */
export function uniqueId(): string {
  return `${Date.now().toString(36)}${randomInt(0, 2 ** 40).toString(36)}`;
}

/** A copy of `value` with every occurrence of each `from` in its strings replaced (fixture → this test's ids and numbers). */
export function rewrite<T>(value: T, replacements: [from: string | RegExp, to: string][]): T {
  let text = JSON.stringify(value);
  for (const [from, to] of replacements) text = typeof from === 'string' ? text.split(from).join(to) : text.replace(from, to);
  return JSON.parse(text) as T;
}

// --- Mango: form `vpbx_api_key`, `sign = sha256(key + json + salt)`, `json`, to `{base}/{subpath}`.
export interface MangoDelivery { subpath: string; json: unknown }

export function postMango(info: LocalInfo, d: MangoDelivery, o: { key?: string; salt?: string } = {}): Promise<Response> {
  const json = JSON.stringify(d.json);
  const key = o.key ?? demoSecrets.mango.apiKey;
  const sign = mangoSign(key, json, o.salt ?? demoSecrets.mango.apiSalt);
  const body = new URLSearchParams({ vpbx_api_key: key, sign, json }).toString();
  return fetch(`${info.webhooks['mango']!}/${d.subpath}`, { method: 'POST', headers: FORM, body });
}

// --- Zadarma: form of NOTIFY_* fields, header `Signature` = base64(hex(HMAC-SHA1(secret, signed fields))).
export type ZadarmaFields = Record<string, string>;

export function zadarmaSignature(fields: ZadarmaFields, secret = demoSecrets.zadarma.apiSecret): string {
  const signed = (SIGNED_FIELDS[fields['event'] ?? ''] ?? []).map((f) => fields[f] ?? '').join('');
  return zadarmaSignatures(signed, secret)[0];
}

export function postZadarma(info: LocalInfo, fields: ZadarmaFields, o: { secret?: string; signature?: string } = {}): Promise<Response> {
  const signature = o.signature ?? zadarmaSignature(fields, o.secret);
  return fetch(info.webhooks['zadarma']!, { method: 'POST', headers: { ...FORM, signature }, body: new URLSearchParams(fields).toString() });
}

// --- Twilio: form of callback parameters, `X-Twilio-Signature` over the public (https) URL + sorted params.
export type TwilioParams = Record<string, string>;

export function twilioUrl(info: LocalInfo, subpath = ''): string {
  return `${info.webhooks['twilio']!}${subpath ? `/${subpath}` : ''}`;
}

/** The URL as the ingest function reconstructs it: API Gateway is always https; host and port as requested. */
export function twilioSignedUrl(info: LocalInfo, subpath = ''): string {
  const url = new URL(twilioUrl(info, subpath));
  return `https://${new URL(info.httpUrl).host}${url.pathname}${url.search}`;
}

/** Signs `params`, then sends them with `tamper` applied (a forgery when `tamper` is given). */
export function postTwilio(info: LocalInfo, subpath: string, params: TwilioParams, o: { tamper?: TwilioParams; token?: string } = {}): Promise<Response> {
  const signature = twilioSignature(o.token ?? demoSecrets.twilio.authToken, twilioSignedUrl(info, subpath), Object.entries(params));
  const body = new URLSearchParams({ ...params, ...o.tamper }).toString();
  return fetch(twilioUrl(info, subpath), { method: 'POST', headers: { ...FORM, 'x-twilio-signature': signature }, body });
}

// --- MegaFon CRM API: form with `cmd` and the shared secret `crm_token` in the body.
export function postMegafon(info: LocalInfo, body: string, token = demoSecrets.megafon.crmToken): Promise<Response> {
  const raw = body.includes('crm_token=') ? body : `${body}&crm_token=${encodeURIComponent(token)}`;
  return fetch(info.webhooks['megafon']!, { method: 'POST', headers: FORM, body: raw });
}
