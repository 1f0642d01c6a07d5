// Turns a finished call into a ticket (I5, T4, T9, M1, M2, M5). Idempotent per call: the ticket
// marker is written in the same transaction as the ticket, and races are retried from a fresh read.
// Out-of-order webhooks can end a call as missed and later reveal it was answered (the answer event
// came last): the marker remembers the decision, and a `missed` one is converted to `answered` (I3).
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
  type CallTicketMarker,
  type TicketPut,
} from '../adapters/tickets-repo.ts';
import { ticketEvents } from '../events/catalog.ts';

const MAX_ATTEMPTS = 8;

export type CallTicketResult = { kind: 'none'; reason: string } | { kind: 'created' | 'appended' | 'converted' | 'duplicate'; ticketId: string | null };

type Answered = Extract<ReturnType<typeof decideCallTicket>, { kind: 'answered' }>;

export async function ticketForCall(tenant: string, locale: Locale, call: Call, now = new Date()): Promise<CallTicketResult> {
  const decision = decideCallTicket(call, locale);
  if (decision.kind === 'none') return decision;

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const at = now.toISOString();
    const marker = await getCallTicketMarker(tenant, call.id);
    if (marker && marker.kind === 'missed' && decision.kind === 'answered') {
      const converted = await convertMissedToAnswered(tenant, call, decision, marker, at);
      if (converted) return converted;
      continue;
    }
    if (marker) {
      // Redelivery: the ticket exists; make sure its events left the outbox.
      await flushOutbox(tenant, call.id, marker.outbox);
      return { kind: 'duplicate', ticketId: marker.ticketId };
    }
    if (decision.kind === 'answered') {
      const ticket = await newTicket(tenant, call, decision.subject, decision.status, decision.assigneeId, false, at);
      const outbox = [ticketEvent('created', tenant, ticket, call.id)];
      if (!(await writeCallTicket(tenant, { callId: call.id, kind: 'answered', ticketId: ticket.id, tickets: [{ ticket, expectedVersion: 0 }], outbox }))) continue;
      await afterConversation(tenant, call, at);
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
      const outbox = [ticketEvent('updated', tenant, ticket, call.id)];
      const lastMissedAt = missedAt > group.lastMissedAt ? missedAt : group.lastMissedAt;
      const write = { callId: call.id, kind: 'missed' as const, ticketId: ticket.id, tickets: [{ ticket, expectedVersion: rec.version }], outbox, group: { number, lastMissedAt, mode: 'touch' as const } };
      if (!(await writeCallTicket(tenant, write))) continue;
      await flushOutbox(tenant, call.id, outbox);
      return { kind: 'appended', ticketId: ticket.id };
    }
    const ticket = await newTicket(tenant, call, decision.subject, 'open', null, true, at);
    const outbox = [ticketEvent('created', tenant, ticket, call.id)];
    const write = {
      callId: call.id,
      kind: 'missed' as const,
      ticketId: ticket.id,
      tickets: [{ ticket, expectedVersion: 0 }],
      outbox,
      ...(number ? { group: { number, lastMissedAt: missedAt, mode: 'open' as const } } : {}),
    };
    if (!(await writeCallTicket(tenant, write))) continue;
    await flushOutbox(tenant, call.id, outbox);
    return { kind: 'created', ticketId: ticket.id };
  }
  throw new Error(`ticket for call ${call.id}: too much contention, giving up after ${MAX_ATTEMPTS} attempts (the event will be retried)`);
}

/**
 * The call was first seen as missed, then its answer arrived. A missed-call ticket the call opened alone
 * becomes its T4 ticket; a call grouped into another missed-call ticket leaves it for a T4 ticket of its own.
 */
async function convertMissedToAnswered(tenant: string, call: Call, decision: Answered, marker: CallTicketMarker, at: string): Promise<CallTicketResult | null> {
  const rec = marker.ticketId ? await getTicketRecord(tenant, marker.ticketId) : null;
  const puts: TicketPut[] = [];
  const outbox: OutboxEntry[] = [];
  let ticketId: string;
  if (rec && rec.ticket.callIds.length === 1 && rec.ticket.callIds[0] === call.id) {
    const ticket: Ticket = { ...rec.ticket, subject: decision.subject, status: decision.status, missed: false, assigneeId: decision.assigneeId, updatedAt: at };
    puts.push({ ticket, expectedVersion: rec.version });
    outbox.push(ticketEvent('updated', tenant, ticket, call.id));
    ticketId = ticket.id;
  } else {
    if (rec) {
      const left: Ticket = { ...rec.ticket, callIds: rec.ticket.callIds.filter((id) => id !== call.id), messages: rec.ticket.messages.filter((m) => m.callId !== call.id), updatedAt: at };
      puts.push({ ticket: left, expectedVersion: rec.version });
      outbox.push(ticketEvent('updated', tenant, left, call.id));
    }
    const ticket = await newTicket(tenant, call, decision.subject, decision.status, decision.assigneeId, false, at);
    puts.push({ ticket, expectedVersion: 0 });
    outbox.push(ticketEvent('created', tenant, ticket, call.id));
    ticketId = ticket.id;
  }
  // Entries of the first decision that never left are kept: the new marker replaces the old one.
  const pending = [...marker.outbox, ...outbox];
  if (!(await writeCallTicket(tenant, { callId: call.id, kind: 'answered', ticketId, tickets: puts, outbox: pending, replaces: 'missed' }))) return null;
  // The converted ticket is no longer a missed-call ticket: the next missed call must not join it.
  if (call.customerNumber && marker.ticketId === ticketId) await dropMissedGroup(tenant, call.customerNumber, ticketId);
  await afterConversation(tenant, call, at);
  await flushOutbox(tenant, call.id, pending);
  return { kind: 'converted', ticketId };
}

/** M2: after a conversation the next missed call opens a new missed-call ticket. */
async function afterConversation(tenant: string, call: Call, at: string): Promise<void> {
  if (call.customerNumber) await closeMissedGroup(tenant, call.customerNumber, call.answeredAt ?? at);
}

function ticketEvent(kind: 'created' | 'updated', tenant: string, ticket: Ticket, callId: string): OutboxEntry {
  return outboxEntry(ticketEvents[kind], { schemaVersion: 1, tenantId: tenant, ticket, callId });
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
