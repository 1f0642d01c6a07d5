// The adapter port: a provider turns one verified HTTP delivery into canonical events. Pure: no
// storage, no clock (receivedAt comes in), so adapters are tested with plain fixtures.
import type { CanonicalEvent } from '../domain/call.ts';

export interface WebhookRequest {
  method: string;
  /** Lowercase header names. */
  headers: Record<string, string>;
  query: Record<string, string>;
  /** Exact bytes as received (signatures are computed over them, docs/call-model.md §10.7 item 1). */
  rawBody: Buffer;
  /** Path after `/webhooks/{tenant}/{provider}/`, '' when none: Zammad's token, Mango's `events/call`. */
  subpath: string;
  /** Secret path segment (`/webhooks/{tenant}/{provider}/{token}`); same as `subpath` for token-in-URL providers. */
  pathToken?: string;
  /** ISO receipt time. */
  receivedAt: string;
  publicUrl: string;
}

/** What the provider gets back. `body` is JSON-encoded unless `contentType` says otherwise (then it is a string). */
export interface WebhookReply {
  statusCode: number;
  body: unknown;
  contentType?: string;
}

/** A synchronous question the provider asks (E3: who is responsible for this number?), answered by the handler. */
export interface WebhookLookup {
  kind: 'responsible_employee';
  phone: string;
}

export interface WebhookResult {
  events: CanonicalEvent[];
  reply?: WebhookReply;
  lookup?: WebhookLookup;
}

/** Tenant-wide telephony policy the adapters apply (pure data from the tenant settings). */
export interface TenantPolicy {
  /** ISO 3166 alpha-2 default country. */
  country: string;
  /** E.164 numbers whose inbound calls are rejected (Zammad `reject`, block list). */
  blockedNumbers: string[];
  /** Outbound caller-ID rules, first match wins: called numbers starting with `prefix` go out as `callerId`. */
  outboundCallerIds: { prefix: string; callerId: string }[];
}

/** The employee a lookup found, for the provider's answer. */
export interface LookupEmployee {
  id: string;
  extension: string;
  fullName: string;
  email: string | null;
}

export type WebhookStatus = 400 | 401 | 404 | 413 | 415 | 422;

/** A rejected delivery: the handler answers `statusCode {error: code, message}` and stores nothing (I1, I2). */
export class WebhookError extends Error {
  constructor(
    public statusCode: WebhookStatus,
    public code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}

export interface ProviderAdapter {
  name: string;
  /** `settings` is the tenant's `providers[name]`, undefined when the provider is not configured. */
  handle(req: WebhookRequest, settings: unknown, policy: TenantPolicy): WebhookResult;
  /** Formats the answer to a `lookup` this adapter asked for (E3). */
  answerLookup?(lookup: WebhookLookup, employee: LookupEmployee | null, settings: unknown): WebhookReply;
}

export const MAX_BODY_BYTES = 256 * 1024;

export function assertBodySize(req: WebhookRequest): void {
  if (req.rawBody.length > MAX_BODY_BYTES) throw new WebhookError(413, 'payload_too_large', `body exceeds ${MAX_BODY_BYTES} bytes`);
}

export type FormValue = string | string[];
export type FormFields = Record<string, FormValue>;

/** The media type of a Content-Type header, lower-cased, without its parameters. */
export function mediaTypeOf(contentType: string): string {
  const [type = ''] = contentType.split(';');
  return type.trim().toLowerCase();
}

/**
 * JSON, url-encoded form or multipart form → plain value. Form keys repeat (`user=a&user=b`) or
 * carry PHP-style brackets (`user[]=a`): both become arrays under the bare key.
 */
export function parseBody(req: WebhookRequest): unknown {
  assertBodySize(req);
  const contentType = req.headers['content-type'] ?? '';
  const mediaType = mediaTypeOf(contentType);
  const text = req.rawBody.toString('utf8');
  if (!text.trim()) throw new WebhookError(400, 'empty_body', 'request body is empty');

  // PBX glue scripts often omit the header: sniff instead of refusing.
  const kind = mediaType || (/^\s*[[{]/.test(text) ? 'application/json' : 'application/x-www-form-urlencoded');
  if (kind === 'application/json' || kind.endsWith('+json')) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new WebhookError(400, 'malformed_json', `body is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (kind === 'application/x-www-form-urlencoded') return collect(new URLSearchParams(text));
  if (kind === 'multipart/form-data') return collect(multipartFields(text, contentType));
  throw new WebhookError(415, 'unsupported_media_type', `content type ${mediaType} is not supported; send application/json or a form`);
}

function collect(pairs: Iterable<[string, string]>): FormFields {
  // No prototype: a form key like `__proto__[]` must stay a plain field, never reach Object.prototype.
  const out = Object.create(null) as FormFields;
  for (const [rawKey, value] of pairs) {
    const isList = rawKey.endsWith('[]');
    const key = isList ? rawKey.slice(0, -2) : rawKey;
    const prev = out[key];
    if (prev === undefined) out[key] = isList ? [value] : value;
    else out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** Simple multipart: text fields only; file parts are skipped (no provider sends files to us). */
function multipartFields(text: string, contentType: string): [string, string][] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new WebhookError(400, 'malformed_multipart', 'multipart body without a boundary');
  const parts = text.split(`--${boundary}`);
  if (parts.length < 3) throw new WebhookError(400, 'malformed_multipart', 'multipart body has no parts');
  const fields: [string, string][] = [];
  for (const part of parts.slice(1, -1)) {
    const sep = part.indexOf('\r\n\r\n');
    if (sep < 0) throw new WebhookError(400, 'malformed_multipart', 'multipart part without headers');
    const head = part.slice(0, sep);
    const disposition = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (!name || /\bfilename=/i.test(disposition)) continue;
    fields.push([name, part.slice(sep + 4).replace(/\r\n$/, '')]);
  }
  return fields;
}
