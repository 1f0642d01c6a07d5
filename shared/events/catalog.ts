// The public event contract: one entry per detail-type, shared by producers and consumers.
// Bump `schemaVersion` on breaking changes; JSON Schemas are generated from these (docs/events.md).
import { z } from 'zod';
import { callStatuses, directions, legStates, outcomes, presentations } from '../domain/call.ts';
import { missedStates, ticketMessageKinds, ticketStatuses } from '../domain/ticket.ts';

const agentRef = z.object({
  extension: z.string().optional(),
  sip: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  name: z.string().optional(),
});

export const callSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  provider: z.string(),
  providerCallId: z.string(),
  direction: z.enum(directions),
  status: z.enum(callStatuses),
  outcome: z.enum(outcomes).nullable(),
  from: z.string(),
  to: z.string(),
  customerNumber: z.string().nullable(),
  presentation: z.enum(presentations),
  queue: z.string().nullable(),
  startedAt: z.string(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  waitSeconds: z.number(),
  talkSeconds: z.number(),
  legs: z.array(
    z.object({
      id: z.string(),
      employeeId: z.string().nullable(),
      agent: agentRef,
      state: z.enum(legStates),
      offeredAt: z.string().nullable(),
      answeredAt: z.string().nullable(),
      endedAt: z.string().nullable(),
      talkSeconds: z.number(),
    }),
  ),
  offeredTo: z.array(z.string()),
  answeredBy: z.string().nullable(),
  endReason: z.string().nullable(),
  rawReason: z.string().nullable(),
  recordingUrl: z.string().nullable(),
});

export const ticketSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  channel: z.literal('calls'),
  subject: z.string(),
  status: z.enum(ticketStatuses),
  /** The ticket was opened by a missed call (kept for compatibility; see missedState). */
  missed: z.boolean(),
  /** M1/M3: `missed` (red handset) until an answered outgoing call with a recording resolves it (green). */
  missedState: z.enum(missedStates).nullable().optional(),
  /** Outgoing calls added to a missed-call ticket, answered or not. */
  callbackAttempts: z.number().int().optional(),
  /** When the customer of a missed-call ticket first answered a callback. */
  firstCallbackAt: z.string().nullable().optional(),
  /** Seconds from the first missed call to the first answered callback. */
  timeToCallbackSeconds: z.number().nullable().optional(),
  assigneeId: z.string().nullable(),
  customerId: z.string().nullable(),
  customerNumber: z.string().nullable(),
  callIds: z.array(z.string()),
  messages: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(ticketMessageKinds),
      callId: z.string().nullable(),
      authorId: z.string().nullable(),
      body: z.string(),
      recordingUrl: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const callDetail = z.object({
  schemaVersion: z.literal(1),
  tenantId: z.string(),
  /** Optimistic-concurrency version of the call item that produced this event. */
  revision: z.number().int(),
  call: callSchema,
});

export const callEvents = {
  ringing: {
    source: 'ringdesk.calls',
    detailType: 'Call Ringing',
    schema: callDetail.extend({ newlyOffered: z.array(z.string()) }),
  },
  answered: { source: 'ringdesk.calls', detailType: 'Call Answered', schema: callDetail },
  ended: { source: 'ringdesk.calls', detailType: 'Call Ended', schema: callDetail },
} as const;

const ticketDetail = z.object({
  schemaVersion: z.literal(1),
  tenantId: z.string(),
  ticket: ticketSchema,
  /** What changed: the call that caused it, when any. */
  callId: z.string().nullable(),
});

export const ticketEvents = {
  created: { source: 'ringdesk.tickets', detailType: 'Ticket Created', schema: ticketDetail },
  updated: { source: 'ringdesk.tickets', detailType: 'Ticket Updated', schema: ticketDetail },
} as const;

export type CallEventDetail = z.infer<typeof callDetail>;
export type CallRingingDetail = z.infer<typeof callEvents.ringing.schema>;
export type TicketEventDetail = z.infer<typeof ticketDetail>;

export interface EventDefinition<S extends z.ZodType> {
  source: string;
  detailType: string;
  schema: S;
}

export const catalog: EventDefinition<z.ZodType>[] = [...Object.values(callEvents), ...Object.values(ticketEvents)];
