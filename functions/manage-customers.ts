// Customers (E2): POST /customers, GET /customers?q=, GET/PATCH /customers/{id}, POST /customers/{id}/merge.
// One function for the five routes (picked by route key).
import { getCustomer, mergeCustomers } from '#shared/adapters/customers-repo.ts';
import { searchCustomers } from '#shared/adapters/customer-search-repo.ts';
import { dispatch } from '#shared/http/dispatch.ts';
import { notFound } from '#shared/http/errors.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { createCustomerRoute, getCustomerRoute, mergeCustomerRoute, patchCustomerRoute, searchCustomersRoute } from '#shared/http/routes/directory.ts';
import { changeCustomer, registerCustomer } from '#shared/services/directory.ts';
import { tenantId, tenantSettings } from '#shared/tenant.ts';

export const handler = dispatch([
  [createCustomerRoute, routeHandler(createCustomerRoute, async ({ body }) => json(201, await registerCustomer(tenantId, (await tenantSettings()).country, body)))],
  [
    searchCustomersRoute,
    routeHandler(searchCustomersRoute, async ({ query }) => json(200, await searchCustomers(tenantId, (await tenantSettings()).country, query.q, query.limit, query.cursor))),
  ],
  [
    getCustomerRoute,
    routeHandler(getCustomerRoute, async ({ params }) => {
      const customer = await getCustomer(tenantId, params.id);
      if (!customer) throw notFound('customer not found');
      return json(200, customer);
    }),
  ],
  [patchCustomerRoute, routeHandler(patchCustomerRoute, async ({ params, body }) => json(200, await changeCustomer(tenantId, (await tenantSettings()).country, params.id, body)))],
  [
    mergeCustomerRoute,
    routeHandler(mergeCustomerRoute, async ({ params, body }) => json(200, await mergeCustomers(tenantId, params.id, body.from, new Date().toISOString()))),
  ],
]);
