// Turns a finished call into a ticket (I5, T4, T9, M1, M2, M5). Idempotent per call: the ticket
// marker is written in the same transaction as the ticket, and races are retried from a fresh read.
import { ulid } from 'ulid';
import type { Call } from '../domain/call.ts';
import { callMessage, decideCallTicket, type Locale, type Ticket } from '../domain/ticket.ts';
import { findCustomerIdByPhone } from '../adapters/directory-repo.ts';
import { outboxEntry, publish, type OutboxEntry } from '../adapters/publisher.ts';
import {
  clearCallTicketOutbox,
  closeMissedGroup,
  dropMissedGroup,
  getCallTicketMarker,
  getMissedGroup,
  getTicketRecord,
  writeCallTicket,
} from '../adapters/tickets-repo.ts';
import { ticketEvents } from '../events/catalog.ts';

const MAX_ATTEMPTS = 8;

export type CallTicketResult = { kind: 'none'; reason: string } | { kind: 'created' | 'appended' | 'duplicate'; ticketId: string | null };

export async function ticketForCall(tenant: string, locale: Locale, call: Call, now = new Date()): Promise<CallTicketResult> {
  const decision = decideCallTicket(call, locale);
  if (decision.kind === 'none') return decision;

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const marker = await getCallTicketMarker(tenant, call.id);
    if (marker) {
      // Redelivery: the ticket exists; make sure its events left the outbox.
      await flushOutbox(tenant, call.id, marker.outbox);
      return { kind: 'duplicate', ticketId: marker.ticketId };
    }
    const at = now.toISOString();
    if (decision.kind === 'answered') {
      const ticket = await newTicket(tenant, call, decision.subject, decision.status, decision.assigneeId, false, at);
      const outbox = [outboxEntry(ticketEvents.created, { schemaVersion: 1, tenantId: tenant, ticket, callId: call.id })];
      if (!(await writeCallTicket(tenant, { callId: call.id, ticket, expectedVersion: 0, outbox }))) continue;
      // M2: after a conversation the next missed call opens a new missed-call ticket.
      if (call.customerNumber) await closeMissedGroup(tenant, call.customerNumber, call.answeredAt ?? at);
      await flushOutbox(tenant, call.id, outbox);
      return { kind: 'created', ticketId: ticket.id };
    }

    // Missed call: extend the open missed-call ticket of this number (M2) or open one (M1).
    const number = decision.groupNumber;
    const missedAt = call.startedAt;
    const group = number ? await getMissedGroup(tenant, number) : null;
    if (number && group) {
      const rec = await getTicketRecord(tenant, group.ticketId);
      if (!rec || rec.ticket.status !== 'open') {
        await dropMissedGroup(tenant, number, group.ticketId);
        continue;
      }
      const ticket: Ticket = {
        ...rec.ticket,
        callIds: [...rec.ticket.callIds, call.id],
        messages: [...rec.ticket.messages, callMessage(call, ulid())],
        updatedAt: at,
      };
      const outbox = [outboxEntry(ticketEvents.updated, { schemaVersion: 1, tenantId: tenant, ticket, callId: call.id })];
      const lastMissedAt = missedAt > group.lastMissedAt ? missedAt : group.lastMissedAt;
      if (!(await writeCallTicket(tenant, { callId: call.id, ticket, expectedVersion: rec.version, outbox, group: { number, lastMissedAt } }))) continue;
      await flushOutbox(tenant, call.id, outbox);
      return { kind: 'appended', ticketId: ticket.id };
    }
    const ticket = await newTicket(tenant, call, decision.subject, 'open', null, true, at);
    const outbox = [outboxEntry(ticketEvents.created, { schemaVersion: 1, tenantId: tenant, ticket, callId: call.id })];
    const write = { callId: call.id, ticket, expectedVersion: 0, outbox, ...(number ? { group: { number, lastMissedAt: missedAt } } : {}) };
    if (!(await writeCallTicket(tenant, write))) continue;
    await flushOutbox(tenant, call.id, outbox);
    return { kind: 'created', ticketId: ticket.id };
  }
  throw new Error(`ticket for call ${call.id}: too much contention, giving up after ${MAX_ATTEMPTS} attempts (the event will be retried)`);
}

async function newTicket(tenant: string, call: Call, subject: string, status: Ticket['status'], assigneeId: string | null, missed: boolean, at: string): Promise<Ticket> {
  const customerId = call.customerNumber ? await findCustomerIdByPhone(tenant, call.customerNumber) : null;
  return {
    id: ulid(),
    tenantId: tenant,
    channel: 'calls',
    subject,
    status,
    missed,
    assigneeId,
    customerId,
    customerNumber: call.customerNumber,
    callIds: [call.id],
    messages: [callMessage(call, ulid())],
    createdAt: at,
    updatedAt: at,
  };
}

async function flushOutbox(tenant: string, callId: string, outbox: OutboxEntry[]): Promise<void> {
  if (outbox.length === 0) return;
  await publish(outbox);
  await clearCallTicketOutbox(tenant, callId);
}
