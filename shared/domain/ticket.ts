// Tickets from calls (product rules T, M). Pure: decisions only, persistence lives in adapters.
import type { Call } from './call.ts';

export const ticketStatuses = ['open', 'pending', 'closed'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

/** `call_attempt`: an outgoing call from the ticket the customer did not answer (T7). */
export const ticketMessageKinds = ['call', 'call_attempt', 'note'] as const;

export interface TicketMessage {
  id: string;
  kind: (typeof ticketMessageKinds)[number];
  callId: string | null;
  authorId: string | null;
  body: string;
  recordingUrl: string | null;
  createdAt: string;
}

export interface Ticket {
  id: string;
  tenantId: string;
  channel: 'calls';
  subject: string;
  status: TicketStatus;
  /** The ticket was opened by a missed call (M1); kept for compatibility, see `missedState`. */
  missed: boolean;
  /** M1/M3: red handset (`missed`) until an answered outgoing call with a recording is added (`resolved`, green). */
  missedState: MissedState;
  /** Outgoing calls added to a missed-call ticket, answered or not. */
  callbackAttempts: number;
  /** When the customer of a missed-call ticket first answered a callback. */
  firstCallbackAt: string | null;
  /** From the first missed call's message to the first answered callback. */
  timeToCallbackSeconds: number | null;
  assigneeId: string | null;
  customerId: string | null;
  customerNumber: string | null;
  callIds: string[];
  messages: TicketMessage[];
  createdAt: string;
  updatedAt: string;
}

/** M1/M3: red handset until resolved (green); null for a ticket not opened by a missed call. */
export const missedStates = ['missed', 'resolved'] as const;
export type MissedState = (typeof missedStates)[number] | null;

/** A new ticket with no calls or messages yet; the callback bookkeeping starts at zero. */
export function emptyTicket(f: Pick<Ticket, 'id' | 'tenantId' | 'subject' | 'status' | 'missed' | 'assigneeId' | 'customerId' | 'customerNumber'>, at: string): Ticket {
  return {
    ...f,
    channel: 'calls',
    missedState: f.missed ? 'missed' : null,
    callbackAttempts: 0,
    firstCallbackAt: null,
    timeToCallbackSeconds: null,
    callIds: [],
    messages: [],
    createdAt: at,
    updatedAt: at,
  };
}

/** Tickets stored before `missedState` and the callback fields existed read as if they had them. */
export function normalizeTicket(t: Ticket): Ticket {
  return {
    ...t,
    missedState: t.missedState !== undefined ? t.missedState : t.missed ? 'missed' : null,
    callbackAttempts: t.callbackAttempts ?? 0,
    firstCallbackAt: t.firstCallbackAt ?? null,
    timeToCallbackSeconds: t.timeToCallbackSeconds ?? null,
  };
}

export type CallTicketDecision =
  | { kind: 'none'; reason: 'not_ended' | 'never_reached_employee' | 'no_outcome' }
  /** M1/M2: open or extend the missed-call ticket of the customer's number. */
  | { kind: 'missed'; subject: string; groupNumber: string | null }
  /** T4: answered and the agent did nothing in the helpdesk → closed ticket, assignee = answerer. */
  | { kind: 'answered'; subject: string; status: TicketStatus; assigneeId: string };

export const subjects = {
  en: { missed: (n: string) => `Missed call from ${n}`, incoming: (n: string) => `Incoming call from ${n}`, outgoing: (n: string) => `Outgoing call to ${n}`, attempt: 'Call attempt: no answer' },
  ru: { missed: (n: string) => `Пропущенный звонок от ${n}`, incoming: (n: string) => `Входящий звонок от ${n}`, outgoing: (n: string) => `Исходящий звонок на ${n}`, attempt: 'Попытка звонка: нет ответа' },
} as const;

export type Locale = keyof typeof subjects;

/** What a finished call turns into (I5, T4, T9, M1). Agent actions (T1–T3) come with the helpdesk API. */
export function decideCallTicket(call: Call, locale: Locale): CallTicketDecision {
  if (call.status !== 'ended') return { kind: 'none', reason: 'not_ended' };
  const s = subjects[locale];
  const number = call.direction === 'outbound' ? call.to : call.from;
  const reachedEmployee = call.offeredTo.length > 0 || call.answeredBy !== null || call.legs.some((l) => l.employeeId);
  // I5 / T9: IVR, voicemail or auto-attendant only → logged, no ticket.
  if (!reachedEmployee) return { kind: 'none', reason: 'never_reached_employee' };
  if (call.outcome === 'answered' && call.answeredBy) {
    const subject = call.direction === 'outbound' ? s.outgoing(number) : s.incoming(number);
    return { kind: 'answered', subject, status: 'closed', assigneeId: call.answeredBy };
  }
  if (call.outcome === 'missed' && call.direction === 'inbound') {
    return { kind: 'missed', subject: s.missed(number), groupNumber: call.customerNumber };
  }
  return { kind: 'none', reason: 'no_outcome' };
}

/** The message a call leaves in its ticket. */
export function callMessage(call: Call, id: string): TicketMessage {
  return {
    id,
    kind: 'call',
    callId: call.id,
    authorId: call.answeredBy,
    body: '',
    recordingUrl: call.recordingUrl,
    createdAt: call.endedAt ?? call.startedAt,
  };
}
