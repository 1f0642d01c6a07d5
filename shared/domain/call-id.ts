// Our call id: deterministic from the provider's correlation key, so every delivery of a call
// lands on the same item without a lookup (I3).
import { createHash } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'; // RFC 4648 base32, lowercase

export function callIdFor(provider: string, providerCallId: string): string {
  const digest = createHash('sha256').update(`${provider}\n${providerCallId}`, 'utf8').digest();
  let out = '';
  let bits = 0;
  let buffer = 0;
  for (const byte of digest) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
    if (out.length >= 26) break;
  }
  return `c_${out}`;
}
