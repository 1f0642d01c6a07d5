// EMF metrics (CloudWatch extracts them from the log line; locally they are just JSON on stdout).
// Flushed after every invocation by the handler chain (handler.ts), never by hand.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from './logger.ts';

const EMPTY_FLUSH = 'No application metrics to publish';

// The library's own warnings go to the structured logger. Most functions record no metric, and the
// flush after each of their invocations would warn about it every time: that one is demoted to DEBUG.
const diagnostics = {
  debug: (message: string) => logger.debug(message),
  info: (message: string) => logger.info(message),
  warn: (message: string) => (String(message).startsWith(EMPTY_FLUSH) ? logger.debug(message) : logger.warn(message)),
  error: (message: string) => logger.error(message),
};

// The tenant is a dimension: two tenant stacks in one account must not add up on each other's dashboard.
const tenant = process.env['TENANT_ID'];
export const metrics = new Metrics({
  namespace: 'ringdesk',
  serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? 'ringdesk',
  ...(tenant ? { defaultDimensions: { tenant } } : {}),
  logger: diagnostics,
});
export { MetricUnit };
