// Declarative trigger rules at run time (R1–R3, R5): a catalog event becomes a rule event with a stable
// key, facts are gathered (customer, employee, previous ticket status), every enabled rule of that event
// is evaluated (pure, shared/domain/rules.ts) and the actions of the matching ones run, each at most
// once per (rule, event) behind a marker (outbound HTTP: pending → done, see docs/triggers-rules.md).
import { notifyEmployees } from '../adapters/agent-notifier.ts';
import { findCustomerByPhone } from '../adapters/customers-repo.ts';
import { listEmployees } from '../adapters/employees-repo.ts';
import { logger } from '../adapters/logger.ts';
import { publish } from '../adapters/publisher.ts';
import { claimAction, completeAction, listRules, previousTicketStatus, reserveActionId, type ClaimMode } from '../adapters/rules-repo.ts';
import { getTicketRecord, putTicket } from '../adapters/tickets-repo.ts';
import type { Call } from '../domain/call.ts';
import type { Employee } from '../domain/directory.ts';
import { evaluateRule, renderTemplate, signatureOf, type Facts, type Rule, type RuleAction, type RuleEvent } from '../domain/rules.ts';
import type { Locale, Ticket } from '../domain/ticket.ts';
import type { AgentMessageOf } from '../events/agent-messages.ts';
import { callEvents, ticketEvents, type CallEventDetail, type TicketEventDetail } from '../events/catalog.ts';
import { registerCustomer } from './directory.ts';
import { newTicket, ticketEvent } from './call-tickets.ts';
import { addToDigest } from './rule-digests.ts';
import { buildFacts, type RuleEventInput, type TriggerContext } from './rule-facts.ts';
import { createCallbackTask } from './tasks.ts';

export type { RuleEventInput, TriggerContext };

// ---------------------------------------------------------------------------------------------
// Events

/**
 * The rule event of a call event, or null. One rule event per call and kind: a call ended twice
 * (a recording arriving later republishes Call Ended) still sends one post-call SMS.
 */
export function callRuleEvent(detailType: string, d: CallEventDetail): RuleEventInput | null {
  const call = d.call as Call;
  const mk = (event: RuleEvent): RuleEventInput => ({ event, eventKey: `call.${call.id}.${event}`, call, ticket: null });
  if (detailType === callEvents.ringing.detailType) return call.direction === 'inbound' ? mk('new_call') : null;
  if (detailType === callEvents.answered.detailType) return mk('call_answered');
  if (detailType === callEvents.ended.detailType) return mk('call_ended');
  return null;
}

/** Call Ended is also a missed call when its outcome says so (both rule events are produced). */
export function callRuleEvents(detailType: string, d: CallEventDetail): RuleEventInput[] {
  const main = callRuleEvent(detailType, d);
  if (!main) return [];
  if (main.event === 'call_ended' && d.call.outcome === 'missed') return [main, { ...main, event: 'missed_call', eventKey: `call.${d.call.id}.missed_call` }];
  return [main];
}

export async function ticketRuleEvents(tenant: string, detailType: string, d: TicketEventDetail): Promise<RuleEventInput[]> {
  const t = d.ticket as Ticket;
  const statusKey = `ticket.${t.id}.status.${t.updatedAt}.${t.status}`;
  if (detailType === ticketEvents.created.detailType) {
    await previousTicketStatus(tenant, t.id, t.status, t.updatedAt, statusKey);
    return [{ event: 'ticket_created', eventKey: `ticket.${t.id}.created`, call: null, ticket: { ...t, previousStatus: null } }];
  }
  if (detailType !== ticketEvents.updated.detailType) return [];
  const previous = await previousTicketStatus(tenant, t.id, t.status, t.updatedAt, statusKey);
  if (previous === 'stale' || previous === null || previous === t.status) return [];
  return [{ event: 'ticket_status_changed', eventKey: statusKey, call: null, ticket: { ...t, previousStatus: previous } }];
}

// ---------------------------------------------------------------------------------------------
// Running rules

/**
 * Outbound HTTP is retried (pending → done, receivers dedupe by X-Ringdesk-Delivery), and so is what
 * is idempotent on its own (tasks per origin, customers per phone, tickets per id kept on the marker,
 * digest lines per event key); only a live notification runs at most once.
 */
const modeOf = (a: RuleAction): ClaimMode => (a.type === 'notify' && !a.digestMinutes ? 'at-most-once' : 'retry-pending');

export interface RunReport {
  ruleId: string;
  matched: boolean;
  actions: { index: number; type: string; outcome: 'ran' | 'skipped-done' | 'skipped-busy' | 'skipped' }[];
}

