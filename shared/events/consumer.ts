// The one chain for EventBridge consumers: validate `detail` against the catalog, correlate logs.
// Errors propagate so Lambda's async retries and the dead-letter queue take over (S5).
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import type { z } from 'zod';
import { logger } from '../adapters/logger.ts';
import type { EventDefinition } from './catalog.ts';

export type CatalogEvent<D extends EventDefinition<z.ZodType>> = { detailType: D['detailType']; detail: z.infer<D['schema']>; id: string };

export function eventHandler<D extends EventDefinition<z.ZodType>>(defs: readonly D[], fn: (e: CatalogEvent<D>) => Promise<void>) {
  return middy<EventBridgeEvent<string, unknown>, void>(async (event: EventBridgeEvent<string, unknown>) => {
    const def = defs.find((d) => d.detailType === event['detail-type'] && d.source === event.source);
    if (!def) {
      // A rule routed something this consumer does not know: a wiring bug, not a retryable failure.
      logger.warn('ignoring unexpected event', { detailType: event['detail-type'], source: event.source });
      return;
    }
    const detail = def.schema.parse(event.detail) as z.infer<D['schema']>;
    const d = detail as { call?: { id?: string }; ticket?: { id?: string }; tenantId?: string };
    logger.appendKeys({ eventId: event.id, detailType: def.detailType, tenant: d.tenantId, callId: d.call?.id, ticketId: d.ticket?.id });
    try {
      await fn({ detailType: def.detailType, detail, id: event.id });
    } finally {
      logger.resetKeys();
    }
  });
}
