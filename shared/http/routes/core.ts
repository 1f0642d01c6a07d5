// The routes that came before the helpdesk actions: call log and tickets (read), rebuild (admin),
// the provider webhooks (public, signed by the provider) and the API document itself (public).
// Pure data: no AWS, no tenant settings, so the OpenAPI generator and the tests can import it.
import { z } from 'zod';
import { callSchema, ticketSchema } from '../../events/catalog.ts';
import { directions, outcomes } from '../../domain/call.ts';
import { callLogRowSchema } from '../../domain/call-log.ts';
import { writerRoles } from '../../domain/principal.ts';
import { ticketStatuses } from '../../domain/ticket.ts';
import type { RouteSpec } from '../api.ts';
import { csvQueryFields, csvRedirects } from '../export-token.ts';
import { pageQuery } from '../query.ts';

/** Ids of our items (`c_…` calls, ULID tickets, `emp-101`): never a key separator, a dot or a slash. */
export const resourceId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'ids are 1 to 128 letters, digits, "_" or "-"')
  .describe('Item id');

export const idParams = z.object({ id: resourceId });

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    next: z.string().nullable().describe('Cursor of the next page (pass as `cursor`), null on the last page'),
  });
}

/** Who reads the call log, tickets and the directory: every employee of the tenant (admins may do everything). */
export const readers = ['agent', 'analyst'] as const satisfies RouteSpec['roles'];

/** Who changes customers and call links: not analysts, who only read (`mayWrite`). */
export const writers = [...writerRoles] as const satisfies RouteSpec['roles'];

const instant = z.iso.datetime({ offset: true, message: 'an ISO-8601 instant with a time zone, e.g. 2026-11-21T10:00:00Z' });

/** The filters of the call log (L1), also for readers of the whole log (export). Numbers are normalized by the service. */
export const callLogFilterFields = z.object({
  from: instant.optional().describe('Calls started at or after this instant'),
  to: instant.optional().describe('Calls started before this instant'),
  direction: z.enum(directions).optional(),
  outcome: z.enum(outcomes).optional(),
  employeeId: resourceId.optional().describe('Calls that rang at or were answered by this employee'),
  line: z.string().trim().min(1).max(64).optional().describe('Line / entry number (the company-side number), any spelling'),
  number: z.string().trim().min(1).max(64).optional().describe("The customer's number, any spelling"),
  customerId: resourceId.optional().describe("Calls from or to any of this customer's numbers; an unknown customer is a 404"),
  hasRecording: z.literal('true').optional().describe('Only calls with a recording'),
});

const fromBeforeTo = (q: { from?: string | undefined; to?: string | undefined }) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to);

export const callLogQuery = pageQuery.extend(callLogFilterFields.shape).extend(csvQueryFields).refine(fromBeforeTo, { message: '`from` must be before `to`', path: ['from'] });

export const listCallsRoute = {
  id: 'listCalls',
  method: 'GET',
  path: '/calls',
  summary:
    "The tenant's call log, newest first, cursor-paginated (L1). Without filters: every call, ringing ones included. " +
    'With filters: ended calls; one filtered page reads at most 1,000 log items, so it may hold fewer than `limit` rows while `next` is not null.',
  roles: [...readers],
  query: callLogQuery,
  response: pageOf(callLogRowSchema),
  errors: [404],
  redirects: csvRedirects,
} satisfies RouteSpec;

export const getCallRoute = {
  id: 'getCall',
  method: 'GET',
  path: '/calls/{id}',
  summary: 'One call with its legs',
  roles: [...readers],
  params: idParams,
  response: callSchema,
  errors: [404],
} satisfies RouteSpec;

export const ticketsQuery = pageQuery.extend({
  status: z.enum(ticketStatuses).optional(),
  missed: z.enum(['true', 'false']).optional().describe('`true`: only missed-call tickets (M1); `false`: only the others'),
  customerId: resourceId.optional().describe("Only this customer's tickets"),
  number: z.string().trim().min(1).max(64).optional().describe("Only tickets of this customer number, any spelling"),
});

export const listTicketsRoute = {
  id: 'listTickets',
  method: 'GET',
  path: '/tickets',
  summary:
    "The tenant's tickets, newest first, optionally by status, missed flag, customer or number, cursor-paginated. " +
    'With missed, customerId or number: one page reads at most 1,000 tickets, so it may hold fewer than `limit` while `next` is not null.',
  roles: [...readers],
  query: ticketsQuery,
  response: pageOf(ticketSchema),
} satisfies RouteSpec;

export const getTicketRoute = {
  id: 'getTicket',
  method: 'GET',
  path: '/tickets/{id}',
  summary: 'One ticket with its messages',
  roles: [...readers],
  params: idParams,
  response: ticketSchema,
  errors: [404],
} satisfies RouteSpec;

export const rebuildCallRoute = {
  id: 'rebuildCall',
  method: 'POST',
  path: '/calls/{id}/rebuild',
  summary: "Re-derive a call from its archived raw deliveries with today's adapters",
  roles: ['admin'],
  params: idParams,
  response: z.object({
    callId: z.string(),
    changed: z.boolean(),
    published: z.number().int().describe('Events published because the call changed'),
    deliveries: z.number().int().describe('Archived deliveries of the call'),
    events: z.number().int().describe('Canonical events they yield today'),
    refused: z.array(z.string()).describe('Deliveries the adapters refuse today, with the reason'),
  }),
  errors: [404],
} satisfies RouteSpec;

const webhookParams = z.object({
  tenant: z.string().describe('Tenant id; another tenant gets 404'),
  provider: z.string().describe('Provider adapter: zammad, mango, zadarma, twilio, megafon, ringdesk'),
});
const webhookPathParams = webhookParams.extend({
  path: z.string().describe("What the provider appends to its URL, slashes included (Zammad's token, Mango's `events/call`, Twilio's `dial-action`)"),
});

const webhookReply = z.unknown().describe("The provider's expected answer: JSON (`{}` by default), or text/XML for providers that need it");

function webhookRoute(method: 'GET' | 'POST', withPath: boolean) {
  return {
    id: `${method.toLowerCase()}Webhook${withPath ? 'Path' : ''}`,
    method,
    path: `/webhooks/{tenant}/{provider}${withPath ? '/{path+}' : ''}`,
    summary:
      method === 'POST'
        ? `PBX webhook${withPath ? ' with a path tail' : ''}: verified by the provider's signature or token (S2), never by a bearer token`
        : `PBX GET callback or handshake${withPath ? ' with a path tail' : ''} (Zadarma zd_echo, Twilio GET callbacks)`,
    roles: [],
    params: withPath ? webhookPathParams : webhookParams,
    response: webhookReply,
    errors: [401, 404, 413, 415, 422],
  } satisfies RouteSpec;
}

/** The four API Gateway routes of the one ingest function. */
export const webhookRoutes = [webhookRoute('POST', false), webhookRoute('GET', false), webhookRoute('POST', true), webhookRoute('GET', true)];

export const openApiRoute = {
  id: 'getOpenApi',
  method: 'GET',
  path: '/openapi.json',
  summary: 'This API as an OpenAPI 3.1 document',
  roles: [],
  response: z.record(z.string(), z.unknown()).describe('OpenAPI 3.1 document'),
} satisfies RouteSpec;

export const coreRoutes: RouteSpec[] = [listCallsRoute, getCallRoute, listTicketsRoute, getTicketRoute, rebuildCallRoute, ...webhookRoutes, openApiRoute];
