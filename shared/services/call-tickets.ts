// Settles a finished call into tickets by the helpdesk rules (docs/adr/0003-ticket-rules.md): the pure
// plan (decideLegTickets: per leg, from the call, the agents' actions and a click-to-call intent) is
// reconciled with the call's marker (one decision per call + leg) in one transaction with the tickets.
// Runs on every `Call Ended` (redeliveries, late answers, late recordings) and after an agent action
// on an ended call, so whatever arrives last, the tickets converge; races are retried from a fresh read.
import { ulid } from 'ulid';
import type { Call } from '../domain/call.ts';
import {
  CALL_LEG,
  decideLegTickets,
  putCallInTicket,
  removeCallFromTicket,
  sameTicket,
  statusAfter,
  type CallPlan,
  type LegPlan,
} from '../domain/call-ticket-rules.ts';
import { emptyTicket, type Locale, type Ticket, type TicketStatus } from '../domain/ticket.ts';
import { findDialIntent, listActions } from '../adapters/call-actions-repo.ts';
import { findCustomerIdByPhone } from '../adapters/customers-repo.ts';
import { logger } from '../adapters/logger.ts';
import { outboxEntry, publish, type OutboxEntry } from '../adapters/publisher.ts';
import {
  clearCallMarkerOutbox,
  closeMissedGroup,
  dropMissedGroup,
  getCallMarker,
  getMissedGroup,
  getTicketRecord,
  writeCallTickets,
  type CallTicketsWrite,
  type LegMarker,
} from '../adapters/tickets-repo.ts';
import { ticketEvents } from '../events/catalog.ts';

const MAX_ATTEMPTS = 8;

export type CallTicketResult =
  | { kind: 'none'; reason: string }
  | { kind: 'created' | 'appended' | 'converted' | 'updated' | 'duplicate'; ticketId: string | null; ticketIds: string[] };

interface Slot {
  ticket: Ticket;
  /** Stored version; 0 for a ticket made in this attempt. */
  version: number;
  original: Ticket | null;
  deleted: boolean;
}

/** The tickets one attempt reads and changes, written together at the end. */
class WorkingSet {
  readonly slots = new Map<string, Slot>();
  constructor(private readonly tenant: string) {}

  async get(id: string): Promise<Ticket | null> {
    const slot = this.slots.get(id);
    if (slot) return slot.deleted ? null : slot.ticket;
    const rec = await getTicketRecord(this.tenant, id);
    if (!rec) return null;
    this.slots.set(id, { ticket: rec.ticket, version: rec.version, original: rec.ticket, deleted: false });
    return rec.ticket;
  }
  add(ticket: Ticket): void {
    this.slots.set(ticket.id, { ticket, version: 0, original: null, deleted: false });
  }
  set(ticket: Ticket): void {
    const slot = this.slots.get(ticket.id);
    if (!slot) throw new Error(`ticket ${ticket.id} was not read in this attempt`);
    slot.ticket = ticket;
  }
  remove(id: string): void {
    const slot = this.slots.get(id);
    if (slot) slot.deleted = true;
  }
  changes(callId: string): Pick<CallTicketsWrite, 'tickets' | 'deletes'> & { events: OutboxEntry[]; created: string[]; updated: string[] } {
    const out = { tickets: [] as CallTicketsWrite['tickets'], deletes: [] as CallTicketsWrite['deletes'], events: [] as OutboxEntry[], created: [] as string[], updated: [] as string[] };
    for (const slot of this.slots.values()) {
      if (slot.deleted) {
        if (slot.version > 0) out.deletes.push({ id: slot.ticket.id, expectedVersion: slot.version });
        continue;
      }
      if (slot.original && sameTicket(slot.original, slot.ticket)) continue;
      out.tickets.push({ ticket: slot.ticket, expectedVersion: slot.version });
      out.events.push(ticketEvent(slot.original ? 'updated' : 'created', this.tenant, slot.ticket, callId));
      (slot.original ? out.updated : out.created).push(slot.ticket.id);
    }
    return out;
  }
}

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

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const result = await settleOnce(tenant, locale, call, plan, now.toISOString());
    if (result) return result;
  }
  throw new Error(`ticket for call ${call.id}: too much contention, giving up after ${MAX_ATTEMPTS} attempts (the event will be retried)`);
}

