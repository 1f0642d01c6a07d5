// GET /reports/helpdesk (L5): helpdesk statistics from the aggregates.
import { boundedJson } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { helpdeskReportRoute } from '#shared/http/routes/reports.ts';
import { helpdeskReport, reportTooLarge } from '#shared/services/reports.ts';
import { tenantConfig, tenantId } from '#shared/tenant.ts';

const tenant = { id: tenantId, timeZone: tenantConfig.timeZone };

export const handler = routeHandler(helpdeskReportRoute, async ({ query }) => boundedJson(200, await helpdeskReport(tenant, query), reportTooLarge));
