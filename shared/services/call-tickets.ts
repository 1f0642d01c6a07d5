// Settles a finished call into tickets by the helpdesk rules (docs/adr/0003-ticket-rules.md): the pure
// plan (decideLegTickets: per leg, from the call, the agents' actions and a click-to-call intent) is
// reconciled with the call's marker (reconcileLegs: one decision per call + leg) and written in one
// transaction with the tickets. Runs on every `Call Ended` (redeliveries, late answers, late recordings)
// and after an agent action on an ended call, so whatever arrives last, the tickets converge; races are
// retried from a fresh read.
import { ulid } from 'ulid';
import type { Call } from '../domain/call.ts';
import { decideLegTickets, type CallPlan } from '../domain/call-ticket-rules.ts';
import { reconcileLegs, sameLegs, ticketFromCall, type Read, type Settlement, type StoredState } from '../domain/leg-reconciliation.ts';
import type { Locale, Ticket, TicketStatus } from '../domain/ticket.ts';
import { findDialIntent, listActions } from '../adapters/call-actions-repo.ts';
import { findCustomerIdByPhone } from '../adapters/customers-repo.ts';
import { logger } from '../adapters/logger.ts';
import { outboxEntry, publish, type OutboxEntry } from '../adapters/publisher.ts';
import { retry, tryAgain, writeRace } from '../adapters/retry.ts';
import {
  clearCallMarkerOutbox,
  closeMissedGroup,
  dropMissedGroup,
  getCallMarker,
  getMissedGroup,
  getTicketRecord,
  writeCallTickets,
  type CallMarker,
  type CallTicketsWrite,
} from '../adapters/tickets-repo.ts';
import { ticketEvents } from '../events/catalog.ts';

export type CallTicketResult =
  | { kind: 'none'; reason: string }
  | { kind: 'created' | 'appended' | 'converted' | 'updated' | 'duplicate'; ticketId: string | null; ticketIds: string[] };

/** `Call Ended` (or an agent action on an ended call) → tickets. Idempotent per call + leg. */
export async function ticketForCall(tenant: string, locale: Locale, call: Call, now = new Date()): Promise<CallTicketResult> {
  if (call.status !== 'ended') return { kind: 'none', reason: 'not_ended' };
  const actions = await listActions(tenant, call.id);
  const employeeIds = [...new Set([...call.legs.map((l) => l.employeeId), call.answeredBy].filter((x): x is string => !!x))];
  const dial =
    call.direction === 'outbound'
      ? await findDialIntent(tenant, { callId: call.id, provider: call.provider, providerCallId: call.providerCallId, startedAt: call.startedAt, customerNumber: call.customerNumber, employeeIds })
      : null;
  const plan = decideLegTickets(call, actions, dial, locale);

  const giveUp = () => new Error(`ticket for call ${call.id}: too much contention, giving up after ${writeRace.attempts} attempts (the event will be retried)`);
  return retry({ ...writeRace, giveUp }, async () => (await settleOnce(tenant, locale, call, plan, now.toISOString())) ?? tryAgain);
}

/** One read–decide–write round; null when a concurrent writer won and the round must be redone. */
async function settleOnce(tenant: string, locale: Locale, call: Call, plan: CallPlan, at: string): Promise<CallTicketResult | null> {
  const marker = await getCallMarker(tenant, call.id, call.answeredBy);
  const stored: StoredState = { legs: marker.legs, tickets: {}, groups: {}, customers: {} };
  const versions = new Map<string, number>();
  for (;;) {
    const r = reconcileLegs({ tenant, call, plan, stored, at, locale, newId: ulid });
    switch (r.kind) {
      case 'read':
        await load(tenant, r.read, stored, versions);
        continue;
      case 'none':
        return { kind: 'none', reason: r.reason };
      case 'stale_group':
        await dropMissedGroup(tenant, r.number, r.ticketId);
        return null;
      case 'settle':
        return write(tenant, call, marker, r, versions);
    }
  }
}

