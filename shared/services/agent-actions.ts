// What agents do in the helpdesk (T1–T3, T6, T7, N4): each action is recorded, its ticket written in the
// same transaction, pushed to the agent's other clients, and — when the call already ended — the call is
// settled again so the rules see the action (docs/adr/0003-ticket-rules.md).
import { ulid } from 'ulid';
import type { Call } from '../domain/call.ts';
import { putCallInTicket, type AgentAction, type AgentActionKind, type DialIntent } from '../domain/call-ticket-rules.ts';
import { Invalid, NotFound, UpstreamFailure } from '../domain/errors.ts';
import { normalizePhone } from '../domain/phone.ts';
import type { Principal } from '../domain/principal.ts';
import { emptyTicket, type Locale, type Ticket, type TicketStatus } from '../domain/ticket.ts';
import { OriginateError, type HttpClient } from '../providers/originate.ts';
import { originators } from '../providers/originators.ts';
import { notifyEmployees } from '../adapters/agent-notifier.ts';
import { actionPut, putAction, putDialIntent } from '../adapters/call-actions-repo.ts';
import { getCall } from '../adapters/calls-repo.ts';
import { findCustomerIdByPhone, putCustomer } from '../adapters/customers-repo.ts';
import { listEmployees } from '../adapters/employees-repo.ts';
import { logger } from '../adapters/logger.ts';
import { outboxEntry, publish } from '../adapters/publisher.ts';
import { retry, tryAgain, writeRace } from '../adapters/retry.ts';
import { getTicketRecord, putTicket } from '../adapters/tickets-repo.ts';
import type { AgentMessage, AgentMessageOf } from '../events/agent-messages.ts';
import { ticketEvents } from '../events/catalog.ts';
import { ticketForCall } from './call-tickets.ts';

export interface ActionContext {
  tenant: string;
  locale: Locale;
  country: string;
  principal: Principal;
  now?: Date;
}

const CLICK_TO_CALL_PROVIDERS = ['mango', 'zadarma', 'twilio'] as const;

async function callOrNotFound(tenant: string, id: string): Promise<Call> {
  const call = await getCall(tenant, id);
  if (!call) throw new NotFound('call not found');
  return call;
}

async function ticketOrNotFound(tenant: string, id: string) {
  const rec = await getTicketRecord(tenant, id);
  if (rec?.ticket.channel !== 'calls') throw new NotFound('ticket not found');
  return rec;
}

async function pushToAgent(ctx: ActionContext, message: AgentMessage): Promise<void> {
  try {
    await notifyEmployees(ctx.tenant, [ctx.principal.employeeId], message);
  } catch (err) {
    logger.warn('could not push the action to the agent', { error: err as Error }); // the action itself is done
  }
}

async function publishTicket(ctx: ActionContext, kind: 'created' | 'updated', ticket: Ticket, callId: string | null): Promise<void> {
  await publish([outboxEntry(ticketEvents[kind], { schemaVersion: 1, tenantId: ctx.tenant, ticket, callId })]);
}

function action(ctx: ActionContext, call: Call, kind: AgentActionKind, ticketId: string | null, summary: string | null): AgentAction {
  return { callId: call.id, employeeId: ctx.principal.employeeId, kind, ticketId, summary, at: (ctx.now ?? new Date()).toISOString() };
}

/** After an action on an ended call, the rules run again with it (the consumer may have decided already). */
async function settleIfEnded(ctx: ActionContext, call: Call): Promise<void> {
  const fresh = (await getCall(ctx.tenant, call.id)) ?? call;
  if (fresh.status === 'ended') await ticketForCall(ctx.tenant, ctx.locale, fresh, ctx.now);
}

/** T3: the agent opened the create-ticket page. */
export async function openTicketDraft(ctx: ActionContext, callId: string): Promise<{ callId: string; action: 'draft' }> {
  const call = await callOrNotFound(ctx.tenant, callId);
  await putAction(ctx.tenant, action(ctx, call, 'draft', null, null));
  await settleIfEnded(ctx, call);
  await pushToAgent(ctx, { type: 'agent_action', action: 'ticket_draft', callId });
  return { callId, action: 'draft' };
}

