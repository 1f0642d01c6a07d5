import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentRef, CanonicalEvent, ReduceContext } from '#shared/domain/call.ts';
import { buildEmployeeMatcher } from '#shared/domain/employee-match.ts';
import { callIdFor } from '#shared/domain/call-id.ts';
import { callChanged, callTransitions, reduceCall } from '#shared/domain/reduce-call.ts';

const ctx: ReduceContext = {
  tenantId: 'demo',
  country: 'RU',
  matchEmployee: buildEmployeeMatcher(
    [
      { id: 'anna', extension: '101', sipAccounts: [], phones: [], email: 'anna@example.com', fullName: 'Anna Petrova' },
      { id: 'boris', extension: '102', sipAccounts: [], phones: [], fullName: 'Boris Ivanov' },
      { id: 'vera', extension: '103', sipAccounts: [], phones: [], fullName: 'Vera Smirnova' },
    ],
    'RU',
  ),
};

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const ANNA: AgentRef = { extension: '101' };
const BORIS: AgentRef = { name: 'Boris Ivanov' };
const VERA: AgentRef = { extension: '103' };

let n = 0;
function ev(type: CanonicalEvent['type'], s: number, extra: Partial<CanonicalEvent> = {}): CanonicalEvent {
  return {
    key: extra.key ?? `k${++n}`,
    provider: 'test',
    providerCallId: 'call-1',
    providerEventType: type,
    type,
    occurredAt: at(s),
    occurredAtSource: 'receipt',
    direction: 'inbound',
    from: '8 916 123-45-67',
    to: '+74951234567',
    ...extra,
  };
}

const scenarios = {
  answered: [ev('created', 0), ev('offered', 1, { agents: [ANNA, BORIS] }), ev('answered', 10, { agent: { email: 'anna@example.com' } }), ev('ended', 70, { endReason: 'caller_hangup' })],
  missed: [ev('created', 0), ev('offered', 1, { agents: [ANNA, BORIS] }), ev('ended', 30, { endReason: 'caller_hangup' })],
  groupRinging: [
    ev('created', 0),
    ev('offered', 1, { agents: [ANNA] }),
    ev('offered', 2, { agents: [BORIS] }),
    ev('offered', 3, { agents: [VERA] }),
    ev('answered', 9, { agent: { name: 'boris ivanov', extension: '102' } }),
    ev('ended', 99),
    ev('recording_available', 120, { recording: { url: 'https://rec.example/1.mp3' } }),
  ],
  ivrOnly: [ev('created', 0), ev('answered', 1), ev('ended', 40, { endReason: 'routing_end' })],
  voicemail: [ev('created', 0, { from: 'anonymous' }), ev('answered', 20, { voicemail: true }), ev('ended', 50)],
  outbound: [
    ev('created', 0, { direction: 'outbound', from: '101', to: '89161234567', agent: ANNA }),
    ev('answered', 7, { direction: 'outbound' }),
    ev('ended', 67, { direction: 'outbound', endReason: 'callee_hangup' }),
  ],
  sequenced: [
    ev('created', 0, { sequence: 1 }),
    ev('offered', 1, { sequence: 2, legId: 'L1', agents: [ANNA] }),
    ev('offered', 1, { sequence: 3, legId: 'L2', agents: [BORIS] }),
    ev('ended', 5, { sequence: 4, legId: 'L1', endReason: 'rejected' }),
    ev('answered', 6, { sequence: 5, legId: 'L2' }),
    ev('answered', 7, { sequence: 6, legId: 'L1' }), // late answer on an ended leg: ignored
    ev('ended', 60, { sequence: 7 }),
  ],
};

