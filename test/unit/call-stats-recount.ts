// The brute-force reference for the call statistics: every counter recounted from the raw calls, one
// call at a time, written independently of shared/domain/call-stats.ts (which keeps them on write).
// Keys are `{H|D}|{all|emp|line}|{bucket}` or `…|{bucket}#{value}`, as the bucket items are.
import type { Call } from '#shared/domain/call.ts';

export type Recount = Record<string, Record<string, number>>;

export function recount(calls: Call[], settings: { minTalkSeconds: number; timeZone: string }): Recount {
  const counted = calls.filter((c) => c.status === 'ended' && (c.direction === 'inbound' || c.direction === 'outbound'));

  // The first inbound call of every number, by start time (then id).
  const first = new Map<string, Call>();
  for (const c of counted) {
    if (c.direction !== 'inbound' || !c.customerNumber) continue;
    const f = first.get(c.customerNumber);
    if (!f || c.startedAt < f.startedAt || (c.startedAt === f.startedAt && c.id < f.id)) first.set(c.customerNumber, c);
  }

  const out: Recount = {};
  const bump = (key: string, name: string, by: number) => {
    if (by === 0) return;
    out[key] ??= {};
    out[key][name] = (out[key][name] ?? 0) + by;
  };

  for (const c of counted) {
    const hour = new Date(c.startedAt).toISOString().slice(0, 13);
    const day = new Date(c.startedAt).toLocaleDateString('sv-SE', { timeZone: settings.timeZone }); // sv-SE prints YYYY-MM-DD
    const inbound = c.direction === 'inbound';
    const isAnswered = c.outcome === 'answered';
    const isMissed = inbound && c.outcome === 'missed';
    const isNew = inbound && c.customerNumber !== null && first.get(c.customerNumber)?.id === c.id;
    const line = inbound ? c.to : c.from;

    const places: string[] = [`H|all|${hour}`, `D|all|${day}`];
    if (/^\+\d+$/.test(line)) places.push(`H|line|${hour}#${line}`, `D|line|${day}#${line}`);
    for (const key of places) {
      bump(key, 'total', 1);
      if (isAnswered) bump(key, 'answered', 1);
      if (isMissed) bump(key, 'missed', 1);
      if (!inbound) bump(key, 'outgoing', 1);
      if (isAnswered && c.talkSeconds >= settings.minTalkSeconds) bump(key, 'target', 1);
      if (isNew) bump(key, 'newCustomers', 1);
      if (isAnswered) bump(key, 'talkSeconds', c.talkSeconds);
      if (inbound && isAnswered) {
        bump(key, 'waitSeconds', c.waitSeconds);
        bump(key, 'waitCount', 1);
      }
    }

    // Employees: an answered leg, a missed call that rang at them, or any leg of an outbound call.
    const employees = new Set<string>();
    for (const leg of c.legs) if (leg.employeeId && (leg.answeredAt !== null || !inbound)) employees.add(leg.employeeId);
    if (isMissed) for (const e of c.offeredTo) employees.add(e);
    for (const e of employees) {
      const legs = c.legs.filter((l) => l.employeeId === e && l.answeredAt !== null);
      const talk = legs.reduce((s, l) => s + l.talkSeconds, 0);
      for (const key of [`H|emp|${hour}#${e}`, `D|emp|${day}#${e}`]) {
        bump(key, 'total', 1);
        if (legs.length > 0) bump(key, 'answered', 1);
        if (isMissed) bump(key, 'missed', 1);
        if (!inbound) bump(key, 'outgoing', 1);
        if (legs.length > 0 && talk >= settings.minTalkSeconds) bump(key, 'target', 1);
        if (isNew) bump(key, 'newCustomers', 1);
        bump(key, 'talkSeconds', talk);
        if (inbound && isAnswered && c.answeredBy === e) {
          bump(key, 'waitSeconds', c.waitSeconds);
          bump(key, 'waitCount', 1);
        }
      }
    }
  }
  return out;
}