/** T6: the customer of the call's number, created from the number when unknown. */
async function customerFor(ctx: ActionContext, number: string | null): Promise<string | null> {
  if (!number) return null;
  const known = await findCustomerIdByPhone(ctx.tenant, number);
  if (known) return known;
  const at = (ctx.now ?? new Date()).toISOString();
  const id = ulid();
  try {
    await putCustomer(ctx.tenant, { id, fullName: number, email: null, company: null, phones: [number], note: null, responsibleEmployeeId: null, createdAt: at });
    return id;
  } catch (err) {
    // Someone else took the number at the same moment: theirs is the customer.
    const winner = await findCustomerIdByPhone(ctx.tenant, number);
    if (winner) return winner;
    throw err;
  }
}

/** T1 (+T6): a ticket made from the call by the agent; the call's message goes into it. */
export async function createTicketFromCall(ctx: ActionContext, callId: string, input: { subject: string; summary: string }): Promise<Ticket> {
  const call = await callOrNotFound(ctx.tenant, callId);
  const at = (ctx.now ?? new Date()).toISOString();
  const customerId = await customerFor(ctx, call.customerNumber);
  const empty = emptyTicket(
    { id: ulid(), tenantId: ctx.tenant, subject: input.subject, status: 'open', missed: false, assigneeId: ctx.principal.employeeId, customerId, customerNumber: call.customerNumber },
    at,
  );
  const ticket = putCallInTicket(empty, call, { employeeId: ctx.principal.employeeId, body: input.summary }, ulid(), at, ctx.locale);
  if (!(await putTicket(ctx.tenant, ticket, 0, [actionPut(ctx.tenant, action(ctx, call, 'ticket', ticket.id, input.summary))]))) {
    throw new Error('ticket id collision'); // a fresh ULID: cannot happen
  }
  await publishTicket(ctx, 'created', ticket, call.id);
  await settleIfEnded(ctx, call);
  await pushToAgent(ctx, { type: 'agent_action', action: 'ticket_created', callId, ticketId: ticket.id });
  return (await getTicketRecord(ctx.tenant, ticket.id))?.ticket ?? ticket;
}

/** T2 (or the summary of a T7 call): the call goes into an existing ticket; its message shows at once. */
export async function linkCall(ctx: ActionContext, callId: string, input: { ticketId: string; summary: string }): Promise<Ticket> {
  const call = await callOrNotFound(ctx.tenant, callId);
  return retry({ ...writeRace, giveUp: () => new Error(`link call ${callId}: too much contention on ticket ${input.ticketId}`) }, async () => {
    const rec = await ticketOrNotFound(ctx.tenant, input.ticketId);
    const at = (ctx.now ?? new Date()).toISOString();
    const ticket = putCallInTicket(rec.ticket, call, { employeeId: ctx.principal.employeeId, body: input.summary }, ulid(), at, ctx.locale);
    if (!(await putTicket(ctx.tenant, ticket, rec.version, [actionPut(ctx.tenant, action(ctx, call, 'link', ticket.id, input.summary))]))) return tryAgain;
    if (ticket !== rec.ticket) await publishTicket(ctx, 'updated', ticket, call.id);
    await settleIfEnded(ctx, call);
    await pushToAgent(ctx, { type: 'agent_action', action: 'call_linked', callId, ticketId: ticket.id });
    return (await getTicketRecord(ctx.tenant, ticket.id))?.ticket ?? ticket;
  });
}

