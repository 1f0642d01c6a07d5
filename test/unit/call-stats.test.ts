// Call statistics on write (L2, L3): one call's contribution, the diff that makes redeliveries and
// corrections idempotent, and, for random sets of calls, contributions summed = the brute-force recount.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contribution, dayBucket, diffContributions, hourBucket, sumContributions, withoutNewCustomer, type Contribution } from '#shared/domain/call-stats.ts';
import type { Call, CallLeg, Outcome } from '#shared/domain/call.ts';
import { recount } from './call-stats-recount.ts';

const LINE = '+74951234567';
const settings = { isFirstFromNumber: false, target: { minTalkSeconds: 30 }, timeZone: 'Europe/Moscow' };

function leg(employeeId: string | null, answeredAt: string | null, talkSeconds = 0): CallLeg {
  return { id: `emp:${employeeId}`, employeeId, agent: {}, state: 'ended', offeredAt: '2026-11-21T09:59:50.000Z', answeredAt, endedAt: '2026-11-21T10:05:00.000Z', talkSeconds };
}

function call(over: Partial<Call> = {}): Call {
  return {
    id: 'c_1',
    tenantId: 'demo',
    provider: 'ringdesk',
    providerCallId: '1',
    direction: 'inbound',
    status: 'ended',
    outcome: 'answered',
    from: '+79161234567',
    to: LINE,
    customerNumber: '+79161234567',
    presentation: 'allowed',
    queue: null,
    startedAt: '2026-11-21T21:30:00.000Z',
    answeredAt: '2026-11-21T21:30:12.000Z',
    endedAt: '2026-11-21T21:31:12.000Z',
    waitSeconds: 12,
    talkSeconds: 60,
    legs: [leg('emp-101', '2026-11-21T21:30:12.000Z', 60)],
    offeredTo: ['emp-101'],
    answeredBy: 'emp-101',
    endReason: 'caller_hangup',
    rawReason: null,
    recordingUrl: null,
    ...over,
  };
}

