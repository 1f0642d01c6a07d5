// GET /tickets/{id}
import { getTicketRecord } from '#shared/adapters/tickets-repo.ts';
import { notFound } from '#shared/http/errors.ts';
import { httpHandler, json } from '#shared/http/middleware.ts';
import { principalOf } from '#shared/http/principal.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = httpHandler(async (event) => {
  await principalOf(event);
  const rec = await getTicketRecord(tenantId, event.pathParameters?.['id'] ?? '');
  if (!rec) throw notFound('ticket not found');
  return json(200, rec.ticket);
});
