// Pure ticket decisions for finished calls (I5, T4, T9, M1), without any I/O.
import { describe, expect, it } from 'vitest';
import { callMessage, decideCallTicket } from '#shared/domain/ticket.ts';
import { decideLegTickets, putCallInTicket } from '#shared/domain/call-ticket-rules.ts';
import { act, answered, call, dial, leg, missedTicket as missedTicketOf, outbound } from './call-fixtures.ts';

describe('decideCallTicket', () => {
  it('M1: a missed inbound call that rang at an employee opens a missed-call ticket grouped by number', () => {
    expect(decideCallTicket(call({}), 'en')).toEqual({ kind: 'missed', subject: 'Missed call from +79161234567', groupNumber: '+79161234567' });
  });

  it('M1: an anonymous missed call still gets a ticket, but no group', () => {
    const d = decideCallTicket(call({ from: 'anonymous', customerNumber: null, presentation: 'withheld' }), 'en');
    expect(d).toEqual({ kind: 'missed', subject: 'Missed call from anonymous', groupNumber: null });
  });

  it('T4: an answered call with no agent action is a closed ticket assigned to the answerer', () => {
    const d = decideCallTicket(call({ outcome: 'answered', answeredBy: 'emp-102', answeredAt: '2026-11-21T10:00:05.000Z' }), 'en');
    expect(d).toEqual({ kind: 'answered', subject: 'Incoming call from +79161234567', status: 'closed', assigneeId: 'emp-102' });
  });

  it('I5, T9: a call that never reached an employee makes no ticket', () => {
    expect(decideCallTicket(call({ outcome: 'ivr_only', offeredTo: [] }), 'en')).toEqual({ kind: 'none', reason: 'never_reached_employee' });
    expect(decideCallTicket(call({ outcome: 'voicemail', offeredTo: [] }), 'en')).toEqual({ kind: 'none', reason: 'never_reached_employee' });
  });

  it('makes no ticket before the call ended', () => {
    expect(decideCallTicket(call({ status: 'ringing', outcome: null, endedAt: null }), 'en')).toEqual({ kind: 'none', reason: 'not_ended' });
  });

  it('M1, T4: a tenant locale ru gives the Russian subjects of the seeds', () => {
    expect(decideCallTicket(call({}), 'ru')).toMatchObject({ subject: 'Пропущенный звонок от +79161234567' });
    expect(decideCallTicket(call({ outcome: 'answered', answeredBy: 'emp-101' }), 'ru')).toMatchObject({ subject: 'Входящий звонок от +79161234567' });
  });

  it('T8: an answered outbound call is titled by the number called', () => {
    const d = decideCallTicket(call({ direction: 'outbound', from: '101', to: '+79169998877', customerNumber: '+79169998877', outcome: 'answered', answeredBy: 'emp-101' }), 'en');
    expect(d).toMatchObject({ kind: 'answered', subject: 'Outgoing call to +79169998877' });
  });

  it('callMessage carries the call, the answerer and the recording', () => {
    const m = callMessage(call({ answeredBy: 'emp-101', recordingUrl: 'https://rec.example/1.mp3' }), 'm1');
    expect(m).toEqual({ id: 'm1', kind: 'call', callId: 'c_1', authorId: 'emp-101', body: '', recordingUrl: 'https://rec.example/1.mp3', createdAt: '2026-11-21T10:00:20.000Z' });
  });
});

// ---- per-leg rules with agent actions and click-to-call (decideLegTickets, putCallInTicket) ----

