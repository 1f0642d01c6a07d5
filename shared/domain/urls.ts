// URLs that leave the system or reach a browser. `z.url()` alone admits `javascript:`, `data:` and
// `file:`; a recording link ends up in the console's <audio> and links, an outbound URL gets our
// signed requests, so both are held to the web's schemes here, once.
import { z } from 'zod';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An absolute http(s) URL (what a browser may be pointed at). */
export function isWebUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** An https URL, or http to this machine (local stand-ins): where signed outbound requests may go. */
export function isOutboundUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname));
  } catch {
    return false;
  }
}

export const webUrl = z.url().max(2048).refine(isWebUrl, { error: 'an absolute http(s) URL' });
export const outboundUrl = z.url().max(2048).refine(isOutboundUrl, { error: 'an https:// URL (http:// only to localhost)' });
