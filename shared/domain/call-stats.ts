// What one call adds to the call statistics (L2, L3): counters per time bucket and dimension. Pure.
// The stats consumer stores each call's contribution and applies only the difference to the stored
// one, so redeliveries and late corrections never double-count (docs/analytics.md).
import type { Call } from './call.ts';

export const callCounters = ['total', 'answered', 'missed', 'outgoing', 'target', 'newCustomers', 'talkSeconds', 'waitSeconds', 'waitCount'] as const;
export type CallCounter = (typeof callCounters)[number];
export type Counters = Partial<Record<string, number>>;

/** Hour buckets are UTC (`2026-11-21T10`); day buckets are tenant-local dates (`2026-11-21`). */
export type Granularity = 'H' | 'D';
/** `all` (the tenant), `emp` (an employee), `line` (the company's number of the call). */
export type DimensionKind = 'all' | 'emp' | 'line';

/**
 * Bucket → counters. The key is `{granularity}|{kind}|{sort key}`, the sort key being the bucket
 * (`all`) or `{bucket}#{value}` (`emp`, `line`), exactly as the bucket items are keyed.
 */
export type Contribution = Record<string, Counters>;

export interface CallStatsSettings {
  /** The call is the earliest inbound call from its customer number (a new customer). */
  isFirstFromNumber: boolean;
  /** Target call: answered with at least this much talk (tenant `analytics.targetCall.minTalkSeconds`). */
  target: { minTalkSeconds: number };
  timeZone: string;
}

export const bucketKey = (g: Granularity, kind: DimensionKind | string, sortKey: string): string => `${g}|${kind}|${sortKey}`;

export function parseBucketKey(key: string): { granularity: Granularity; kind: string; sortKey: string } {
  const [granularity, kind, sortKey] = key.split('|') as [Granularity, string, string];
  return { granularity, kind, sortKey };
}

/** `2026-11-21T10` for any instant in that UTC hour. */
export const hourBucket = (iso: string): string => new Date(iso).toISOString().slice(0, 13);

const dayFormats = new Map<string, Intl.DateTimeFormat>();
/** The tenant-local date `2026-11-21` of an instant. */
export function dayBucket(iso: string, timeZone: string): string {
  let f = dayFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, f);
  }
  return f.format(new Date(iso));
}

const E164 = /^\+[1-9]\d{3,14}$/;

/** The company's side of the call: the number dialled for inbound, the caller id for outbound. */
export function lineOf(call: Call): string | null {
  const line = call.direction === 'inbound' ? call.to : call.direction === 'outbound' ? call.from : null;
  return line && E164.test(line) ? line : null;
}

/**
 * Counters of one call:
 * - only ended inbound and outbound calls count (internal and unknown-direction calls do not);
 * - `answered`: outcome answered (either direction); `missed`: inbound, rang at an employee, nobody
 *   answered (outcome `missed`, also when voicemail took it after the ringing). IVR-only, voicemail-only
 *   and blocked calls never reached anyone: they count in `total` only;
 * - `outgoing`: outbound; `target`: answered with talk ≥ the tenant minimum;
 * - `newCustomers`: inbound and the earliest inbound call from its number;
 * - `talkSeconds`: talk of answered calls (average = talkSeconds / answered);
 * - `waitSeconds` / `waitCount`: wait before the answer of answered inbound calls.
 * Per employee (from the legs): the employees with an answered leg count the call as answered with
 * their own talk seconds (a transferred call counts for both); when the call was missed, every employee
 * it rang at counts it as missed; an outbound call counts for the employees on its legs (the dialler,
 * even unanswered). An employee's target uses their own talk; the wait is the first answerer's.
 */