describe('decideLegTickets', () => {
  it('T1: a ticket the agent created takes the call and closes the open missed-call ticket of the number (M4a)', () => {
    const plan = decideLegTickets(answered(), [act('emp-101', 'draft'), act('emp-101', 'ticket', 'tk-1')], null, 'en');
    expect(plan.legs).toEqual([{ leg: 'emp-101', rule: 'T1', kind: 'own', ticketId: 'tk-1', summary: 'sum' }]);
    expect(plan.closeMissedTicketOf).toBe('+79161234567');
  });

  it('T2: a linked call goes into that ticket', () => {
    expect(decideLegTickets(answered(), [act('emp-101', 'link', 'tk-2')], null, 'en').legs[0]).toMatchObject({ rule: 'T2', kind: 'into', ticketId: 'tk-2' });
  });

  it('T3 and T4: draft only → open, nothing → closed, assignee the answerer', () => {
    expect(decideLegTickets(answered(), [act('emp-101', 'draft')], null, 'en').legs[0]).toMatchObject({ rule: 'T3', kind: 'auto', status: 'open', assigneeId: 'emp-101', subject: 'Incoming call from +79161234567' });
    expect(decideLegTickets(answered(), [], null, 'en').legs[0]).toMatchObject({ rule: 'T4', kind: 'auto', status: 'closed' });
  });

  it('T5: each answered leg is decided on its own; the leg only passed on is closed', () => {
    const c = answered({ legs: [leg('emp-101', '2026-11-21T10:00:05.000Z'), leg('emp-102', '2026-11-21T10:01:05.000Z')] });
    const plan = decideLegTickets(c, [act('emp-102', 'draft'), act('emp-999', 'ticket', 'tk-x')], null, 'en');
    expect(plan.legs.map((l) => [l.leg, l.rule])).toEqual([['emp-101', 'T5'], ['emp-102', 'T3']]);
  });

  it('T7: a call from a ticket goes into it answered, or leaves an attempt when not answered (M4f)', () => {
    expect(decideLegTickets(outbound(), [], dial, 'en').legs).toEqual([{ leg: 'emp-101', rule: 'T7', kind: 'into', ticketId: 'tk-missed', summary: null }]);
    const notAnswered = outbound({ outcome: 'not_answered', answeredBy: null, answeredAt: null, legs: [leg('emp-101', null)] });
    expect(decideLegTickets(notAnswered, [], dial, 'en').legs).toEqual([{ leg: 'emp-101', rule: 'T7', kind: 'attempt', ticketId: 'tk-missed' }]);
  });

  it('T8: an outgoing softphone call with nothing done is a closed "Outgoing call to" ticket', () => {
    expect(decideLegTickets(outbound(), [], null, 'en').legs[0]).toMatchObject({ rule: 'T8', kind: 'auto', status: 'closed', subject: 'Outgoing call to +79169998877' });
  });

  it('T9, M1: no employee → nothing; missed → the call-level missed plan', () => {
    expect(decideLegTickets(call({ outcome: 'ivr_only', offeredTo: [] }), [], null, 'en')).toMatchObject({ legs: [], reason: 'never_reached_employee' });
    expect(decideLegTickets(call({}), [], null, 'en').legs).toEqual([{ leg: '-', rule: 'M1', kind: 'missed', subject: 'Missed call from +79161234567', groupNumber: '+79161234567' }]);
  });
});

describe('putCallInTicket', () => {
  const missedTicket = missedTicketOf();

  it('M3, M4c: an answered callback with a recording resolves the missed call, makes it pending and times the callback', () => {
    const t = putCallInTicket(missedTicket, outbound({ recordingUrl: 'https://rec/1.mp3' }), { employeeId: 'emp-101', status: 'pending' }, 'm1', 'now');
    expect(t).toMatchObject({ status: 'pending', missedState: 'resolved', callbackAttempts: 1, firstCallbackAt: '2026-11-21T10:00:05.000Z', timeToCallbackSeconds: 3605 });
    // Idempotent: the same call again changes nothing.
    expect(putCallInTicket(t, outbound({ recordingUrl: 'https://rec/1.mp3' }), { employeeId: 'emp-101', status: 'pending' }, 'm2', 'later')).toBe(t);
  });

  it('M3: without a recording the flag stays missed until the recording arrives', () => {
    const t = putCallInTicket(missedTicket, outbound(), { employeeId: 'emp-101' }, 'm1', 'now');
    expect(t.missedState).toBe('missed');
    expect(putCallInTicket(t, outbound({ recordingUrl: 'https://rec/2.mp3' }), { employeeId: 'emp-101' }, 'm2', 'later').missedState).toBe('resolved');
  });

  it('M4f: an unanswered callback is an attempt: counted, status and flag unchanged', () => {
    const c = outbound({ outcome: 'not_answered', answeredBy: null, answeredAt: null });
    const t = putCallInTicket(missedTicket, c, { employeeId: 'emp-101', attempt: true }, 'm1', 'now');
    expect(t).toMatchObject({ status: 'open', missedState: 'missed', callbackAttempts: 1, firstCallbackAt: null });
    expect(t.messages.at(-1)).toMatchObject({ kind: 'call_attempt', body: 'Call attempt: no answer' });
  });
});
