// The HTTP layer of the handler chain: the API's request id and route in logs, typed errors → stable JSON bodies.
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { errorResponse, httpErrorOf } from './errors.ts';
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

/**
 * The HTTP edge of a handler chain: the request id and route in every log line; a failure answered
 * with its error mapped to HTTP (errors.ts), and logged when it is not one the client may be told.
 */
export function httpEdge<R>(routeOf: (event: APIGatewayProxyEventV2) => string, errorHeaders: Record<string, string> = {}): middy.MiddlewareObj<APIGatewayProxyEventV2, R> {
  return {
    before: (request) => {
      logger.appendKeys({ requestId: request.event.requestContext?.requestId, route: routeOf(request.event) });
    },
    onError: (request) => {
      if (!httpErrorOf(request.error)) logger.error('unhandled error', { error: request.error as Error });
      request.response = errorResponse(request.error, errorHeaders) as R;
    },
  };
}

export function httpHandler(handler: HttpHandler) {
  return lambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(handler).use(httpEdge((event) => event.routeKey));
}
