// Declarative trigger rules (R1–R3, R5): the rule document (zod; JSON Schema in docs/rules.schema.json),
// the facts a rule is evaluated against, the pure evaluator that explains every condition, and the
// `{path}` templates of messages. No I/O here: see shared/services/triggers.ts for the side effects.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { directions, outcomes, type Direction, type Outcome } from './call.ts';
import { accessLevels } from './directory.ts';
import { ticketStatuses, type TicketStatus } from './ticket.ts';
import { outboundUrl } from './urls.ts';

// ---------------------------------------------------------------------------------------------
// The rule document

/** R1: the events a rule can listen to. */
export const ruleEvents = ['new_call', 'missed_call', 'call_answered', 'call_ended', 'ticket_created', 'ticket_status_changed'] as const;
export type RuleEvent = (typeof ruleEvents)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is HH:MM (24 h)');
const range = z
  .strictObject({ gte: z.number().min(0).optional(), lte: z.number().min(0).optional() })
  .refine((r) => r.gte !== undefined || r.lte !== undefined, 'give gte, lte or both');
const weekdays = z.array(z.number().int().min(1).max(7)).min(1).max(7).describe('ISO weekdays, 1 = Monday … 7 = Sunday');

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { customer: 'known' | 'unknown' }
  | { line: string[] }
  | { employee: string[] }
  | { direction: Direction[] }
  | { outcome: Outcome[] }
  | { talkSeconds: { gte?: number | undefined; lte?: number | undefined } }
  | { waitSeconds: { gte?: number | undefined; lte?: number | undefined } }
  | { timeOfDay: { from: string; to: string } }
  | { workingHours: { days: number[]; from: string; to: string } }
  | { customerField: { field: string; op: 'equals' | 'contains' | 'exists' | 'absent'; value?: string | undefined } }
  | { ticketStatus: TicketStatus[] }
  | { previousTicketStatus: TicketStatus[] };

export const conditionSchema: z.ZodType<Condition> = z.lazy((): z.ZodType<Condition> =>
  z.union([
    z.strictObject({ all: z.array(conditionSchema).max(50) }).describe('Every condition holds (an empty list holds)'),
    z.strictObject({ any: z.array(conditionSchema).max(50) }).describe('At least one condition holds'),
    z.strictObject({ not: conditionSchema }).describe('The condition does not hold'),
    z.strictObject({ customer: z.enum(['known', 'unknown']) }).describe("The caller's number belongs (or not) to a customer"),
    z.strictObject({ line: z.array(z.string().min(1).max(40)).min(1).max(50) }).describe("Our number (line / entry number) the call came in on or went out from, E.164"),
    z.strictObject({ employee: z.array(z.string().min(1).max(128)).min(1).max(200) }).describe('Employee ids: who answered, else who it rang at'),
    z.strictObject({ direction: z.array(z.enum(directions)).min(1) }),
    z.strictObject({ outcome: z.array(z.enum(outcomes)).min(1) }).describe('Call outcome (known at call end)'),
    z.strictObject({ talkSeconds: range }).describe('Conversation duration in seconds'),
    z.strictObject({ waitSeconds: range }).describe('Wait (ringing) duration in seconds'),
    z.strictObject({ timeOfDay: z.strictObject({ from: hhmm, to: hhmm }) }).describe("Event time within [from, to) in the tenant's time zone; from > to spans midnight"),
    z
      .strictObject({ workingHours: z.strictObject({ days: weekdays, from: hhmm, to: hhmm }) })
      .describe("Event time on one of the days within [from, to) in the tenant's time zone (use `not` for outside working hours)"),
    z
      .strictObject({
        customerField: z.strictObject({
          field: z.string().min(1).max(80).describe('fullName, email, company, note, or custom:<name>'),
          op: z.enum(['equals', 'contains', 'exists', 'absent']),
          value: z.string().max(1000).optional(),
        }),
      })
      .describe('A field of the customer (case-insensitive comparison); an unknown customer has no fields'),
    z.strictObject({ ticketStatus: z.array(z.enum(ticketStatuses)).min(1) }).describe("The ticket's status (ticket events)"),
    z.strictObject({ previousTicketStatus: z.array(z.enum(ticketStatuses)).min(1) }).describe('The status before the change (ticket_status_changed)'),
  ]),
).meta({ id: 'Condition', description: 'A condition: a leaf, or all / any / not of conditions' });

