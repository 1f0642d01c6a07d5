// E2: customer search without Scan. A customer is indexed by search tokens, each one item
// `T#t#CSEARCH#{token}` / `{customerId}`; a query reads the bucket of its most selective token and
// verifies the candidates against all of the query. Pure: the repository writes what this derives.
import type { Customer } from './directory.ts';
import { normalizePhone } from './phone.ts';

/** Word prefixes are indexed from this length… */
export const MIN_PREFIX = 2;
/** …up to this one; longer query words use their 6-character prefix and are verified. */
export const MAX_PREFIX = 6;
/** Phone digit suffixes indexed (longest first): a query of n digits uses the longest one ≤ n. */
export const PHONE_SUFFIXES = [10, 7, 4] as const;

/** Lowercase, accents and diacritics folded (`Ё` → `е`, `é` → `e`), split into letter/digit words. */
export function words(text: string | null | undefined): string[] {
  if (!text) return [];
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** The searchable text of a customer, field by field (phones apart: they are digit suffixes). */
export function searchableText(c: Pick<Customer, 'fullName' | 'email' | 'company' | 'note'> & { emails?: string[]; customFields?: Record<string, string> }): string[] {
  return [c.fullName, c.email, c.company, c.note, ...(c.emails ?? []), ...Object.values(c.customFields ?? {})].filter((s): s is string => typeof s === 'string' && s !== '');
}

const prefixToken = (w: string, n: number) => `w:${w.slice(0, n)}`;
const digitsToken = (d: string) => `d:${d}`;

/** Every token a customer is indexed under (deduplicated, sorted). */
export function customerTokens(c: Parameters<typeof searchableText>[0] & { phones: string[] }): string[] {
  const tokens = new Set<string>();
  for (const text of searchableText(c)) {
    for (const w of words(text)) {
      for (let n = MIN_PREFIX; n <= Math.min(w.length, MAX_PREFIX); n++) tokens.add(prefixToken(w, n));
    }
  }
  for (const p of c.phones) {
    const digits = p.replace(/\D/g, '');
    for (const n of PHONE_SUFFIXES) if (digits.length >= n) tokens.add(digitsToken(digits.slice(-n)));
  }
  return [...tokens].sort();
}

export interface SearchPlan {
  /** The bucket to read. */
  token: string;
  /** An exact E.164 number when the query is a whole phone number (one GetItem instead). */
  phone: string | null;
  /** The query words every match must have (as word prefixes). */
  words: string[];
  /** The query's digits when it is a number (matched as a suffix of a phone). */
  digits: string | null;
}

/**
 * Plans a query: null when it has nothing searchable (single letters). The bucket is the query's
 * longest word (the rarest, without statistics), cut to MAX_PREFIX; a number uses a phone suffix.
 */
export function planSearch(query: string, country: string): SearchPlan | null {
  const q = query.trim();
  if (/^[+\d\s().-]+$/.test(q)) {
    const digits = q.replace(/\D/g, '');
    const n = PHONE_SUFFIXES.find((len) => digits.length >= len);
    if (n) {
      const e164 = digits.length >= 7 ? normalizePhone(q, country).e164 : null;
      // A national spelling (`8 916 …`) is matched through its E.164 digits.
      const ref = e164 ? e164.replace(/\D/g, '') : digits;
      return { token: digitsToken(ref.slice(-Math.min(n, ref.length))), phone: e164, words: [], digits: ref.slice(-10) };
    }
  }
  const ws = [...new Set(words(q))];
  const usable = ws.filter((w) => w.length >= MIN_PREFIX);
  // Words with letters first: a bare number in a text query may be a phone suffix, not a word.
  const lettered = usable.filter((w) => /\p{L}/u.test(w));
  const longest = (lettered.length > 0 ? lettered : usable).sort((a, b) => b.length - a.length || a.localeCompare(b))[0];
  if (!longest) return null;
  return { token: prefixToken(longest, MAX_PREFIX), phone: null, words: ws, digits: null };
}

/** True when the customer really matches the query (a bucket only narrows the candidates). */
export function matchesPlan(c: Parameters<typeof customerTokens>[0], plan: SearchPlan): boolean {
  if (plan.digits) {
    const d = plan.digits;
    return c.phones.some((p) => p.replace(/\D/g, '').endsWith(d));
  }
  const own = searchableText(c).flatMap(words);
  // Digits in a text query may also be the end of a phone number ("Petrov 4567").
  const phoneDigits = c.phones.map((p) => p.replace(/\D/g, ''));
  return plan.words.every((q) => own.some((w) => w.startsWith(q)) || (/^\d+$/.test(q) && phoneDigits.some((p) => p.endsWith(q))));
}
