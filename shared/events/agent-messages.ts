// What the agent WebSocket (`/live?token=…`) carries: every message pushed to an agent's clients and
// every request a client may send, as zod schemas. Senders build their messages with these types (the
// notifier accepts nothing else), the system tests check every frame they receive against
// `agentMessageSchema`, and docs/asyncapi.json is generated from here (`npm run asyncapi`).
import { z } from 'zod';
import { ruleEvents } from '../domain/rules.ts';
import { taskSchema } from '../domain/task.ts';
import { ticketStatuses } from '../domain/ticket.ts';
import { callSchema } from './catalog.ts';

/** The call as pop-ups and call updates carry it (a summary, not the whole call item). */
export const callSummarySchema = callSchema
  .pick({ id: true, direction: true, from: true, to: true, status: true, outcome: true, startedAt: true, answeredAt: true, endedAt: true, answeredBy: true, queue: true })
  .describe('The call: ids, numbers, state and times');
export type CallSummary = z.infer<typeof callSummarySchema>;

/** N1: only the fields the tenant chose for pop-ups (`popupFields`), null where the customer has none. */
const customerCardSchema = z
  .object({
    id: z.string(),
    fullName: z.string().nullable().optional(),
    email: z.string().nullable().optional(),
    company: z.string().nullable().optional(),
    phones: z.array(z.string()).nullable().optional(),
    note: z.string().nullable().optional(),
    responsibleEmployeeId: z.string().nullable().optional(),
    customFields: z.record(z.string(), z.string().nullable()).optional().describe('`custom:<name>` pop-up fields by name'),
  })
  .describe("The customer card with the tenant's pop-up fields");

const callState = (type: 'call_answered' | 'call_ended', description: string) =>
  z.strictObject({ type: z.literal(type), call: callSummarySchema }).describe(description);

const ticketChange = (type: 'ticket_created' | 'ticket_updated', description: string) =>
  z
    .strictObject({
      type: z.literal(type),
      ticket: z.strictObject({ id: z.string(), subject: z.string(), status: z.enum(ticketStatuses), missed: z.boolean() }),
    })
    .describe(description);

const agentAction = <A extends string, S extends z.ZodRawShape>(action: A, shape: S, description: string) =>
  z.strictObject({ type: z.literal('agent_action'), action: z.literal(action), ...shape }).describe(description);

/** Every message pushed to agents, by `type`. */
export const agentMessages = {
  incoming_call: z
    .strictObject({
      type: z.literal('incoming_call'),
      call: callSummarySchema,
      customer: customerCardSchema.nullable().describe('null: the number belongs to no customer'),
      actions: z.array(z.enum(['link_customer', 'create_ticket'])).optional().describe('N2: offered for an unknown number'),
    })
    .describe('N1, N2: a call rings at this employee (one per newly offered employee); the pop-up'),
  call_answered: callState('call_answered', 'N3: a call this employee rang for or answered was answered (by anyone)'),
  call_ended: callState('call_ended', 'N3: a call this employee rang for or answered ended (again when late PBX events change it)'),
  ticket_created: ticketChange('ticket_created', 'N3: a ticket assigned to this employee was created'),
  ticket_updated: ticketChange('ticket_updated', 'N3: a ticket assigned to this employee changed'),
  agent_action: z
    .discriminatedUnion('action', [
      agentAction('ticket_draft', { callId: z.string() }, 'T3: the employee opened the create-ticket page for the call'),
      agentAction('ticket_created', { callId: z.string(), ticketId: z.string() }, 'T1: the employee made a ticket from the call'),
      agentAction('call_linked', { callId: z.string(), ticketId: z.string() }, 'T2: the employee added the call to an existing ticket'),
      agentAction('status_changed', { ticketId: z.string(), status: z.enum(ticketStatuses) }, 'The employee changed the ticket status'),
      agentAction('message_added', { ticketId: z.string(), messageId: z.string() }, 'The employee added a note to the ticket'),
    ])
    .describe("What this employee did, echoed to the employee's other clients (tabs, side apps)"),
  call_dialing: z
    .strictObject({
      type: z.literal('call_dialing'),
      ticketId: z.string(),
      subject: z.string().describe('Subject of the ticket the call is placed from'),
      number: z.string().describe('The customer number dialled, E.164'),
      commandId: z.string().describe('Correlates the resulting call with the ticket'),
      provider: z.string().describe('The PBX placing the call'),
    })
    .describe('N4: a click-to-call from a ticket is dialling: the PBX rings the employee, then the customer'),
  task_due: z.strictObject({ type: z.literal('task_due'), task: taskSchema }).describe('N6: a callback task of this employee fell due (or was due while they were offline)'),
  rule_notification: z
    .strictObject({
      type: z.literal('rule_notification'),
      ruleId: z.string(),
      ruleName: z.string(),
      event: z.enum(ruleEvents),
      callId: z.string().nullable(),
      ticketId: z.string().nullable(),
      text: z.string().describe("The rule's rendered text, or a default line"),
    })
    .describe('R2: the notify action of a trigger rule'),
  rule_digest: z
    .strictObject({
      type: z.literal('rule_digest'),
      ruleId: z.string(),
      ruleName: z.string(),
      event: z.enum(ruleEvents),
      items: z.array(z.strictObject({ text: z.string(), at: z.string(), callId: z.string().nullable(), ticketId: z.string().nullable() })).describe('The first lines of the window'),
      more: z.number().int().min(0).describe('Lines of the window not listed (a message stays under 128 KB)'),
      text: z.string().describe('The listed lines joined by newlines'),
    })
    .describe('R2: the digest of a notify action with `digestMinutes`, one per window'),
  vip_call: z
    .strictObject({
      type: z.literal('vip_call'),
      call: z.strictObject({
        id: z.string(),
        from: z.string(),
        to: z.string(),
        customerNumber: z.string().nullable(),
        startedAt: z.string(),
        queue: z.string().nullable(),
        offeredTo: z.array(z.string()),
      }),
      customer: z.strictObject({ id: z.string(), fullName: z.string(), company: z.string().nullable(), customFields: z.record(z.string(), z.string()) }),
    })
    .describe('R4 (triggers/vip-caller-notifies-supervisors.ts): a VIP customer is calling; sent to supervisors, once per call'),
  pong: z.strictObject({ type: z.literal('pong'), at: z.string().describe('Server time, ISO-8601') }).describe('The answer to `{"action":"ping"}`'),
  error: z
    .strictObject({ type: z.literal('error'), error: z.literal('unknown_action'), message: z.string() })
    .describe('The answer to a request the WebSocket does not know'),
} as const;

type AgentMessageSchema = (typeof agentMessages)[keyof typeof agentMessages];

export const agentMessageSchema = z.discriminatedUnion('type', Object.values(agentMessages) as [AgentMessageSchema, ...AgentMessageSchema[]]);
export type AgentMessage = z.infer<typeof agentMessageSchema>;
export type AgentMessageOf<T extends AgentMessage['type']> = Extract<AgentMessage, { type: T }>;

/** What a client may send (route selection `$request.body.action`; everything goes to `$default`). */
export const agentRequests = {
  ping: z.object({ action: z.literal('ping') }).describe('Keep-alive; answered with `pong`'),
} as const;
