// The helpdesk rules for a finished call (T1–T9, M1–M4), per leg. Pure: the call, what the agents did
// in the helpdesk (actions) and a click-to-call intent in; a plan per leg and ticket updates out.
// Persistence and races are the service's job (shared/services/call-tickets.ts, docs/adr/0003).
import type { Call } from './call.ts';
import { stableJson } from './stable-json.ts';
import { subjects, type Locale, type Ticket, type TicketMessage, type TicketStatus } from './ticket.ts';

/** What an agent did in the helpdesk about a call (HTTP API). */
export type AgentActionKind = 'draft' | 'ticket' | 'link';

export interface AgentAction {
  callId: string;
  employeeId: string;
  kind: AgentActionKind;
  /** `ticket`: the ticket the agent created (T1); `link`: the ticket linked to (T2). */
  ticketId: string | null;
  summary: string | null;
  at: string;
}

/** T7: the agent asked the PBX to call the customer from a ticket. Correlated to the resulting call. */
export interface DialIntent {
  ticketId: string;
  employeeId: string;
  customerNumber: string;
  commandId: string;
  provider: string;
  providerCallId: string | null;
  createdAt: string;
}

/** How long a dial intent waits for its call. */
export const DIAL_WINDOW_SECONDS = 600;

/** Which marker slot of a call a plan fills: an employee's leg, or `-` for the call as a whole (missed). */
export type LegKey = string;
export const CALL_LEG: LegKey = '-';

export type LegPlan =
  /** M1/M2: open or extend the missed-call ticket of the number. */
  | { leg: LegKey; rule: 'M1'; kind: 'missed'; subject: string; groupNumber: string | null }
  /** T3 (draft only: open), T4/T5/T8 (nothing done: closed); assignee = the leg's employee. */
  | { leg: LegKey; rule: 'T3' | 'T4' | 'T5' | 'T8'; kind: 'auto'; subject: string; status: TicketStatus; assigneeId: string }
  /** T1: the ticket the agent created from the call; `pending` once the call ended. */
  | { leg: LegKey; rule: 'T1'; kind: 'own'; ticketId: string; summary: string | null }
  /** T2 (linked) / T7 (called from the ticket), answered: message with the summary, `pending`. */
  | { leg: LegKey; rule: 'T2' | 'T7'; kind: 'into'; ticketId: string; summary: string | null }
  /** T7 / M4f: called from the ticket, not answered: a call-attempt message, status unchanged. */
  | { leg: LegKey; rule: 'T7'; kind: 'attempt'; ticketId: string };

export type LegPlanKind = LegPlan['kind'];

export interface CallPlan {
  legs: LegPlan[];
  /** Why nothing is planned, when `legs` is empty. */
  reason: 'not_ended' | 'never_reached_employee' | 'no_outcome' | null;
  /** M4a/M4d: the agent made a new ticket from a conversation with this number → its open missed-call ticket closes. */
  closeMissedTicketOf: string | null;
  /** M2: an answered conversation with this number happened (the open missed-call group ends). */
  conversationWith: string | null;
}

/** The customer's number as shown in subjects: the caller for incoming, the callee for outgoing calls. */
export function displayNumber(call: Call): string {
  return call.direction === 'outbound' ? call.to : call.from;
}

export function reachedEmployee(call: Call): boolean {
  return call.offeredTo.length > 0 || call.answeredBy !== null || call.legs.some((l) => l.employeeId);
}

/** Employees who talked on the call, in the order they answered (T5: one leg each). */
export function answeredEmployees(call: Call): string[] {
  const answered = call.legs
    .flatMap((l) => (l.answeredAt && l.employeeId ? [{ at: l.answeredAt, employeeId: l.employeeId }] : []))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const ids = [...new Set(answered.map((l) => l.employeeId))];
  if (ids.length === 0 && call.outcome === 'answered' && call.answeredBy) ids.push(call.answeredBy);
  return ids;
}

const precedence: Record<AgentActionKind, number> = { ticket: 3, link: 2, draft: 1 };

/** The action that counts for an employee: creating beats linking beats only opening the page; the latest of a kind wins. */
export function effectiveAction(actions: readonly AgentAction[], employeeId: string): AgentAction | null {
  let best: AgentAction | null = null;
  for (const a of actions) {
    if (a.employeeId !== employeeId) continue;
    if (!best || precedence[a.kind] > precedence[best.kind] || (a.kind === best.kind && a.at >= best.at)) best = a;
  }
  return best;
}

/**
 * What a finished call turns into, per leg (T1–T9, M1, M4a/d). `dial` is the click-to-call intent the call
 * was correlated to, if any (T7).
 */
