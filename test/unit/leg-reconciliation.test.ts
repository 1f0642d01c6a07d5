// Leg reconciliation (I3, M1, M2, M4, M5) without any I/O: a plain store in, a plain settlement out.
import { describe, expect, it } from 'vitest';
import type { Call } from '#shared/domain/call.ts';
import { decideLegTickets, type AgentAction, type DialIntent, type LegKey } from '#shared/domain/call-ticket-rules.ts';
import { reconcileLegs, sameLegs, type LegMarker, type MissedGroup, type Read, type Reconciliation, type Settlement, type StoredState } from '#shared/domain/leg-reconciliation.ts';
import type { Ticket } from '#shared/domain/ticket.ts';
import { act, answered, call, dial, leg, missedTicket, outbound } from './call-fixtures.ts';

const AT = '2026-11-21T10:06:00.000Z';
const CALLER = '+79161234567';
const CALLEE = '+79169998877';

/** Everything stored; what is not here does not exist. */
interface Store {
  legs: Record<LegKey, LegMarker>;
  tickets: Record<string, Ticket>;
  groups: Record<string, MissedGroup>;
  customers: Record<string, string>;
}

const store = (over: Partial<Store> = {}): Store => ({ legs: {}, tickets: {}, groups: {}, customers: {}, ...over });
const withTickets = (...tickets: Ticket[]) => Object.fromEntries(tickets.map((t) => [t.id, t]));

/** Plans the call and reconciles it, answering each read from the store; ids are id-1, id-2, … in the order made. */
function reconcile(s: Store, c: Call, actions: AgentAction[] = [], intent: DialIntent | null = null): { result: Exclude<Reconciliation, { kind: 'read' }>; reads: Read[] } {
  const plan = decideLegTickets(c, actions, intent, 'en');
  const stored: StoredState = { legs: s.legs, tickets: {}, groups: {}, customers: {} };
  const reads: Read[] = [];
  for (;;) {
    let n = 0;
    const result = reconcileLegs({ tenant: 'demo', call: c, plan, stored, at: AT, locale: 'en', newId: () => `id-${++n}` });
    if (result.kind !== 'read') return { result, reads };
    const r = result.read;
    reads.push(r);
    if (r.kind === 'ticket') stored.tickets[r.id] = s.tickets[r.id] ?? null;
    else if (r.kind === 'group') stored.groups[r.number] = s.groups[r.number] ?? null;
    else stored.customers[r.number] = s.customers[r.number] ?? null;
  }
}

function settle(s: Store, c: Call, actions: AgentAction[] = [], intent: DialIntent | null = null): Settlement {
  const { result } = reconcile(s, c, actions, intent);
  if (result.kind !== 'settle') throw new Error(`expected a settlement, got ${JSON.stringify(result)}`);
  return result;
}

/** The store after a settlement's write and its follow-ups, as the tickets repository does them. */
function apply(s: Store, st: Settlement): Store {
  const tickets = { ...s.tickets };
  for (const { ticket } of st.tickets) tickets[ticket.id] = ticket;
  for (const id of st.deletes) delete tickets[id];
  const groups = { ...s.groups };
  if (st.group?.mode === 'open') groups[st.group.number] = { ticketId: st.group.ticketId, lastMissedAt: st.group.lastMissedAt };
  if (st.group?.mode === 'touch') groups[st.group.number] = { ...groups[st.group.number]!, lastMissedAt: st.group.lastMissedAt };
  if (st.closeGroup && groups[st.closeGroup.number] && groups[st.closeGroup.number]!.lastMissedAt <= st.closeGroup.at) delete groups[st.closeGroup.number];
  for (const g of st.dropGroups) if (groups[g.number]?.ticketId === g.ticketId) delete groups[g.number];
  return { ...s, legs: st.legs, tickets, groups };
}

const changed = (st: Settlement, id: string) => st.tickets.find((t) => t.ticket.id === id);

/** The open missed-call ticket of the caller of the inbound fixtures, with its group. */
const callerMissed = missedTicket({ subject: `Missed call from ${CALLER}`, customerNumber: CALLER });
const callerGroup = { [CALLER]: { ticketId: 'tk-missed', lastMissedAt: '2026-11-21T09:00:00.000Z' } };
const calleeGroup = { [CALLEE]: { ticketId: 'tk-missed', lastMissedAt: '2026-11-21T09:00:00.000Z' } };
/** A ticket an agent made from the call through the API (T1). */
const agentTicket: Ticket = { ...missedTicket(), id: 'tk-new', subject: 'Delivery question', missed: false, missedState: null, callIds: [], messages: [], customerNumber: null };

