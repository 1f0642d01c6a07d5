// reduceCall: the call is a pure function of the SET of its events (I3). Events are deduplicated by
// key and folded in a total order, so arrival order and redeliveries cannot change the result.
import type { AgentRef, Call, CallLeg, CanonicalEvent, CanonicalEventType, Direction, Outcome, ReduceContext } from './call.ts';
import { normalizePhone } from './phone.ts';
import { stableJson } from './stable-json.ts';
import { isWebUrl } from './urls.ts';

const RANK: Record<CanonicalEventType, number> = { created: 0, offered: 1, answered: 2, ended: 3, recording_available: 4 };
const LEG_RANK = { offered: 0, answered: 1, ended: 2 } as const;

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
const ms = (iso: string) => Date.parse(iso);

/**
 * Total order. A lexicographic tuple keeps it transitive: events without a sequence sort after
 * those with one (mixing both within one call only happens with our own webhook).
 */
function compareEvents(a: CanonicalEvent, b: CanonicalEvent): number {
  return (
    cmp(a.sequence ?? Number.POSITIVE_INFINITY, b.sequence ?? Number.POSITIVE_INFINITY) ||
    cmp(RANK[a.type], RANK[b.type]) ||
    cmp(ms(a.occurredAt), ms(b.occurredAt)) ||
    cmp(a.key, b.key) ||
    cmp(stableJson(a), stableJson(b))
  );
}

/** One event per key; a redelivery (same key, later receipt time) never replaces the first one. */
export function dedupeEvents(events: CanonicalEvent[]): CanonicalEvent[] {
  const byKey = new Map<string, CanonicalEvent>();
  for (const e of events) {
    const seen = byKey.get(e.key);
    if (!seen || (cmp(ms(e.occurredAt), ms(seen.occurredAt)) || cmp(stableJson(e), stableJson(seen))) < 0) byKey.set(e.key, e);
  }
  return [...byKey.values()].sort(compareEvents);
}

interface LegAcc { id: string; agent: AgentRef; state: CallLeg['state']; offeredAt: string | null; answeredAt: string | null; endedAt: string | null; origin: boolean }

const FIELDS = ['extension', 'sip', 'phone', 'email', 'name'] as const;
const fieldValue = (a: AgentRef, f: (typeof FIELDS)[number]) => a[f]?.trim().toLowerCase() || '';
const hasIdentity = (a: AgentRef | undefined): a is AgentRef => !!a && FIELDS.some((f) => fieldValue(a, f));