/** Runs every enabled rule of the event; the first failing action throws (Lambda retries, then the DLQ). */
export async function runRules(ctx: TriggerContext, input: RuleEventInput, owner: string): Promise<RunReport[]> {
  const rules = (await listRules(ctx.tenant)).filter((r) => r.enabled && r.event === input.event);
  if (rules.length === 0) return [];
  const employees = await listEmployees(ctx.tenant);
  const facts = await buildFacts(ctx, input, employees);
  const reports: RunReport[] = [];
  // Every rule sees the facts of the event, not what an earlier rule's actions changed (order-independent).
  const evaluations = rules.map((rule) => ({ rule, evaluation: evaluateRule(rule, facts) }));
  for (const { rule, evaluation } of evaluations) {
    const report: RunReport = { ruleId: rule.id, matched: evaluation.matched, actions: [] };
    reports.push(report);
    if (!evaluation.matched) continue;
    logger.info('rule matched', { ruleId: rule.id, event: input.event, eventKey: input.eventKey });
    for (const [index, action] of rule.actions.entries()) {
      const claim = await claimAction(ctx.tenant, rule.id, input.eventKey, index, owner, modeOf(action));
      if (claim !== 'run') {
        report.actions.push({ index, type: action.type, outcome: claim === 'done' ? 'skipped-done' : 'skipped-busy' });
        continue;
      }
      const result = await runAction(ctx, rule, index, action, input, facts, employees);
      await completeAction(ctx.tenant, rule.id, input.eventKey, index, result);
      report.actions.push({ index, type: action.type, outcome: result['skipped'] ? 'skipped' : 'ran' });
    }
  }
  return reports;
}

async function runAction(
  ctx: TriggerContext,
  rule: Rule,
  index: number,
  action: RuleAction,
  input: RuleEventInput,
  facts: Facts,
  employees: Employee[],
): Promise<Record<string, unknown>> {
  const deliveryId = `${rule.id}.${input.eventKey}.${index}`;
  switch (action.type) {
    case 'notify':
      return notify(ctx, rule, index, action, input, facts, employees);
    case 'create_task': {
      const number = facts.call?.customerNumber ?? facts.ticket?.customerNumber ?? null;
      if (!number) return { skipped: 'no customer number' };
      const employeeId = facts.call?.answeredBy ?? facts.call?.offeredTo[0] ?? facts.ticket?.assigneeId ?? null;
      const out = await createCallbackTask({ tenant: ctx.tenant, number, employeeId, dueInMinutes: action.dueInMinutes, ruleId: rule.id, eventId: input.eventKey, callId: facts.call?.id ?? null });
      return { ...out };
    }
    case 'sms':
    case 'email': {
      const url = action.type === 'sms' ? ctx.config.outbound?.smsWebhookUrl : ctx.config.outbound?.emailWebhookUrl;
      if (!url) {
        logger.warn('no outbound webhook configured', { type: action.type, ruleId: rule.id });
        return { skipped: `outbound.${action.type}WebhookUrl is not configured` };
      }
      const to = renderTemplate(action.to, facts);
      if (!to) return { skipped: 'no recipient' };
      const payload =
        action.type === 'sms'
          ? { channel: 'sms', to, text: renderTemplate(action.text, facts), ruleId: rule.id, deliveryId }
          : { channel: 'email', to, subject: renderTemplate(action.subject, facts), text: renderTemplate(action.text, facts), ruleId: rule.id, deliveryId };
      const status = await postSigned(ctx, url, JSON.stringify(payload), deliveryId);
      return { status };
    }
    case 'webhook': {
      const body = action.body ? renderTemplate(action.body, facts, 'json') : JSON.stringify({ ruleId: rule.id, deliveryId, facts });
      return { status: await postSigned(ctx, action.url, body, deliveryId) };
    }
    case 'create_customer': {
      const number = facts.call?.customerNumber ?? facts.ticket?.customerNumber ?? null;
      if (!number) return { skipped: 'no customer number' };
      if (facts.customer || (await findCustomerByPhone(ctx.tenant, number))) return { skipped: 'the number already belongs to a customer' };
      try {
        const customer = await registerCustomer(ctx.tenant, ctx.config.country, { fullName: renderTemplate(action.fullName, facts) || number, phones: [number] });
        facts.customer = { id: customer.id, fullName: customer.fullName, email: customer.email, company: customer.company, note: customer.note, phones: customer.phones };
        return { customerId: customer.id };
      } catch (err) {
        // A concurrent creation claimed the phone first (409): the customer exists, which is the goal.
        if ((err as { statusCode?: number }).statusCode === 409) return { skipped: 'the number already belongs to a customer' };
        throw err;
      }
    }
    case 'create_ticket': {
      if (!input.call) return { skipped: 'create_ticket needs a call event' };
      // A retry (e.g. PutEvents failed) finishes the same ticket: its id is kept on the action's marker.
      const at = new Date().toISOString();
      const assignee = facts.call?.answeredBy ?? null;
      const fresh = await newTicket(ctx.tenant, input.call, renderTemplate(action.subject, facts), action.status, assignee, false, assignee, at, ctx.config.locale as Locale);
      const ticketId = await reserveActionId(ctx.tenant, rule.id, input.eventKey, index, fresh.id);
      let ticket = (await getTicketRecord(ctx.tenant, ticketId))?.ticket;
      if (!ticket) {
        ticket = { ...fresh, id: ticketId };
        if (!(await putTicket(ctx.tenant, ticket, 0))) {
          // Another delivery wrote it first: that one is the ticket.
          const stored = await getTicketRecord(ctx.tenant, ticketId);
          if (!stored) throw new Error(`ticket ${ticketId} was written concurrently and cannot be read`);
          ticket = stored.ticket;
        }
      }
      // At least once: consumers of Ticket Created are idempotent per ticket.
      await publish([ticketEvent('created', ctx.tenant, ticket, input.call.id)]);
      return { ticketId };
    }
  }
}

