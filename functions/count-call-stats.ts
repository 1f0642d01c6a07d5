// Call Ended → the call statistics buckets (L2, L3). Re-reads the call: deliveries may be duplicated,
// shuffled or stale, and the stored call is the truth (shared/services/stats.ts).
import { logger } from '#shared/adapters/logger.ts';
import { eventHandler } from '#shared/events/consumer.ts';
import { consumers } from '#shared/events/subscriptions.ts';
import { countCall } from '#shared/services/stats.ts';
import { tenantId, tenantSettings } from '#shared/tenant.ts';

const statsSettings = async () => {
  const s = await tenantSettings();
  return { timeZone: s.timeZone, minTalkSeconds: s.analytics.targetCall.minTalkSeconds };
};

export const handler = eventHandler(consumers['count-call-stats'], async ({ detail }) => {
  const result = await countCall(tenantId, detail.call.id, await statsSettings());
  logger.info('call statistics', { result, revision: detail.revision });
});
