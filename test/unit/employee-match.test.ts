import { describe, expect, it } from 'vitest';
import { buildEmployeeMatcher } from '#shared/domain/employee-match.ts';

const match = buildEmployeeMatcher(
  [
    { id: 'anna', extension: '101', sipAccounts: ['anna@vpbx.example.ru'], phones: ['8 916 111-22-33'], email: 'Anna@Example.com', fullName: 'Anna  Petrova' },
    { id: 'boris', extension: '102', sipAccounts: ['sip:boris'], phones: [], email: null, fullName: 'Boris Ivanov' },
    { id: 'gone', extension: '103', sipAccounts: ['gone'], phones: ['+79160000000'], email: 'gone@example.com', fullName: 'Gone Person', active: false },
    { id: 'ivan1', extension: '104', sipAccounts: [], phones: [], fullName: 'Ivan Ivanov' },
    { id: 'ivan2', extension: '105', sipAccounts: [], phones: [], fullName: 'ivan ivanov' },
  ],
  'RU',
);

describe('buildEmployeeMatcher', () => {
  it('E1: matches by extension', () => {
    expect(match({ extension: '102' })).toBe('boris');
    expect(match({ extension: '999' })).toBeNull();
  });

  it('E1: matches SIP accounts with or without URI scheme, host and parameters', () => {
    expect(match({ sip: 'sip:anna@vpbx.example.ru' })).toBe('anna');
    expect(match({ sip: 'sip:anna@vpbx.example.ru;transport=tcp' })).toBe('anna');
    expect(match({ sip: 'sip:boris@other.host' })).toBe('boris');
    expect(match({ sip: 'sip:101@pbx' })).toBe('anna'); // the SIP user is the extension
  });

  it('E1: matches phones in any spelling (E.164)', () => {
    expect(match({ phone: '+7 916 111 22 33' })).toBe('anna');
    expect(match({ phone: '79161112233' })).toBe('anna');
  });

  it('E1: matches email case-insensitively and names case/whitespace-insensitively', () => {
    expect(match({ email: 'anna@EXAMPLE.com' })).toBe('anna');
    expect(match({ name: ' anna petrova ' })).toBe('anna');
    expect(match({ name: 'BORIS   IVANOV' })).toBe('boris');
  });

  it('E1: inactive employees never match', () => {
    expect(match({ extension: '103' })).toBeNull();
    expect(match({ phone: '+79160000000' })).toBeNull();
    expect(match({ email: 'gone@example.com' })).toBeNull();
  });

  it('E1: an ambiguous name attributes to nobody, a unique key still wins', () => {
    expect(match({ name: 'Ivan Ivanov' })).toBeNull();
    expect(match({ name: 'Ivan Ivanov', extension: '105' })).toBe('ivan2');
  });

  it('E1: Zammad answeringNumber spread over all fields finds the one that matches', () => {
    const v = 'anna@example.com';
    expect(match({ extension: v, sip: v, email: v, name: 'Somebody Else' })).toBe('anna');
  });
});