describe('reconcileLegs: I3 (duplicates and any arrival order)', () => {
  it('I3: the same call settled again changes nothing', () => {
    const first = settle(store(), answered());
    expect(first.tickets.map((t) => t.change)).toEqual(['created']);
    const after = apply(store(), first);
    const again = settle(after, answered());
    expect(again.tickets).toEqual([]);
    expect(again.deletes).toEqual([]);
    expect(sameLegs(again.legs, after.legs)).toBe(true);
  });

  it('I3: a call settled as missed whose answer came later: the missed-call ticket it opened alone becomes its T4 ticket (same id)', () => {
    const ticket = missedTicket({ id: 'tk-m', subject: `Missed call from ${CALLER}`, customerNumber: CALLER, callIds: ['c_1'], messages: [{ id: 'm1', kind: 'call', callId: 'c_1', authorId: null, body: '', recordingUrl: null, createdAt: '2026-11-21T10:00:20.000Z' }] });
    const st = settle(store({ legs: { '-': { ticketId: 'tk-m', kind: 'missed' } }, tickets: withTickets(ticket) }), answered());
    expect(st.converted).toBe(true);
    expect(st.legs).toEqual({ 'emp-101': { ticketId: 'tk-m', kind: 'auto' } });
    expect(st.tickets).toHaveLength(1);
    expect(st.tickets[0]).toMatchObject({ change: 'updated', ticket: { id: 'tk-m', subject: `Incoming call from ${CALLER}`, status: 'closed', missed: false, missedState: null, assigneeId: 'emp-101' } });
    expect(st.tickets[0]!.ticket.messages).toEqual([expect.objectContaining({ id: 'm1', callId: 'c_1', authorId: 'emp-101' })]);
    // No longer a missed-call ticket: the next missed call must not join it.
    expect(st.dropGroups).toEqual([{ number: CALLER, ticketId: 'tk-m' }]);
  });

  it('I3: a grouped missed-call ticket gives the answered call up, and the answer gets its own ticket', () => {
    const grouped = missedTicket({
      subject: `Missed call from ${CALLER}`,
      customerNumber: CALLER,
      callIds: ['c_0', 'c_1'],
      messages: [...missedTicket().messages, { id: 'm1', kind: 'call', callId: 'c_1', authorId: null, body: '', recordingUrl: null, createdAt: '2026-11-21T10:00:20.000Z' }],
    });
    const st = settle(store({ legs: { '-': { ticketId: 'tk-missed', kind: 'missed' } }, tickets: withTickets(grouped), groups: callerGroup }), answered());
    expect(st.converted).toBe(true);
    expect(changed(st, 'tk-missed')).toMatchObject({ change: 'updated', ticket: { callIds: ['c_0'], status: 'open', missedState: 'missed' } });
    expect(changed(st, 'tk-missed')!.ticket.messages.map((m) => m.callId)).toEqual(['c_0']);
    expect(st.legs).toEqual({ 'emp-101': { ticketId: 'id-1', kind: 'auto' } });
    expect(changed(st, 'id-1')).toMatchObject({ change: 'created', ticket: { subject: `Incoming call from ${CALLER}`, status: 'closed', assigneeId: 'emp-101', callIds: ['c_1'] } });
    expect(st.deletes).toEqual([]);
  });

  it('I3: when the answered call went into a ticket the agent made (T1), the missed-call ticket it opened alone is deleted', () => {
    const alone = missedTicket({ id: 'tk-m', customerNumber: CALLER, callIds: ['c_1'], messages: [{ id: 'm1', kind: 'call', callId: 'c_1', authorId: null, body: '', recordingUrl: null, createdAt: '2026-11-21T10:00:20.000Z' }] });
    const st = settle(store({ legs: { '-': { ticketId: 'tk-m', kind: 'missed' } }, tickets: withTickets(alone, agentTicket) }), answered(), [act('emp-101', 'ticket', 'tk-new')]);
    expect(st.deletes).toEqual(['tk-m']);
    expect(st.legs).toEqual({ 'emp-101': { ticketId: 'tk-new', kind: 'own' } });
    expect(changed(st, 'tk-new')).toMatchObject({ change: 'updated', ticket: { status: 'pending', callIds: ['c_1'] } });
  });

  it('I3: a recording that arrives after the end fills in the decided leg’s message, and nothing else changes', () => {
    const first = apply(store(), settle(store(), answered()));
    const st = settle(first, answered({ recordingUrl: 'https://rec/1.mp3' }));
    expect(st.legs).toEqual(first.legs);
    expect(st.tickets).toHaveLength(1);
    expect(st.tickets[0]).toMatchObject({ change: 'updated', ticket: { id: 'id-1', status: 'closed' } });
    expect(st.tickets[0]!.ticket.messages).toEqual([expect.objectContaining({ callId: 'c_1', recordingUrl: 'https://rec/1.mp3' })]);
  });

  it('I3: an agent who files the call after its automatic ticket was made gets the same ticket as one who filed it during the call', () => {
    const during = apply(store({ tickets: withTickets(agentTicket) }), settle(store({ tickets: withTickets(agentTicket) }), answered(), [act('emp-101', 'link', 'tk-new')]));
    const automatic = apply(store({ tickets: withTickets(agentTicket) }), settle(store({ tickets: withTickets(agentTicket) }), answered()));
    const st = settle(automatic, answered(), [act('emp-101', 'link', 'tk-new')]);
    // The message moves; the emptied automatic ticket goes.
    expect(st.deletes).toEqual(['id-1']);
    const after = apply(automatic, st);
    expect(after.legs).toEqual(during.legs);
    expect({ ...after.tickets['tk-new'], updatedAt: '' }).toEqual({ ...during.tickets['tk-new'], updatedAt: '' });
    expect(Object.keys(after.tickets)).toEqual(['tk-new']);
  });

  it('I3: reads only what the rules look at', () => {
    expect(reconcile(store(), call({})).reads).toEqual([{ kind: 'group', number: CALLER }, { kind: 'customer', number: CALLER }]);
    const decided = apply(store(), settle(store(), answered()));
    expect(reconcile(decided, answered()).reads).toEqual([{ kind: 'ticket', id: 'id-1' }]);
  });
});

