// CSV downloads (L4) leave the HTTP API: API Gateway buffers responses (6 MB at most), so the CSV
// streams from the export function's Lambda Function URL instead. A request for CSV on the API
// answers 303 to that URL with a short-lived export token in the query string, so a browser link
// or `curl -L` works without an Authorization header (browsers drop it on a cross-origin redirect).
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { accessLevels } from '../domain/directory.ts';
import type { Principal, Role } from './auth.ts';
import { unauthorized } from './errors.ts';

/**
 * Query parameters of a CSV-capable route (route specs spread them into their query schema, so
 * they are validated and documented): `format=csv` asks for the 303, `bom` is passed on.
 */
/** The 303 of routes that hand CSV downloads to the streaming export URL (OpenAPI `redirects`). */
export const csvRedirects = { 303: 'CSV asked for (`format=csv` or `Accept: text/csv`): `Location` is the streaming export URL with a 60-second download token (L4)' };

export const csvQueryFields = {
  format: z.enum(['json', 'csv']).optional().describe('`csv`: answer 303 See Other to a streamed CSV download (L4), as does `Accept: text/csv`'),
  bom: z.enum(['true', 'false']).optional().describe('CSV only: `true` starts the file with a UTF-8 byte-order mark, for Excel'),
};

export const EXPORT_AUDIENCE = 'ringdesk-export';
export const EXPORT_TOKEN_SECONDS = 60;
const ISSUER = 'ringdesk';

/** What an export token grants: this principal may export this path (`/calls`, `/reports/calls`). */
export interface ExportGrant extends Principal {
  path: string;
}

const key = (secret: string) => new TextEncoder().encode(secret);

export function mintExportToken(grant: ExportGrant, secret: string, seconds = EXPORT_TOKEN_SECONDS): Promise<string> {
  return new SignJWT({ tenant: grant.tenant, role: grant.role, path: grant.path })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(grant.employeeId)
    .setIssuer(ISSUER)
    .setAudience(EXPORT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${seconds}s`)
    .sign(key(secret));
}

/** Signature, expiry, audience, tenant and path; any failure is the same 401. */
export async function verifyExportToken(token: string, secret: string, tenant: string, path: string): Promise<Principal> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { issuer: ISSUER, audience: EXPORT_AUDIENCE, algorithms: ['HS256'] });
    const role = payload['role'];
    if (payload['tenant'] !== tenant || payload['path'] !== path || !payload.sub || !accessLevels.includes(role as Role)) throw unauthorized();
    return { tenant, employeeId: payload.sub, role: role as Role };
  } catch {
    throw unauthorized('missing, invalid or expired export token');
  }
}

type Query = string | Record<string, string | undefined> | null | undefined;
type Headers = Record<string, string | undefined> | null | undefined;

const queryParams = (query: Query) =>
  typeof query === 'string' ? new URLSearchParams(query) : new URLSearchParams(Object.entries(query ?? {}).filter((e): e is [string, string] => e[1] !== undefined));

/** q-value of one media type in an Accept header (RFC 9110 §12.5.1), 0 when absent. */
function quality(accept: string, type: string): number {
  let best = 0;
  for (const range of accept.split(',')) {
    const [media = '', ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    if (media !== type) continue;
    const q = params.find((p) => p.startsWith('q='));
    best = Math.max(best, q ? Number(q.slice(2)) || 0 : 1);
  }
  return best;
}

/**
 * True when the request asks for CSV: `format=csv`, or an Accept header that names text/csv and
 * prefers it to JSON. `format=json` always means JSON; `*\/*` alone never means CSV.
 */
export function wantsCsv(query: Query, headers: Headers): boolean {
  const format = queryParams(query).get('format');
  if (format) return format.toLowerCase() === 'csv';
  const accept = headers?.['accept'] ?? headers?.['Accept'];
  if (!accept) return false;
  const csv = quality(accept, 'text/csv');
  return csv > 0 && csv >= quality(accept, 'application/json');
}

/** Query parameters that belong to the JSON page or to the redirect itself, not to the export. */
const NOT_FORWARDED = new Set(['format', 'token', 'limit', 'cursor']);

/** The Function URL of the export function (a CloudFormation `FunctionUrl`, ends with `/`). */
function exportBaseUrl(): string {
  const url = process.env['EXPORT_URL'];
  if (!url) throw new Error('environment variable EXPORT_URL is not set (bind the function to the Exports feature)');
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * The 303 to the streaming export when CSV is asked for, else null: a handler that serves a
 * CSV-capable route returns this first. `path` is the API path (`/calls`); the query is passed on
 * as it came (filters, `bom`), minus paging.
 */
export async function csvRedirect(principal: Principal, path: string, query: Query, headers: Headers): Promise<APIGatewayProxyStructuredResultV2 | null> {
  if (!wantsCsv(query, headers)) return null;
  // Loaded here, not at import: route specs import this module for csvQueryFields and stay pure.
  const { tenantId } = await import('../tenant.ts');
  const { tenantSecrets } = await import('../tenant-secrets.ts');
  const params = new URLSearchParams([...queryParams(query)].filter(([k]) => !NOT_FORWARDED.has(k)));
  params.set('token', await mintExportToken({ ...principal, tenant: tenantId, path }, (await tenantSecrets()).authSecret));
  const location = `${exportBaseUrl()}${path.replace(/^\//, '')}?${params.toString()}`;
  return {
    statusCode: 303,
    headers: { location, 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify({ location, expiresInSeconds: EXPORT_TOKEN_SECONDS }),
  };
}
