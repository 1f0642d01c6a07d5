// One structured JSON logger per container; correlation keys are appended per request and reset after.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? 'ringdesk' });

/** S4: numbers in logs keep only their last 4 digits. */
export function maskNumber(n: string | null | undefined): string {
  if (!n) return '';
  return n.length <= 4 ? '****' : `${'*'.repeat(n.length - 4)}${n.slice(-4)}`;
}
