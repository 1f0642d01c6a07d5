// GET /lookup?phone=: the caller's customer card and responsible manager (E3, N1 fields).
import { customerCard } from '#shared/domain/directory.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { lookupRoute } from '#shared/http/routes/directory.ts';
import { callerOf } from '#shared/services/responsible-employee.ts';
import { tenantConfig, tenantId } from '#shared/tenant.ts';

export const handler = routeHandler(lookupRoute, async ({ query }) => {
  const { customer, responsible } = await callerOf(tenantId, tenantConfig.country, query.phone);
  return json(200, {
    customer: customer ? customerCard(customer, tenantConfig.popupFields) : null,
    responsible: responsible ? { id: responsible.id, extension: responsible.extension, fullName: responsible.fullName } : null,
  });
});
