// The HTTP side of a CSV export (L4): which API route's data a request path exports, who the caller
// is (export token of the 303, or a bearer token), whether their role may read that route, and the
// query validated against the route's own filters. The CSV itself comes from shared/services/exports.ts.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import type { Principal } from '../domain/principal.ts';
import { callLogCsv, callReportCsv, helpdeskReportCsv, type CsvFile, type ExportSettings } from '../services/exports.ts';
import { requireRole, type RouteSpec } from './api.ts';
import { bearer, type TokenVerifier } from './auth.ts';
import { AppError, notFound, unauthorized } from './errors.ts';
import { csvQueryFields, verifyExportToken } from './export-token.ts';
import { parseQuery } from './query.ts';
import { callLogFilterFields, listCallsRoute } from './routes/core.ts';
import { callReportQuery, callReportRoute, helpdeskReportQuery, helpdeskReportRoute } from './routes/reports.ts';

export interface ExportRequestSettings extends ExportSettings {
  /** Signs and checks the export tokens of the 303 (shared/http/export-token.ts). */
  authSecret: string;
  /** Checks an ordinary bearer token (shared/http/auth.ts). */
  verifyBearer: TokenVerifier;
}

/** A checked export, ready to stream. */
export interface CsvExport extends CsvFile {
  principal: Principal;
}

/** Parameters of the export URL itself, besides the route's filters; dropped before the service. */
const exportParams = {
  bom: csvQueryFields.bom,
  token: z.string().max(4096).optional().describe('Export token from the 303 of `GET /calls?format=csv`'),
  format: z.literal('csv').optional(),
};

interface ExportRoute {
  /** The API route whose data this exports: its path names the export, its roles decide who may. */
  spec: RouteSpec;
  file(query: Record<string, string | undefined> | undefined, s: ExportSettings): Promise<CsvFile>;
}

/** An export of `spec`'s data: the query is checked against `filters` plus the export's own parameters. */
function exportOf<F extends z.ZodObject>(spec: RouteSpec, filters: F, file: (s: ExportSettings, query: z.output<F>, bom: boolean) => Promise<CsvFile>): ExportRoute {
  const schema = filters.extend(exportParams);
  return {
    spec,
    file(raw, s) {
      const { bom, token: _token, format: _format, ...query } = parseQuery(schema, raw);
      // The filters' own fields, validated by `schema` (which extends them); TypeScript loses that through the generic.
      return file(s, query as z.output<F>, bom === 'true');
    },
  };
}

const routes: ExportRoute[] = [
  exportOf(listCallsRoute, callLogFilterFields, callLogCsv),
  exportOf(callReportRoute, callReportQuery, callReportCsv),
  exportOf(helpdeskReportRoute, helpdeskReportQuery, helpdeskReportCsv),
];

/** The caller: the export token of a 303 (`?token=`), else an ordinary bearer token. 401 before anything else. */
async function exportPrincipal(event: APIGatewayProxyEventV2, path: string, s: ExportRequestSettings): Promise<Principal> {
  const token = event.queryStringParameters?.['token'];
  if (token !== undefined) return verifyExportToken(token, s.authSecret, s.tenant, path);
  const auth = event.headers?.['authorization'];
  if (!auth) throw unauthorized('an export needs ?token= (from the 303 of the API) or an Authorization: Bearer token');
  return s.verifyBearer(bearer(auth));
}

/**
 * Checks an export request in the order every endpoint does, all before the first CSV byte:
 * path (404), method (405), caller (401), role (403), query (400).
 */
export async function prepareExport(event: APIGatewayProxyEventV2, s: ExportRequestSettings): Promise<CsvExport> {
  const path = event.rawPath.replace(/\/+$/, '') || '/';
  const route = routes.find((r) => r.spec.path === path);
  if (!route) throw notFound(`no export at ${path}; exports: ${routes.map((r) => r.spec.path).join(', ')}`);
  const method = event.requestContext.http.method;
  if (method !== 'GET') throw new AppError(405, 'method_not_allowed', 'exports are read with GET');
  const principal = await exportPrincipal(event, path, s);
  requireRole(principal, route.spec.roles);
  return { principal, ...(await route.file(event.queryStringParameters, { tenant: s.tenant, timeZone: s.timeZone, country: s.country })) };
}
