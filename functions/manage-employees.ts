// The employee directory (E1) and its logins (S6): POST/GET /employees, GET/PATCH /employees/{id},
// POST /employees/{id}/deactivate. One function for the five routes (picked by route key): they
// share code, table access and warm containers. Creating an employee with an email invites them to
// the tenant's user pool; deactivating disables the login and closes their WebSockets.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { disconnectEmployee } from '#shared/adapters/agent-notifier.ts';
import { getEmployee, pageEmployees } from '#shared/adapters/employees-repo.ts';
import { cognitoUserPool } from '#shared/adapters/user-pool.ts';
import { requireEnv } from '#shared/config.ts';
import { dispatch } from '#shared/http/dispatch.ts';
import { notFound } from '#shared/http/errors.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { createEmployeeRoute, deactivateEmployeeRoute, getEmployeeRoute, listEmployeesRoute, patchEmployeeRoute } from '#shared/http/routes/directory.ts';
import { changeEmployee, deactivateEmployee, type EmployeeLoginPorts, registerEmployee } from '#shared/services/employee-logins.ts';
import { tenantId, tenantSettings } from '#shared/tenant.ts';
import { sdkClientOptions } from '#shared/adapters/sdk-options.ts';

const logins: EmployeeLoginPorts = {
  userPool: cognitoUserPool(new CognitoIdentityProviderClient(sdkClientOptions), requireEnv('COGNITO_USER_POOL_ID')),
  disconnect: disconnectEmployee,
};

export const handler = dispatch([
  [createEmployeeRoute, routeHandler(createEmployeeRoute, async ({ body }) => json(201, await registerEmployee(tenantId, (await tenantSettings()).country, body, logins)))],
  [listEmployeesRoute, routeHandler(listEmployeesRoute, async ({ query }) => json(200, await pageEmployees(tenantId, query.limit, query.cursor)))],
  [
    getEmployeeRoute,
    routeHandler(getEmployeeRoute, async ({ params }) => {
      const employee = await getEmployee(tenantId, params.id);
      if (!employee) throw notFound('employee not found');
      return json(200, employee);
    }),
  ],
  [patchEmployeeRoute, routeHandler(patchEmployeeRoute, async ({ params, body }) => json(200, await changeEmployee(tenantId, (await tenantSettings()).country, params.id, body, logins)))],
  [deactivateEmployeeRoute, routeHandler(deactivateEmployeeRoute, async ({ params }) => json(200, await deactivateEmployee(tenantId, (await tenantSettings()).country, params.id, logins)))],
]);
