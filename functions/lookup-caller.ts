// Who is calling: GET /lookup?phone= (the caller's customer card and responsible manager, E3, N1
// fields) and GET /me/calls (the caller's current calls as pop-ups, fetched after a reconnect).
import { customerCard } from '#shared/domain/directory.ts';
import { dispatch } from '#shared/http/dispatch.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { lookupRoute, myCallsRoute } from '#shared/http/routes/directory.ts';
import { currentPopups } from '#shared/services/popups.ts';
import { callerOf } from '#shared/services/responsible-employee.ts';
import { tenantId, tenantSettings } from '#shared/tenant.ts';

export const handler = dispatch([
  [
    lookupRoute,
    routeHandler(lookupRoute, async ({ query }) => {
      const { country, popupFields } = await tenantSettings();
      const { customer, responsible } = await callerOf(tenantId, country, query.phone);
      return json(200, {
        customer: customer ? customerCard(customer, popupFields) : null,
        responsible: responsible ? { id: responsible.id, extension: responsible.extension, fullName: responsible.fullName } : null,
      });
    }),
  ],
  [myCallsRoute, routeHandler(myCallsRoute, async ({ principal }) => json(200, { items: await currentPopups(tenantId, principal.employeeId, (await tenantSettings()).popupFields) }))],
]);
