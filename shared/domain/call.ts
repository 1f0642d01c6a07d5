// The provider-neutral call model (docs/call-model.md). Pure types and the value lists of its enums
// (the event catalog, the call log, the rules and the API build their zod enums from these): no I/O, no AWS.

export const directions = ['inbound', 'outbound', 'internal', 'unknown'] as const;
export type Direction = (typeof directions)[number];

/** Final result of a call, derived from talk evidence, never from a provider "success" flag. */
export const outcomes = [
  'answered', // an employee leg connected
  'missed', // inbound, rang at an employee, nobody answered
  'ivr_only', // never reached an employee (IVR, queue, auto-attendant)
  'voicemail', // only voicemail took it
  'rejected_blocked', // rejected by the block list
  'not_answered', // outbound, callee did not answer
  'busy',
  'failed',
  'canceled', // outbound cancelled by the agent
] as const;
export type Outcome = (typeof outcomes)[number];

export const callStatuses = ['ringing', 'answered', 'ended'] as const;
export type CallStatus = (typeof callStatuses)[number];

export const legStates = ['offered', 'answered', 'ended'] as const;
export type LegState = (typeof legStates)[number];

/** Whether the caller's number was shown (`withheld`: anonymous). */
export const presentations = ['allowed', 'withheld', 'unknown'] as const;
export type Presentation = (typeof presentations)[number];

/** What a provider tells about an agent; providers give different subsets. */
export interface AgentRef {
  extension?: string;
  sip?: string;
  phone?: string;
  email?: string;
  name?: string;
}

export type CanonicalEventType =
  | 'created' // the call exists (e.g. Zammad newCall)
  | 'offered' // ringing at the agents in `agents`
  | 'answered' // `agent` connected (or voicemail when `voicemail`)
  | 'ended' // the call (or the leg `legId`) ended
  | 'recording_available';

/** One canonical event, produced by a provider adapter from one delivery. */
export interface CanonicalEvent {
  /** Dedupe key, stable across redeliveries of the same provider event (docs/call-model.md §10.7 item 5). */
  key: string;
  provider: string;
  providerCallId: string;
  providerEventType: string;
  type: CanonicalEventType;
  /** Provider sequence number when the provider has one. */
  sequence?: number;
  /** ISO-8601 time of the event; receipt time when the provider sends none. */
  occurredAt: string;
  occurredAtSource: 'provider' | 'receipt';
  direction?: Direction;
  /** Raw numbers as the provider sent them. */
  from?: string;
  to?: string;
  queue?: string;
  /** Provider leg id, when the provider has legs. */
  legId?: string;
  /** offered: the agents it rings at. */
  agents?: AgentRef[];
  /** answered / ended: the agent concerned. */
  agent?: AgentRef;
  voicemail?: boolean;
  /** created: refused by the block list (Zammad `reject`); the outcome is `rejected_blocked` unless someone talked. */
  rejected?: boolean;
  /** ended: canonical reason and the provider's raw one. */
  endReason?: string;
  rawReason?: string;
  recording?: { id?: string; url?: string };
}

export interface CallLeg {
  id: string;
  employeeId: string | null;
  agent: AgentRef;
  state: LegState;
  offeredAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  talkSeconds: number;
}

export interface Call {
  id: string;
  tenantId: string;
  provider: string;
  providerCallId: string;
  direction: Direction;
  status: CallStatus;
  outcome: Outcome | null;
  /** E.164 when it parses, `anonymous` for withheld numbers, else the raw value. */
  from: string;
  to: string;
  /** The customer's side of the call, E.164, null for anonymous or internal. */
  customerNumber: string | null;
  presentation: Presentation;
  queue: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  waitSeconds: number;
  talkSeconds: number;
  legs: CallLeg[];
  /** Employees the call rang at (group ringing), in first-offered order. */
  offeredTo: string[];
  /** Employee who answered first, null when nobody did. */
  answeredBy: string | null;
  endReason: string | null;
  rawReason: string | null;
  recordingUrl: string | null;
}

/** Tenant context the reducer needs; pure data or pure functions only. */
export interface ReduceContext {
  tenantId: string;
  /** ISO 3166 alpha-2 default country for national numbers, e.g. `RU`. */
  country: string;
  /** Maps what the provider said about an agent to an employee id. Must be pure. */
  matchEmployee: (agent: AgentRef) => string | null;
}
