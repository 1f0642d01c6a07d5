// Calls whose final event never came (docs/call-model.md §10.2): a ringing or talking call with no news
// for too long is finalized with a synthetic `ended` event, so it gets its outcome, ticket and statistics.
import type { Call, CanonicalEvent } from './call.ts';

export interface StaleTimeouts {
  ringingMinutes: number;
  talkingMinutes: number;
}

/** The time of the call's latest event: what staleness is measured from. */
export function lastActivity(call: Call): string {
  const times = [call.answeredAt, ...call.legs.flatMap((l) => [l.offeredAt, l.answeredAt, l.endedAt])].filter((t): t is string => !!t);
  return times.reduce((latest, t) => (t > latest ? t : latest), call.startedAt);
}

export function isStale(call: Call, now: Date, t: StaleTimeouts): boolean {
  if (call.status === 'ended') return false;
  const minutes = call.status === 'answered' ? t.talkingMinutes : t.ringingMinutes;
  return Date.parse(lastActivity(call)) + minutes * 60_000 <= now.getTime();
}

/** The synthetic end: keyed once per call, so a sweeper running twice changes nothing the second time. */
export function sweeperEnd(call: Call, t: StaleTimeouts): CanonicalEvent {
  const minutes = call.status === 'answered' ? t.talkingMinutes : t.ringingMinutes;
  return {
    key: 'sweeper|ended',
    provider: call.provider,
    providerCallId: call.providerCallId,
    providerEventType: 'sweeper',
    type: 'ended',
    occurredAt: lastActivity(call),
    occurredAtSource: 'receipt',
    endReason: 'unknown',
    rawReason: `no final event within ${minutes} min; finalized by the sweeper`,
  };
}