export function reduceCall(events: CanonicalEvent[], ctx: ReduceContext, callId: string): Call {
  const sorted = dedupeEvents(events);
  const first = sorted[0];
  if (!first) throw new Error(`reduceCall: call ${callId} has no events`);

  const legs = new Map<string, LegAcc>();
  /**
   * Leg of an agent. Providers without leg ids (Zammad) describe the same person differently per
   * event (`user` name on newCall, `answeringNumber` on answer), so a leg is found by its employee,
   * else by any identity field it shares with an earlier one.
   */
  const legFor = (e: CanonicalEvent, agent: AgentRef | undefined): LegAcc => {
    let leg: LegAcc | undefined;
    let id = e.legId;
    if (id) leg = legs.get(id);
    else if (agent) {
      const emp = ctx.matchEmployee(agent);
      leg = [...legs.values()].find((l) =>
        emp ? ctx.matchEmployee(l.agent) === emp : FIELDS.some((f) => fieldValue(agent, f) && fieldValue(agent, f) === fieldValue(l.agent, f)),
      );
      id = emp ? `emp:${emp}` : `agent:${FIELDS.map((f) => fieldValue(agent, f)).find(Boolean)}`;
    }
    if (!leg) {
      leg = { id: uniqueLegId(id ?? 'leg', legs), agent: {}, state: 'offered', offeredAt: null, answeredAt: null, endedAt: null, origin: false };
      legs.set(leg.id, leg);
    }
    if (agent) for (const f of FIELDS) if (!leg.agent[f] && agent[f]) leg.agent[f] = agent[f];
    return leg;
  };
  const advance = (leg: LegAcc, state: CallLeg['state'], at: string) => {
    if (LEG_RANK[state] < LEG_RANK[leg.state]) return; // never regress (docs/call-model.md §10.2)
    if (state === leg.state && (state !== 'offered' || leg.offeredAt)) return; // first time wins
    if (state === 'offered') leg.offeredAt = at;
    if (state === 'answered') leg.answeredAt = at;
    if (state === 'ended') leg.endedAt = at;
    leg.state = state;
  };

  const pick = <T>(get: (e: CanonicalEvent) => T | undefined): T | undefined => {
    for (const e of sorted) { const v = get(e); if (v !== undefined && v !== '') return v; }
    return undefined;
  };
  const direction: Direction = pick((e) => (e.direction === 'unknown' ? undefined : e.direction)) ?? 'unknown';
  const outbound = direction === 'outbound';

  const offeredLegs = new Set<LegAcc>();
  const answers: { leg: LegAcc | null; at: string }[] = [];
  let voicemail = false;
  const rejected = sorted.some((e) => e.rejected === true);
  let end: CanonicalEvent | undefined;

  for (const e of sorted) {
    switch (e.type) {
      case 'created':
        if (hasIdentity(e.agent)) { const leg = legFor(e, e.agent); leg.origin = true; advance(leg, 'offered', e.occurredAt); }
        break;
      case 'offered': {
        const agents = e.agents ?? [];
        for (const agent of agents) {
          if (!hasIdentity(agent)) continue;
          // A leg id names one leg: it only applies to a single-agent offer.
          const leg = legFor(agents.length === 1 ? e : { ...e, legId: undefined }, agent);
          offeredLegs.add(leg);
          advance(leg, 'offered', e.occurredAt);
        }
        break;
      }
      case 'answered': {
        if (e.voicemail) { voicemail = true; break; }
        if (e.legId || hasIdentity(e.agent)) {
          const leg = legFor(e, e.agent);
          if (leg.state === 'ended') break; // a late answer on an ended leg is kept as an event only
          advance(leg, 'answered', e.occurredAt);
          answers.push({ leg, at: e.occurredAt });
        } else if (outbound) {
          // The callee picked up: the talk belongs to the agent who dialled.
          const origins = [...legs.values()].filter((l) => l.origin && l.state !== 'ended');
          for (const l of origins) advance(l, 'answered', e.occurredAt);
          answers.push({ leg: origins[0] ?? null, at: e.occurredAt });
        }
        // Inbound answer without an agent is an IVR/auto-attendant pickup: no talk evidence (docs/call-model.md §10.3).
        break;
      }
      case 'ended':
        if (e.legId) { advance(legFor(e, e.agent), 'ended', e.occurredAt); break; } // one leg, not the call
        if (!end) end = e;
        for (const leg of legs.values()) advance(leg, 'ended', e.occurredAt);
        break;
      case 'recording_available':
        break;
    }
  }

  // Timestamps: receipt times can be out of order, so clamp startedAt ≤ answeredAt ≤ endedAt.
  const startedAt = sorted.reduce((min, e) => (ms(e.occurredAt) < ms(min) ? e.occurredAt : min), first.occurredAt);
  const endedAt = end ? latest(end.occurredAt, startedAt) : null;
  const firstAnswer = answers.reduce<string | null>((min, a) => (min === null || ms(a.at) < ms(min) ? a.at : min), null);
  const answeredAt = firstAnswer ? clamp(firstAnswer, startedAt, endedAt) : null;
  const secs = (a: string | null, b: string | null) => (a && b ? Math.max(0, Math.round((ms(b) - ms(a)) / 1000)) : 0);

  const callLegs: CallLeg[] = [...legs.values()].map((l) => {
    const offeredAt = l.offeredAt ? clamp(l.offeredAt, startedAt, endedAt) : null;
    const legEnd = l.endedAt ? clamp(l.endedAt, startedAt, endedAt) : null;
    const legAnswer = l.answeredAt ? clamp(l.answeredAt, startedAt, legEnd ?? endedAt) : null;
    return { id: l.id, employeeId: ctx.matchEmployee(l.agent), agent: l.agent, state: l.state, offeredAt, answeredAt: legAnswer, endedAt: legEnd, talkSeconds: secs(legAnswer, legEnd) };
  });
  const employeeOf = (leg: LegAcc | null) => (leg ? (callLegs.find((l) => l.id === leg.id)?.employeeId ?? null) : null);
  const offeredTo = dedupe([...offeredLegs].map(employeeOf));
  const answeredBy = answers.map((a) => employeeOf(a.leg)).find((id) => id !== null)
    ?? (outbound && answers.length ? employeeOf([...legs.values()].find((l) => l.origin) ?? null) : null);

  const fromN = normalizePhone(pick((e) => e.from), ctx.country);
  const toN = normalizePhone(pick((e) => e.to), ctx.country);
  const display = (n: typeof fromN) => n.e164 ?? (n.presentation === 'allowed' ? n.raw : 'anonymous');
  const customer = direction === 'inbound' ? fromN : direction === 'outbound' ? toN : null;

  return {
    id: callId,
    tenantId: ctx.tenantId,
    provider: first.provider,
    providerCallId: first.providerCallId,
    direction,
    status: end ? 'ended' : answers.length ? 'answered' : 'ringing',
    outcome: end ? outcomeOf(direction, answers.length > 0, offeredLegs.size > 0, voicemail, end.endReason, rejected) : null,
    from: display(fromN),
    to: display(toN),
    customerNumber: customer?.e164 ?? null,
    presentation: (customer ?? fromN).presentation,
    queue: pick((e) => e.queue) ?? null,
    startedAt,
    answeredAt,
    endedAt,
    waitSeconds: secs(startedAt, answeredAt ?? endedAt),
    talkSeconds: secs(answeredAt, endedAt),
    legs: callLegs,
    offeredTo,
    answeredBy,
    endReason: end?.endReason ?? null,
    rawReason: end?.rawReason ?? null,
    // Only web URLs: a provider's link is played and linked in the console (no `javascript:`).
    recordingUrl: pick((e) => (e.type === 'recording_available' && e.recording?.url && isWebUrl(e.recording.url) ? e.recording.url : undefined)) ?? null,
  };
}

