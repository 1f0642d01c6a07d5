// Call Ended → the call statistics buckets (L2, L3). Re-reads the call: deliveries may be duplicated,
// shuffled or stale, and the stored call is the truth (shared/services/stats.ts).
import { logger } from '#shared/adapters/logger.ts';
import { callEvents } from '#shared/events/catalog.ts';
import { eventHandler } from '#shared/events/consumer.ts';
import { countCall } from '#shared/services/stats.ts';
import { tenantConfig, tenantId } from '#shared/tenant.ts';

const settings = { timeZone: tenantConfig.timeZone, minTalkSeconds: tenantConfig.analytics.targetCall.minTalkSeconds };

export const handler = eventHandler([callEvents.ended], async ({ detail }) => {
  if (detail.tenantId !== tenantId) throw new Error(`event for tenant ${detail.tenantId} reached tenant ${tenantId}`);
  const result = await countCall(tenantId, detail.call.id, settings);
  logger.info('call statistics', { result, revision: detail.revision });
});
