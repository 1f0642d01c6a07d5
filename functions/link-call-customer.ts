// POST /calls/{id}/customer: the caller is this existing customer (E2, T6).
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { linkCallCustomerRoute } from '#shared/http/routes/directory.ts';
import { linkCallToCustomer } from '#shared/services/directory.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = routeHandler(linkCallCustomerRoute, async ({ params, body }) => json(200, await linkCallToCustomer(tenantId, params.id, body.customerId)));
