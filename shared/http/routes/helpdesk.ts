// The helpdesk actions of agents (T1–T3, T7, N4): filing a call as a ticket, linking it, calling the
// customer from a ticket, changing a ticket's status and adding messages. Pure data (route specs).
import { z } from 'zod';
import { ticketStatuses } from '../../domain/ticket.ts';
import { ticketSchema } from '../../events/catalog.ts';
import type { RouteSpec } from '../api.ts';
import { idParams, resourceId } from './core.ts';

const agents = ['agent'] as const satisfies RouteSpec['roles'];
const summary = z.string().max(10_000).describe('What was talked about: the message body of the call');

export const ticketDraftRoute = {
  id: 'openTicketDraft',
  method: 'POST',
  path: '/calls/{id}/ticket-draft',
  summary: 'The agent opened the create-ticket page for this call (T3: an empty ticket is made at the end if nothing else is done)',
  roles: [...agents],
  params: idParams,
  response: z.object({ callId: z.string(), action: z.literal('draft') }),
  status: 202,
  errors: [404],
} satisfies RouteSpec;

export const createTicketFromCallRoute = {
  id: 'createTicketFromCall',
  method: 'POST',
  path: '/calls/{id}/ticket',
  summary: "Create a ticket from the call, during or after it (T1); an unknown caller becomes a customer (T6). `pending` once the call ended",
  roles: [...agents],
  params: idParams,
  body: z.strictObject({ subject: z.string().trim().min(1).max(500), summary: summary.default('') }),
  response: ticketSchema,
  status: 201,
  errors: [404, 409],
} satisfies RouteSpec;

export const linkCallRoute = {
  id: 'linkCallToTicket',
  method: 'POST',
  path: '/calls/{id}/link',
  summary: 'Link the call to an existing ticket of channel calls (T2), or give the summary of a call placed from that ticket (T7)',
  roles: [...agents],
  params: idParams,
  body: z.strictObject({ ticketId: resourceId, summary: summary.default('') }),
  response: ticketSchema,
  errors: [404],
} satisfies RouteSpec;

export const callCustomerRoute = {
  id: 'callCustomerFromTicket',
  method: 'POST',
  path: '/tickets/{id}/call',
  summary: "Click-to-call (T7, N4): the tenant's PBX rings the agent, then dials the customer; the call is filed into this ticket",
  roles: [...agents],
  params: idParams,
  body: z.strictObject({ phone: z.string().min(3).max(40).optional().describe("Number to call; default the ticket's customer number") }),
  response: z.object({ ticketId: z.string(), commandId: z.string(), provider: z.string(), number: z.string(), providerCallId: z.string().nullable() }),
  status: 202,
  errors: [404, 502],
} satisfies RouteSpec;

export const updateTicketRoute = {
  id: 'updateTicket',
  method: 'PATCH',
  path: '/tickets/{id}',
  summary: "Change a ticket's status",
  roles: [...agents],
  params: idParams,
  body: z.strictObject({ status: z.enum(ticketStatuses) }),
  response: ticketSchema,
  errors: [404],
} satisfies RouteSpec;

export const addTicketMessageRoute = {
  id: 'addTicketMessage',
  method: 'POST',
  path: '/tickets/{id}/messages',
  summary: 'Add a note to a ticket',
  roles: [...agents],
  params: idParams,
  body: z.strictObject({ body: z.string().trim().min(1).max(10_000) }),
  response: ticketSchema,
  status: 201,
  errors: [404],
} satisfies RouteSpec;

export const callActionRoutes = [ticketDraftRoute, createTicketFromCallRoute, linkCallRoute];
export const ticketActionRoutes = [callCustomerRoute, updateTicketRoute, addTicketMessageRoute];
export const helpdeskRoutes: RouteSpec[] = [...callActionRoutes, ...ticketActionRoutes];
