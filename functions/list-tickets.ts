// GET /tickets?status=open|pending|closed: newest first, cursor-paginated.
import { z } from 'zod';
import { listTickets } from '#shared/adapters/tickets-repo.ts';
import { httpHandler, json } from '#shared/http/middleware.ts';
import { principalOf } from '#shared/http/principal.ts';
import { pageQuery, parseQuery } from '#shared/http/query.ts';
import { tenantId } from '#shared/tenant.ts';

const query = pageQuery.extend({ status: z.enum(['open', 'pending', 'closed']).optional() });

export const handler = httpHandler(async (event) => {
  await principalOf(event);
  const q = parseQuery(query, event.queryStringParameters);
  return json(200, await listTickets(tenantId, q.status, q.limit, q.cursor));
});
