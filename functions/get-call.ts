// GET /calls/{id}
import { getCall } from '#shared/adapters/calls-repo.ts';
import { notFound } from '#shared/http/errors.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { getCallRoute } from '#shared/http/routes/core.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = routeHandler(getCallRoute, async ({ params }) => {
  const call = await getCall(tenantId, params.id);
  if (!call) throw notFound('call not found');
  return json(200, call);
});
