// EMF metrics (CloudWatch extracts them from the log line; locally they are just JSON on stdout).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const metrics = new Metrics({ namespace: 'ringdesk', serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? 'ringdesk' });
export { MetricUnit };
