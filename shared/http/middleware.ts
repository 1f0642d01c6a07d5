// The HTTP layer of the handler chain: the API's request id and route in logs, typed errors → stable JSON bodies.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { errorBody, httpErrorOf } from './errors.ts';
import { lambdaHandler } from '../adapters/handler.ts';
import { logger } from '../adapters/logger.ts';

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/**
 * Lambda refuses a buffered result over 6 MB (the client would get a bare 500). Bodies that can grow
 * with the query (reports) are checked here and answered with a 400 that says what to do instead.
 */
export const MAX_JSON_BODY_BYTES = 5_500_000;

export function boundedJson(statusCode: number, body: unknown, tooLarge: (bytes: number) => Error): APIGatewayProxyStructuredResultV2 {
  const result = json(statusCode, body);
  const bytes = Buffer.byteLength(result.body as string);
  if (bytes > MAX_JSON_BODY_BYTES) throw tooLarge(bytes);
  return result;
}

export function httpHandler(handler: HttpHandler) {
  return lambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(handler).use({
    before: (request) => {
      logger.appendKeys({ requestId: request.event.requestContext?.requestId, route: request.event.routeKey });
    },
    onError: (request) => {
      const err = request.error;
      const known = httpErrorOf(err);
      if (known) {
        request.response = { statusCode: known.statusCode, headers: { 'content-type': 'application/json' }, body: errorBody(known.code, known.message) };
        return;
      }
      logger.error('unhandled error', { error: err as Error });
      request.response = { statusCode: 500, headers: { 'content-type': 'application/json' }, body: errorBody('internal', 'internal error') };
    },
  });
}