describe('reconcileLegs: M1, M2, M5 (missed calls and their group)', () => {
  it('M1, M5: a missed call with no open group opens a missed-call ticket of the customer and the group in the same write', () => {
    const st = settle(store({ customers: { [CALLER]: 'cus-1' } }), call({}));
    expect(st.tickets).toEqual([{ change: 'created', ticket: expect.objectContaining({ id: 'id-1', subject: `Missed call from ${CALLER}`, status: 'open', missed: true, missedState: 'missed', customerId: 'cus-1' }) }]);
    expect(st.legs).toEqual({ '-': { ticketId: 'id-1', kind: 'missed' } });
    expect(st.group).toEqual({ number: CALLER, ticketId: 'id-1', lastMissedAt: '2026-11-21T10:00:00.000Z', mode: 'open' });
  });

  it('M2: a further missed call from the number joins its open missed-call ticket', () => {
    const st = settle(store({ tickets: withTickets(callerMissed), groups: callerGroup }), call({ id: 'c_2' }));
    expect(st.tickets).toHaveLength(1);
    expect(st.tickets[0]).toMatchObject({ change: 'updated', ticket: { id: 'tk-missed', status: 'open', callIds: ['c_0', 'c_2'] } });
    expect(st.legs).toEqual({ '-': { ticketId: 'tk-missed', kind: 'missed' } });
    expect(st.group).toEqual({ number: CALLER, ticketId: 'tk-missed', lastMissedAt: '2026-11-21T10:00:00.000Z', mode: 'touch' });
  });

  it('M2: a missed call that arrives late keeps the group’s later lastMissedAt', () => {
    const groups = { [CALLER]: { ticketId: 'tk-missed', lastMissedAt: '2026-11-21T11:00:00.000Z' } };
    expect(settle(store({ tickets: withTickets(callerMissed), groups }), call({ id: 'c_2' })).group).toMatchObject({ lastMissedAt: '2026-11-21T11:00:00.000Z', mode: 'touch' });
  });

  it('M2: a group whose ticket is no longer open is stale: it is dropped and the round redone', () => {
    const { result } = reconcile(store({ tickets: withTickets({ ...callerMissed, status: 'pending' }), groups: callerGroup }), call({ id: 'c_2' }));
    expect(result).toEqual({ kind: 'stale_group', number: CALLER, ticketId: 'tk-missed' });
    expect(reconcile(store({ groups: callerGroup }), call({ id: 'c_2' })).result).toEqual({ kind: 'stale_group', number: CALLER, ticketId: 'tk-missed' });
  });

  it('M2: after an answered conversation the next missed call opens a new missed-call ticket', () => {
    const talked = settle(store({ tickets: withTickets(callerMissed), groups: callerGroup }), answered({ id: 'c_2' }));
    expect(talked.closeGroup).toEqual({ number: CALLER, at: '2026-11-21T10:00:05.000Z' });
    const after = apply(store({ tickets: withTickets(callerMissed), groups: callerGroup }), talked);
    const next = settle(after, call({ id: 'c_3', startedAt: '2026-11-21T12:00:00.000Z' }));
    expect(next.group).toMatchObject({ number: CALLER, mode: 'open' });
    expect(next.tickets).toEqual([{ change: 'created', ticket: expect.objectContaining({ missedState: 'missed', callIds: ['c_3'] }) }]);
  });
});

