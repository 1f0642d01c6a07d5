// GET /calls/{id}
import { getCall } from '#shared/adapters/calls-repo.ts';
import { notFound } from '#shared/http/errors.ts';
import { httpHandler, json } from '#shared/http/middleware.ts';
import { principalOf } from '#shared/http/principal.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = httpHandler(async (event) => {
  await principalOf(event);
  const call = await getCall(tenantId, event.pathParameters?.['id'] ?? '');
  if (!call) throw notFound('call not found');
  return json(200, call);
});