export function callCountersOf(call: Call, s: CallStatsSettings): { all: Counters; employees: Record<string, Counters> } {
  if (call.status !== 'ended' || (call.direction !== 'inbound' && call.direction !== 'outbound')) return { all: {}, employees: {} };
  const inbound = call.direction === 'inbound';
  const answered = call.outcome === 'answered';
  const missed = inbound && call.outcome === 'missed';
  const newCustomer = inbound && s.isFirstFromNumber;
  const waited = inbound && answered;
  const all = clean({
    total: 1,
    answered: answered ? 1 : 0,
    missed: missed ? 1 : 0,
    outgoing: inbound ? 0 : 1,
    target: answered && call.talkSeconds >= s.target.minTalkSeconds ? 1 : 0,
    newCustomers: newCustomer ? 1 : 0,
    talkSeconds: answered ? call.talkSeconds : 0,
    waitSeconds: waited ? call.waitSeconds : 0,
    waitCount: waited ? 1 : 0,
  });

  const talk = new Map<string, number>();
  for (const leg of call.legs) {
    if (leg.employeeId && leg.answeredAt) talk.set(leg.employeeId, (talk.get(leg.employeeId) ?? 0) + leg.talkSeconds);
  }
  const counting = new Set(talk.keys());
  if (missed) for (const id of call.offeredTo) counting.add(id);
  if (!inbound) for (const l of call.legs) if (l.employeeId) counting.add(l.employeeId);

  const employees: Record<string, Counters> = {};
  for (const id of counting) {
    const own = talk.get(id);
    const empAnswered = own !== undefined;
    const firstAnswerer = waited && call.answeredBy === id;
    employees[id] = clean({
      total: 1,
      answered: empAnswered ? 1 : 0,
      missed: missed ? 1 : 0,
      outgoing: inbound ? 0 : 1,
      target: empAnswered && own >= s.target.minTalkSeconds ? 1 : 0,
      newCustomers: newCustomer ? 1 : 0,
      talkSeconds: own ?? 0,
      waitSeconds: firstAnswerer ? call.waitSeconds : 0,
      waitCount: firstAnswerer ? 1 : 0,
    });
  }
  return { all, employees };
}

/** The call's counters placed in its hour and day buckets, for the tenant, its line and its employees. */
export function contribution(call: Call, s: CallStatsSettings): Contribution {
  const { all, employees } = callCountersOf(call, s);
  if (Object.keys(all).length === 0) return {};
  const out: Contribution = {};
  const line = lineOf(call);
  for (const [g, bucket] of [['H', hourBucket(call.startedAt)], ['D', dayBucket(call.startedAt, s.timeZone)]] as const) {
    out[bucketKey(g, 'all', bucket)] = all;
    if (line) out[bucketKey(g, 'line', `${bucket}#${line}`)] = all;
    for (const [id, c] of Object.entries(employees)) out[bucketKey(g, 'emp', `${bucket}#${id}`)] = c;
  }
  return out;
}

/** What to ADD to the buckets to go from `before` to `after` (zero deltas left out). */
export function diffContributions(before: Contribution, after: Contribution): Contribution {
  const out: Contribution = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key] ?? {};
    const b = after[key] ?? {};
    const delta = clean(Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((c) => [c, (b[c] ?? 0) - (a[c] ?? 0)])));
    if (Object.keys(delta).length > 0) out[key] = delta;
  }
  return out;
}

/** Adds `c` into `sums` bucket by bucket, in place (zero counters kept). */
export function addContribution(sums: Contribution, c: Contribution): void {
  for (const [key, counters] of Object.entries(c)) {
    const acc = sums[key] ?? {};
    for (const [name, v] of Object.entries(counters)) acc[name] = (acc[name] ?? 0) + (v ?? 0);
    sums[key] = acc;
  }
}

/** Sums contributions bucket by bucket (the report side, and the tests' check that deltas add up). */
export function sumContributions(list: Contribution[]): Contribution {
  const sums: Contribution = {};
  for (const c of list) addContribution(sums, c);
  const out: Contribution = {};
  for (const [key, counters] of Object.entries(sums)) {
    const nonZero = clean(counters);
    if (Object.keys(nonZero).length > 0) out[key] = nonZero;
  }
  return out;
}

/** The same contribution without the new-customer mark (an earlier call from the number took it over). */
export function withoutNewCustomer(c: Contribution): Contribution {
  const out: Contribution = {};
  for (const [key, counters] of Object.entries(c)) {
    const { newCustomers: _, ...rest } = counters;
    if (Object.keys(rest).length > 0) out[key] = rest;
  }
  return out;
}

function clean(c: Counters): Counters {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== 0 && v !== undefined));
}
