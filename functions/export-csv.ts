// GET {ExportUrl}calls?…: the call log as CSV (L4), streamed from a Lambda Function URL in
// RESPONSE_STREAM mode (API Gateway would buffer it, 6 MB at most). The handler authenticates
// itself (export token of the API's 303, or a bearer token): the URL's auth type is NONE.
// Every refusal (401/403/400/404) is a whole JSON response sent before any CSV byte; a failure
// after the first byte aborts the response, so a client never takes a cut-off file for a whole one.
import { Readable } from 'node:stream';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { lambdaHandler } from '#shared/adapters/handler.ts';
import { logger } from '#shared/adapters/logger.ts';
import { prepareExport } from '#shared/http/export-request.ts';
import { httpEdge } from '#shared/http/middleware.ts';
import { verifyToken } from '#shared/http/principal.ts';
import { tenantSecrets } from '#shared/tenant-secrets.ts';
import { tenantId, tenantSettings } from '#shared/tenant.ts';

const settings = async () => {
  const [{ timeZone, country }, { authSecret }] = await Promise.all([tenantSettings(), tenantSecrets()]);
  return { tenant: tenantId, authSecret, verifyBearer: verifyToken, timeZone, country };
};
/** Bytes the CSV source may read ahead of the response stream. */
const READ_AHEAD_BYTES = 64 * 1024;

export const handler = lambdaHandler(
  async (event: APIGatewayProxyEventV2) => {
    const csv = await prepareExport(event, await settings());
    logger.appendKeys({ employeeId: csv.principal.employeeId });
    logger.info('csv export', { path: event.rawPath });
    return {
      statusCode: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${csv.filename}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
      // Bytes, not objects: the stream reads the next page only once the response has taken the last.
      body: Readable.from(csv.chunks, { objectMode: false, highWaterMark: READ_AHEAD_BYTES }),
    };
  },
  { streamifyResponse: true },
).use(httpEdge((event) => `GET ${event.rawPath}`, { 'cache-control': 'no-store' }));
