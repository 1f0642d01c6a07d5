// What the WebSocket pushes to an agent (N1, N3, N4, N6): the types of the schemas in
// shared/events/agent-messages.ts (type-only: no schema code is bundled; the server validates).
import type { AgentMessage, AgentMessageOf } from '#shared/events/agent-messages.ts';

export type { AgentMessage, AgentMessageOf, CallSummary } from '#shared/events/agent-messages.ts';

/** The customer fields a pop-up shows (N1: the tenant's `popupFields`). */
export type CustomerCard = NonNullable<AgentMessageOf<'incoming_call'>['customer']>;

/** The messages the console acts on; others (pong, rule digests, …) are not shown yet. */
const handled = new Set<AgentMessage['type']>(['incoming_call', 'call_answered', 'call_ended', 'ticket_created', 'ticket_updated', 'agent_action', 'call_dialing', 'task_due']);

/** A frame as a message the console handles, or null (not JSON, or a type it does not show). */
export function parseAgentMessage(frame: string): AgentMessage | null {
  try {
    const value = JSON.parse(frame) as { type?: unknown };
    return typeof value?.type === 'string' && handled.has(value.type as AgentMessage['type']) ? (value as AgentMessage) : null;
  } catch {
    return null;
  }
}
