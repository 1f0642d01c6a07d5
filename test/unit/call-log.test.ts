// The call log's rows, facets, filters and cursors (L1): pure, no I/O.
import { describe, expect, it } from 'vitest';
import type { Call, CallLeg } from '#shared/domain/call.ts';
import { callTransitions } from '#shared/domain/reduce-call.ts';
import {
  callLogRowSchema,
  decodeLogCursor,
  encodeLogCursor,
  facetToRead,
  hasFacetFilter,
  InvalidCursor,
  logFacets,
  logPosition,
  logRow,
  MAX_EMPLOYEE_FACETS,
  rowMatches,
} from '#shared/domain/call-log.ts';

const leg = (id: string, employeeId: string | null, answered: boolean): CallLeg => ({
  id,
  employeeId,
  agent: { extension: id },
  state: 'ended',
  offeredAt: '2026-11-21T10:00:01.000Z',
  answeredAt: answered ? '2026-11-21T10:00:05.000Z' : null,
  endedAt: '2026-11-21T10:01:00.000Z',
  talkSeconds: answered ? 55 : 0,
});

const ended: Call = {
  id: 'c_1', tenantId: 'demo', provider: 'ringdesk', providerCallId: 'r1', direction: 'inbound', status: 'ended', outcome: 'answered',
  from: '+79161234567', to: '+74951234567', customerNumber: '+79161234567', presentation: 'allowed', queue: null,
  startedAt: '2026-11-21T10:00:00.000Z', answeredAt: '2026-11-21T10:00:05.000Z', endedAt: '2026-11-21T10:01:00.000Z', waitSeconds: 5, talkSeconds: 55,
  // emp-101 was offered first, emp-102 answered: the answerer comes first in the row.
  legs: [leg('l1', 'emp-101', false), leg('l2', 'emp-102', true), leg('l3', null, false)],
  offeredTo: ['emp-101', 'emp-102'], answeredBy: 'emp-102', endReason: 'caller_hangup', rawReason: null, recordingUrl: 'https://rec.example/1.mp3',
};

describe('call log rows and facets', () => {
  it('L1: a row has when, direction, numbers, line, customer, employees (answerer first), outcome, times and recording', () => {
    const row = logRow(ended, 'cus-1');
    expect(row).toEqual({
      id: 'c_1', startedAt: '2026-11-21T10:00:00.000Z', endedAt: '2026-11-21T10:01:00.000Z', direction: 'inbound',
      from: '+79161234567', to: '+74951234567', line: '+74951234567', customerNumber: '+79161234567', customerId: 'cus-1',
      employees: ['emp-102', 'emp-101'], answeredBy: 'emp-102', outcome: 'answered', waitSeconds: 5, talkSeconds: 55,
      recordingUrl: 'https://rec.example/1.mp3', provider: 'ringdesk',
    });
    expect(callLogRowSchema.parse(row)).toEqual(row);
  });

  it('L1: the line is the company side: `to` inbound, `from` outbound, none for internal calls', () => {
    expect(logRow({ ...ended, direction: 'outbound', from: '+74957654321', to: '+79161234567' }).line).toBe('+74957654321');
    expect(logRow({ ...ended, direction: 'internal', from: '101', to: '102', customerNumber: null }).line).toBeNull();
    expect(logRow(ended).customerId).toBeNull();
  });

  it('L1: a finished call is filed under direction, outcome, every employee with a leg, line, number and recording', () => {
    expect(logFacets(ended)).toEqual(['dir:inbound', 'out:answered', 'emp:emp-102', 'emp:emp-101', 'line:+74951234567', 'num:+79161234567', 'rec:1']);
    const missed: Call = { ...ended, outcome: 'missed', answeredBy: null, legs: [leg('l1', 'emp-101', false)], offeredTo: ['emp-101'], recordingUrl: null, customerNumber: null, from: 'anonymous' };
    expect(logFacets(missed)).toEqual(['dir:inbound', 'out:missed', 'emp:emp-101', 'line:+74951234567']);
  });

  it('L1: a call still going on is in no facet (the unfiltered log shows it)', () => {
    expect(logFacets({ ...ended, status: 'answered', outcome: null, endedAt: null })).toEqual([]);
  });

  it('L1: group ringing at very many employees files the call under the first ones only, so one transaction holds it', () => {
    const many = Array.from({ length: 60 }, (_, i) => `emp-${i}`);
    const call: Call = { ...ended, legs: many.map((e, i) => leg(`l${i}`, e, i === 59)), offeredTo: many, answeredBy: 'emp-59' };
    const emp = logFacets(call).filter((f) => f.startsWith('emp:'));
    expect(emp).toHaveLength(MAX_EMPLOYEE_FACETS);
    expect(emp[0]).toBe('emp:emp-59');
    expect(logRow(call).employees).toHaveLength(60);
  });

  it('L1: a late event that only moves the start or end of an ended call re-publishes Call Ended, so the log re-files it', () => {
    expect(callTransitions(ended, { ...ended, startedAt: '2026-11-21T09:59:50.000Z', waitSeconds: 15 }).ended).toBe(true);
    expect(callTransitions(ended, { ...ended, endedAt: '2026-11-21T10:01:10.000Z', talkSeconds: 65 }).ended).toBe(true);
    expect(callTransitions(ended, { ...ended }).ended).toBe(false);
  });

  it('L1: the position sorts newest first by start time, the call id breaking ties', () => {
    expect(logPosition(ended)).toBe('2026-11-21T10:00:00.000Z#c_1');
    expect(logPosition({ startedAt: '2026-11-21T10:00:00.000Z', id: 'c_2' }) > logPosition(ended)).toBe(true);
  });
});

