// Facts of a rule event (customer, employee, call, ticket) and the dry run of a rule against a stored
// call or ticket. Reads only: the admin API (manage-rules) uses this without the side-effect adapters.
import { getCall } from '../adapters/calls-repo.ts';
import { findCustomerByPhone, getCustomer } from '../adapters/customers-repo.ts';
import { listEmployees } from '../adapters/employees-repo.ts';
import { getTicketRecord } from '../adapters/tickets-repo.ts';
import type { TenantConfig } from '../config.ts';
import type { Call } from '../domain/call.ts';
import type { Customer, Employee } from '../domain/directory.ts';
import { NotFound } from '../domain/errors.ts';
import { evaluateRule, type Evaluation, type Facts, type Rule, type RuleEvent } from '../domain/rules.ts';
import type { Ticket } from '../domain/ticket.ts';

export interface TriggerContext {
  tenant: string;
  config: TenantConfig;
  /** Outbound HTTP; replaceable in tests. */
  http?: (url: string, init: RequestInit) => Promise<Response>;
}

/** A catalog event as rules see it: which rule event, and a key that is the same for every delivery. */
export interface RuleEventInput {
  event: RuleEvent;
  /** Stable across redeliveries and republishing: the idempotency key of R5. */
  eventKey: string;
  call: Call | null;
  ticket: (Ticket & { previousStatus?: string | null }) | null;
}

// ---------------------------------------------------------------------------------------------
// Facts

const line = (c: Call): string | null => (c.direction === 'outbound' ? c.from : c.to) || null;

export async function buildFacts(ctx: TriggerContext, input: RuleEventInput, employees?: Employee[]): Promise<Facts> {
  const { call, ticket } = input;
  const number = call?.customerNumber ?? ticket?.customerNumber ?? null;
  let customer: Customer | null = null;
  if (ticket?.customerId) customer = await getCustomer(ctx.tenant, ticket.customerId);
  if (!customer && number) customer = await findCustomerByPhone(ctx.tenant, number);
  const employeeId = call ? (call.answeredBy ?? call.offeredTo[0] ?? null) : (ticket?.assigneeId ?? null);
  const all = employees ?? (employeeId ? await listEmployees(ctx.tenant) : []);
  const employee = employeeId ? (all.find((e) => e.id === employeeId) ?? null) : null;
  const at = call ? (call.endedAt ?? call.answeredAt ?? call.startedAt) : (ticket?.updatedAt ?? new Date().toISOString());
  return {
    event: input.event,
    at,
    timeZone: ctx.config.timeZone,
    call: call
      ? {
          id: call.id,
          direction: call.direction,
          from: call.from,
          to: call.to,
          customerNumber: call.customerNumber,
          line: line(call),
          outcome: call.outcome,
          talkSeconds: call.talkSeconds,
          waitSeconds: call.waitSeconds,
          answeredBy: call.answeredBy,
          offeredTo: call.offeredTo,
          startedAt: call.startedAt,
          recordingUrl: call.recordingUrl,
        }
      : null,
    customer: customer
      ? {
          id: customer.id,
          fullName: customer.fullName,
          email: customer.email,
          company: customer.company,
          note: customer.note,
          phones: customer.phones,
          ...(customer.customFields ? { customFields: customer.customFields } : {}),
        }
      : null,
    employee: employee ? { id: employee.id, fullName: employee.fullName, extension: employee.extension, email: employee.email } : null,
    ticket: ticket
      ? { id: ticket.id, subject: ticket.subject, status: ticket.status, previousStatus: ticket.previousStatus ?? null, assigneeId: ticket.assigneeId, customerNumber: ticket.customerNumber }
      : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Dry run

export interface DryRunResult extends Evaluation {
  ruleId: string | null;
  event: RuleEvent;
  facts: Facts;
  /** The actions that would run (nothing is executed). */
  actions: string[];
}

/** Evaluates a rule against a stored call or ticket; `event` defaults to the rule's own. Runs nothing. */
export async function dryRun(ctx: TriggerContext, rule: Pick<Rule, 'event' | 'conditions' | 'enabled' | 'actions'> & { id?: string }, source: { callId?: string | undefined; ticketId?: string | undefined; event?: RuleEvent | undefined }): Promise<DryRunResult> {
  const event = source.event ?? rule.event;
  let input: RuleEventInput;
  if (source.callId) {
    const call = await getCall(ctx.tenant, source.callId);
    if (!call) throw new NotFound('call not found');
    input = { event, eventKey: 'dry-run', call, ticket: null };
  } else {
    const record = source.ticketId ? await getTicketRecord(ctx.tenant, source.ticketId) : null;
    if (!record) throw new NotFound('ticket not found');
    input = { event, eventKey: 'dry-run', call: null, ticket: { ...record.ticket, previousStatus: null } };
  }
  const facts = await buildFacts(ctx, input);
  const evaluation = evaluateRule(rule, facts);
  return { ruleId: rule.id ?? null, event, facts, ...evaluation, actions: evaluation.matched ? rule.actions.map((a) => a.type) : [] };
}