describe('contribution', () => {
  it('L2: an answered inbound call: hour bucket in UTC, day bucket in the tenant time zone, for all, the line and the employee', () => {
    const c = contribution(call(), settings);
    const counters = { total: 1, answered: 1, target: 1, talkSeconds: 60, waitSeconds: 12, waitCount: 1 };
    // 21:30 UTC is already the next day in Moscow (UTC+3).
    expect(c).toEqual({
      'H|all|2026-11-21T21': counters,
      'H|line|2026-11-21T21#+74951234567': counters,
      'H|emp|2026-11-21T21#emp-101': counters,
      'D|all|2026-11-22': counters,
      'D|line|2026-11-22#+74951234567': counters,
      'D|emp|2026-11-22#emp-101': counters,
    });
  });

  it('L2: target calls need the tenant minimum of talk; new customers are marked only on the first inbound call', () => {
    expect(contribution(call({ talkSeconds: 29 }), settings)['H|all|2026-11-21T21']).not.toHaveProperty('target');
    expect(contribution(call({ talkSeconds: 29 }), { ...settings, target: { minTalkSeconds: 20 } })['H|all|2026-11-21T21']).toHaveProperty('target', 1);
    expect(contribution(call(), { ...settings, isFirstFromNumber: true })['H|emp|2026-11-21T21#emp-101']).toHaveProperty('newCustomers', 1);
    const outbound = call({ direction: 'outbound', from: LINE, to: '+79161234567', waitSeconds: 5 });
    expect(contribution(outbound, { ...settings, isFirstFromNumber: true })['H|all|2026-11-21T21']).toEqual({ total: 1, answered: 1, outgoing: 1, target: 1, talkSeconds: 60 });
  });

  it('L3: a missed ring-all counts as missed for every employee it rang at', () => {
    const missed = call({ outcome: 'missed', answeredAt: null, talkSeconds: 0, legs: [leg('emp-101', null), leg('emp-102', null)], offeredTo: ['emp-101', 'emp-102'], answeredBy: null });
    const c = contribution(missed, settings);
    expect(c['H|all|2026-11-21T21']).toEqual({ total: 1, missed: 1 });
    expect(c['H|emp|2026-11-21T21#emp-101']).toEqual({ total: 1, missed: 1 });
    expect(c['H|emp|2026-11-21T21#emp-102']).toEqual({ total: 1, missed: 1 });
  });

  it('L3: a transferred call counts for both employees, each with their own talk; the wait goes to the first answerer', () => {
    const transferred = call({
      talkSeconds: 100,
      legs: [leg('emp-101', '2026-11-21T21:30:12.000Z', 40), leg('emp-102', '2026-11-21T21:30:55.000Z', 57)],
      offeredTo: ['emp-101', 'emp-102'],
    });
    const c = contribution(transferred, settings);
    expect(c['H|all|2026-11-21T21']).toEqual({ total: 1, answered: 1, target: 1, talkSeconds: 100, waitSeconds: 12, waitCount: 1 });
    expect(c['H|emp|2026-11-21T21#emp-101']).toEqual({ total: 1, answered: 1, target: 1, talkSeconds: 40, waitSeconds: 12, waitCount: 1 });
    expect(c['H|emp|2026-11-21T21#emp-102']).toEqual({ total: 1, answered: 1, target: 1, talkSeconds: 57 });
  });

  it('L2: an answered call does not count as missed for the employees who only rang; an unanswered outbound call counts for its dialler', () => {
    const c = contribution(call({ legs: [leg('emp-101', '2026-11-21T21:30:12.000Z', 60), leg('emp-102', null)], offeredTo: ['emp-101', 'emp-102'] }), settings);
    expect(c).not.toHaveProperty(['H|emp|2026-11-21T21#emp-102']);
    const dialled = call({ direction: 'outbound', outcome: 'not_answered', from: LINE, to: '+79161234567', answeredAt: null, talkSeconds: 0, legs: [leg('emp-102', null)], offeredTo: [], answeredBy: null });
    expect(contribution(dialled, settings)['H|emp|2026-11-21T21#emp-102']).toEqual({ total: 1, outgoing: 1 });
  });

  it('L2: IVR-only, voicemail-only and blocked calls count in total only; open and internal calls not at all', () => {
    for (const outcome of ['ivr_only', 'voicemail', 'rejected_blocked'] as Outcome[]) {
      const c = contribution(call({ outcome, answeredAt: null, talkSeconds: 0, legs: [], offeredTo: [], answeredBy: null }), settings);
      expect(c['H|all|2026-11-21T21'], outcome).toEqual({ total: 1 });
    }
    expect(contribution(call({ status: 'answered' }), settings)).toEqual({});
    expect(contribution(call({ direction: 'internal' }), settings)).toEqual({});
  });

  it('buckets: UTC hours and tenant days', () => {
    expect(hourBucket('2026-11-21T10:59:59.999Z')).toBe('2026-11-21T10');
    expect(dayBucket('2026-11-21T20:59:59.000Z', 'Europe/Moscow')).toBe('2026-11-21');
    expect(dayBucket('2026-11-21T21:00:00.000Z', 'Europe/Moscow')).toBe('2026-11-22');
    expect(dayBucket('2026-11-21T21:00:00.000Z', 'UTC')).toBe('2026-11-21');
  });
});

describe('diff', () => {
  it('L2: a redelivery diffs to nothing; a correction diffs to exactly the change', () => {
    const before = contribution(call(), settings);
    expect(diffContributions(before, before)).toEqual({});
    const recorded = contribution(call({ talkSeconds: 20, legs: [leg('emp-101', '2026-11-21T21:30:12.000Z', 20)] }), settings);
    expect(diffContributions(before, recorded)['H|all|2026-11-21T21']).toEqual({ target: -1, talkSeconds: -40 });
    expect(diffContributions(before, withoutNewCustomer(contribution(call(), { ...settings, isFirstFromNumber: true })))).toEqual({});
  });
});

// ---- random sets of calls ----

const EMPLOYEES = ['emp-101', 'emp-102', 'emp-103', 'emp-104'];
const NUMBERS = ['+79160000001', '+79160000002', '+79160000003', '+79160000004', '+79160000005'];
const LINES = ['+74951234567', '+74957654321'];
const START = Date.parse('2026-10-01T00:00:00Z');

