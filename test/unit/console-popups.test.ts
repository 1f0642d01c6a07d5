// The console's pop-ups as a function of the pushed messages and the agent's actions (N1–N3), and the
// reconnect delays of its WebSocket (C3).
import { describe, expect, it } from 'vitest';
import { FIRST_DELAY_MS, MAX_DELAY_MS, reconnectDelay } from '../../web/src/api/backoff.ts';
import { parseAgentMessage, type AgentMessage, type CallSummary } from '../../web/src/api/messages.ts';
import { dialingAfter } from '../../web/src/calls/dialing.ts';
import { MAX_POPUPS, popupsReducer, type Popup } from '../../web/src/calls/popups.ts';
import { isCurrentCallOf } from '../../shared/domain/current-calls.ts';

const ME = 'emp-101';
const call = (id: string, over: Partial<CallSummary> = {}): CallSummary => ({
  id,
  direction: 'inbound',
  from: '+79161234567',
  to: '+74951234567',
  status: 'ringing',
  outcome: null,
  startedAt: '2026-12-03T10:00:00.000Z',
  answeredAt: null,
  endedAt: null,
  answeredBy: null,
  queue: null,
  ...over,
});
const ivan = { id: 'cus-ivan-petrov', fullName: 'Ivan Petrov', email: 'ivan@example.com', company: 'Romashka LLC' };

function run(...messages: (AgentMessage | Parameters<typeof popupsReducer>[1])[]): Popup[] {
  return messages.reduce<Popup[]>((state, m) => popupsReducer(state, 'kind' in m ? m : { kind: 'message', message: m, me: ME }), []);
}
const ring = (id: string, customer: typeof ivan | null = ivan): AgentMessage => ({ type: 'incoming_call', call: call(id), customer });

describe('call pop-ups', () => {
  it('N1: an incoming call opens a ringing pop-up with the card, newest first; a repeated offer refreshes it', () => {
    const popups = run(ring('c1'), ring('c2', null), ring('c1'));
    expect(popups.map((p) => [p.call.id, p.phase])).toEqual([
      ['c1', 'ringing'],
      ['c2', 'ringing'],
    ]);
    expect(popups[0]!.customer).toEqual(ivan);
    expect(popups[1]!.customer).toBeNull();
  });

  it(`N1: at most ${MAX_POPUPS} pop-ups at once, the oldest dropped`, () => {
    const popups = run(ring('c1'), ring('c2'), ring('c3'), ring('c4'));
    expect(popups.map((p) => p.call.id)).toEqual(['c4', 'c3', 'c2']);
  });

  it('N3: answered here the conversation starts; answered by a colleague the pop-up collapses', () => {
    const here = run(ring('c1'), { type: 'call_answered', call: call('c1', { status: 'answered', answeredBy: ME }) });
    expect(here.map((p) => p.phase)).toEqual(['talking']);
    const elsewhere = run(ring('c1'), { type: 'call_answered', call: call('c1', { status: 'answered', answeredBy: 'emp-102' }) });
    expect(elsewhere).toEqual([]);
  });

  it('N3: the end of the call collapses the pop-up, unless the agent is working in it (then it waits to be closed)', () => {
    const ended = { type: 'call_ended', call: call('c1', { status: 'ended' }) } as const;
    expect(run(ring('c1'), ended)).toEqual([]);
    const held = run(ring('c1'), { kind: 'hold', callId: 'c1' }, ended);
    expect(held.map((p) => p.phase)).toEqual(['ended']);
    expect(popupsReducer(held, { kind: 'close', callId: 'c1' })).toEqual([]);
  });

  it('T1: a ticket filed from the pop-up releases it, so the end of the call collapses it again', () => {
    const popups = run(ring('c1'), { kind: 'hold', callId: 'c1' }, { kind: 'ticket', callId: 'c1', ticketId: 't1' });
    expect(popups[0]).toMatchObject({ ticketId: 't1', held: false });
    expect(popupsReducer(popups, { kind: 'message', message: { type: 'call_ended', call: call('c1') }, me: ME })).toEqual([]);
  });

  it('T1: a call that ends before the filing is answered still collapses once the ticket is filed', () => {
    const ended = { type: 'call_ended', call: call('c1', { status: 'ended' }) } as const;
    const waiting = run(ring('c1'), { kind: 'hold', callId: 'c1' }, ended);
    expect(waiting.map((p) => p.phase)).toEqual(['ended']);
    expect(popupsReducer(waiting, { kind: 'ticket', callId: 'c1', ticketId: 't1' })).toEqual([]);
    const pushedFirst = run(ring('c1'), { kind: 'hold', callId: 'c1' }, { type: 'agent_action', action: 'ticket_created', callId: 'c1', ticketId: 't1' }, ended);
    expect(pushedFirst).toEqual([]);
  });

  it("N2, T6: linking an unknown caller shows the customer's card; a ticket filed from another client shows too", () => {
    const linked = run(ring('c1', null), { kind: 'linked', callId: 'c1', customer: ivan });
    expect(linked[0]!.customer).toEqual(ivan);
    const elsewhere = run(ring('c1'), { type: 'agent_action', action: 'ticket_created', callId: 'c1', ticketId: 't9' });
    expect(elsewhere[0]!.ticketId).toBe('t9');
  });

  it('ignores messages about other calls and frames it does not show', () => {
    const popups = run(ring('c1'), { type: 'call_ended', call: call('c2') });
    expect(popups.map((p) => p.call.id)).toEqual(['c1']);
    expect(parseAgentMessage('{"type":"pong","at":"x"}')).toBeNull();
    expect(parseAgentMessage('not json')).toBeNull();
    expect(parseAgentMessage(JSON.stringify(ring('c1')))).toMatchObject({ type: 'incoming_call' });
  });
});

