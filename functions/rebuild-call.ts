// POST /calls/{id}/rebuild (admin): re-derive the call from its raw deliveries.
import { forbidden, notFound } from '#shared/http/errors.ts';
import { httpHandler, json } from '#shared/http/middleware.ts';
import { principalOf } from '#shared/http/principal.ts';
import { rebuildCall } from '#shared/services/rebuild-call.ts';
import { tenantConfig, tenantId } from '#shared/tenant.ts';

export const handler = httpHandler(async (event) => {
  const principal = await principalOf(event);
  if (principal.role !== 'admin') throw forbidden('only admins rebuild calls');
  const result = await rebuildCall(tenantId, tenantConfig, event.pathParameters?.['id'] ?? '');
  if (!result) throw notFound('no stored deliveries for this call');
  return json(200, result);
});
