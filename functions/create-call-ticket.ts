// Call Ended → tickets by the T/M rules (T1–T9, M1–M5, per leg; docs/rules.md).
import { getCall } from '#shared/adapters/calls-repo.ts';
import { logger } from '#shared/adapters/logger.ts';
import { metrics, MetricUnit } from '#shared/adapters/metrics.ts';
import { eventHandler } from '#shared/events/consumer.ts';
import { consumers } from '#shared/events/subscriptions.ts';
import { ticketForCall } from '#shared/services/call-tickets.ts';
import { tenantConfig, tenantId } from '#shared/tenant.ts';

export const handler = eventHandler(consumers['create-call-ticket'], async ({ detail }) => {
  // Deliveries may be shuffled: decide on the call as stored now, not on a possibly stale snapshot,
  // since the first decision for a call is final (the ticket marker).
  const call = (await getCall(tenantId, detail.call.id)) ?? detail.call;
  const result = await ticketForCall(tenantId, tenantConfig.locale, call);
  logger.info('call ticket', { result, revision: detail.revision });
  if (result.kind === 'created' || result.kind === 'appended') {
    metrics.addMetric(result.kind === 'created' ? 'TicketsCreated' : 'CallsGroupedIntoTickets', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  }
});
