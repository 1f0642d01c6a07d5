// Plain calls, agent actions and tickets for the pure ticket-rule tests.
import type { Call, CallLeg } from '#shared/domain/call.ts';
import type { AgentAction, DialIntent } from '#shared/domain/call-ticket-rules.ts';
import type { Ticket } from '#shared/domain/ticket.ts';

/** An inbound call from +79161234567 that rang at emp-101 and was missed. */
export function call(overrides: Partial<Call>): Call {
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

export const leg = (employeeId: string, answeredAt: string | null): CallLeg => ({
  id: `emp:${employeeId}`,
  employeeId,
  agent: {},
  state: 'ended',
  offeredAt: '2026-11-21T10:00:00.000Z',
  answeredAt,
  endedAt: '2026-11-21T10:05:00.000Z',
  talkSeconds: 10,
});

/** The same call answered by emp-101. */
export const answered = (over: Partial<Call> = {}) =>
  call({ outcome: 'answered', answeredBy: 'emp-101', answeredAt: '2026-11-21T10:00:05.000Z', legs: [leg('emp-101', '2026-11-21T10:00:05.000Z')], ...over });

/** An answered outgoing call from emp-101 to +79169998877. */
export const outbound = (over: Partial<Call> = {}) =>
  answered({ direction: 'outbound', from: '+74951234567', to: '+79169998877', customerNumber: '+79169998877', offeredTo: [], ...over });

export const act = (employeeId: string, kind: AgentAction['kind'], ticketId: string | null = null, callId = 'c_1'): AgentAction => ({
  callId,
  employeeId,
  kind,
  ticketId,
  summary: kind === 'draft' ? null : 'sum',
  at: '2026-11-21T10:01:00.000Z',
});

/** emp-101 called +79169998877 from the ticket tk-missed. */
export const dial: DialIntent = { ticketId: 'tk-missed', employeeId: 'emp-101', customerNumber: '+79169998877', commandId: 'cmd', provider: 'mango', providerCallId: null, createdAt: '2026-11-21T09:59:00.000Z' };

/** An open missed-call ticket of +79169998877 holding the earlier missed call c_0. */
export const missedTicket = (over: Partial<Ticket> = {}): Ticket => ({
  id: 'tk-missed',
  tenantId: 'demo',
  channel: 'calls',
  subject: 'Missed call from +79169998877',
  status: 'open',
  missed: true,
  missedState: 'missed',
  callbackAttempts: 0,
  firstCallbackAt: null,
  timeToCallbackSeconds: null,
  assigneeId: null,
  customerId: null,
  customerNumber: '+79169998877',
  callIds: ['c_0'],
  messages: [{ id: 'm0', kind: 'call', callId: 'c_0', authorId: null, body: '', recordingUrl: null, createdAt: '2026-11-21T09:00:00.000Z' }],
  createdAt: '2026-11-21T09:00:01.000Z',
  updatedAt: '2026-11-21T09:00:01.000Z',
  ...over,
});
