// GET /calls: the tenant's call log, newest first, cursor-paginated.
import { listCalls } from '#shared/adapters/calls-repo.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { listCallsRoute } from '#shared/http/routes/core.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = routeHandler(listCallsRoute, async ({ query }) => json(200, await listCalls(tenantId, query.limit, query.cursor)));