describe('reduceCall outcomes', () => {
  it('I3: an agent answer makes an inbound call answered by that employee', () => {
    const c = reduceCall(scenarios.answered, ctx, 'c1');
    expect(c).toMatchObject({ id: 'c1', tenantId: 'demo', status: 'ended', outcome: 'answered', answeredBy: 'anna', offeredTo: ['anna', 'boris'], from: '+79161234567', customerNumber: '+79161234567', waitSeconds: 10, talkSeconds: 60 });
    expect(c.legs.map((l) => [l.employeeId, l.state, l.talkSeconds])).toEqual([['anna', 'ended', 60], ['boris', 'ended', 0]]);
  });

  it('I5: rang at employees, nobody answered → missed', () => {
    expect(reduceCall(scenarios.missed, ctx, 'c').outcome).toBe('missed');
  });

  it('I3: group ringing keeps every offered employee in first-offered order', () => {
    const c = reduceCall(scenarios.groupRinging, ctx, 'c');
    expect(c.offeredTo).toEqual(['anna', 'boris', 'vera']);
    expect(c.answeredBy).toBe('boris');
    expect(c.legs).toHaveLength(3);
    expect(c.recordingUrl).toBe('https://rec.example/1.mp3');
  });

  it('I5: an IVR pickup without an agent is ivr_only, not answered', () => {
    const c = reduceCall(scenarios.ivrOnly, ctx, 'c');
    expect(c).toMatchObject({ outcome: 'ivr_only', answeredAt: null, answeredBy: null, talkSeconds: 0, waitSeconds: 40 });
  });

  it('I5: voicemail that never rang at an agent → voicemail; anonymous caller kept anonymous', () => {
    const c = reduceCall(scenarios.voicemail, ctx, 'c');
    expect(c).toMatchObject({ outcome: 'voicemail', from: 'anonymous', customerNumber: null, presentation: 'withheld' });
  });

  it('I5: voicemail after ringing agents stays missed (Zammad semantics)', () => {
    const c = reduceCall([...scenarios.missed, ev('answered', 20, { voicemail: true })], ctx, 'c');
    expect(c.outcome).toBe('missed');
  });

  it('I5: a forwarded hang-up without answer is a routing end, not a miss', () => {
    const c = reduceCall([ev('created', 0), ev('offered', 1, { agents: [ANNA] }), ev('ended', 9, { endReason: 'transferred', rawReason: 'forwarded' })], ctx, 'c');
    expect(c.outcome).toBe('ivr_only');
    expect(c.rawReason).toBe('forwarded');
  });

  it('I3: outbound answer belongs to the dialling agent; customer is the callee', () => {
    const c = reduceCall(scenarios.outbound, ctx, 'c');
    expect(c).toMatchObject({ direction: 'outbound', outcome: 'answered', answeredBy: 'anna', offeredTo: [], from: '101', to: '+79161234567', customerNumber: '+79161234567', talkSeconds: 60 });
  });

  it.each([
    ['busy', 'busy'],
    ['caller_hangup', 'canceled'],
    ['no_answer_timeout', 'not_answered'],
    ['invalid_number', 'failed'],
    ['congestion', 'failed'],
    [undefined, 'not_answered'],
  ] as const)('I3: unanswered outbound with end reason %s → %s', (endReason, outcome) => {
    const c = reduceCall([scenarios.outbound[0]!, ev('ended', 20, { direction: 'outbound', ...(endReason ? { endReason } : {}) })], ctx, 'c');
    expect(c.outcome).toBe(outcome);
  });

  it('I3: per-leg states only move forward (late answer on an ended leg is ignored)', () => {
    const c = reduceCall(scenarios.sequenced, ctx, 'c');
    const l1 = c.legs.find((l) => l.id === 'L1')!;
    expect(l1).toMatchObject({ employeeId: 'anna', state: 'ended', answeredAt: null });
    expect(c).toMatchObject({ outcome: 'answered', answeredBy: 'boris' });
  });

  it('I3: outcome stays null and status follows ringing → answered → ended', () => {
    const [created, offered, answered, ended] = scenarios.answered as [CanonicalEvent, CanonicalEvent, CanonicalEvent, CanonicalEvent];
    expect(reduceCall([created, offered], ctx, 'c')).toMatchObject({ status: 'ringing', outcome: null });
    expect(reduceCall([created, offered, answered], ctx, 'c')).toMatchObject({ status: 'answered', outcome: null, talkSeconds: 0 });
    expect(reduceCall([created, offered, answered, ended], ctx, 'c')).toMatchObject({ status: 'ended', outcome: 'answered' });
  });

  it('I3: receipt times out of order are clamped to startedAt ≤ answeredAt ≤ endedAt', () => {
    const c = reduceCall([ev('created', 0), ev('offered', 0, { agents: [ANNA] }), ev('ended', 30), ev('answered', 45, { agent: ANNA })], ctx, 'c');
    expect(c.outcome).toBe('answered');
    expect(c.answeredAt).toBe(at(30));
    expect(c.endedAt).toBe(at(30));
    expect(c.talkSeconds).toBe(0);
  });

  it('I4: internal calls have no customer number', () => {
    const c = reduceCall([ev('created', 0, { direction: 'internal', from: '101', to: '102' })], ctx, 'c');
    expect(c).toMatchObject({ customerNumber: null, from: '101', to: '102' });
  });

  it('E1: legs of unknown agents are kept with employeeId null', () => {
    const c = reduceCall([ev('created', 0), ev('offered', 1, { agents: [{ name: 'Temp Worker' }] }), ev('ended', 9)], ctx, 'c');
    expect(c.legs).toMatchObject([{ employeeId: null, agent: { name: 'Temp Worker' } }]);
    expect(c.offeredTo).toEqual([]);
    expect(c.outcome).toBe('missed');
  });
});

