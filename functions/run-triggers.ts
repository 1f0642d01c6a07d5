// EventBridge consumer: declarative trigger rules (R1–R3, R5) on call and ticket events. A failing action
// throws: Lambda retries the event with backoff, then it lands in the dead-letter queue.
import type { CallEventDetail, TicketEventDetail } from '#shared/events/catalog.ts';
import { eventHandler } from '#shared/events/consumer.ts';
import { consumers } from '#shared/events/subscriptions.ts';
import { callRuleEvents, runRules, ticketRuleEvents } from '#shared/services/triggers.ts';
import '#shared/tenant-secrets.ts'; // read at cold start
import { tenantConfig, tenantId } from '#shared/tenant.ts';

export const handler = eventHandler(consumers['run-triggers'], async ({ detailType, detail, id }) => {
  const inputs = detailType.startsWith('Call ')
    ? callRuleEvents(detailType, detail as CallEventDetail)
    : await ticketRuleEvents(tenantId, detailType, detail as TicketEventDetail);
  const ctx = { tenant: tenantId, config: await tenantConfig() };
  for (const input of inputs) await runRules(ctx, input, id);
});
