// eventHandler (shared/events/consumer.ts): a consumer runs only for its own events of its own tenant;
// anything else throws, so Lambda retries it and then parks it in the dead-letter queue (S5).
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyTicket } from '#shared/domain/ticket.ts';
import { ticketEvents, type EventDefinition } from '#shared/events/catalog.ts';
import { eventHandler } from '#shared/events/consumer.ts';
import type { z } from 'zod';

const ticket = emptyTicket(
  { id: 't-1', tenantId: 'demo', subject: 'Missed call from +79161234567', status: 'open', missed: true, assigneeId: null, customerId: null, customerNumber: '+79161234567' },
  '2025-03-01T10:00:00.000Z',
);
const detail = (tenantId: string) => ({ schemaVersion: 1, tenantId, ticket: { ...ticket, tenantId }, callId: null });
const event = (def: EventDefinition<z.ZodType>, d: unknown): EventBridgeEvent<string, unknown> => ({
  version: '0',
  id: 'ev-1',
  'detail-type': def.detailType,
  source: def.source,
  account: '123456789012',
  time: '2025-03-01T10:00:00Z',
  region: 'eu-central-1',
  resources: [],
  detail: d,
});
const context = {} as Context;

describe('eventHandler', () => {
  beforeEach(() => vi.stubEnv('TENANT_ID', 'demo'));
  afterEach(() => vi.unstubAllEnvs());

  it('hands a listed event of its tenant to the consumer, detail parsed', async () => {
    const seen: string[] = [];
    const handler = eventHandler([ticketEvents.created], async ({ detailType, detail: d, id }) => void seen.push(`${detailType} ${d.ticket.id} ${id}`));
    await handler(event(ticketEvents.created, detail('demo')), context);
    expect(seen).toEqual(['Ticket Created t-1 ev-1']);
  });

  it('S5: throws on an event outside its list (rule and list disagree): retried, then dead-lettered, never dropped', async () => {
    const fn = vi.fn(async () => {});
    const handler = eventHandler([ticketEvents.created], fn);
    await expect(handler(event(ticketEvents.updated, detail('demo')), context)).rejects.toThrow(/unexpected event ringdesk.tickets \/ Ticket Updated/);
    expect(fn).not.toHaveBeenCalled();
  });

  it("N5: throws on another tenant's event", async () => {
    const fn = vi.fn(async () => {});
    const handler = eventHandler([ticketEvents.created], fn);
    await expect(handler(event(ticketEvents.created, detail('acme')), context)).rejects.toThrow('event for tenant acme reached tenant demo');
    expect(fn).not.toHaveBeenCalled();
  });

  it('S5: throws on a detail that does not match the catalog schema', async () => {
    const fn = vi.fn(async () => {});
    const handler = eventHandler([ticketEvents.created], fn);
    await expect(handler(event(ticketEvents.created, { ...detail('demo'), ticket: { id: 't-1' } }), context)).rejects.toThrow();
    expect(fn).not.toHaveBeenCalled();
  });
});