/** One read–decide–write round; null when a concurrent writer won and the round must be redone. */
async function settleOnce(tenant: string, locale: Locale, call: Call, plan: CallPlan, at: string): Promise<CallTicketResult | null> {
  const marker = await getCallMarker(tenant, call.id, call.answeredBy);
  const ws = new WorkingSet(tenant);
  const legs: Record<string, LegMarker> = { ...marker.legs };
  let converted = false;
  let group: CallTicketsWrite['group'];
  const dropGroups: { number: string; ticketId: string }[] = [];

  if (plan.legs.length === 0 && Object.keys(legs).length === 0) return { kind: 'none', reason: plan.reason ?? 'no_outcome' };

  // The call looked missed until its answer arrived (I3): the missed decision gives way to the legs' own.
  const missed = legs[CALL_LEG];
  if (missed?.kind === 'missed' && plan.legs.length > 0 && plan.legs.every((l) => l.kind !== 'missed')) {
    const first = plan.legs.find((l) => l.leg === call.answeredBy) ?? plan.legs[0]!;
    const ticket = await ws.get(missed.ticketId);
    if (ticket && first.kind === 'auto' && ticket.callIds.length === 1 && ticket.callIds[0] === call.id && !legs[first.leg]) {
      // A missed-call ticket the call opened alone becomes its T4 ticket (same id).
      const messages = ticket.messages.map((m) => (m.callId === call.id ? { ...m, authorId: first.leg } : m));
      const base: Ticket = { ...ticket, messages, subject: first.subject, status: first.status, missed: false, missedState: null, assigneeId: first.assigneeId, updatedAt: at };
      ws.set(putCallInTicket(base, call, { employeeId: first.leg }, ulid(), at, locale));
      legs[first.leg] = { ticketId: ticket.id, kind: 'auto' };
      // The converted ticket is no longer a missed-call ticket: the next missed call must not join it.
      if (call.customerNumber) dropGroups.push({ number: call.customerNumber, ticketId: ticket.id });
    } else if (ticket) {
      const left = removeCallFromTicket(ticket, call.id, null, at);
      if (left.messages.length === 0) ws.remove(ticket.id);
      else ws.set(left);
    }
    delete legs[CALL_LEG];
    converted = true;
  }

  for (const p of plan.legs) {
    const cur = legs[p.leg];
    if (p.kind === 'missed') {
      if (cur) {
        await refresh(ws, call, cur, null, at, locale);
        continue;
      }
      const number = p.groupNumber;
      const open = number ? await getMissedGroup(tenant, number) : null;
      if (number && open) {
        // M2: extend the open missed-call ticket of this number.
        const ticket = await ws.get(open.ticketId);
        if (!ticket || ticket.status !== 'open') {
          await dropMissedGroup(tenant, number, open.ticketId);
          return null;
        }
        ws.set(putCallInTicket(ticket, call, { employeeId: null }, ulid(), at, locale));
        legs[p.leg] = { ticketId: ticket.id, kind: 'missed' };
        const lastMissedAt = call.startedAt > open.lastMissedAt ? call.startedAt : open.lastMissedAt;
        group = { number, ticketId: ticket.id, lastMissedAt, mode: 'touch' };
        continue;
      }
      // M1 (M5: the group is created with the ticket, whoever commits first wins).
      const ticket = await newTicket(tenant, call, p.subject, 'open', null, true, null, at, locale);
      ws.add(ticket);
      legs[p.leg] = { ticketId: ticket.id, kind: 'missed' };
      if (number) group = { number, ticketId: ticket.id, lastMissedAt: call.startedAt, mode: 'open' };
      continue;
    }
    if (p.kind === 'auto') {
      if (cur) {
        await refresh(ws, call, cur, p.leg, at, locale);
        continue;
      }
      const ticket = await newTicket(tenant, call, p.subject, p.status, p.assigneeId, false, p.leg, at, locale);
      ws.add(ticket);
      legs[p.leg] = { ticketId: ticket.id, kind: 'auto' };
      continue;
    }
    // own / into / attempt: the call goes into a ticket the agent chose.
    if (cur && cur.ticketId !== p.ticketId) {
      // The agent filed the call after its automatic ticket was made (or re-linked it): move the message.
      const old = await ws.get(cur.ticketId);
      if (old) {
        const left = removeCallFromTicket(old, call.id, p.leg, at);
        if (left.messages.length === 0 && cur.kind === 'auto') ws.remove(old.id);
        else ws.set(left);
      }
    }
    const target = await ws.get(p.ticketId);
    if (!target) {
      logger.warn('the ticket an agent chose for a call is gone', { callId: call.id, ticketId: p.ticketId, leg: p.leg });
      continue;
    }
    ws.set(applyPlan(target, call, p, at, locale));
    legs[p.leg] = { ticketId: p.ticketId, kind: p.kind };
  }

  // M4a / M4d: a new ticket from a conversation with the customer closes their open missed-call ticket.
  if (plan.closeMissedTicketOf) {
    const open = await getMissedGroup(tenant, plan.closeMissedTicketOf);
    const targets = new Set(plan.legs.flatMap((l) => ('ticketId' in l ? [l.ticketId] : [])));
    if (open && !targets.has(open.ticketId)) {
      const ticket = await ws.get(open.ticketId);
      if (ticket && ticket.status === 'open' && ticket.missedState !== null) ws.set({ ...ticket, status: 'closed', updatedAt: at });
      dropGroups.push({ number: plan.closeMissedTicketOf, ticketId: open.ticketId });
    }
  }

  const changes = ws.changes(call.id);
  const legsChanged = !sameLegs(legs, marker.legs) || !marker.exists || marker.version === 0;
  const ticketIds = Object.values(legs).map((l) => l.ticketId);
  if (!legsChanged && changes.tickets.length === 0 && changes.deletes.length === 0) {
    // Redelivery: the tickets are as planned; make sure their events left the outbox.
    await flushOutbox(tenant, call.id, marker.version, marker.outbox);
    return { kind: 'duplicate', ticketId: ticketIds[0] ?? null, ticketIds };
  }
  const outbox = [...marker.outbox, ...changes.events];
  const write: CallTicketsWrite = { callId: call.id, marker, legs, outbox, tickets: changes.tickets, deletes: changes.deletes, ...(group ? { group } : {}) };
  if (!(await writeCallTickets(tenant, write))) return null;

  // M2: after a conversation the next missed call opens a new missed-call ticket.
  if (plan.conversationWith) await closeMissedGroup(tenant, plan.conversationWith, call.answeredAt ?? at);
  for (const g of dropGroups) await dropMissedGroup(tenant, g.number, g.ticketId);
  await flushOutbox(tenant, call.id, marker.version + 1, outbox);

  const kind = converted ? 'converted' : changes.created.length > 0 ? 'created' : group?.mode === 'touch' ? 'appended' : 'updated';
  return { kind, ticketId: ticketIds[0] ?? null, ticketIds };
}

