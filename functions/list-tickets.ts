// GET /tickets?status=open|pending|closed: newest first, cursor-paginated.
import { listTickets } from '#shared/adapters/tickets-repo.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { listTicketsRoute } from '#shared/http/routes/core.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = routeHandler(listTicketsRoute, async ({ query }) =>
  json(200, await listTickets(tenantId, query.status, query.limit, query.cursor)),
);
