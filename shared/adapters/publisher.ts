// Publishes catalog events on the tenant bus. Entries are first kept in an outbox attribute of the item
// that caused them, so a failed PutEvents is retried on the next delivery instead of being lost.
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { z } from 'zod';
import { requireEnv } from '../config.ts';
import type { EventDefinition } from '../events/catalog.ts';
import { retry, tryAgain } from './retry.ts';
import { sdkClientOptions } from './sdk-options.ts';

const eventBusName = requireEnv('EVENT_BUS_NAME');
const events = new EventBridgeClient(sdkClientOptions);

export interface OutboxEntry {
  source: string;
  detailType: string;
  detail: string;
}

/** Validates the detail against the catalog: producers cannot emit what consumers would reject. */
export function outboxEntry<S extends z.ZodType>(def: EventDefinition<S>, detail: z.input<S>): OutboxEntry {
  return { source: def.source, detailType: def.detailType, detail: JSON.stringify(def.schema.parse(detail)) };
}

/** PutEvents again for the entries it failed (throttled, internal errors); then the caller's retry takes over. */
const PUT_RETRIES = { attempts: 3, baseMs: 50, capMs: 1000 };

export async function publish(entries: OutboxEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 10) {
    let batch: PutEventsRequestEntry[] = entries.slice(i, i + 10).map((e) => ({
      EventBusName: eventBusName,
      Source: e.source,
      DetailType: e.detailType,
      Detail: e.detail,
    }));
    let lastError = 'unknown';
    await retry({ ...PUT_RETRIES, giveUp: () => new Error(`PutEvents failed for ${batch.length} entries: ${lastError}`) }, async () => {
      const out = await events.send(new PutEventsCommand({ Entries: batch }));
      if (!out.FailedEntryCount) return undefined;
      lastError = out.Entries?.find((e) => e.ErrorCode)?.ErrorMessage ?? 'unknown';
      batch = batch.filter((_, j) => out.Entries?.[j]?.ErrorCode);
      return tryAgain;
    });
  }
}
