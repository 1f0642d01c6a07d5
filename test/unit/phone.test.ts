import { describe, expect, it } from 'vitest';
import { normalizePhone, phoneMatchKey } from '#shared/domain/phone.ts';

describe('normalizePhone', () => {
  it.each(['8 916 123-45-67', '+7 916 123-45-67', '79161234567', '89161234567', '8 (916) 123 45 67', '9161234567'])(
    'I4: RU spelling %s is +79161234567',
    (raw) => {
      expect(normalizePhone(raw, 'RU')).toEqual({ e164: '+79161234567', raw, presentation: 'allowed' });
    },
  );

  it('I4: international numbers sent without + are recognised (Zammad examples)', () => {
    expect(normalizePhone('493023125741', 'RU').e164).toBe('+493023125741');
    expect(normalizePhone('0049 30 1234567', 'RU').e164).toBe('+49301234567');
    expect(normalizePhone('02214710334', 'DE').e164).toBe('+492214710334');
  });

  it.each([
    ['anonymous', 'withheld'],
    ['Anonymous', 'withheld'],
    ['0', 'withheld'],
    ['private', 'withheld'],
    ['restricted', 'withheld'],
    ['', 'unknown'],
    ['  ', 'unknown'],
    ['<unknown>', 'unknown'],
    ['unknown', 'unknown'],
  ] as const)('I4: %j is kept as anonymous (%s)', (raw, presentation) => {
    const n = normalizePhone(raw, 'RU');
    expect(n.e164).toBeNull();
    expect(n.presentation).toBe(presentation);
  });

  it('I4: a missing number is unknown', () => {
    expect(normalizePhone(undefined, 'RU')).toEqual({ e164: null, raw: '', presentation: 'unknown' });
  });

  it.each(['101', '1001', 'sip:anna@vpbx400.mangosip.ru', 'sip:79161234567@trunk', 'client:alice', 'Local/101@from-queue-0000;1'])(
    'I4: %s is a PBX endpoint, not a customer number',
    (raw) => {
      expect(normalizePhone(raw, 'RU')).toEqual({ e164: null, raw, presentation: 'allowed' });
    },
  );

  it('I4: phoneMatchKey is the last 10 digits', () => {
    expect(phoneMatchKey('+79161234567')).toBe('9161234567');
    expect(phoneMatchKey('+493023125741')).toBe('3023125741');
  });
});
