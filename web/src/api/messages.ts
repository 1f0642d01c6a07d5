// What the WebSocket pushes to an agent (N1, N3, N4, N6). Typed here until the agent messages are
// schemas in shared/events/; then this file re-exports their types and nothing else changes.
import type { Call } from '#shared/domain/call.ts';
import type { CustomerCard } from '#shared/domain/directory.ts';
import type { TicketStatus } from '#shared/domain/ticket.ts';

/** The call as a pop-up message carries it (functions/notify-agents.ts `callSummary`). */
export type CallSummary = Pick<Call, 'id' | 'direction' | 'from' | 'to' | 'status' | 'outcome' | 'startedAt' | 'answeredAt' | 'endedAt' | 'answeredBy' | 'queue'>;

/** N1/N2: a call rings at this employee; `customer` is null for an unknown number. */
export interface IncomingCallMessage {
  type: 'incoming_call';
  call: CallSummary;
  customer: CustomerCard | null;
  actions?: ('link_customer' | 'create_ticket')[];
}

/** N3: a call this employee is involved in was answered (by anyone) or ended. */
export interface CallStateMessage {
  type: 'call_answered' | 'call_ended';
  call: CallSummary;
}

/** N3: a ticket assigned to this employee changed. */
export interface TicketChangeMessage {
  type: 'ticket_created' | 'ticket_updated';
  ticket: { id: string; subject: string; status: TicketStatus; missed: boolean };
}

/** What this employee did from another client (another tab, a softphone side-app). */
export interface AgentActionMessage {
  type: 'agent_action';
  action?: string;
  callId?: string;
  ticketId?: string;
}

/** N4: a click-to-call from a ticket is dialling. */
export interface CallDialingMessage {
  type: 'call_dialing';
  ticketId: string;
  subject: string;
  number: string;
}

/** N6: a callback task fell due. */
export interface TaskDueMessage {
  type: 'task_due';
  task: { id: string; [k: string]: unknown };
}

export type AgentMessage = IncomingCallMessage | CallStateMessage | TicketChangeMessage | AgentActionMessage | CallDialingMessage | TaskDueMessage;

const known = new Set<AgentMessage['type']>(['incoming_call', 'call_answered', 'call_ended', 'ticket_created', 'ticket_updated', 'agent_action', 'call_dialing', 'task_due']);

/** A frame as a message the console handles, or null (not JSON, or a type it does not show). */
export function parseAgentMessage(frame: string): AgentMessage | null {
  try {
    const value = JSON.parse(frame) as { type?: unknown };
    return typeof value?.type === 'string' && known.has(value.type as AgentMessage['type']) ? (value as AgentMessage) : null;
  } catch {
    return null;
  }
}
