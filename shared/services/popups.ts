// The pop-up of a call (N1, N2) as the WebSocket pushes it and as GET /me/calls gives it back after a
// reconnect: one builder, so a refetched pop-up is the one that was pushed.
import { openCalls } from '../adapters/calls-repo.ts';
import { findCustomerByPhone } from '../adapters/customers-repo.ts';
import type { Call } from '../domain/call.ts';
import { isCurrentCallOf } from '../domain/current-calls.ts';
import { customerCard } from '../domain/directory.ts';
import type { AgentMessageOf, CallSummary } from '../events/agent-messages.ts';

export function callSummary(call: Call): CallSummary {
  const { id, direction, from, to, status, outcome, startedAt, answeredAt, endedAt, answeredBy, queue } = call;
  return { id, direction, from, to, status, outcome, startedAt, answeredAt, endedAt, answeredBy, queue };
}

/** `popupFields` may be a read still running (the tenant settings): it runs alongside the customer lookup. */
export async function popupOf(tenant: string, call: Call, fields: readonly string[] | Promise<readonly string[]>): Promise<AgentMessageOf<'incoming_call'>> {
  const [customer, popupFields] = await Promise.all([call.customerNumber ? findCustomerByPhone(tenant, call.customerNumber) : null, fields]);
  return {
    type: 'incoming_call',
    call: callSummary(call),
    customer: customer ? customerCard(customer, popupFields) : null,
    // N2: an unknown number offers linking to a customer or creating a ticket.
    ...(customer ? {} : { actions: ['link_customer', 'create_ticket'] }),
  };
}

/** At most this many open calls are read: more open calls than that in one tenant is a sweeper's backlog, not pop-ups. */
const OPEN_CALLS_READ = 1000;

/** The calls ringing at or answered by this employee now, newest first, as their pop-ups. */
export async function currentPopups(tenant: string, employeeId: string, popupFields: readonly string[]): Promise<AgentMessageOf<'incoming_call'>[]> {
  const mine = (await openCalls(tenant, OPEN_CALLS_READ)).filter((c) => isCurrentCallOf(c, employeeId));
  mine.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  return Promise.all(mine.map((c) => popupOf(tenant, c, popupFields)));
}
