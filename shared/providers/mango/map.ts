// Mango notifications → canonical events (docs/providers/mango.md, docs/call-model.md). Pure.
import type { AgentRef, CanonicalEvent, Direction } from '../../domain/call.ts';
import { endReasonOf } from './reasons.ts';
import type { MangoCallEvent, MangoParty, MangoRecording, MangoSummary } from './schema.ts';

export const PROVIDER = 'mango';

/** Per-leg `seq` below this; `timestamp * SEQ_SPAN + seq` orders legs by time and one leg by `seq`. */
const SEQ_SPAN = 1_000_000;

const DIRECTIONS: Record<number, Direction> = { 0: 'internal', 1: 'inbound', 2: 'outbound' };

const iso = (unix: number) => new Date(unix * 1000).toISOString();

/** `time` from a Unix-seconds field (0 = not set), else the receipt time. */
function when(unix: number | undefined, receivedAt: string) {
  return unix ? { occurredAt: iso(unix), occurredAtSource: 'provider' as const } : { occurredAt: receivedAt, occurredAtSource: 'receipt' as const };
}

/** An employee party: `extension` plus the device (SIP URI or phone). */
function agentOf(p: MangoParty): AgentRef | undefined {
  if (!p.extension) return undefined;
  const agent: AgentRef = { extension: p.extension };
  if (p.number) {
    if (/^sips?:/i.test(p.number) || p.number.includes('@')) agent.sip = p.number;
    else agent.phone = p.number;
  }
  return agent;
}

const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;

/**
 * `/events/call`: one leg changed state. The leg belongs to the callee employee (`to.extension`:
 * inbound, group ringing, transfer target) or else to the calling one (`from.extension`: outbound).
 * Legs without an employee (IVR, queue, external) give `created` on Appeared and nothing else: an
 * IVR pickup is no talk evidence and an IVR leg ending is not the call ending.
 */
export function callEvents(e: MangoCallEvent, receivedAt: string): CanonicalEvent[] {
  const callee = agentOf(e.to);
  const agent = callee ?? agentOf(e.from);
  const downstream = !!(e.from.taken_from_call_id || e.transfer);
  const callback = !!(e.command_id || e.callback_initiator) && !downstream;
  // Direction only from legs that start a call; A→B legs of a transfer look internal and say nothing.
  let direction: Direction | undefined = e.call_direction !== undefined ? DIRECTIONS[e.call_direction] : undefined;
  const employeeToEmployee = !!(callee && e.from.extension);
  const quiet = employeeToEmployee || (callback && !!callee); // no customer on this leg: no from/to
  if (!direction && !downstream && !employeeToEmployee) direction = callback || e.from.extension ? 'outbound' : 'inbound';
  const outward = direction === 'outbound' || (!!e.from.extension && !callee);
  const base = {
    provider: PROVIDER,
    providerCallId: e.entry_id,
    providerEventType: `call:${e.call_state ?? ''}`,
    key: `${e.call_id}|${e.seq ?? `t${e.timestamp ?? ''}`}|${e.call_state ?? ''}`,
    ...(e.timestamp ? { sequence: e.timestamp * SEQ_SPAN + Math.min(e.seq ?? 0, SEQ_SPAN - 1) } : {}),
    ...when(e.timestamp, receivedAt),
    legId: e.call_id,
    ...defined({
      direction,
      from: quiet ? undefined : e.from.number ?? e.from.extension,
      // Inbound: our line; the callee's device number is not the call's `to` (it is in the agent).
      to: quiet ? undefined : outward ? e.to.number : e.to.line_number ?? (callee ? undefined : e.to.number),
      queue: e.to.acd_group,
    }),
  };

  switch (e.call_state) {
    case 'Appeared':
      // Click-to-call leg 1 rings the employee who asked for the call: their own (origin) leg, no pop-up.
      if (callee && !callback) return [{ ...base, type: 'offered', agents: [callee] }];
      return [{ ...base, type: 'created', ...(agent ? { agent } : {}) }];
    case 'Connected':
      // Click-to-call leg 1 connects when the employee picks up: the customer is not on the line yet.
      if (!agent || (callback && callee)) return [];
      return [{ ...base, type: 'answered', agent }];
    case 'Disconnected': {
      if (!agent) return [];
      const transferred = e.from.was_transferred || e.to.was_transferred;
      return [{
        ...base,
        type: 'ended',
        agent,
        endReason: transferred ? 'transferred' : endReasonOf(e.disconnect_reason),
        ...(e.disconnect_reason ? { rawReason: e.disconnect_reason } : {}),
      }];
    }
    default:
      return []; // OnHold, unknown states: acknowledged
  }
}

/**
 * `/events/summary`: the final record; its `ended` (no leg) ends the call. Talk evidence is
 * `talk_time > 0` with the employee, never `entry_result` (docs/call-model.md §10.3). No `sequence`: it sorts after
 * every leg event, so a leg's answer is always folded before the call ends.
 */
export function summaryEvents(s: MangoSummary, receivedAt: string): CanonicalEvent[] {
  const direction = s.call_direction !== undefined ? DIRECTIONS[s.call_direction] : undefined;
  const outbound = direction === 'outbound';
  const base = {
    provider: PROVIDER,
    providerCallId: s.entry_id,
    providerEventType: 'summary',
    ...defined({
      direction,
      from: s.from.number ?? s.from.extension,
      to: direction === 'inbound' ? s.line_number : s.to.number ?? (direction === 'internal' ? s.to.extension : undefined),
    }),
  };
  const key = `${s.entry_id}|summary`;
  const talked = !!s.talk_time && s.talk_time > 0;
  const caller = agentOf(s.from);
  const callee = agentOf(s.to);
  const events: CanonicalEvent[] = [];

  events.push({ ...base, key: `${key}|created`, type: 'created', ...when(s.create_time, receivedAt), ...(outbound && caller ? { agent: caller } : {}) });
  if (outbound) {
    if (caller && talked) events.push({ ...base, key: `${key}|answered`, type: 'answered', ...when(s.talk_time, receivedAt), agent: caller });
  } else if (callee) {
    // Answered: who answered; missed: the first employee who missed it (it rang there).
    if (talked) events.push({ ...base, key: `${key}|answered`, type: 'answered', ...when(s.talk_time, receivedAt), agent: callee });
    else events.push({ ...base, key: `${key}|offered`, type: 'offered', ...when(s.forward_time || s.create_time, receivedAt), agents: [callee] });
  }
  events.push({
    ...base,
    key,
    type: 'ended',
    ...when(s.end_time, receivedAt),
    endReason: endReasonOf(s.disconnect_reason),
    ...(s.disconnect_reason ? { rawReason: s.disconnect_reason } : {}),
  });
  return events;
}

/**
 * `/events/recording` (state `Completed` with code 1000) and `/events/record/added` both say the
 * recording exists: one `recording_available` keyed by `recording_id`, so they dedupe into one.
 * Started/Continued and failed recordings (4002 too short, 22xx billing) give nothing.
 */
export function recordingEvents(r: MangoRecording, kind: 'recording' | 'record/added', receivedAt: string): CanonicalEvent[] {
  if (kind === 'recording' && (r.recording_state !== 'Completed' || (r.completion_code && r.completion_code !== '1000'))) return [];
  return [{
    key: `recording|${r.recording_id}`,
    provider: PROVIDER,
    providerCallId: r.entry_id,
    providerEventType: kind,
    type: 'recording_available',
    ...when(r.timestamp, receivedAt),
    recording: { id: r.recording_id },
  }];
}
