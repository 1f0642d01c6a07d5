import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchesPattern, validatePattern } from '#shared/event-patterns/pattern.ts';

interface Case {
  id: string;
  source: string;
  pattern: unknown;
  event: unknown;
  matches: boolean;
  uncertain?: boolean;
}

const cases = JSON.parse(readFileSync(new URL('../fixtures/eventbridge/cases.json', import.meta.url), 'utf8')) as Case[];
const certain = cases.filter((c) => c.uncertain !== true);

describe('EventBridge pattern conformance corpus', () => {
  it('holds the expected number of cases', () => {
    expect(cases).toHaveLength(400);
    expect(certain).toHaveLength(387);
  });

  for (const c of certain) {
    it(c.id, () => {
      expect(matchesPattern(c.pattern, c.event)).toBe(c.matches);
    });
  }

  it('accepts every corpus pattern as valid', () => {
    const invalid = cases.filter((c) => validatePattern(c.pattern).length > 0).map((c) => c.id);
    expect(invalid).toEqual([]);
  });
});

const call = {
  source: 'ringdesk.calls',
  'detail-type': 'Call Ended',
  detail: {
    tenant: 't1',
    direction: 'inbound',
    answered: false,
    durationSec: 0,
    from: '+4930123456',
    tags: ['vip', 'callback'],
    agent: null,
    peer: { ip: '10.1.2.3', ipv6: '2001:db8::1' },
    note: 'C:\\path*x',
  },
};

describe('matchesPattern (targeted)', () => {
  const yes = (pattern: object): void => expect(matchesPattern(pattern, call), JSON.stringify(pattern)).toBe(true);
  const no = (pattern: object): void => expect(matchesPattern(pattern, call), JSON.stringify(pattern)).toBe(false);

  it('matches exact values of every JSON type, distinguishing null from missing', () => {
    yes({ detail: { answered: [false], durationSec: [0], agent: [null] } });
    no({ detail: { answered: ['false'] } });
    no({ detail: { missing: [null] } });
    no({ detail: { agent: [''] } });
  });

  it('treats event arrays as "any element matches"', () => {
    yes({ detail: { tags: ['callback'] } });
    no({ detail: { tags: ['spam'] } });
    no({ detail: { tags: [{ 'anything-but': ['vip', 'callback'] }] } });
    yes({ detail: { tags: [{ 'anything-but': 'vip' }] } });
  });

  it('supports prefix/suffix with and without equals-ignore-case', () => {
    yes({ source: [{ prefix: 'ringdesk.' }] });
    yes({ source: [{ prefix: { 'equals-ignore-case': 'RINGDESK' } }] });
    yes({ 'detail-type': [{ suffix: { 'equals-ignore-case': 'ENDED' } }] });
    no({ 'detail-type': [{ suffix: 'ENDED' }] });
    yes({ 'detail-type': [{ 'equals-ignore-case': 'call ended' }] });
  });

  it('supports anything-but in all forms and requires the field', () => {
    yes({ detail: { direction: [{ 'anything-but': ['outbound', 'internal'] }] } });
    no({ detail: { direction: [{ 'anything-but': { prefix: 'in' } }] } });
    yes({ detail: { direction: [{ 'anything-but': { suffix: 'out' } }] } });
    no({ detail: { direction: [{ 'anything-but': { 'equals-ignore-case': 'INBOUND' } }] } });
    no({ detail: { direction: [{ 'anything-but': { wildcard: 'in*d' } }] } });
    no({ detail: { nothing: [{ 'anything-but': 'x' }] } });
    yes({ detail: { agent: [{ 'anything-but': 'x' }] } });
  });

  it('compares numeric ranges on numbers only', () => {
    yes({ detail: { durationSec: [{ numeric: ['>=', 0, '<', 5] }] } });
    no({ detail: { durationSec: [{ numeric: ['>', 0] }] } });
    no({ detail: { from: [{ numeric: ['>', 0] }] } });
  });

  it('treats exists as a leaf test', () => {
    yes({ detail: { from: [{ exists: true }], missing: [{ exists: false }] } });
    no({ detail: { peer: [{ exists: true }] } });
    yes({ detail: { peer: [{ exists: false }] } });
  });

  it('matches cidr for IPv4 and IPv6', () => {
    yes({ detail: { peer: { ip: [{ cidr: '10.1.0.0/16' }], ipv6: [{ cidr: '2001:db8::/32' }] } } });
    no({ detail: { peer: { ip: [{ cidr: '10.2.0.0/16' }] } } });
    no({ detail: { peer: { ip: [{ cidr: '2001:db8::/32' }] } } });
  });

  it('supports wildcards with escapes', () => {
    yes({ detail: { from: [{ wildcard: '+49*' }] } });
    yes({ detail: { note: [{ wildcard: 'C:\\\\path\\*x' }] } });
    no({ detail: { note: [{ wildcard: 'C:\\\\path\\*y' }] } });
  });

  it('ANDs fields and $or blocks, ORs values', () => {
    yes({ source: ['ringdesk.calls'], $or: [{ detail: { answered: [true] } }, { detail: { durationSec: [0] } }] });
    no({ source: ['other'], $or: [{ detail: { answered: [true] } }, { detail: { durationSec: [0] } }] });
    yes({ detail: { direction: ['outbound', 'inbound'] } });
  });

  it('accepts JSON strings', () => {
    expect(matchesPattern('{"source":["ringdesk.calls"]}', JSON.stringify(call))).toBe(true);
  });
});

