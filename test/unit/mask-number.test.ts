// What a phone number looks like in a log line (S4).
import { describe, expect, it } from 'vitest';
import { maskNumber } from '#shared/adapters/logger.ts';

describe('maskNumber', () => {
  it('S4: a number in a log keeps only its last four digits', () => {
    expect(maskNumber('+79161234567')).toBe('********4567');
    expect(maskNumber('101')).toBe('****');
    expect(maskNumber(null)).toBe('');
  });
});