export function decideLegTickets(call: Call, actions: readonly AgentAction[], dial: DialIntent | null, locale: Locale): CallPlan {
  const none = (reason: CallPlan['reason']): CallPlan => ({ legs: [], reason, closeMissedTicketOf: null, conversationWith: null });
  if (call.status !== 'ended') return none('not_ended');
  const s = subjects[locale];
  const number = displayNumber(call);
  const outbound = call.direction === 'outbound';
  // I5 / T9: IVR, voicemail or auto-attendant only → logged, no ticket (a click-to-call intent still counts as reaching one).
  if (!reachedEmployee(call) && !dial) return none('never_reached_employee');

  const talked = call.outcome === 'answered' ? answeredEmployees(call) : [];
  if (talked.length > 0) {
    const legs: LegPlan[] = talked.map((employeeId, i): LegPlan => {
      const action = effectiveAction(actions, employeeId);
      const dialled = dial && dial.employeeId === employeeId ? dial : null;
      if (action?.kind === 'ticket' && action.ticketId) return { leg: employeeId, rule: 'T1', kind: 'own', ticketId: action.ticketId, summary: action.summary };
      if (action?.kind === 'link' && action.ticketId) {
        const rule = dialled && dialled.ticketId === action.ticketId ? 'T7' : 'T2';
        return { leg: employeeId, rule, kind: 'into', ticketId: action.ticketId, summary: action.summary };
      }
      if (dialled) return { leg: employeeId, rule: 'T7', kind: 'into', ticketId: dialled.ticketId, summary: null };
      const subject = outbound ? s.outgoing(number) : s.incoming(number);
      if (action?.kind === 'draft') return { leg: employeeId, rule: 'T3', kind: 'auto', subject, status: 'open', assigneeId: employeeId };
      // T5: a leg that only passed the call on is closed like T4; T8: an outgoing call is handled as an incoming one.
      const rule = outbound ? 'T8' : talked.length > 1 && i < talked.length - 1 ? 'T5' : 'T4';
      return { leg: employeeId, rule, kind: 'auto', subject, status: 'closed', assigneeId: employeeId };
    });
    const madeNew = legs.some((l) => l.kind === 'own');
    return { legs, reason: null, closeMissedTicketOf: madeNew ? call.customerNumber : null, conversationWith: call.customerNumber };
  }
  // T7 / M4f: called from a ticket, nobody answered.
  if (outbound && dial) return { legs: [{ leg: dial.employeeId, rule: 'T7', kind: 'attempt', ticketId: dial.ticketId }], reason: null, closeMissedTicketOf: null, conversationWith: null };
  if (call.outcome === 'missed' && call.direction === 'inbound') {
    return { legs: [{ leg: CALL_LEG, rule: 'M1', kind: 'missed', subject: s.missed(number), groupNumber: call.customerNumber }], reason: null, closeMissedTicketOf: null, conversationWith: null };
  }
  return none('no_outcome');
}

/** What a call leaves in a ticket. */
export interface CallEntry {
  /** The leg's employee; null for a missed call. */
  employeeId: string | null;
  /** Summary text; undefined keeps what the message has. */
  body?: string | null;
  attempt?: boolean;
  /** New status, or undefined to keep it. */
  status?: TicketStatus;
}

const secondsBetween = (a: string, b: string) => Math.max(0, Math.round((Date.parse(b) - Date.parse(a)) / 1000));

/**
 * Puts a call's message (one per call and leg) into a ticket, or refreshes it (recording, summary), and applies
 * what it means for the ticket: status, callback statistics and M3 (missed → resolved). Idempotent.
 */
export function putCallInTicket(ticket: Ticket, call: Call, entry: CallEntry, messageId: string, at: string, locale: Locale = 'en'): Ticket {
  const idx = ticket.messages.findIndex((m) => m.callId === call.id && m.authorId === entry.employeeId);
  const existing = ticket.messages[idx] ?? null;
  const attempt = entry.attempt === true;
  const message: TicketMessage = {
    id: existing?.id ?? messageId,
    kind: attempt ? 'call_attempt' : 'call',
    callId: call.id,
    authorId: entry.employeeId,
    body: entry.body ?? existing?.body ?? (attempt ? subjects[locale].attempt : ''),
    recordingUrl: call.recordingUrl ?? existing?.recordingUrl ?? null,
    createdAt: existing?.createdAt ?? call.endedAt ?? call.startedAt,
  };
  const messages = existing ? ticket.messages.map((m, i) => (i === idx ? message : m)) : [...ticket.messages, message];
  const next: Ticket = {
    ...ticket,
    messages,
    callIds: ticket.callIds.includes(call.id) ? ticket.callIds : [...ticket.callIds, call.id],
    status: entry.status ?? ticket.status,
  };
  if (ticket.missedState !== null && call.direction === 'outbound' && call.status === 'ended') {
    if (!existing) next.callbackAttempts = ticket.callbackAttempts + 1;
    const answered = call.outcome === 'answered' && !attempt;
    if (answered && next.firstCallbackAt === null && call.answeredAt) {
      const firstMissed = ticket.messages.find((m) => m.authorId === null)?.createdAt ?? ticket.createdAt;
      next.firstCallbackAt = call.answeredAt;
      next.timeToCallbackSeconds = secondsBetween(firstMissed, call.answeredAt);
    }
    // M3: an answered outgoing call with a recording resolves the missed call (green handset).
    if (answered && message.recordingUrl && next.missedState === 'missed') next.missedState = 'resolved';
  }
  return sameTicket(next, ticket) ? ticket : { ...next, updatedAt: at };
}

/** Takes a call leg's message out of a ticket (the call moved to another ticket). */
export function removeCallFromTicket(ticket: Ticket, callId: string, employeeId: string | null, at: string): Ticket {
  const messages = ticket.messages.filter((m) => !(m.callId === callId && m.authorId === employeeId));
  const callIds = messages.some((m) => m.callId === callId) ? ticket.callIds : ticket.callIds.filter((id) => id !== callId);
  return { ...ticket, messages, callIds, updatedAt: at };
}

/** T1–T4 on an existing ticket for a plan of that kind: what status the ticket takes. */
export function statusAfter(plan: LegPlan): TicketStatus | undefined {
  switch (plan.kind) {
    case 'own':
    case 'into':
      return 'pending';
    default:
      return undefined;
  }
}

/** Equal but for `updatedAt`; key order does not count (DynamoDB does not keep the order of map keys). */
export function sameTicket(a: Ticket, b: Ticket): boolean {
  return stableJson({ ...a, updatedAt: '' }) === stableJson({ ...b, updatedAt: '' });
}
