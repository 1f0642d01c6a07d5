// Which unfinished calls the sweeper ends, and how (docs/call-model.md §10.2: an end without final
// record is finalised by a timeout job).
import { describe, expect, it } from 'vitest';
import type { Call } from '#shared/domain/call.ts';
import { isStale, lastActivity, sweeperEnd } from '#shared/domain/stale-calls.ts';

const t = { ringingMinutes: 15, talkingMinutes: 240 };
const base: Call = {
  id: 'c_1', tenantId: 'demo', provider: 'zammad', providerCallId: 'z1', direction: 'inbound', status: 'ringing', outcome: null,
  from: '+79161234567', to: '+74951234567', customerNumber: '+79161234567', presentation: 'allowed', queue: null,
  startedAt: '2026-11-21T10:00:00.000Z', answeredAt: null, endedAt: null, waitSeconds: 0, talkSeconds: 0,
  legs: [{ id: 'l1', employeeId: 'emp-101', agent: { extension: '101' }, state: 'offered', offeredAt: '2026-11-21T10:00:02.000Z', answeredAt: null, endedAt: null, talkSeconds: 0 }],
  offeredTo: ['emp-101'], answeredBy: null, endReason: null, rawReason: null, recordingUrl: null,
};

describe('stale calls', () => {
  it('measures staleness from the latest activity of the call or its legs', () => {
    expect(lastActivity(base)).toBe('2026-11-21T10:00:02.000Z');
  });

  it('a ringing call is stale after the ringing timeout, not before', () => {
    expect(isStale(base, new Date('2026-11-21T10:15:01.000Z'), t)).toBe(false);
    expect(isStale(base, new Date('2026-11-21T10:15:02.000Z'), t)).toBe(true);
  });

  it('a call in conversation gets the (longer) talking timeout', () => {
    const talking: Call = { ...base, status: 'answered', answeredAt: '2026-11-21T10:00:05.000Z' };
    expect(isStale(talking, new Date('2026-11-21T11:00:00.000Z'), t)).toBe(false);
    expect(isStale(talking, new Date('2026-11-21T14:00:05.000Z'), t)).toBe(true);
  });

  it('an ended call is never stale', () => {
    expect(isStale({ ...base, status: 'ended', endedAt: '2026-11-21T10:00:30.000Z' }, new Date('2030-01-01T00:00:00Z'), t)).toBe(false);
  });

  it('I3: the synthetic end has one key per call and ends at the last activity', () => {
    const e = sweeperEnd(base, t);
    expect(e).toMatchObject({ key: 'sweeper|ended', type: 'ended', provider: 'zammad', providerCallId: 'z1', occurredAt: '2026-11-21T10:00:02.000Z' });
    expect(sweeperEnd(base, t).key).toBe(e.key);
    expect(e.rawReason).toContain('15 min');
  });
});
