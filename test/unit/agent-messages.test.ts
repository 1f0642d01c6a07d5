// The agent message schemas (shared/events/agent-messages.ts): one schema per `type`, each named by its
// own type, and they accept what the senders build and refuse what they do not. Every frame the system
// tests receive is checked against the same union (test/system/harness.ts openAgent).
import { describe, expect, it } from 'vitest';
import { customerCard, type Customer } from '#shared/domain/directory.ts';
import { agentMessageSchema, agentMessages, type AgentMessage } from '#shared/events/agent-messages.ts';

const call = {
  id: 'c_2fen5sx4fq6gyvyzy5zkeckbs5',
  direction: 'inbound',
  from: '+79161234567',
  to: '+74951234567',
  status: 'ringing',
  outcome: null,
  startedAt: '2025-03-01T10:00:00.000Z',
  answeredAt: null,
  endedAt: null,
  answeredBy: null,
  queue: 'support',
} as const;
const customer: Customer = {
  id: 'cus-ivan-petrov',
  fullName: 'Ivan Petrov',
  email: null,
  company: 'Petrov & Co',
  phones: ['+79161234567'],
  note: null,
  responsibleEmployeeId: null,
  createdAt: '2025-01-01T00:00:00.000Z',
  customFields: { tag: 'vip' },
};
const task = {
  id: '01JNDQ7Y0X5K2M3N4P5Q6R7S8T',
  tenantId: 'demo',
  kind: 'callback',
  title: 'call back +79161234567',
  number: '+79161234567',
  employeeId: 'emp-101',
  status: 'due',
  dueAt: '2025-03-01T10:30:00.000Z',
  createdAt: '2025-03-01T10:00:00.000Z',
  updatedAt: '2025-03-01T10:30:00.000Z',
  ruleId: 'rule-1',
  eventId: 'call.c_1.missed_call',
  callId: 'c_1',
  cancelReason: null,
} as const;

/** One message of every type, shaped as its sender builds it. */
const samples: AgentMessage[] = [
  { type: 'incoming_call', call, customer: customerCard(customer, ['fullName', 'company', 'email', 'custom:tag', 'custom:segment']) },
  { type: 'incoming_call', call, customer: null, actions: ['link_customer', 'create_ticket'] },
  { type: 'call_answered', call: { ...call, status: 'answered', answeredAt: '2025-03-01T10:00:12.000Z', answeredBy: 'emp-101' } },
  { type: 'call_ended', call: { ...call, status: 'ended', outcome: 'missed', endedAt: '2025-03-01T10:01:00.000Z' } },
  { type: 'ticket_created', ticket: { id: 't-1', subject: 'Missed call from +79161234567', status: 'open', missed: true } },
  { type: 'ticket_updated', ticket: { id: 't-1', subject: 'Missed call from +79161234567', status: 'closed', missed: true } },
  { type: 'agent_action', action: 'ticket_draft', callId: 'c_1' },
  { type: 'agent_action', action: 'ticket_created', callId: 'c_1', ticketId: 't-1' },
  { type: 'agent_action', action: 'call_linked', callId: 'c_1', ticketId: 't-1' },
  { type: 'agent_action', action: 'status_changed', ticketId: 't-1', status: 'pending' },
  { type: 'agent_action', action: 'message_added', ticketId: 't-1', messageId: 'm-1' },
  { type: 'call_dialing', ticketId: 't-1', subject: 'Missed call', number: '+79161234567', commandId: 'cmd-1', provider: 'mango' },
  { type: 'task_due', task },
  { type: 'rule_notification', ruleId: 'r-1', ruleName: 'Missed VIP', event: 'missed_call', callId: 'c_1', ticketId: null, text: 'missed call: +79161234567' },
  { type: 'rule_digest', ruleId: 'r-1', ruleName: 'Digest', event: 'missed_call', items: [{ text: 'missed call', at: task.dueAt, callId: 'c_1', ticketId: null }], more: 0, text: 'missed call' },
  {
    type: 'vip_call',
    call: { id: call.id, from: call.from, to: call.to, customerNumber: call.from, startedAt: call.startedAt, queue: null, offeredTo: ['emp-101'] },
    customer: { id: customer.id, fullName: customer.fullName, company: customer.company, customFields: { tag: 'vip' } },
  },
  { type: 'pong', at: '2025-03-01T10:00:00.000Z' },
  { type: 'error', error: 'unknown_action', message: 'send {"action":"ping"}' },
];

describe('agent messages', () => {
  it('each schema is keyed by its own type', () => {
    for (const [name, schema] of Object.entries(agentMessages)) {
      const sample = samples.find((s) => s.type === name);
      expect(sample, `a sample of ${name}`).toBeDefined();
      expect(schema.safeParse(sample).success, name).toBe(true);
      expect(schema.safeParse({ ...sample, type: `${name}_other` }).success, name).toBe(false);
    }
  });

  it.each(samples.map((s) => [s.type, s] as const))('%s: what the sender builds parses, unchanged', (_, sample) => {
    expect(agentMessageSchema.parse(JSON.parse(JSON.stringify(sample)))).toEqual(sample);
  });

  it('refuses an unknown type, a missing field, an unknown field and a wrong value', () => {
    expect(agentMessageSchema.safeParse({ type: 'call_ringing', call }).success).toBe(false);
    expect(agentMessageSchema.safeParse({ type: 'call_ended' }).success).toBe(false);
    expect(agentMessageSchema.safeParse({ type: 'pong', at: 'now', extra: 1 }).success).toBe(false);
    expect(agentMessageSchema.safeParse({ type: 'agent_action', action: 'status_changed', ticketId: 't-1', status: 'done' }).success).toBe(false);
    expect(agentMessageSchema.safeParse({ type: 'agent_action', action: 'ticket_draft' }).success).toBe(false);
  });
});