/** Reads what the reconciliation asked for into the state it reconciles from (ticket versions on the side, for the write). */
async function load(tenant: string, read: Read, stored: StoredState, versions: Map<string, number>): Promise<void> {
  switch (read.kind) {
    case 'ticket': {
      const rec = await getTicketRecord(tenant, read.id);
      stored.tickets[read.id] = rec?.ticket ?? null;
      if (rec) versions.set(read.id, rec.version);
      return;
    }
    case 'group':
      stored.groups[read.number] = await getMissedGroup(tenant, read.number);
      return;
    case 'customer':
      stored.customers[read.number] = await findCustomerIdByPhone(tenant, read.number);
      return;
  }
}

/** Writes a settlement in one transaction conditioned on the marker and ticket versions read; null on a lost race. */
async function write(tenant: string, call: Call, marker: CallMarker, s: Settlement, versions: Map<string, number>): Promise<CallTicketResult | null> {
  for (const lost of s.lostTickets) logger.warn('the ticket an agent chose for a call is gone', { callId: call.id, ticketId: lost.ticketId, leg: lost.leg });
  // A marker of the one-decision-per-call era (version 0) is rewritten in the per-leg form.
  const legsChanged = !sameLegs(s.legs, marker.legs) || !marker.exists || marker.version === 0;
  const ticketIds = Object.values(s.legs).map((l) => l.ticketId);
  if (!legsChanged && s.tickets.length === 0 && s.deletes.length === 0) {
    // Redelivery: the tickets are as planned; make sure their events left the outbox.
    await flushOutbox(tenant, call.id, marker.version, marker.outbox);
    return { kind: 'duplicate', ticketId: ticketIds[0] ?? null, ticketIds };
  }
  const outbox = [...marker.outbox, ...s.tickets.map(({ ticket, change }) => ticketEvent(change, tenant, ticket, call.id))];
  const w: CallTicketsWrite = {
    callId: call.id,
    marker,
    legs: s.legs,
    outbox,
    tickets: s.tickets.map(({ ticket }) => ({ ticket, expectedVersion: versions.get(ticket.id) ?? 0 })),
    // Only stored tickets are deleted, so their version was read (0 would only lose the race).
    deletes: s.deletes.map((id) => ({ id, expectedVersion: versions.get(id) ?? 0 })),
    ...(s.group ? { group: s.group } : {}),
  };
  if (!(await writeCallTickets(tenant, w))) return null;

  if (s.closeGroup) await closeMissedGroup(tenant, s.closeGroup.number, s.closeGroup.at);
  for (const g of s.dropGroups) await dropMissedGroup(tenant, g.number, g.ticketId);
  await flushOutbox(tenant, call.id, marker.version + 1, outbox);

  const kind = s.converted ? 'converted' : s.tickets.some((t) => t.change === 'created') ? 'created' : s.group?.mode === 'touch' ? 'appended' : 'updated';
  return { kind, ticketId: ticketIds[0] ?? null, ticketIds };
}

function ticketEvent(kind: 'created' | 'updated', tenant: string, ticket: Ticket, callId: string | null): OutboxEntry {
  return outboxEntry(ticketEvents[kind], { schemaVersion: 1, tenantId: tenant, ticket, callId });
}

export async function newTicket(
  tenant: string,
  call: Call,
  subject: string,
  status: TicketStatus,
  assigneeId: string | null,
  missed: boolean,
  employeeId: string | null,
  at: string,
  locale: Locale,
): Promise<Ticket> {
  const customerId = call.customerNumber ? await findCustomerIdByPhone(tenant, call.customerNumber) : null;
  return ticketFromCall({ id: ulid(), tenantId: tenant, subject, status, missed, assigneeId, customerId }, call, employeeId, ulid(), at, locale);
}

async function flushOutbox(tenant: string, callId: string, markerVersion: number, outbox: OutboxEntry[]): Promise<void> {
  if (outbox.length === 0) return;
  await publish(outbox);
  await clearCallMarkerOutbox(tenant, callId, markerVersion);
}

export { ticketEvent };
