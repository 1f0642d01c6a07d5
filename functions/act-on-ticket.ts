// POST /tickets/{id}/call (T7, N4) | PATCH /tickets/{id} | POST /tickets/{id}/messages — the agent works a ticket.
import { addTicketMessageRoute, callCustomerRoute, updateTicketRoute } from '#shared/http/routes/helpdesk.ts';
import { dispatch } from '#shared/http/dispatch.ts';
import { json } from '#shared/http/middleware.ts';
import type { Principal } from '#shared/http/auth.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { addTicketNote, callCustomer, setTicketStatus, type ActionContext } from '#shared/services/agent-actions.ts';
import '#shared/tenant-secrets.ts'; // read at cold start
import { tenantConfig, tenantId, tenantSettings } from '#shared/tenant.ts';

const ctx = async (principal: Principal): Promise<ActionContext> => {
  const { locale, country } = await tenantSettings();
  return { tenant: tenantId, locale, country, principal };
};

export const handler = dispatch([
  [callCustomerRoute, routeHandler(callCustomerRoute, async ({ principal, params, body }) => json(202, await callCustomer(await ctx(principal), params.id, body, (await tenantConfig()).providers as Record<string, unknown>)))],
  [updateTicketRoute, routeHandler(updateTicketRoute, async ({ principal, params, body }) => json(200, await setTicketStatus(await ctx(principal), params.id, body.status)))],
  [addTicketMessageRoute, routeHandler(addTicketMessageRoute, async ({ principal, params, body }) => json(201, await addTicketNote(await ctx(principal), params.id, body.body)))],
]);
