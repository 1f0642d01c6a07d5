// Call Ended → the call is filed under the facets of the call log (L1): its direction, outcome,
// employees, line, customer number, recording. Re-reads the call item, so duplicated or late events
// file the latest state once; a failure throws (retries, then the dead-letter queue, S5).
import { fileCallInLog } from '#shared/adapters/call-log-repo.ts';
import { findCustomerIdByPhone } from '#shared/adapters/customers-repo.ts';
import { logger } from '#shared/adapters/logger.ts';
import { eventHandler } from '#shared/events/consumer.ts';
import { consumers } from '#shared/events/subscriptions.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = eventHandler(consumers['index-call-log'], async ({ detail }) => {
  const outcome = await fileCallInLog(tenantId, detail.call.id, (e164) => findCustomerIdByPhone(tenantId, e164));
  if (outcome === 'no_call') logger.warn('Call Ended for a call that is not stored', { revision: detail.revision });
});