/** Any arrival order with any number of redeliveries (some re-received later, same key). */
function arrivals(events: CanonicalEvent[]) {
  return fc
    .array(fc.record({ i: fc.nat({ max: events.length - 1 }), laterBy: fc.nat({ max: 600 }) }), { maxLength: events.length * 2 })
    .chain((dups) => {
      const copies = dups.map(({ i, laterBy }) => ({ ...events[i]!, occurredAt: new Date(Date.parse(events[i]!.occurredAt) + laterBy * 1000).toISOString() }));
      const all = [...events, ...copies];
      return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
    });
}

describe('reduceCall is independent of arrival order and duplication', () => {
  for (const [name, events] of Object.entries(scenarios)) {
    it(`I3: every permutation and duplication of the ${name} call gives the in-order call`, () => {
      const expected = reduceCall(events, ctx, 'c');
      fc.assert(fc.property(arrivals(events), (delivered) => {
        expect(reduceCall(delivered, ctx, 'c')).toEqual(expected);
      }), { numRuns: 200 });
    });
  }

  it('I3: the same delivery twice changes nothing the second time', () => {
    const once = reduceCall(scenarios.answered, ctx, 'c');
    const twice = reduceCall([...scenarios.answered, ...scenarios.answered], ctx, 'c');
    expect(callChanged(once, twice)).toBe(false);
  });
});

describe('callChanged / callTransitions', () => {
  const [created, offered, answered, ended] = scenarios.answered as [CanonicalEvent, CanonicalEvent, CanonicalEvent, CanonicalEvent];
  const ringing = reduceCall([created, offered], ctx, 'c');
  const talking = reduceCall([created, offered, answered], ctx, 'c');
  const done = reduceCall([created, offered, answered, ended], ctx, 'c');

  it('I3: callChanged compares everything', () => {
    expect(callChanged(null, ringing)).toBe(true);
    expect(callChanged(ringing, structuredClone(ringing))).toBe(false);
    expect(callChanged(ringing, { ...ringing, legs: [{ ...ringing.legs[0]!, employeeId: 'x' }] })).toBe(true);
  });

  it('I3: transitions fire once per step', () => {
    expect(callTransitions(null, ringing)).toEqual({ ringing: ['anna', 'boris'], answered: false, ended: false });
    expect(callTransitions(ringing, ringing)).toEqual({ ringing: [], answered: false, ended: false });
    expect(callTransitions(ringing, talking)).toEqual({ ringing: [], answered: true, ended: false });
    expect(callTransitions(talking, done)).toEqual({ ringing: [], answered: false, ended: true });
    expect(callTransitions(done, done)).toEqual({ ringing: [], answered: false, ended: false });
  });

  it('I3: an ended call re-publishes Ended only when something a ticket uses changed', () => {
    const missed = reduceCall([created, offered, ended], ctx, 'c');
    const lateAnswer = reduceCall([created, offered, ended, answered], ctx, 'c');
    expect(callTransitions(missed, lateAnswer)).toMatchObject({ ended: true, answered: true });
    expect(callTransitions(null, missed).ringing).toEqual([]); // no pop-up for a call that already ended
  });
});

describe('reduceCall legs', () => {
  it('I3: an offer sequenced after the answer does not move the leg back to offered', () => {
    const c = reduceCall([ev('created', 0, { sequence: 1 }), ev('answered', 5, { sequence: 2, agent: ANNA }), ev('offered', 6, { sequence: 3, agents: [ANNA] })], ctx, 'c');
    expect(c.legs).toMatchObject([{ employeeId: 'anna', state: 'answered', offeredAt: null }]);
    expect(c.status).toBe('answered');
  });
});

describe('callIdFor', () => {
  it('I3: every delivery of a call maps to the same id; providers do not collide', () => {
    const id = callIdFor('zammad', '307fa962');
    expect(id).toMatch(/^c_[a-z2-7]{26}$/);
    expect(callIdFor('zammad', '307fa962')).toBe(id);
    expect(callIdFor('ringdesk', '307fa962')).not.toBe(id);
    expect(callIdFor('zammad', '307fa963')).not.toBe(id);
  });
});