const template = (max: number) => z.string().min(1).max(max).describe('Template: `{path.to.value}` is replaced by that fact (see docs/triggers-rules.md)');

export const actionSchema = z.discriminatedUnion('type', [
  z
    .strictObject({
      type: z.literal('notify'),
      /** Explicit employees, and/or those involved in the call or ticket, and/or everyone of some access levels. */
      employeeIds: z.array(z.string().min(1).max(128)).max(200).optional(),
      involved: z.boolean().optional().describe('The employees the call rang at / who answered, or the ticket assignee'),
      accessLevels: z.array(z.enum(accessLevels)).max(accessLevels.length).optional(),
      text: template(2000).optional(),
      digestMinutes: z.number().int().min(1).max(1440).optional().describe('At most one message per N minutes per employee, listing the events in between'),
    })
    .describe('Push a `rule_notification` WebSocket message to employees'),
  z
    .strictObject({ type: z.literal('create_task'), dueInMinutes: z.number().int().min(0).max(60 * 24 * 30) })
    .describe('Create a task "call back {number}" for the employee of the call, due in N minutes'),
  z
    .strictObject({ type: z.literal('sms'), to: template(200).default('{call.customerNumber}'), text: template(2000) })
    .describe("Send an SMS through the tenant's outbound SMS webhook"),
  z
    .strictObject({ type: z.literal('email'), to: template(300).default('{customer.email}'), subject: template(300), text: template(10_000) })
    .describe("Send an email through the tenant's outbound email webhook"),
  z.strictObject({ type: z.literal('create_customer'), fullName: template(200).default('{call.customerNumber}') }).describe('Create a customer with the caller number when none has it'),
  z
    .strictObject({ type: z.literal('create_ticket'), subject: template(500), status: z.enum(ticketStatuses).default('open') })
    .describe('Create a ticket of channel calls with the call in it'),
  z
    .strictObject({ type: z.literal('webhook'), url: outboundUrl, body: template(10_000).optional().describe('Default: the JSON of the facts') })
    .describe('POST to an HTTP endpoint, signed with HMAC-SHA256 over `{timestamp}.{body}`, retried with backoff, dead-lettered'),
]);
export type RuleAction = z.output<typeof actionSchema>;

export const ruleBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
  event: z.enum(ruleEvents),
  conditions: conditionSchema.default({ all: [] }),
  actions: z.array(actionSchema).min(1).max(10),
});
export type RuleBody = z.output<typeof ruleBodySchema>;

export const ruleSchema = ruleBodySchema.extend({ id: z.string(), createdAt: z.string(), updatedAt: z.string() });
export type Rule = z.output<typeof ruleSchema>;

// ---------------------------------------------------------------------------------------------
// Facts

export interface Facts {
  event: RuleEvent;
  /** ISO time of the event (the call's start/answer/end, the ticket's update). */
  at: string;
  timeZone: string;
  call: {
    id: string;
    direction: string;
    from: string;
    to: string;
    customerNumber: string | null;
    line: string | null;
    outcome: string | null;
    talkSeconds: number;
    waitSeconds: number;
    answeredBy: string | null;
    offeredTo: string[];
    startedAt: string;
    recordingUrl: string | null;
  } | null;
  customer: { id: string; fullName: string; email: string | null; company: string | null; note: string | null; phones: string[]; customFields?: Record<string, string> } | null;
  employee: { id: string; fullName: string; extension: string; email: string | null } | null;
  ticket: { id: string; subject: string; status: string; previousStatus: string | null; assigneeId: string | null; customerNumber: string | null } | null;
}

// ---------------------------------------------------------------------------------------------
// Evaluation (pure)

export interface ConditionResult {
  path: string;
  held: boolean;
  detail: string;
}

export interface Evaluation {
  matched: boolean;
  /** The rule listens to this event. */
  eventMatched: boolean;
  conditions: ConditionResult[];
}

/** Minutes since local midnight and ISO weekday of an instant in a time zone (Intl, no library). */
export function localTime(iso: string, timeZone: string): { minutes: number; weekday: number; text: string } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', weekday: 'short' }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const hour = Number(get('hour')) % 24;
  const minute = Number(get('minute'));
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { minutes: hour * 60 + minute, weekday, text: `${get('weekday')} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` };
}