/**
 * Outcome from talk evidence (docs/call-model.md §10.3). A hang-up with reason `transferred` (Zammad `forwarded`)
 * without an answer is a routing end, not a miss: the call continues elsewhere (usually under a
 * new call id that gets its own outcome), so it is `ivr_only` — no missed-call ticket (I5).
 */
function outcomeOf(direction: Direction, talked: boolean, rang: boolean, voicemail: boolean, endReason: string | undefined, rejected = false): Outcome {
  if (talked) return 'answered';
  if (rejected) return 'rejected_blocked';
  if (direction === 'outbound') {
    switch (endReason) {
      case 'busy': return 'busy';
      case 'caller_hangup': return 'canceled'; // the caller of an outbound call is our agent
      case 'congestion': case 'invalid_number': case 'unavailable': case 'forbidden': case 'billing': case 'system_error': return 'failed';
      default: return 'not_answered';
    }
  }
  if (endReason === 'transferred') return 'ivr_only';
  if (rang) return 'missed'; // voicemail after ringing agents stays missed, as in Zammad
  return voicemail ? 'voicemail' : 'ivr_only';
}

function clamp(iso: string, min: string, max: string | null): string {
  if (ms(iso) < ms(min)) return min;
  if (max && ms(iso) > ms(max)) return max;
  return iso;
}
const latest = (a: string, b: string) => (ms(a) >= ms(b) ? a : b);
const dedupe = (ids: (string | null)[]) => [...new Set(ids.filter((x): x is string => x !== null))];
function uniqueLegId(id: string, legs: Map<string, LegAcc>): string {
  let candidate = id;
  for (let i = 2; legs.has(candidate); i++) candidate = `${id}#${i}`;
  return candidate;
}

/** True when anything in the call differs (decides the conditional write and PutEvents). */
export function callChanged(before: Call | null, after: Call): boolean {
  return before === null || stableJson(before) !== stableJson(after);
}

export interface CallTransitions {
  /** Newly offered employee ids; non-empty → publish `Call Ringing`. */
  ringing: string[];
  /** Newly answered → publish `Call Answered`. */
  answered: boolean;
  /** Newly ended, or ended and something a ticket depends on changed → publish `Call Ended`. */
  ended: boolean;
}

export function callTransitions(before: Call | null, after: Call): CallTransitions {
  const known = new Set(before?.offeredTo ?? []);
  // A pop-up for a call that already ended would be noise; `Call Ended` closes the others.
  const ringing = after.status === 'ended' ? [] : after.offeredTo.filter((id) => !known.has(id));
  const answered = after.answeredAt !== null && (before?.answeredAt ?? null) === null;
  // The recording too: a recording that arrives after the end must reach the ticket messages of the call;
  // and the numbers and times the call log shows (L1), which a late earlier event can move.
  const relevant = (c: Call) => stableJson([c.outcome, c.legs, c.answeredBy, c.customerNumber, c.recordingUrl, c.direction, c.from, c.to, c.startedAt, c.answeredAt, c.endedAt]);
  const ended = after.status === 'ended' && (before?.status !== 'ended' || relevant(before) !== relevant(after));
  return { ringing, answered, ended };
}
