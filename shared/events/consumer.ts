// The one chain for EventBridge consumers: accept only the consumer's own events (its entry in
// shared/events/subscriptions.ts, the same constant its rule's pattern is built from), validate `detail`
// against the catalog, refuse another tenant's event, correlate logs (the base chain, adapters/handler.ts,
// clears the keys after each event). Every refusal throws: Lambda's async retries and the dead-letter
// queue take over (S5), so nothing is dropped silently.
import type { EventBridgeEvent } from 'aws-lambda';
import type { z } from 'zod';
import { lambdaHandler } from '../adapters/handler.ts';
import { logger } from '../adapters/logger.ts';
import { requireEnv } from '../config.ts';
import type { EventDefinition } from './catalog.ts';

export type CatalogEvent<D extends EventDefinition<z.ZodType>> = { detailType: D['detailType']; detail: z.infer<D['schema']>; id: string };

export function eventHandler<D extends EventDefinition<z.ZodType>>(defs: readonly D[], fn: (e: CatalogEvent<D>) => Promise<void>) {
  return lambdaHandler<EventBridgeEvent<string, unknown>, void>(async (event: EventBridgeEvent<string, unknown>) => {
    const def = defs.find((d) => d.detailType === event['detail-type'] && d.source === event.source);
    // A rule routed something this consumer does not handle: its pattern and its list disagree.
    if (!def) throw new Error(`unexpected event ${event.source} / ${event['detail-type']}: not in this consumer's list`);
    const detail = def.schema.parse(event.detail) as z.infer<D['schema']>;
    const d = detail as { call?: { id?: string }; ticket?: { id?: string }; tenantId?: string };
    // Read on delivery, not at import: trigger files are imported by the CDK app too.
    const tenant = requireEnv('TENANT_ID');
    if (d.tenantId !== tenant) throw new Error(`event for tenant ${d.tenantId} reached tenant ${tenant}`);
    logger.appendKeys({ eventId: event.id, detailType: def.detailType, tenant: d.tenantId, callId: d.call?.id, ticketId: d.ticket?.id });
    await fn({ detailType: def.detailType, detail, id: event.id });
  });
}
