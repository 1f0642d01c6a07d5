// GET /calls: the tenant's call log (L1), newest first, filtered, cursor-paginated.
import { csvRedirect } from '#shared/http/export-token.ts';
import { json } from '#shared/http/middleware.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { listCallsRoute } from '#shared/http/routes/core.ts';
import { listCallLog } from '#shared/services/call-log.ts';
import { tenantSecrets } from '#shared/tenant-secrets.ts';
import { tenantId, tenantSettings } from '#shared/tenant.ts';

// Cursors are signed with a key derived from the tenant's secret (never the token key itself).
const settings = async () => ({ country: (await tenantSettings()).country, cursorKey: `call-log-cursor:${(await tenantSecrets()).authSecret}` });

export const handler = routeHandler(listCallsRoute, async ({ query, principal, event }) =>
  // CSV (`format=csv` / `Accept: text/csv`, L4) streams from the export URL: 303 there.
  (await csvRedirect(principal, listCallsRoute.path, event.rawQueryString, event.headers)) ?? json(200, await listCallLog(tenantId, query, await settings())),
);