describe('validatePattern', () => {
  const invalid: Array<[string, unknown]> = [
    ['non-object', ['a']],
    ['non-array leaf', { source: 'ringdesk' }],
    ['empty leaf array', { source: [] }],
    ['nested array', { source: [['a']] }],
    ['empty object', { detail: {} }],
    ['unknown operator', { source: [{ startsWith: 'x' }] }],
    ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['exists not boolean', { a: [{ exists: 'yes' }] }],
    ['numeric bad operator', { a: [{ numeric: ['!=', 1] }] }],
    ['numeric non-number', { a: [{ numeric: ['>', '1'] }] }],
    ['numeric odd length', { a: [{ numeric: ['>', 1, '<'] }] }],
    ['numeric inverted range', { a: [{ numeric: ['>', 5, '<', 1] }] }],
    ['numeric range wrong order', { a: [{ numeric: ['<', 5, '>', 1] }] }],
    ['prefix non-string', { a: [{ prefix: 1 }] }],
    ['bad cidr', { a: [{ cidr: '10.0.0.0/33' }] }],
    ['bad wildcard escape', { a: [{ wildcard: 'a\\b' }] }],
    ['consecutive wildcards', { a: [{ wildcard: 'a**b' }] }],
    ['anything-but with null', { a: [{ 'anything-but': [null] }] }],
    ['anything-but unknown op', { a: [{ 'anything-but': { numeric: ['>', 1] } }] }],
    ['$or with one branch', { $or: [{ a: ['x'] }] }],
    ['$or not an array', { $or: { a: ['x'] } }],
  ];
  for (const [name, pattern] of invalid) {
    it(`rejects ${name}`, () => {
      expect(validatePattern(pattern).length).toBeGreaterThan(0);
    });
  }

  it('accepts a rich valid pattern', () => {
    expect(
      validatePattern({
        source: ['ringdesk.calls'],
        detail: {
          answered: [false, null],
          durationSec: [{ numeric: ['>=', 0, '<', 60] }],
          from: [{ prefix: { 'equals-ignore-case': '+49' } }],
          peer: { ip: [{ cidr: '10.0.0.0/8' }] },
          $or: [{ tags: [{ exists: true }] }, { note: [{ wildcard: 'a\\*b*' }] }],
        },
      }),
    ).toEqual([]);
  });

  it('names the offending path', () => {
    expect(validatePattern({ detail: { x: [{ numeric: ['>', 'a'] }] } })[0]).toContain('detail.x');
  });
});
