// POST /calls/{id}/ticket-draft | /ticket | /link — the agent files a call (T1, T2, T3, T6).
import { createTicketFromCallRoute, linkCallRoute, ticketDraftRoute } from '#shared/http/routes/helpdesk.ts';
import { dispatch } from '#shared/http/dispatch.ts';
import { json } from '#shared/http/middleware.ts';
import type { Principal } from '#shared/http/auth.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { createTicketFromCall, linkCall, openTicketDraft, type ActionContext } from '#shared/services/agent-actions.ts';
import { tenantId, tenantSettings } from '#shared/tenant.ts';

const ctx = async (principal: Principal): Promise<ActionContext> => {
  const { locale, country } = await tenantSettings();
  return { tenant: tenantId, locale, country, principal };
};

export const handler = dispatch([
  [ticketDraftRoute, routeHandler(ticketDraftRoute, async ({ principal, params }) => json(202, await openTicketDraft(await ctx(principal), params.id)))],
  [createTicketFromCallRoute, routeHandler(createTicketFromCallRoute, async ({ principal, params, body }) => json(201, await createTicketFromCall(await ctx(principal), params.id, body)))],
  [linkCallRoute, routeHandler(linkCallRoute, async ({ principal, params, body }) => json(200, await linkCall(await ctx(principal), params.id, body)))],
]);
