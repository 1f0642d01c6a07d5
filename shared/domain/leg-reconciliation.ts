// Reconciles a call's leg plans (decideLegTickets) with what is stored: the call's marker (one decision
// per call + leg), the tickets and the number's missed-call group (I3, M1, M2, M4a/d, M5; docs/adr/0003).
// Pure: what was read goes in, what to write comes out. Whatever it has not been given yet it asks for
// (`read`), one item at a time and only when the decision needs it, so the caller reads no more than the
// rules look at; the caller reads it and calls again with the bigger state.
import type { Call } from './call.ts';
import {
  CALL_LEG,
  putCallInTicket,
  removeCallFromTicket,
  sameTicket,
  statusAfter,
  type CallPlan,
  type LegKey,
  type LegPlan,
  type LegPlanKind,
} from './call-ticket-rules.ts';
import { emptyTicket, type Locale, type Ticket, type TicketStatus } from './ticket.ts';

/** One leg's decision: the ticket its message is in, and by which plan kind. */
export interface LegMarker {
  ticketId: string;
  kind: LegPlanKind;
}

/** M2: the open missed-call ticket of a number, which further missed calls join. */
export interface MissedGroup {
  ticketId: string;
  lastMissedAt: string;
}

/**
 * What the store holds, as far as read: a key that is absent has not been read yet, `null` was read and
 * is not there.
 */
export interface StoredState {
  /** The call's marker: each leg's decision so far (`-` = the call as a whole, missed). */
  legs: Record<LegKey, LegMarker>;
  tickets: Record<string, Ticket | null>;
  /** Open missed-call groups by customer number. */
  groups: Record<string, MissedGroup | null>;
  /** The customer owning a number (a new ticket is theirs). */
  customers: Record<string, string | null>;
}

export type Read = { kind: 'ticket'; id: string } | { kind: 'group'; number: string } | { kind: 'customer'; number: string };

/** The missed-call group write that goes with the tickets: `open` a new one (M5), or `touch` the open one (M2). */
export interface GroupWrite {
  number: string;
  ticketId: string;
  lastMissedAt: string;
  mode: 'open' | 'touch';
}

export interface Settlement {
  /** The marker's new legs. */
  legs: Record<LegKey, LegMarker>;
  /** Tickets made or changed, in the order the rules touched them; unchanged ones are left out. */
  tickets: { ticket: Ticket; change: 'created' | 'updated' }[];
  /** Stored tickets to delete: automatic tickets whose only message moved away. */
  deletes: string[];
  group: GroupWrite | null;
  /** After the write: groups that must no longer collect missed calls (their ticket is closed or converted). */
  dropGroups: { number: string; ticketId: string }[];
  /** After the write (M2): the conversation ends the number's open group, unless a later missed call touched it. */
  closeGroup: { number: string; at: string } | null;
  /** A missed decision gave way to the answered legs (I3). */
  converted: boolean;
  /** Tickets an agent chose for the call that no longer exist (the leg is left undecided). */
  lostTickets: { leg: LegKey; ticketId: string }[];
}

export type Reconciliation =
  | { kind: 'read'; read: Read }
  /** Nothing is planned and nothing was decided before. */
  | { kind: 'none'; reason: string }
  /** The number's group points at a ticket that is gone or no longer open: drop it and reconcile afresh. */
  | { kind: 'stale_group'; number: string; ticketId: string }
  | ({ kind: 'settle' } & Settlement);

export interface ReconcileInput {
  tenant: string;
  call: Call;
  plan: CallPlan;
  stored: StoredState;
  at: string;
  locale: Locale;
  /** Ids of new tickets and messages. */
  newId: () => string;
}

/** Thrown inside reconcileLegs when it needs an item it was not given; becomes its `read` answer. */
class Unread {
  constructor(readonly read: Read) {}
}

/** An item of the stored state, or Unread when it has not been read yet. */
function known<T>(items: Record<string, T | null>, key: string, read: Read): T | null {
  if (!Object.hasOwn(items, key)) throw new Unread(read);
  return items[key] ?? null;
}

export function reconcileLegs(input: ReconcileInput): Reconciliation {
  try {
    return reconcile(input);
  } catch (e) {
    if (e instanceof Unread) return { kind: 'read', read: e.read };
    throw e;
  }
}

/** Slot by slot (DynamoDB does not keep the order of map keys). */
export function sameLegs(a: Record<LegKey, LegMarker>, b: Record<LegKey, LegMarker>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k]?.ticketId === a[k]?.ticketId && b[k]?.kind === a[k]?.kind);
}

