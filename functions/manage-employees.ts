// The employee directory (E1): POST/GET /employees, GET/PATCH /employees/{id}, POST /employees/{id}/deactivate.
// One function for the five routes (picked by route key): they share code, table access and warm containers.
import { getEmployee, pageEmployees, updateEmployee } from '#shared/adapters/employees-repo.ts';
import { dispatch } from '#shared/http/dispatch.ts';
import { notFound } from '#shared/http/errors.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { createEmployeeRoute, deactivateEmployeeRoute, getEmployeeRoute, listEmployeesRoute, patchEmployeeRoute } from '#shared/http/routes/directory.ts';
import { changeEmployee, registerEmployee } from '#shared/services/directory.ts';
import { tenantConfig, tenantId } from '#shared/tenant.ts';

export const handler = dispatch([
  [createEmployeeRoute, routeHandler(createEmployeeRoute, async ({ body }) => json(201, await registerEmployee(tenantId, tenantConfig.country, body)))],
  [listEmployeesRoute, routeHandler(listEmployeesRoute, async ({ query }) => json(200, await pageEmployees(tenantId, query.limit, query.cursor)))],
  [
    getEmployeeRoute,
    routeHandler(getEmployeeRoute, async ({ params }) => {
      const employee = await getEmployee(tenantId, params.id);
      if (!employee) throw notFound('employee not found');
      return json(200, employee);
    }),
  ],
  [patchEmployeeRoute, routeHandler(patchEmployeeRoute, async ({ params, body }) => json(200, await changeEmployee(tenantId, tenantConfig.country, params.id, body)))],
  [
    deactivateEmployeeRoute,
    routeHandler(deactivateEmployeeRoute, async ({ params }) => {
      const employee = await updateEmployee(tenantId, params.id, (e) => ({ ...e, active: false }));
      if (!employee) throw notFound('employee not found');
      return json(200, employee);
    }),
  ],
]);
