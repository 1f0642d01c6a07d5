// The base of every Lambda handler: one middy chain that puts the Lambda context (function name,
// request id, cold start) into every log line and clears the keys a handler appended once the
// invocation ends, and flushes the metrics the invocation recorded, whether it succeeded or failed.
// HTTP routes, event consumers, WebSocket routes and the streaming export add their own middlewares.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { metrics } from './metrics.ts';

export interface LambdaHandlerOptions {
  /** A Function URL in RESPONSE_STREAM mode: the handler returns `{ statusCode, headers, body: Readable }`. */
  streamifyResponse?: boolean;
}

export function lambdaHandler<E, R>(fn: (event: E, context: Context) => Promise<R>, options: LambdaHandlerOptions = {}) {
  return middy<E, R>(fn, options)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
