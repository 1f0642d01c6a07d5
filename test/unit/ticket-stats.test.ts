// Helpdesk statistics of one ticket (L5): incoming, first response, closed with a recording, best in team.
import { describe, expect, it } from 'vitest';
import type { Call } from '#shared/domain/call.ts';
import type { Ticket, TicketMessage } from '#shared/domain/ticket.ts';
import { creatingCallId, ticketContribution } from '#shared/domain/ticket-stats.ts';

const message = (over: Partial<TicketMessage>): TicketMessage => ({ id: 'm', kind: 'call', callId: 'c_1', authorId: null, body: '', recordingUrl: null, createdAt: '2026-11-21T10:00:00.000Z', ...over });

function ticket(over: Partial<Ticket> = {}): Ticket {
  return {
    id: 't1',
    tenantId: 'demo',
    channel: 'calls',
    subject: 's',
    status: 'open',
    missed: false,
    missedState: null,
    callbackAttempts: 0,
    firstCallbackAt: null,
    timeToCallbackSeconds: null,
    assigneeId: null,
    customerId: null,
    customerNumber: null,
    callIds: ['c_1'],
    messages: [message({ authorId: 'emp-101' })],
    createdAt: '2026-11-21T10:15:00.000Z',
    updatedAt: '2026-11-21T10:15:00.000Z',
    ...over,
  };
}

const call = (over: Partial<Call>) => ({ id: 'c_1', direction: 'inbound', outcome: 'answered', answeredBy: 'emp-101', ...over }) as Call;

describe('ticketContribution', () => {
  it('L5: a ticket from an answered inbound call is incoming with a first response, credited to the answerer', () => {
    expect(ticketContribution(ticket(), call({}), 'UTC')).toEqual({
      'H|all|2026-11-21T10': { incomingTickets: 1, withFirstResponse: 1 },
      'D|all|2026-11-21': { incomingTickets: 1, withFirstResponse: 1 },
      'H|emp|2026-11-21T10#emp-101': { withFirstResponse: 1 },
      'D|emp|2026-11-21#emp-101': { withFirstResponse: 1 },
    });
  });

  it('L5: a missed inbound call makes an incoming ticket without a first response; an outbound one is not incoming', () => {
    expect(ticketContribution(ticket({ messages: [message({})] }), call({ outcome: 'missed', answeredBy: null }), 'UTC')['H|all|2026-11-21T10']).toEqual({ incomingTickets: 1 });
    expect(ticketContribution(ticket(), call({ direction: 'outbound' }), 'UTC')).not.toHaveProperty(['H|all|2026-11-21T10']);
  });

  it('L5: closed with a recording; best in team goes to every employee whose call message holds a recording', () => {
    const closed = ticket({
      status: 'closed',
      callIds: ['c_1', 'c_2'],
      messages: [message({ authorId: 'emp-101', recordingUrl: 'https://rec/1' }), message({ callId: 'c_2', authorId: 'emp-102' }), message({ callId: 'c_2', authorId: 'emp-103', recordingUrl: 'https://rec/2' })],
    });
    const c = ticketContribution(closed, call({}), 'Europe/Moscow');
    expect(c['H|all|2026-11-21T10']).toEqual({ incomingTickets: 1, withFirstResponse: 1, closedWithRecording: 1 });
    expect(c['H|emp|2026-11-21T10#emp-101']).toEqual({ withFirstResponse: 1, bestInTeam: 1 });
    expect(c).not.toHaveProperty(['H|emp|2026-11-21T10#emp-102']);
    expect(c['D|emp|2026-11-21#emp-103']).toEqual({ bestInTeam: 1 });
    // Not closed: no recording counts yet.
    expect(ticketContribution({ ...closed, status: 'pending' }, call({}), 'UTC')['H|emp|2026-11-21T10#emp-103']).toBeUndefined();
  });

  it('L5: the creating call is the call of the first message', () => {
    expect(creatingCallId(ticket({ callIds: ['c_9', 'c_1'], messages: [message({ kind: 'note', callId: null }), message({ callId: 'c_1' })] }))).toBe('c_1');
    expect(creatingCallId(ticket({ callIds: [], messages: [] }))).toBeNull();
  });
});
