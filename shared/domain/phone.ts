// Phone number normalisation (I4): one E.164 form for every spelling of a number, with the
// tenant's default country, and an explicit "no number" for withheld/unknown callers.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Presentation } from './call.ts';

export interface NormalizedPhone {
  e164: string | null;
  raw: string;
  presentation: Presentation;
}

// What PBXs send instead of a number (docs/call-model.md §10.7 item 9).
const WITHHELD = new Set(['anonymous', '0', 'private', 'restricted', 'withheld', 'hidden', 'blocked']);
const UNKNOWN = new Set(['', '<unknown>', 'unknown', 'unavailable', 'null', 'undefined']);

/** Shorter than this many digits is an extension or a service code, never a customer number. */
const MIN_SUBSCRIBER_DIGITS = 7;

export function normalizePhone(raw: string | undefined, country: string): NormalizedPhone {
  const value = (raw ?? '').trim();
  const lower = value.toLowerCase();
  if (UNKNOWN.has(lower)) return { e164: null, raw: value, presentation: 'unknown' };
  if (WITHHELD.has(lower)) return { e164: null, raw: value, presentation: 'withheld' };
  // SIP URIs, Twilio `client:x`, Local channels: an endpoint of the PBX, not a dialable customer number.
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.includes('@') || value.includes('/')) {
    return { e164: null, raw: value, presentation: 'allowed' };
  }
  return { e164: toE164(value, country), raw: value, presentation: 'allowed' };
}

function toE164(value: string, country: string): string | null {
  if (!/^[+\d\s().-]+$/.test(value)) return null; // letters: a login or a name, not a number
  const digits = value.replace(/\D/g, '');
  if (digits.length < MIN_SUBSCRIBER_DIGITS) return null;
  const cc = country.toUpperCase() as CountryCode;
  const candidates: string[] = [value];
  if (!value.startsWith('+')) {
    // `00` international prefix, and numbers sent in international form without `+` (Zammad's
    // `493023125741`, RU `79161234567`): tried after the national reading.
    if (digits.startsWith('00')) candidates.push(`+${digits.slice(2)}`);
    candidates.push(`+${digits}`);
  }
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, cc);
    if (parsed?.isValid()) return parsed.number;
  }
  return null;
}

/** Fallback customer matching key: the last 10 digits (national significant number in RU/NANP). */
export function phoneMatchKey(e164: string): string {
  return e164.replace(/\D/g, '').slice(-10);
}
