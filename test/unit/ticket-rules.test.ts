// Pure ticket decisions for finished calls (I5, T4, T9, M1), without any I/O.
import { describe, expect, it } from 'vitest';
import type { Call } from '#shared/domain/call.ts';
import { callMessage, decideCallTicket } from '#shared/domain/ticket.ts';

function call(overrides: Partial<Call>): Call {
  return {
    id: 'c_1',
    tenantId: 'demo',
    provider: 'zammad',
    providerCallId: 'p1',
    direction: 'inbound',
    status: 'ended',
    outcome: 'missed',
    from: '+79161234567',
    to: '+74951234567',
    customerNumber: '+79161234567',
    presentation: 'allowed',
    queue: null,
    startedAt: '2026-11-21T10:00:00.000Z',
    answeredAt: null,
    endedAt: '2026-11-21T10:00:20.000Z',
    waitSeconds: 20,
    talkSeconds: 0,
    legs: [],
    offeredTo: ['emp-101'],
    answeredBy: null,
    endReason: 'no_answer_timeout',
    rawReason: 'noAnswer',
    recordingUrl: null,
    ...overrides,
  };
}

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

  it('a tenant locale ru gives the Russian subjects of the seeds', () => {
    expect(decideCallTicket(call({}), 'ru')).toMatchObject({ subject: 'Пропущенный звонок от +79161234567' });
    expect(decideCallTicket(call({ outcome: 'answered', answeredBy: 'emp-101' }), 'ru')).toMatchObject({ subject: 'Входящий звонок от +79161234567' });
  });

  it('an answered outbound call is titled by the number called', () => {
    const d = decideCallTicket(call({ direction: 'outbound', from: '101', to: '+79169998877', customerNumber: '+79169998877', outcome: 'answered', answeredBy: 'emp-101' }), 'en');
    expect(d).toMatchObject({ kind: 'answered', subject: 'Outgoing call to +79169998877' });
  });

  it('callMessage carries the call, the answerer and the recording', () => {
    const m = callMessage(call({ answeredBy: 'emp-101', recordingUrl: 'https://rec.example/1.mp3' }), 'm1');
    expect(m).toEqual({ id: 'm1', kind: 'call', callId: 'c_1', authorId: 'emp-101', body: '', recordingUrl: 'https://rec.example/1.mp3', createdAt: '2026-11-21T10:00:20.000Z' });
  });
});
