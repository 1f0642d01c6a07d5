/** String helpers for EventBridge pattern operators: wildcard and CIDR. */

const wildcardCache = new Map<string, RegExp>();

/** Compiles an EventBridge wildcard (`*` any run, `\*` literal star, `\\` literal backslash). */
export function wildcardRegExp(wildcard: string): RegExp {
  const cached = wildcardCache.get(wildcard);
  if (cached) return cached;
  let source = '';
  for (let i = 0; i < wildcard.length; i += 1) {
    const ch = wildcard[i] as string;
    if (ch === '\\' && i + 1 < wildcard.length) {
      i += 1;
      source += escapeRegExp(wildcard[i] as string);
    } else if (ch === '*') {
      source += '[\\s\\S]*';
    } else {
      source += escapeRegExp(ch);
    }
  }
  const re = new RegExp(`^${source}$`, 'u');
  wildcardCache.set(wildcard, re);
  return re;
}

/** Problems with a wildcard string (invalid escapes, consecutive stars); empty when valid. */
export function wildcardProblem(wildcard: string): string | undefined {
  for (let i = 0; i < wildcard.length; i += 1) {
    const ch = wildcard[i];
    if (ch === '\\') {
      const next = wildcard[i + 1];
      if (next !== '*' && next !== '\\') return `invalid escape character at position ${i} in wildcard "${wildcard}"`;
      i += 1;
    } else if (ch === '*' && wildcard[i + 1] === '*') {
      return `consecutive wildcard characters at position ${i} in wildcard "${wildcard}"`;
    }
  }
  return undefined;
}

function escapeRegExp(ch: string): string {
  return /[.*+?^${}()|[\]\\]/.test(ch) ? `\\${ch}` : ch;
}

export interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

/** Parses a textual IPv4 or IPv6 address into a number; undefined when it is not one. */
export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { version: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { version: 4, value };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  let body = text;
  const lastColon = body.lastIndexOf(':');
  const last = body.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    body = `${body.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const head = hexGroups(halves[0] as string);
  const tail = halves.length === 2 ? hexGroups(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  let groups = [...head, ...tail];
  if (halves.length === 2) {
    if (groups.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - groups.length).fill(0), ...tail];
  }
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function hexGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  for (const g of text.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    groups.push(parseInt(g, 16));
  }
  return groups;
}

export interface CidrRange {
  version: 4 | 6;
  low: bigint;
  high: bigint;
}

/** Parses `a.b.c.d/n` or `ipv6/n` (a bare address is a /32 or /128); undefined when invalid. */
export function parseCidr(text: string): CidrRange | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const bits = ip.version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > bits) return undefined;
  }
  const hostBits = BigInt(bits - prefix);
  const mask = (1n << hostBits) - 1n;
  const low = ip.value & ~mask;
  return { version: ip.version, low, high: low | mask };
}

const cidrCache = new Map<string, CidrRange | undefined>();

export function ipInCidr(cidr: string, value: string): boolean {
  let range = cidrCache.get(cidr);
  if (!cidrCache.has(cidr)) {
    range = parseCidr(cidr);
    cidrCache.set(cidr, range);
  }
  const ip = parseIp(value);
  return !!range && !!ip && ip.version === range.version && ip.value >= range.low && ip.value <= range.high;
}
