// The call log (L1): one row per call, and the facets a finished call is filed under so that every
// filter of `GET /calls` reads one keyed partition instead of scanning. Pure: the repository
// writes what this derives, and the cursor is a signed position, not a DynamoDB key.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { directions, outcomes, type Call, type Direction, type Outcome } from './call.ts';

export const callLogRowSchema = z.object({
  id: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable().describe('null while the call is still going on'),
  direction: z.enum(directions),
  from: z.string(),
  to: z.string(),
  line: z.string().nullable().describe('The company-side number: `to` of an inbound call, `from` of an outbound one, null for internal calls'),
  customerNumber: z.string().nullable(),
  customerId: z.string().nullable().describe('The customer of the number when the call was logged'),
  employees: z.array(z.string()).describe('Employees with a leg of the call (offered or answered), those who answered first'),
  answeredBy: z.string().nullable(),
  outcome: z.enum(outcomes).nullable().describe('null while the call is still going on'),
  waitSeconds: z.number(),
  talkSeconds: z.number(),
  recordingUrl: z.string().nullable(),
  provider: z.string(),
});
export type CallLogRow = z.infer<typeof callLogRowSchema>;

/**
 * A call ringing at more employees than this is filed under the first ones only (those who
 * answered come first), so that the facets of one call fit one DynamoDB transaction (100 items:
 * new facets + dropped facets + the marker). The row itself still lists every employee.
 */
export const MAX_EMPLOYEE_FACETS = 40;

/** Position of a call in every log partition: newest first is descending order of this key. */
export const logPosition = (call: Pick<Call, 'startedAt' | 'id'>): string => `${call.startedAt}#${call.id}`;

function employeesOf(call: Call): string[] {
  const answered = call.legs.filter((l) => l.answeredAt !== null).map((l) => l.employeeId);
  const all = [call.answeredBy, ...answered, ...call.offeredTo, ...call.legs.map((l) => l.employeeId)];
  return [...new Set(all.filter((id): id is string => !!id))];
}

function lineOf(call: Call): string | null {
  const line = call.direction === 'inbound' ? call.to : call.direction === 'outbound' ? call.from : null;
  return line && line !== 'anonymous' ? line : null;
}

export function logRow(call: Call, customerId: string | null = null): CallLogRow {
  return {
    id: call.id,
    startedAt: call.startedAt,
    endedAt: call.endedAt,
    direction: call.direction,
    from: call.from,
    to: call.to,
    line: lineOf(call),
    customerNumber: call.customerNumber,
    customerId,
    employees: employeesOf(call),
    answeredBy: call.answeredBy,
    outcome: call.outcome,
    waitSeconds: call.waitSeconds,
    talkSeconds: call.talkSeconds,
    recordingUrl: call.recordingUrl,
    provider: call.provider,
  };
}

/** The facet partitions a call is filed under; none until it has ended (the unfiltered log has it from its first event). */
export function logFacets(call: Call): string[] {
  if (call.status !== 'ended') return [];
  const row = logRow(call);
  const facets = [`dir:${row.direction}`];
  if (row.outcome) facets.push(`out:${row.outcome}`);
  for (const e of row.employees.slice(0, MAX_EMPLOYEE_FACETS)) facets.push(`emp:${e}`);
  if (row.line) facets.push(`line:${row.line}`);
  if (row.customerNumber) facets.push(`num:${row.customerNumber}`);
  if (row.recordingUrl) facets.push('rec:1');
  return facets;
}

/** Validated, normalized filters (numbers in E.164, instants as `toISOString()`). */
export interface CallLogFilters {
  /** Inclusive lower bound of `startedAt`. */
  from?: string;
  /** Exclusive upper bound of `startedAt`. */
  to?: string;
  direction?: Direction;
  outcome?: Outcome;
  employeeId?: string;
  line?: string;
  number?: string;
  customerId?: string;
  hasRecording?: true;
}

const facetFilters = ['direction', 'outcome', 'employeeId', 'line', 'number', 'customerId', 'hasRecording'] as const;

export function hasFacetFilter(f: CallLogFilters): boolean {
  return facetFilters.some((k) => f[k] !== undefined);
}

/**
 * The one facet partition to read, most selective first: a number > an employee > a line > an
 * outcome > a direction > "has a recording". Null when the filter is by customer without a
 * number (the customer's `num:` partitions are merged) or when there is no facet filter.
 */
export function facetToRead(f: CallLogFilters): string | null {
  if (f.number) return `num:${f.number}`;
  if (f.customerId) return null;
  if (f.employeeId) return `emp:${f.employeeId}`;
  if (f.line) return `line:${f.line}`;
  if (f.outcome) return `out:${f.outcome}`;
  if (f.direction) return `dir:${f.direction}`;
  if (f.hasRecording) return 'rec:1';
  return null;
}

/** Every filter checked on the row itself; `customerPhones` are the phones of `f.customerId`. */
export function rowMatches(row: CallLogRow, f: CallLogFilters, customerPhones: readonly string[] = []): boolean {
  if (f.from && row.startedAt < f.from) return false;
  if (f.to && row.startedAt >= f.to) return false;
  if (f.direction && row.direction !== f.direction) return false;
  if (f.outcome && row.outcome !== f.outcome) return false;
  if (f.employeeId && !row.employees.includes(f.employeeId)) return false;
  if (f.line && row.line !== f.line) return false;
  if (f.number && row.customerNumber !== f.number) return false;
  if (f.customerId && !(row.customerNumber && customerPhones.includes(row.customerNumber))) return false;
  if (f.hasRecording && !row.recordingUrl) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Cursor: the position of the last row read, signed together with the tenant and the filters, so a
// cursor only continues the query it came from (another tenant's or another filter's → invalid).

export class InvalidCursor extends Error {}

function binding(tenant: string, f: CallLogFilters): string {
  const canonical = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify([tenant, canonical]);
}

const sign = (key: string, position: string, bound: string) =>
  createHmac('sha256', key).update('call-log-cursor\n').update(position).update('\n').update(bound).digest().subarray(0, 16);

export function encodeLogCursor(key: string, tenant: string, f: CallLogFilters, position: string): string {
  return Buffer.from(JSON.stringify({ p: position, s: sign(key, position, binding(tenant, f)).toString('base64url') })).toString('base64url');
}

/** The position a cursor continues after; throws InvalidCursor when it is malformed or was issued for another tenant or filter. */
export function decodeLogCursor(key: string, tenant: string, f: CallLogFilters, cursor: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor('malformed');
  }
  const { p, s } = (parsed ?? {}) as { p?: unknown; s?: unknown };
  if (typeof p !== 'string' || typeof s !== 'string' || p.length > 300) throw new InvalidCursor('malformed');
  const given = Buffer.from(s, 'base64url');
  const expected = sign(key, p, binding(tenant, f));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidCursor('not issued for this query');
  return p;
}