function recipients(action: Extract<RuleAction, { type: 'notify' }>, facts: Facts, employees: Employee[]): string[] {
  const ids = new Set(action.employeeIds ?? []);
  if (action.involved) {
    if (facts.call) for (const id of [facts.call.answeredBy, ...facts.call.offeredTo]) if (id) ids.add(id);
    if (facts.ticket?.assigneeId) ids.add(facts.ticket.assigneeId);
  }
  for (const e of employees) if (e.active && action.accessLevels?.includes(e.accessLevel)) ids.add(e.id);
  return [...ids];
}

const defaultText = (f: Facts): string =>
  f.call ? `${f.event.replace(/_/g, ' ')}: ${f.call.customerNumber ?? f.call.from}${f.customer ? ` (${f.customer.fullName})` : ''}` : `${f.event.replace(/_/g, ' ')}: ${f.ticket?.subject ?? ''}`;

async function notify(
  ctx: TriggerContext,
  rule: Rule,
  index: number,
  action: Extract<RuleAction, { type: 'notify' }>,
  input: RuleEventInput,
  facts: Facts,
  employees: Employee[],
): Promise<Record<string, unknown>> {
  const text = action.text ? renderTemplate(action.text, facts) : defaultText(facts);
  const to = recipients(action, facts, employees);
  const callId = facts.call?.id ?? null;
  const ticketId = facts.ticket?.id ?? null;
  if (!action.digestMinutes) {
    const message: AgentMessageOf<'rule_notification'> = { type: 'rule_notification', ruleId: rule.id, ruleName: rule.name, event: facts.event, callId, ticketId, text };
    return { sent: await notifyEmployees(ctx.tenant, to, message) };
  }
  // Digest mode: one line per (event, employee); the window's scheduled flush sends them (rule-digests.ts).
  for (const employeeId of to) {
    await addToDigest(
      { tenant: ctx.tenant, ruleId: rule.id, ruleName: rule.name, event: facts.event, actionIndex: index, employeeId, windowMinutes: action.digestMinutes },
      { eventKey: input.eventKey, text, at: facts.at, callId, ticketId },
    );
  }
  return { digested: to.length };
}

// ---------------------------------------------------------------------------------------------
// Outbound HTTP

/**
 * POSTs a signed JSON body: `X-Ringdesk-Timestamp` (unix seconds), `X-Ringdesk-Signature:
 * sha256=hex(HMAC-SHA256(secret, "{timestamp}.{body}"))`, `X-Ringdesk-Delivery` (the same for every
 * retry of one action of one rule for one event: receivers dedupe by it). 10 s timeout; a non-2xx
 * answer throws, so Lambda retries with backoff and finally dead-letters the event.
 */
export async function postSigned(ctx: TriggerContext, url: string, body: string, deliveryId: string, now = Date.now()): Promise<number> {
  const timestamp = String(Math.floor(now / 1000));
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-ringdesk-delivery': deliveryId, 'x-ringdesk-timestamp': timestamp };
  const secret = ctx.config.outbound?.secret;
  if (secret) headers['x-ringdesk-signature'] = signatureOf(secret, timestamp, body);
  const http = ctx.http ?? ((u: string, init: RequestInit) => fetch(u, { ...init, signal: AbortSignal.timeout(10_000) }));
  const res = await http(url, { method: 'POST', headers, body });
  if (res.status < 200 || res.status >= 300) throw new Error(`outbound webhook ${new URL(url).host} answered ${res.status}`);
  return res.status;
}


