// Ticket Created / Ticket Updated → the helpdesk statistics buckets (L5). Re-reads the ticket and the
// call it was created from (shared/services/stats.ts).
import { logger } from '#shared/adapters/logger.ts';
import { eventHandler } from '#shared/events/consumer.ts';
import { consumers } from '#shared/events/subscriptions.ts';
import { countTicket } from '#shared/services/stats.ts';
import { tenantId, tenantSettings } from '#shared/tenant.ts';

const statsSettings = async () => {
  const s = await tenantSettings();
  return { timeZone: s.timeZone, minTalkSeconds: s.analytics.targetCall.minTalkSeconds };
};

export const handler = eventHandler(consumers['count-ticket-stats'], async ({ detail }) => {
  const result = await countTicket(tenantId, detail.ticket.id, await statsSettings());
  logger.info('ticket statistics', { result });
});
