// GET /calls: the tenant's call log, newest first, cursor-paginated.
import { listCalls } from '#shared/adapters/calls-repo.ts';
import { httpHandler, json } from '#shared/http/middleware.ts';
import { principalOf } from '#shared/http/principal.ts';
import { pageQuery, parseQuery } from '#shared/http/query.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = httpHandler(async (event) => {
  await principalOf(event);
  const q = parseQuery(pageQuery, event.queryStringParameters);
  return json(200, await listCalls(tenantId, q.limit, q.cursor));
});
