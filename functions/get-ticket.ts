// GET /tickets/{id}
import { getTicketRecord } from '#shared/adapters/tickets-repo.ts';
import { notFound } from '#shared/http/errors.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { getTicketRoute } from '#shared/http/routes/core.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = routeHandler(getTicketRoute, async ({ params }) => {
  const rec = await getTicketRecord(tenantId, params.id);
  if (!rec) throw notFound('ticket not found');
  return json(200, rec.ticket);
});
