// POST /calls/{id}/rebuild (admin): re-derive the call from its raw deliveries.
import { notFound } from '#shared/http/errors.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { rebuildCallRoute } from '#shared/http/routes/core.ts';
import { rebuildCall } from '#shared/services/rebuild-call.ts';
import '#shared/tenant-secrets.ts'; // read at cold start
import { tenantConfig, tenantId } from '#shared/tenant.ts';

export const handler = routeHandler(rebuildCallRoute, async ({ params }) => {
  const result = await rebuildCall(tenantId, await tenantConfig(), params.id);
  if (!result) throw notFound('no stored deliveries for this call');
  return json(200, result);
});