/** Read-modify-write of a ticket with its version, retried on a concurrent change. */
async function changeTicket(ctx: ActionContext, id: string, change: (t: Ticket, at: string) => Ticket, pushed: AgentMessageOf<'agent_action'>): Promise<Ticket> {
  return retry({ ...writeRace, giveUp: () => new Error(`ticket ${id}: too much contention`) }, async () => {
    const rec = await ticketOrNotFound(ctx.tenant, id);
    const at = (ctx.now ?? new Date()).toISOString();
    const ticket = change(rec.ticket, at);
    if (ticket === rec.ticket) return ticket;
    if (!(await putTicket(ctx.tenant, ticket, rec.version))) return tryAgain;
    await publishTicket(ctx, 'updated', ticket, null);
    await pushToAgent(ctx, pushed);
    return ticket;
  });
}

export function setTicketStatus(ctx: ActionContext, id: string, status: TicketStatus): Promise<Ticket> {
  return changeTicket(ctx, id, (t, at) => (t.status === status ? t : { ...t, status, updatedAt: at }), { type: 'agent_action', action: 'status_changed', ticketId: id, status });
}

export function addTicketNote(ctx: ActionContext, id: string, body: string): Promise<Ticket> {
  const messageId = ulid();
  return changeTicket(
    ctx,
    id,
    (t, at) => ({ ...t, messages: [...t.messages, { id: messageId, kind: 'note', callId: null, authorId: ctx.principal.employeeId, body, recordingUrl: null, createdAt: at }], updatedAt: at }),
    { type: 'agent_action', action: 'message_added', ticketId: id, messageId },
  );
}

/** The provider that places calls: `clickToCallProvider` when set, else the first configured of mango, zadarma, twilio. */
export function clickToCallProvider(providers: Record<string, unknown>, preferred?: string): string | null {
  if (preferred && providers[preferred] && originators[preferred]) return preferred;
  return CLICK_TO_CALL_PROVIDERS.find((p) => providers[p]) ?? null;
}

export const fetchHttp: HttpClient = async (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });

/** T7, N4: the PBX rings the agent, then dials the customer; the resulting call is correlated to the ticket. */
export async function callCustomer(
  ctx: ActionContext,
  ticketId: string,
  input: { phone?: string | undefined },
  providers: Record<string, unknown>,
  http: HttpClient = fetchHttp,
): Promise<{ ticketId: string; commandId: string; provider: string; number: string; providerCallId: string | null }> {
  const { ticket } = await ticketOrNotFound(ctx.tenant, ticketId);
  const number = input.phone !== undefined ? normalizePhone(input.phone, ctx.country).e164 : ticket.customerNumber;
  if (!number) throw new Invalid(input.phone !== undefined ? `cannot call ${JSON.stringify(input.phone)}: not a phone number` : 'the ticket has no customer number: give `phone`', 'no_number');
  const employee = (await listEmployees(ctx.tenant)).find((e) => e.id === ctx.principal.employeeId);
  if (!employee) throw new Invalid('only an employee with an extension can place calls', 'not_an_employee');
  const provider = clickToCallProvider(providers, (providers['clickToCallProvider'] as string | undefined) ?? undefined);
  const originator = provider ? originators[provider] : undefined;
  if (!provider || !originator) throw new UpstreamFailure('no click-to-call provider (mango, zadarma, twilio) is configured for this tenant', 'click_to_call_unavailable');
  const commandId = ulid();
  let providerCallId: string | null;
  try {
    const out = await originator.originate({ commandId, from: { extension: employee.extension, sipAccounts: employee.sipAccounts, phones: employee.phones }, to: number }, providers[provider], http);
    providerCallId = out.providerCallId;
  } catch (err) {
    if (err instanceof OriginateError) throw new UpstreamFailure(`${provider}: ${err.message}`, 'click_to_call_failed');
    throw err;
  }
  const intent: DialIntent = { ticketId, employeeId: employee.id, customerNumber: number, commandId, provider, providerCallId, createdAt: (ctx.now ?? new Date()).toISOString() };
  await putDialIntent(ctx.tenant, intent);
  // N4: the ticket shows a dialing block; a client not on the ticket page offers to return to it.
  await pushToAgent(ctx, { type: 'call_dialing', ticketId, subject: ticket.subject, number, commandId, provider });
  return { ticketId, commandId, provider, number, providerCallId };
}
