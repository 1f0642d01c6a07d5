// Rebuilds a call from its archived raw deliveries with today's adapters (after an adapter fix, or to
// audit a call): the deliveries are verified and parsed again, exactly as when they arrived.
import type { TenantConfig } from '../config.ts';
import { tenantPolicy } from '../config.ts';
import { deliveriesOf } from '../adapters/deliveries-repo.ts';
import { callIdFor } from '../domain/call-id.ts';
import type { CanonicalEvent } from '../domain/call.ts';
import { adapters } from '../providers/index.ts';
import { own } from '../domain/lookup.ts';
import { replaceCallEvents, type RecordResult } from './record-call-events.ts';

export interface RebuildResult extends RecordResult {
  deliveries: number;
  events: number;
  /** Deliveries today's adapters refuse (e.g. a rotated secret), by reason. */
  refused: string[];
}

export async function rebuildCall(tenant: string, config: TenantConfig, callId: string): Promise<RebuildResult | null> {
  const deliveries = await deliveriesOf(tenant, callId);
  if (deliveries.length === 0) return null;
  const policy = tenantPolicy(config);
  const events: CanonicalEvent[] = [];
  const refused: string[] = [];
  for (const d of deliveries) {
    const adapter = own(adapters, d.provider);
    const settings = (config.providers as Record<string, unknown>)[d.provider];
    if (!adapter || !settings) {
      refused.push(`${d.provider}: not configured`);
      continue;
    }
    try {
      events.push(...adapter.handle(d.request, settings, policy).events.filter((e) => callIdFor(e.provider, e.providerCallId) === callId));
    } catch (err) {
      refused.push(`${d.provider}: ${(err as Error).message}`);
    }
  }
  if (events.length === 0) return { callId, changed: false, published: 0, deliveries: deliveries.length, events: 0, refused };
  const result = await replaceCallEvents(tenant, config.country, callId, events);
  return { ...result, deliveries: deliveries.length, events: events.length, refused };
}