/** A new ticket holding one call leg's message. */
export function ticketFromCall(
  f: { id: string; tenantId: string; subject: string; status: TicketStatus; missed: boolean; assigneeId: string | null; customerId: string | null },
  call: Call,
  employeeId: string | null,
  messageId: string,
  at: string,
  locale: Locale,
): Ticket {
  const empty = emptyTicket({ ...f, customerNumber: call.customerNumber }, at);
  return putCallInTicket(empty, call, { employeeId }, messageId, at, locale);
}

interface Slot {
  ticket: Ticket;
  /** As read; null for a ticket made in this round. */
  stored: Ticket | null;
  deleted: boolean;
}

/** The tickets one round reads and changes. */
class WorkingSet {
  readonly slots = new Map<string, Slot>();
  constructor(private readonly stored: StoredState['tickets']) {}

  get(id: string): Ticket | null {
    const slot = this.slots.get(id);
    if (slot) return slot.deleted ? null : slot.ticket;
    const ticket = known(this.stored, id, { kind: 'ticket', id });
    if (!ticket) return null;
    this.slots.set(id, { ticket, stored: ticket, deleted: false });
    return ticket;
  }
  add(ticket: Ticket): void {
    this.slots.set(ticket.id, { ticket, stored: null, deleted: false });
  }
  set(ticket: Ticket): void {
    const slot = this.slots.get(ticket.id);
    if (!slot) throw new Error(`ticket ${ticket.id} was not read in this round`);
    slot.ticket = ticket;
  }
  remove(id: string): void {
    const slot = this.slots.get(id);
    if (slot) slot.deleted = true;
  }
  changes(): Pick<Settlement, 'tickets' | 'deletes'> {
    const out: Pick<Settlement, 'tickets' | 'deletes'> = { tickets: [], deletes: [] };
    for (const slot of this.slots.values()) {
      if (slot.deleted) {
        if (slot.stored) out.deletes.push(slot.ticket.id);
        continue;
      }
      if (slot.stored && sameTicket(slot.stored, slot.ticket)) continue;
      out.tickets.push({ ticket: slot.ticket, change: slot.stored ? 'updated' : 'created' });
    }
    return out;
  }
}

