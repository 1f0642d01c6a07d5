// Call Ended → tickets by the T/M rules (T1–T9, M1–M5, per leg; docs/rules.md).
import { getCall } from '#shared/adapters/calls-repo.ts';
import { logger } from '#shared/adapters/logger.ts';
import { metrics, MetricUnit } from '#shared/adapters/metrics.ts';
import { eventHandler } from '#shared/events/consumer.ts';
import { consumers } from '#shared/events/subscriptions.ts';
import { ticketForCall } from '#shared/services/call-tickets.ts';
import { tenantId, tenantSettings } from '#shared/tenant.ts';

export const handler = eventHandler(consumers['create-call-ticket'], async ({ detail }) => {
  // Deliveries may be shuffled: decide on the call as stored now, not on the event's snapshot. No
  // decision is final: each run moves the call's tickets to the plan for the call it is given (the
  // marker keeps one decision per call + leg, revised by a late answer, recording or agent action),
  // so a stale snapshot delivered last would move them back.
  const call = (await getCall(tenantId, detail.call.id)) ?? detail.call;
  const result = await ticketForCall(tenantId, (await tenantSettings()).locale, call);
  logger.info('call ticket', { result, revision: detail.revision });
  if (result.kind === 'created' || result.kind === 'appended') {
    metrics.addMetric(result.kind === 'created' ? 'TicketsCreated' : 'CallsGroupedIntoTickets', MetricUnit.Count, 1);
  }
});
