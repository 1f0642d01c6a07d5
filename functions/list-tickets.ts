// GET /tickets?status&missed&customerId&number: newest first, cursor-paginated.
import { listTickets, type TicketFilters } from '#shared/adapters/tickets-repo.ts';
import { Invalid } from '#shared/domain/errors.ts';
import { normalizePhone } from '#shared/domain/phone.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { listTicketsRoute } from '#shared/http/routes/core.ts';
import { tenantId, tenantSettings } from '#shared/tenant.ts';

export const handler = routeHandler(listTicketsRoute, async ({ query }) => {
  const filters: TicketFilters = {};
  if (query.missed) filters.missed = query.missed === 'true';
  if (query.customerId) filters.customerId = query.customerId;
  if (query.number) {
    const e164 = normalizePhone(query.number, (await tenantSettings()).country).e164;
    if (!e164) throw new Invalid('number: not a phone number', 'invalid_query');
    filters.number = e164;
  }
  return json(200, await listTickets(tenantId, query.status, query.limit, query.cursor, filters));
});