describe('pop-ups after a reconnect', () => {
  const now = (id: string, over: Partial<CallSummary> = {}) => ({ type: 'incoming_call' as const, call: call(id, over), customer: ivan });
  const resync = (current: ReturnType<typeof now>[], known: Popup[]) => ({ kind: 'resync' as const, current, known: new Set(known.map((p) => p.call.id)), me: ME });

  it('C3, N1: a call that rang while disconnected gets its pop-up back, newest first; one answered here meanwhile is talking', () => {
    const before = run(ring('c1'));
    const after = popupsReducer(before, resync([now('c3', { status: 'answered', answeredBy: ME }), now('c2'), now('c1')], before));
    expect(after.map((p) => [p.call.id, p.phase])).toEqual([
      ['c3', 'talking'],
      ['c2', 'ringing'],
      ['c1', 'ringing'],
    ]);
    expect(after[1]!.customer).toEqual(ivan);
  });

  it('C3, N3: a call that ended (or a colleague answered) while disconnected collapses; a held pop-up stays, marked ended', () => {
    const before = run(ring('c1'), ring('c2'), { kind: 'hold', callId: 'c2' }, ring('c3'));
    const after = popupsReducer(before, resync([now('c3', { status: 'answered', answeredBy: ME })], before));
    expect(after.map((p) => [p.call.id, p.phase])).toEqual([
      ['c3', 'talking'],
      ['c2', 'ended'],
    ]);
  });

  it('C3: a pop-up pushed while the answer was on its way is left alone', () => {
    const asked = run(ring('c1'));
    const meanwhile = popupsReducer(asked, { kind: 'message', message: ring('c2'), me: ME });
    expect(popupsReducer(meanwhile, resync([now('c1')], asked)).map((p) => p.call.id)).toEqual(['c2', 'c1']);
  });
});

describe('click-to-call in progress', () => {
  it('N4, T7: call_dialing starts it; the outgoing call to that number answered is a conversation, ended clears it; other calls leave it', () => {
    const dialing = dialingAfter(null, { type: 'call_dialing', ticketId: 't1', subject: 'Delivery', number: '+79161234567', commandId: 'cmd1', provider: 'mango' });
    expect(dialing).toEqual({ ticketId: 't1', subject: 'Delivery', number: '+79161234567', commandId: 'cmd1', provider: 'mango', phase: 'dialing' });
    const out = (over: Partial<CallSummary>) => call('o1', { direction: 'outbound', from: '101', to: '+79161234567', ...over });
    expect(dialingAfter(dialing, { type: 'call_ended', call: call('c9') })).toBe(dialing);
    expect(dialingAfter(dialing, { type: 'call_ended', call: out({ to: '+79160000000' }) })).toBe(dialing);
    const talking = dialingAfter(dialing, { type: 'call_answered', call: out({ status: 'answered' }) });
    expect(talking?.phase).toBe('talking');
    expect(dialingAfter(talking, { type: 'call_ended', call: out({ status: 'ended' }) })).toBeNull();
    expect(dialingAfter(null, { type: 'call_ended', call: out({}) })).toBeNull();
  });
});

describe('current calls of an employee', () => {
  it('N1, N3: ringing at them or answered by them and not ended; answered by a colleague or ended is not', () => {
    const c = { status: 'ringing' as const, offeredTo: [ME, 'emp-102'], answeredBy: null };
    expect(isCurrentCallOf(c, ME)).toBe(true);
    expect(isCurrentCallOf(c, 'emp-103')).toBe(false);
    expect(isCurrentCallOf({ ...c, status: 'answered', answeredBy: ME }, ME)).toBe(true);
    expect(isCurrentCallOf({ ...c, status: 'answered', answeredBy: 'emp-102' }, ME)).toBe(false);
    expect(isCurrentCallOf({ ...c, status: 'ended', answeredBy: ME }, ME)).toBe(false);
  });
});

describe('reconnect backoff', () => {
  it('C3: grows exponentially from the first delay to the cap, with jitter between half and all of it', () => {
    expect(reconnectDelay(0, () => 1)).toBe(FIRST_DELAY_MS);
    expect(reconnectDelay(0, () => 0)).toBe(FIRST_DELAY_MS / 2);
    expect(reconnectDelay(3, () => 1)).toBe(FIRST_DELAY_MS * 8);
    expect(reconnectDelay(30, () => 1)).toBe(MAX_DELAY_MS);
    expect(reconnectDelay(30, () => 0)).toBe(MAX_DELAY_MS / 2);
    for (let attempt = 0; attempt < 12; attempt++) expect(reconnectDelay(attempt + 1, () => 0.5)).toBeGreaterThanOrEqual(reconnectDelay(attempt, () => 0.5));
  });
});