describe('reconcileLegs: M4 (status of a missed-call ticket)', () => {
  it('M4a: the customer calls again, the agent answers and creates a new ticket → the missed-call ticket is closed', () => {
    const st = settle(store({ tickets: withTickets(callerMissed, agentTicket), groups: callerGroup }), answered(), [act('emp-101', 'ticket', 'tk-new')]);
    expect(changed(st, 'tk-missed')).toMatchObject({ change: 'updated', ticket: { status: 'closed', callIds: ['c_0'] } });
    expect(changed(st, 'tk-new')).toMatchObject({ ticket: { status: 'pending', callIds: ['c_1'] } });
    expect(st.dropGroups).toEqual([{ number: CALLER, ticketId: 'tk-missed' }]);
  });

  it('M4a: a missed-call ticket that is no longer open is left as it is', () => {
    const st = settle(store({ tickets: withTickets({ ...callerMissed, status: 'pending' }, agentTicket), groups: callerGroup }), answered(), [act('emp-101', 'ticket', 'tk-new')]);
    expect(changed(st, 'tk-missed')).toBeUndefined();
  });

  it('M4b: the customer calls again, the agent answers and adds the call to the missed-call ticket → pending at the end', () => {
    const st = settle(store({ tickets: withTickets(callerMissed), groups: callerGroup }), answered(), [act('emp-101', 'link', 'tk-missed')]);
    expect(st.tickets).toHaveLength(1);
    expect(st.tickets[0]).toMatchObject({ change: 'updated', ticket: { id: 'tk-missed', status: 'pending', callIds: ['c_0', 'c_1'] } });
    expect(st.tickets[0]!.ticket.messages.at(-1)).toMatchObject({ callId: 'c_1', authorId: 'emp-101', body: 'sum' });
    expect(st.legs).toEqual({ 'emp-101': { ticketId: 'tk-missed', kind: 'into' } });
    expect(st.dropGroups).toEqual([]);
  });

  it('M4c: the agent calls back from the missed-call ticket and the customer answers → pending at the end (resolved with the recording, M3)', () => {
    const st = settle(store({ tickets: withTickets(missedTicket()), groups: calleeGroup }), outbound({ recordingUrl: 'https://rec/1.mp3' }), [], dial);
    expect(st.tickets).toEqual([{ change: 'updated', ticket: expect.objectContaining({ id: 'tk-missed', status: 'pending', missedState: 'resolved', callbackAttempts: 1 }) }]);
    expect(st.closeGroup).toEqual({ number: CALLEE, at: '2026-11-21T10:00:05.000Z' });
  });

  it('M4d: the agent calls from the softphone, the customer answers, the agent creates a new ticket → the missed-call ticket is closed', () => {
    const st = settle(store({ tickets: withTickets(missedTicket(), agentTicket), groups: calleeGroup }), outbound(), [act('emp-101', 'ticket', 'tk-new')]);
    expect(changed(st, 'tk-missed')).toMatchObject({ ticket: { status: 'closed' } });
    expect(changed(st, 'tk-new')).toMatchObject({ ticket: { status: 'pending' } });
    expect(st.dropGroups).toEqual([{ number: CALLEE, ticketId: 'tk-missed' }]);
  });

  it('M4e: as M4d, but the agent adds the call to the missed-call ticket → pending at the end', () => {
    const st = settle(store({ tickets: withTickets(missedTicket()), groups: calleeGroup }), outbound(), [act('emp-101', 'link', 'tk-missed')]);
    expect(st.tickets).toEqual([{ change: 'updated', ticket: expect.objectContaining({ id: 'tk-missed', status: 'pending', callIds: ['c_0', 'c_1'] }) }]);
    expect(st.dropGroups).toEqual([]);
  });

  it('M4f: the agent calls back and the customer does not answer → the missed-call ticket stays open', () => {
    const noAnswer = outbound({ outcome: 'not_answered', answeredBy: null, answeredAt: null, legs: [leg('emp-101', null)] });
    const st = settle(store({ tickets: withTickets(missedTicket()), groups: calleeGroup }), noAnswer, [], dial);
    expect(st.tickets).toEqual([{ change: 'updated', ticket: expect.objectContaining({ id: 'tk-missed', status: 'open', missedState: 'missed', callbackAttempts: 1 }) }]);
    expect(st.tickets[0]!.ticket.messages.at(-1)).toMatchObject({ kind: 'call_attempt', authorId: 'emp-101' });
    expect(st.legs).toEqual({ 'emp-101': { ticketId: 'tk-missed', kind: 'attempt' } });
    expect(st.closeGroup).toBeNull();
    expect(st.group).toBeNull();
  });
});