describe('call log filters', () => {
  const row = logRow(ended, 'cus-1');

  it('L1: reads the most selective facet: number > employee > line > outcome > direction > recording', () => {
    expect(facetToRead({ number: '+79161234567', employeeId: 'emp-101', direction: 'inbound' })).toBe('num:+79161234567');
    expect(facetToRead({ employeeId: 'emp-101', line: '+74951234567', outcome: 'missed' })).toBe('emp:emp-101');
    expect(facetToRead({ line: '+74951234567', outcome: 'missed' })).toBe('line:+74951234567');
    expect(facetToRead({ outcome: 'missed', direction: 'inbound', hasRecording: true })).toBe('out:missed');
    expect(facetToRead({ direction: 'inbound', hasRecording: true })).toBe('dir:inbound');
    expect(facetToRead({ hasRecording: true })).toBe('rec:1');
    expect(facetToRead({ customerId: 'cus-1', employeeId: 'emp-101' })).toBeNull(); // the customer's numbers are merged
    expect(hasFacetFilter({ from: '2026-01-01T00:00:00.000Z' })).toBe(false);
    expect(hasFacetFilter({ hasRecording: true })).toBe(true);
  });

  it('L1: every filter is also checked on the row', () => {
    expect(rowMatches(row, {})).toBe(true);
    expect(rowMatches(row, { from: '2026-11-21T10:00:00.000Z', to: '2026-11-21T10:00:00.001Z' })).toBe(true);
    expect(rowMatches(row, { to: '2026-11-21T10:00:00.000Z' })).toBe(false); // `to` is exclusive
    expect(rowMatches(row, { from: '2026-11-21T10:00:00.001Z' })).toBe(false);
    expect(rowMatches(row, { direction: 'outbound' })).toBe(false);
    expect(rowMatches(row, { outcome: 'answered', employeeId: 'emp-101', line: '+74951234567', hasRecording: true })).toBe(true);
    expect(rowMatches(row, { employeeId: 'emp-103' })).toBe(false);
    expect(rowMatches(row, { number: '+79160000000' })).toBe(false);
    expect(rowMatches(row, { customerId: 'cus-1' }, ['+79161234567'])).toBe(true);
    expect(rowMatches(row, { customerId: 'cus-1' }, ['+79160000000'])).toBe(false);
    expect(rowMatches({ ...row, recordingUrl: null }, { hasRecording: true })).toBe(false);
  });
});

describe('call log cursors', () => {
  const key = 'k'.repeat(40);
  const position = '2026-11-21T10:00:00.000Z#c_1';

  it('L1: a cursor continues the query it was issued for', () => {
    const cursor = encodeLogCursor(key, 'demo', { direction: 'inbound', outcome: 'missed' }, position);
    // Filters in another order are the same query.
    expect(decodeLogCursor(key, 'demo', { outcome: 'missed', direction: 'inbound' }, cursor)).toBe(position);
  });

  it('L1: a cursor of another filter, another tenant, another key, or a forged one is refused', () => {
    const cursor = encodeLogCursor(key, 'demo', { direction: 'inbound' }, position);
    expect(() => decodeLogCursor(key, 'demo', { direction: 'outbound' }, cursor)).toThrow(InvalidCursor);
    expect(() => decodeLogCursor(key, 'demo', {}, cursor)).toThrow(InvalidCursor);
    expect(() => decodeLogCursor(key, 'acme', { direction: 'inbound' }, cursor)).toThrow(InvalidCursor);
    expect(() => decodeLogCursor('x'.repeat(40), 'demo', { direction: 'inbound' }, cursor)).toThrow(InvalidCursor);
    const { s } = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { s: string };
    const moved = Buffer.from(JSON.stringify({ p: '2099-01-01T00:00:00.000Z#c_9', s })).toString('base64url');
    expect(() => decodeLogCursor(key, 'demo', { direction: 'inbound' }, moved)).toThrow(InvalidCursor);
    for (const junk of ['', 'not-a-cursor', Buffer.from('{"p":1}').toString('base64url'), Buffer.from('null').toString('base64url')]) {
      expect(() => decodeLogCursor(key, 'demo', {}, junk)).toThrow(InvalidCursor);
    }
  });
});
