import { randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * AWS-looking request / connection id, 16 characters ending in one `=` like `L0SM9cOFvHcCIhw=`:
 * 11 random bytes in base64 (15 characters + one padding `=`), URL-safe alphabet.
 */
export function awsId(): string {
  return `${randomBytes(11).toString('base64url')}=`;
}

/** `length` characters drawn from `alphabet` (pool and client ids, ARN suffixes). */
export function randomText(alphabet: string, length: number): string {
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/** X-Ray style trace header value as API Gateway adds it. */
export function traceId(now = Date.now()): string {
  const epoch = Math.floor(now / 1000).toString(16).padStart(8, '0');
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Common-log-format time as API Gateway writes it: `12/Mar/2020:19:03:58 +0000` (UTC). */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Client IP without the IPv4-mapped IPv6 prefix Node reports on dual-stack sockets. */
export function sourceIp(req: IncomingMessage): string {
  const ip = req.socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/**
 * Domain name reported in `requestContext.domainName`: the Host the client used (locally
 * `127.0.0.1:port`), i.e. what AWS reports for a custom domain. Handlers must not derive the
 * management endpoint from it (see docs) — the endpoint comes from configuration.
 */
export function domainOf(req: IncomingMessage, fallback: string): string {
  return req.headers.host ?? fallback;
}

/** First label of the host name, as API Gateway's `domainPrefix`. */
export function domainPrefixOf(domainName: string): string {
  const host = domainName.replace(/:\d+$/, '');
  return host.split('.')[0] ?? host;
}
