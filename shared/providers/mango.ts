// Mango Office VPBX (docs/providers/mango.md): Mango posts forms `vpbx_api_key`, `sign`, `json` to
// `{base}/events/call`, `/events/summary`, `/events/recording`, … with base `/webhooks/{tenant}/mango`.
// The signature is checked over the `json` string as received, before it is parsed (docs/call-model.md §10.7 item 1).
import type { z } from 'zod';
import type { CanonicalEvent } from '../domain/call.ts';
import { callEvents, PROVIDER, recordingEvents, summaryEvents } from './mango/map.ts';
import { callEventSchema, recordingSchema, summarySchema } from './mango/schema.ts';
import { mangoSettings, mangoSign, safeEqual } from './mango/sign.ts';
import { assertBodySize, mediaTypeOf, parseBody, WebhookError, type FormFields, type ProviderAdapter, type WebhookReply, type WebhookRequest, type WebhookResult } from './provider.ts';

const ack = (events: CanonicalEvent[] = []): WebhookResult => ({ events, reply: { statusCode: 200, body: {} } satisfies WebhookReply });

interface Kind<S extends z.ZodType> { schema: S; map: (payload: z.infer<S>, receivedAt: string) => CanonicalEvent[] }
const kind = <S extends z.ZodType>(schema: S, map: Kind<S>['map']) => ({ schema, map }) as Kind<z.ZodType>;

/** Sub-paths we map; every other one (`events/dtmf`, `events/sms`, `result/callback`, …) is acknowledged. */
const KINDS: Record<string, Kind<z.ZodType>> = {
  'events/call': kind(callEventSchema, callEvents),
  'events/summary': kind(summarySchema, summaryEvents),
  'events/recording': kind(recordingSchema, (r, at) => recordingEvents(r, 'recording', at)),
  'events/record/added': kind(recordingSchema, (r, at) => recordingEvents(r, 'record/added', at)),
};

function formOf(req: WebhookRequest): FormFields {
  const mediaType = mediaTypeOf(req.headers['content-type'] ?? '');
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    throw new WebhookError(415, 'unsupported_media_type', 'Mango notifications are forms: send application/x-www-form-urlencoded');
  }
  const headers = mediaType ? req.headers : { ...req.headers, 'content-type': 'application/x-www-form-urlencoded' };
  return parseBody({ ...req, headers }) as FormFields;
}

function single(form: FormFields, name: string): string | undefined {
  const v = form[name];
  if (Array.isArray(v)) throw new WebhookError(400, 'invalid_field', `field ${name} is repeated`);
  return v;
}

function handle(req: WebhookRequest, settings: unknown): WebhookResult {
  const s = mangoSettings(settings);
  if (!s) throw new WebhookError(404, 'provider_not_configured', 'the mango provider is not configured for this tenant');
  assertBodySize(req);
  if (!req.rawBody.toString('utf8').trim()) return ack(); // "check connection" from the cabinet

  const form = formOf(req);
  const key = single(form, 'vpbx_api_key');
  const sign = single(form, 'sign');
  const json = single(form, 'json');
  if (json === undefined || !json.trim()) {
    // A ping without payload: nothing to interpret; a wrong key still says so, to surface misconfiguration.
    if (key !== undefined && !safeEqual(key, s.apiKey)) throw new WebhookError(401, 'invalid_signature', 'vpbx_api_key does not match');
    return ack();
  }
  if (!safeEqual(key, s.apiKey) || !safeEqual(sign?.toLowerCase(), mangoSign(s.apiKey, json, s.apiSalt))) {
    throw new WebhookError(401, 'invalid_signature', 'vpbx_api_key or sign does not match (sign = sha256(key + json + salt))');
  }

  const handler = KINDS[req.subpath.replace(/^\/+|\/+$/g, '').toLowerCase()];
  if (!handler) return ack(); // dtmf, sms, command results, …: well-formed and acknowledged (I2)
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch (err) {
    throw new WebhookError(400, 'malformed_json', `field json is not valid JSON: ${(err as Error).message}`);
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    if (Array.isArray(payload) && payload.length === 0) return ack();
    throw new WebhookError(400, 'invalid_payload', 'field json must be a JSON object');
  }
  if (Object.keys(payload).length === 0) return ack(); // `{}`: a connection check
  const parsed = handler.schema.safeParse(payload);
  if (!parsed.success) {
    const detail = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(json)'}: ${i.message}`).join('; ');
    throw new WebhookError(400, 'invalid_payload', `invalid mango ${req.subpath}: ${detail}`);
  }
  return ack(handler.map(parsed.data, req.receivedAt));
}

export const mangoAdapter: ProviderAdapter = { name: PROVIDER, handle };
