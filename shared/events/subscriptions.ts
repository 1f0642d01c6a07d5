// Which events each consumer function handles, written once: the CDK rule's pattern is built from it
// (lib/features/*.ts) and the function's eventHandler accepts exactly it (shared/events/consumer.ts),
// so the two cannot disagree (test/cdk/stack.test.ts and test/unit/event-subscriptions.test.ts check it).
import type { z } from 'zod';
import { callEvents, ticketEvents, type EventDefinition } from './catalog.ts';

const callAndTicketEvents = [callEvents.ringing, callEvents.answered, callEvents.ended, ticketEvents.created, ticketEvents.updated] as const;

/** Function name (`functions/{name}.ts`) → the catalog entries it consumes from the tenant bus. */
export const consumers = {
  'create-call-ticket': [callEvents.ended],
  'notify-agents': callAndTicketEvents,
  'attribute-call-customer': [callEvents.ended],
  'index-call-log': [callEvents.ended],
  'count-call-stats': [callEvents.ended],
  'count-ticket-stats': [ticketEvents.created, ticketEvents.updated],
  // Answered and with a customer number: checked in the handler (a null field is present to `exists`).
  'cancel-callback-tasks': [callEvents.ended],
  'run-triggers': callAndTicketEvents,
} as const satisfies Record<string, readonly EventDefinition<z.ZodType>[]>;

export type ConsumerName = keyof typeof consumers;

/** The EventBridge pattern that matches exactly these catalog entries (detail-types are unique across sources). */
export function patternFor(defs: readonly EventDefinition<z.ZodType>[]): { source: string[]; detailType: string[] } {
  if (defs.length === 0) throw new Error('a pattern needs at least one event');
  return { source: [...new Set(defs.map((d) => d.source))], detailType: [...new Set(defs.map((d) => d.detailType))] };
}