function reconcile({ tenant, call, plan, stored, at, locale, newId }: ReconcileInput): Reconciliation {
  const ws = new WorkingSet(stored.tickets);
  const legs: Record<LegKey, LegMarker> = { ...stored.legs };
  let converted = false;
  let group: GroupWrite | null = null;
  const dropGroups: Settlement['dropGroups'] = [];
  const lostTickets: Settlement['lostTickets'] = [];

  const openGroup = (number: string) => known(stored.groups, number, { kind: 'group', number });
  const newTicket = (subject: string, status: TicketStatus, assigneeId: string | null, missed: boolean, employeeId: string | null): Ticket => {
    const number = call.customerNumber;
    const customerId = number ? known(stored.customers, number, { kind: 'customer', number }) : null;
    return ticketFromCall({ id: newId(), tenantId: tenant, subject, status, missed, assigneeId, customerId }, call, employeeId, newId(), at, locale);
  };
  /** A decided leg: keep its message current (a recording that came after the end). */
  const refresh = (cur: LegMarker, employeeId: string | null): void => {
    const ticket = ws.get(cur.ticketId);
    if (!ticket?.messages.some((m) => m.callId === call.id && m.authorId === employeeId)) return;
    ws.set(putCallInTicket(ticket, call, { employeeId, ...(cur.kind === 'attempt' ? { attempt: true } : {}) }, newId(), at, locale));
  };

  if (plan.legs.length === 0 && Object.keys(legs).length === 0) return { kind: 'none', reason: plan.reason ?? 'no_outcome' };

  // I3: the call looked missed until its answer arrived; the missed decision gives way to the legs' own.
  const missed = legs[CALL_LEG];
  if (missed?.kind === 'missed' && plan.legs.length > 0 && plan.legs.every((l) => l.kind !== 'missed')) {
    const first = plan.legs.find((l) => l.leg === call.answeredBy) ?? plan.legs[0];
    const ticket = ws.get(missed.ticketId);
    if (ticket && first?.kind === 'auto' && ticket.callIds.length === 1 && ticket.callIds[0] === call.id && !legs[first.leg]) {
      // A missed-call ticket the call opened alone becomes its T4 ticket (same id).
      const messages = ticket.messages.map((m) => (m.callId === call.id ? { ...m, authorId: first.leg } : m));
      const base: Ticket = { ...ticket, messages, subject: first.subject, status: first.status, missed: false, missedState: null, assigneeId: first.assigneeId, updatedAt: at };
      ws.set(putCallInTicket(base, call, { employeeId: first.leg }, newId(), at, locale));
      legs[first.leg] = { ticketId: ticket.id, kind: 'auto' };
      // The converted ticket is no longer a missed-call ticket: the next missed call must not join it.
      if (call.customerNumber) dropGroups.push({ number: call.customerNumber, ticketId: ticket.id });
    } else if (ticket) {
      // A grouped missed-call ticket gives the call up (and goes when nothing is left in it).
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
        refresh(cur, null);
        continue;
      }
      const number = p.groupNumber;
      const open = number ? openGroup(number) : null;
      if (number && open) {
        // M2: extend the open missed-call ticket of this number.
        const ticket = ws.get(open.ticketId);
        if (ticket?.status !== 'open') return { kind: 'stale_group', number, ticketId: open.ticketId };
        ws.set(putCallInTicket(ticket, call, { employeeId: null }, newId(), at, locale));
        legs[p.leg] = { ticketId: ticket.id, kind: 'missed' };
        const lastMissedAt = call.startedAt > open.lastMissedAt ? call.startedAt : open.lastMissedAt;
        group = { number, ticketId: ticket.id, lastMissedAt, mode: 'touch' };
        continue;
      }
      // M1 (M5: the group is created with the ticket, whoever commits first wins).
      const ticket = newTicket(p.subject, 'open', null, true, null);
      ws.add(ticket);
      legs[p.leg] = { ticketId: ticket.id, kind: 'missed' };
      if (number) group = { number, ticketId: ticket.id, lastMissedAt: call.startedAt, mode: 'open' };
      continue;
    }
    if (p.kind === 'auto') {
      if (cur) {
        refresh(cur, p.leg);
        continue;
      }
      const ticket = newTicket(p.subject, p.status, p.assigneeId, false, p.leg);
      ws.add(ticket);
      legs[p.leg] = { ticketId: ticket.id, kind: 'auto' };
      continue;
    }
    // own / into / attempt: the call goes into a ticket the agent chose.
    if (cur && cur.ticketId !== p.ticketId) {
      // The agent filed the call after its automatic ticket was made (or re-linked it): move the message.
      const old = ws.get(cur.ticketId);
      if (old) {
        const left = removeCallFromTicket(old, call.id, p.leg, at);
        if (left.messages.length === 0 && cur.kind === 'auto') ws.remove(old.id);
        else ws.set(left);
      }
    }
    const target = ws.get(p.ticketId);
    if (!target) {
      lostTickets.push({ leg: p.leg, ticketId: p.ticketId });
      continue;
    }
    ws.set(applyPlan(target, call, p, newId(), at, locale));
    legs[p.leg] = { ticketId: p.ticketId, kind: p.kind };
  }

  // M4a / M4d: a new ticket from a conversation with the customer closes their open missed-call ticket.
  if (plan.closeMissedTicketOf) {
    const open = openGroup(plan.closeMissedTicketOf);
    const targets = new Set(plan.legs.flatMap((l) => ('ticketId' in l ? [l.ticketId] : [])));
    if (open && !targets.has(open.ticketId)) {
      const ticket = ws.get(open.ticketId);
      if (ticket && ticket.status === 'open' && ticket.missedState !== null) ws.set({ ...ticket, status: 'closed', updatedAt: at });
      dropGroups.push({ number: plan.closeMissedTicketOf, ticketId: open.ticketId });
    }
  }

  // M2: after a conversation the next missed call opens a new missed-call ticket.
  const closeGroup = plan.conversationWith ? { number: plan.conversationWith, at: call.answeredAt ?? at } : null;
  return { kind: 'settle', legs, ...ws.changes(), group, dropGroups, closeGroup, converted, lostTickets };
}

/** T1/T2/T7: the call leg's message into the chosen ticket, with the status the rule gives. */
function applyPlan(ticket: Ticket, call: Call, p: Extract<LegPlan, { kind: 'own' | 'into' | 'attempt' }>, messageId: string, at: string, locale: Locale): Ticket {
  if (p.kind === 'attempt') return putCallInTicket(ticket, call, { employeeId: p.leg, attempt: true }, messageId, at, locale);
  const status: TicketStatus | undefined = statusAfter(p);
  return putCallInTicket(ticket, call, { employeeId: p.leg, ...(p.summary !== null ? { body: p.summary } : {}), ...(status ? { status } : {}) }, messageId, at, locale);
}