const toMinutes = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/** [from, to) in minutes of the day; from > to spans midnight; from = to is the whole day. */
function inWindow(m: number, from: string, to: string): boolean {
  const f = toMinutes(from);
  const t = toMinutes(to);
  if (f === t) return true;
  return f < t ? m >= f && m < t : m >= f || m < t;
}

function inRange(v: number, r: { gte?: number | undefined; lte?: number | undefined }): boolean {
  return (r.gte === undefined || v >= r.gte) && (r.lte === undefined || v <= r.lte);
}

const rangeText = (r: { gte?: number | undefined; lte?: number | undefined }) => [r.gte !== undefined ? `≥ ${r.gte}` : '', r.lte !== undefined ? `≤ ${r.lte}` : ''].filter(Boolean).join(' and ');

export function customerFieldValue(customer: Facts['customer'], field: string): string | null {
  if (!customer) return null;
  if (field.startsWith('custom:')) return customer.customFields?.[field.slice(7)] ?? null;
  const v = (customer as unknown as Record<string, unknown>)[field];
  if (Array.isArray(v)) return v.join(', ') || null;
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Evaluates one condition, appending its result (and its children's) to `out`; returns whether it held. */
function evaluate(c: Condition, f: Facts, path: string, out: ConditionResult[]): boolean {
  const push = (held: boolean, detail: string) => {
    out.push({ path, held, detail });
    return held;
  };
  if ('all' in c || 'any' in c) {
    const all = 'all' in c;
    const list = 'all' in c ? c.all : c.any;
    const idx = out.length;
    const results = list.map((x, i) => evaluate(x, f, `${path}.${all ? 'all' : 'any'}[${i}]`, out));
    const count = results.filter(Boolean).length;
    const held = all ? count === list.length : count > 0;
    out.splice(idx, 0, { path, held, detail: `${count} of ${list.length} held, ${all ? 'all' : 'one'} needed` });
    return held;
  }
  if ('not' in c) {
    const idx = out.length;
    const inner = evaluate(c.not, f, `${path}.not`, out);
    out.splice(idx, 0, { path, held: !inner, detail: `the inner condition ${inner ? 'held' : 'did not hold'}` });
    return !inner;
  }
  if ('customer' in c) {
    const known = f.customer !== null;
    return push(known === (c.customer === 'known'), f.customer ? `the number belongs to customer ${f.customer.id}` : `no customer has number ${f.call?.customerNumber ?? f.ticket?.customerNumber ?? '(none)'}`);
  }
  if ('line' in c) {
    const line = f.call?.line ?? null;
    return push(line !== null && c.line.includes(line), `the line is ${line ?? '(none)'}; expected one of ${c.line.join(', ')}`);
  }
  if ('employee' in c) {
    const ids = f.employee ? [f.employee.id] : (f.call?.offeredTo ?? (f.ticket?.assigneeId ? [f.ticket.assigneeId] : []));
    return push(ids.some((id) => c.employee.includes(id)), `the employee is ${ids.join(', ') || '(none)'}; expected one of ${c.employee.join(', ')}`);
  }
  if ('direction' in c) {
    const d = f.call?.direction ?? null;
    return push(d !== null && (c.direction as string[]).includes(d), `the direction is ${d ?? '(no call)'}; expected one of ${c.direction.join(', ')}`);
  }
  if ('outcome' in c) {
    const o = f.call?.outcome ?? null;
    return push(o !== null && (c.outcome as string[]).includes(o), `the outcome is ${o ?? '(none yet)'}; expected one of ${c.outcome.join(', ')}`);
  }
  if ('talkSeconds' in c) {
    const v = f.call?.talkSeconds ?? 0;
    return push(f.call !== null && inRange(v, c.talkSeconds), `talk time ${v} s; expected ${rangeText(c.talkSeconds)}`);
  }
  if ('waitSeconds' in c) {
    const v = f.call?.waitSeconds ?? 0;
    return push(f.call !== null && inRange(v, c.waitSeconds), `wait time ${v} s; expected ${rangeText(c.waitSeconds)}`);
  }
  if ('timeOfDay' in c) {
    const t = localTime(f.at, f.timeZone);
    return push(inWindow(t.minutes, c.timeOfDay.from, c.timeOfDay.to), `local time ${t.text} (${f.timeZone}); expected ${c.timeOfDay.from}–${c.timeOfDay.to}`);
  }
  if ('workingHours' in c) {
    const t = localTime(f.at, f.timeZone);
    const w = c.workingHours;
    const held = w.days.includes(t.weekday) && inWindow(t.minutes, w.from, w.to);
    return push(held, `local time ${t.text} (${f.timeZone}); working hours are days ${w.days.join(',')} ${w.from}–${w.to}`);
  }
  if ('customerField' in c) {
    const { field, op, value } = c.customerField;
    const v = customerFieldValue(f.customer, field);
    const lc = (s: string) => s.toLocaleLowerCase();
    const held =
      op === 'exists' ? v !== null : op === 'absent' ? v === null : v !== null && value !== undefined && (op === 'equals' ? lc(v) === lc(value) : lc(v).includes(lc(value)));
    return push(held, `customer ${field} is ${v === null ? '(absent)' : JSON.stringify(v)}; expected ${op}${value !== undefined ? ` ${JSON.stringify(value)}` : ''}`);
  }
  if ('ticketStatus' in c) {
    const s = f.ticket?.status ?? null;
    return push(s !== null && (c.ticketStatus as string[]).includes(s), `the ticket status is ${s ?? '(no ticket)'}; expected one of ${c.ticketStatus.join(', ')}`);
  }
  if ('previousTicketStatus' in c) {
    const s = f.ticket?.previousStatus ?? null;
    return push(s !== null && (c.previousTicketStatus as string[]).includes(s), `the previous ticket status is ${s ?? '(none)'}; expected one of ${c.previousTicketStatus.join(', ')}`);
  }
  return push(false, 'unknown condition');
}

/** Pure: does the rule match these facts, and why (every condition with whether it held). */
export function evaluateRule(rule: Pick<Rule, 'event' | 'conditions' | 'enabled'>, facts: Facts): Evaluation {
  const conditions: ConditionResult[] = [];
  const held = evaluate(rule.conditions, facts, 'conditions', conditions);
  const eventMatched = rule.event === facts.event;
  return { matched: rule.enabled && eventMatched && held, eventMatched, conditions };
}

// ---------------------------------------------------------------------------------------------
// Templates

/**
 * `{path.to.value}` → the fact at that path (`{customer.fullName}`, `{call.from}`, `{employee.fullName}`,
 * `{ticket.subject}`, `{customer.customFields.vip}`). A missing or null value renders as the empty
 * string; arrays are joined with ", ". `{{` and `}}` are a literal `{` and `}`; a `{…}` that is not a
 * path (spaces, quotes) is kept as written. `escaping` is applied to every substituted value (not to the
 * template's own text): `json` for JSON string contents, none for plain text (SMS, email).
 */
export function renderTemplate(template: string, facts: unknown, escaping: 'none' | 'json' = 'none'): string {
  return template.replace(/\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_:-]+)*)\}/g, (whole, path: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    if (path === undefined) return whole;
    let v: unknown = facts;
    for (const key of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
    const text = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return escaping === 'json' ? JSON.stringify(text).slice(1, -1) : text;
  });
}

// ---------------------------------------------------------------------------------------------
// Action markers (R5): the decision, given the marker as read (the repository applies it conditionally)

export interface ActionMarker {
  state: 'pending' | 'done';
  owner: string;
  leaseUntil?: number | undefined;
}

/**
 * - no marker → `create` it (pending) and run;
 * - `done` → skip;
 * - `pending`, at-most-once actions → skip (`done`: the first delivery ran or is running it);
 * - `pending`, retryable actions (outbound HTTP, tasks, customers) → `take` it over and run again when the
 *   same owner comes back (Lambda's retry of the invocation that crashed) or the lease ran out;
 *   else `busy` (skip: the owner's retry finishes the job).
 */
export function claimDecision(marker: ActionMarker | null, owner: string, mode: 'at-most-once' | 'retry-pending', now: number): 'create' | 'take' | 'done' | 'busy' {
  if (!marker) return 'create';
  if (marker.state === 'done' || mode === 'at-most-once') return 'done';
  if (marker.owner === owner || (marker.leaseUntil ?? 0) < now) return 'take';
  return 'busy';
}

/** `X-Ringdesk-Signature` of outbound requests: `sha256=` + hex HMAC-SHA256(secret, "{timestamp}.{body}"). */
export function signatureOf(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
