// GET /reports/calls (L2, L3): call metrics from the aggregates.
import { csvRedirect } from '#shared/http/export-token.ts';
import { boundedJson } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { callReportRoute } from '#shared/http/routes/reports.ts';
import { callReport, reportTooLarge } from '#shared/services/reports.ts';
import { tenantId, tenantSettings } from '#shared/tenant.ts';

const tenant = async () => ({ id: tenantId, timeZone: (await tenantSettings()).timeZone });

export const handler = routeHandler(callReportRoute, async ({ query, principal, event }) =>
  // CSV (`format=csv` / `Accept: text/csv`, L4) streams from the export URL: 303 there.
  (await csvRedirect(principal, callReportRoute.path, event.rawQueryString, event.headers)) ?? boundedJson(200, await callReport(await tenant(), query), reportTooLarge),
);