/** Slot by slot (DynamoDB does not keep the order of map keys). */
function sameLegs(a: Record<string, LegMarker>, b: Record<string, LegMarker>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k]?.ticketId === a[k]!.ticketId && b[k]?.kind === a[k]!.kind);
}

/** T1/T2/T7: the call leg's message into the chosen ticket, with the status the rule gives. */
function applyPlan(ticket: Ticket, call: Call, p: Extract<LegPlan, { kind: 'own' | 'into' | 'attempt' }>, at: string, locale: Locale): Ticket {
  if (p.kind === 'attempt') return putCallInTicket(ticket, call, { employeeId: p.leg, attempt: true }, ulid(), at, locale);
  const status: TicketStatus | undefined = statusAfter(p);
  return putCallInTicket(ticket, call, { employeeId: p.leg, ...(p.summary !== null ? { body: p.summary } : {}), ...(status ? { status } : {}) }, ulid(), at, locale);
}

/** A decided leg: keep its message current (a recording that came after the end). */
async function refresh(ws: WorkingSet, call: Call, cur: LegMarker, employeeId: string | null, at: string, locale: Locale): Promise<void> {
  const ticket = await ws.get(cur.ticketId);
  if (!ticket || !ticket.messages.some((m) => m.callId === call.id && m.authorId === employeeId)) return;
  ws.set(putCallInTicket(ticket, call, { employeeId, ...(cur.kind === 'attempt' ? { attempt: true } : {}) }, ulid(), at, locale));
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
  const empty = emptyTicket({ id: ulid(), tenantId: tenant, subject, status, missed, assigneeId, customerId, customerNumber: call.customerNumber }, at);
  return putCallInTicket(empty, call, { employeeId }, ulid(), at, locale);
}

async function flushOutbox(tenant: string, callId: string, markerVersion: number, outbox: OutboxEntry[]): Promise<void> {
  if (outbox.length === 0) return;
  await publish(outbox);
  await clearCallMarkerOutbox(tenant, callId, markerVersion);
}

export { ticketEvent };
