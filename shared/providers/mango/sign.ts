// Mango request signature (docs/providers/mango.md, "Verification"):
// `sign = sha256_hex(vpbx_api_key + json + vpbx_api_salt)`, the same for notifications to us and for our commands.
import { createHash, timingSafeEqual } from 'node:crypto';

export const mangoSign = (apiKey: string, json: string, apiSalt: string): string =>
  createHash('sha256').update(apiKey + json + apiSalt, 'utf8').digest('hex');

/** Constant-time string equality that also hides the length of the expected value. */
export function safeEqual(given: string | undefined, expected: string): boolean {
  const h = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return given !== undefined && timingSafeEqual(h(given), h(expected));
}

export interface MangoSettings { apiKey: string; apiSalt: string; apiUrl?: string }

export function mangoSettings(settings: unknown): MangoSettings | null {
  const s = settings as Partial<MangoSettings> | undefined;
  if (typeof s?.apiKey !== 'string' || !s.apiKey || typeof s.apiSalt !== 'string' || !s.apiSalt) return null;
  return s as MangoSettings;
}