/** Talk around the target boundaries (29/30/31, 59/60/61 s) as often as anywhere else. */
const talkArb = fc.oneof(fc.integer({ min: 0, max: 900 }), fc.constantFrom(0, 29, 30, 31, 59, 60, 61));
const legArb = fc.record({ employeeId: fc.option(fc.constantFrom(...EMPLOYEES), { nil: null, freq: 5 }), answered: fc.boolean(), talk: talkArb });

const callArb = fc
  .record({
    n: fc.integer({ min: 0, max: 1e9 }),
    direction: fc.constantFrom('inbound', 'inbound', 'outbound', 'internal'),
    status: fc.constantFrom('ended', 'ended', 'ended', 'answered'),
    outcome: fc.constantFrom('answered', 'missed', 'ivr_only', 'voicemail', 'rejected_blocked', 'not_answered', 'busy'),
    number: fc.constantFrom(...NUMBERS),
    line: fc.constantFrom(...LINES),
    startMinute: fc.integer({ min: 0, max: 60 * 24 * 30 }),
    wait: fc.integer({ min: 0, max: 120 }),
    talk: talkArb,
    legs: fc.array(legArb, { maxLength: 4 }),
    offered: fc.subarray(EMPLOYEES),
  })
  .map((r): Call => {
    const startedAt = new Date(START + r.startMinute * 60_000).toISOString();
    const answered = r.outcome === 'answered';
    const legs = r.legs.map((l, i): CallLeg => ({
      id: `leg-${i}`,
      employeeId: l.employeeId,
      agent: {},
      state: 'ended',
      offeredAt: startedAt,
      answeredAt: answered && l.answered ? startedAt : null,
      endedAt: startedAt,
      talkSeconds: answered && l.answered ? l.talk : 0,
    }));
    const inbound = r.direction === 'inbound';
    return call({
      id: `c_${r.n}`,
      direction: r.direction as Call['direction'],
      status: r.status as Call['status'],
      outcome: r.outcome as Outcome,
      from: inbound ? r.number : r.line,
      to: inbound ? r.line : r.number,
      customerNumber: r.number,
      startedAt,
      waitSeconds: r.wait,
      talkSeconds: answered ? r.talk : 0,
      legs,
      offeredTo: r.offered,
      answeredBy: legs.find((l) => l.answeredAt && l.employeeId)?.employeeId ?? null,
    });
  });

/** Which call of each number is the earliest inbound one (what the registry item tracks). */
function firstCalls(calls: Call[]): Set<string> {
  const first = new Map<string, Call>();
  for (const c of calls) {
    if (c.direction !== 'inbound' || c.status !== 'ended' || !c.customerNumber) continue;
    const f = first.get(c.customerNumber);
    if (!f || c.startedAt < f.startedAt || (c.startedAt === f.startedAt && c.id < f.id)) first.set(c.customerNumber, c);
  }
  return new Set([...first.values()].map((c) => c.id));
}

describe('contributions summed = brute-force recount', () => {
  it('L2, L3: for random sets of calls, every bucket of every dimension equals the recount', () => {
    fc.assert(
      fc.property(fc.uniqueArray(callArb, { maxLength: 60, selector: (c) => c.id }), fc.constantFrom(0, 30, 60), fc.constantFrom('UTC', 'Europe/Moscow', 'America/New_York', 'Asia/Kolkata'), (calls, minTalkSeconds, timeZone) => {
        const firsts = firstCalls(calls);
        const summed = sumContributions(calls.map((c) => contribution(c, { isFirstFromNumber: firsts.has(c.id), target: { minTalkSeconds }, timeZone })));
        expect(summed).toEqual(recount(calls, { minTalkSeconds, timeZone }));
      }),
      { numRuns: 300 },
    );
  });

  it('L2: whatever sequence of versions is applied (duplicates, any order), the buckets equal the contribution the marker holds', () => {
    fc.assert(
      fc.property(fc.array(callArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (versions, order) => {
        const contributions = versions.map((c) => contribution(c, settings));
        let marker: Contribution = {};
        let buckets: Contribution = {};
        for (const i of order) {
          const next = contributions[i % versions.length]!;
          buckets = sumContributions([buckets, diffContributions(marker, next)]);
          marker = next;
          expect(buckets).toEqual(sumContributions([marker]));
        }
      }),
    );
  });
});
