// Aggregates on write and the reports (L2, L3, L5) on the local runtime: a seeded random month of calls
// through the real webhook (several employees, ring-all misses, transfers, outbound, recordings, repeat
// numbers, two lines), posted in shuffled order, then GET /reports/calls compared with a brute-force
// recount over the calls read back, by hour and by day, for all / per employee / per line. Then every
// Call Ended is delivered three more times and nothing may change; an earlier call from a number that
// arrives late takes the new-customer mark over; the helpdesk statistics are recounted from the tickets.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { beforeAll, describe, expect, it } from 'vitest';
import { callCounters } from '#shared/domain/call-stats.ts';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { Call } from '#shared/domain/call.ts';
import type { Ticket } from '#shared/domain/ticket.ts';
import type { CallReport, HelpdeskReport } from '#shared/domain/report.ts';
import { recount, type Recount } from '../unit/call-stats-recount.ts';
import { api, postRingdesk, useHarness } from './harness.ts';

const SECRET = 'demo-ringdesk-secret-0123456789';
const TIME_ZONE = 'Europe/Moscow'; // the demo tenant's
const MIN_TALK = 30; // the default target
const LINES = ['+74951234567', '+74957654321'];
const EMPLOYEES = ['101', '102', '103', '104'];
const MONTH = { from: '2026-09-01T00:00:00Z', to: '2026-10-01T00:00:00Z' };

const h = useHarness();

/** mulberry32: a small seeded generator, so the month is the same on every run. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Event = Record<string, unknown>;
const iso = (ms: number) => new Date(ms).toISOString();

/** One call as the canonical provider would post it, with provider timestamps. */
function seededCall(r: () => number, raw: string, start: number, customer: string): Event[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
  const int = (min: number, max: number) => min + Math.floor(r() * (max - min + 1));
  const line = pick(LINES);
  const ring = () => [...new Set(Array.from({ length: int(1, 3) }, () => pick([...EMPLOYEES, '199'])))]; // 199: not an employee
  let n = 0;
  const ev = (at: number, event: string, extra: Event = {}): Event => ({ callId: raw, event, eventId: `${raw}-${n}`, sequence: n++, occurredAt: iso(at), ...extra });
  const inbound = { direction: 'inbound', from: customer, to: line };
  const recording = (at: number): Event[] => (r() < 0.5 ? [ev(at + 5000, 'recording_available', { recording: { url: `https://rec.example/${raw}.mp3` } })] : []);
  const kind = r();
  if (kind < 0.35) {
    // answered inbound (one of the ringing employees)
    const agents = ring();
    const who = pick(agents.filter((a) => a !== '199').length ? agents.filter((a) => a !== '199') : ['101']);
    const wait = int(2, 60) * 1000;
    const talk = int(3, 400) * 1000;
    return [
      ev(start, 'offered', { ...inbound, agents: [...new Set([...agents, who])].map((extension) => ({ extension })) }),
      ev(start + wait, 'answered', { agent: { extension: who } }),
      ev(start + wait + talk, 'ended', { endReason: pick(['caller_hangup', 'callee_hangup']) }),
      ...recording(start + wait + talk),
    ];
  }
  if (kind < 0.55) {
    // missed ring-all
    return [ev(start, 'offered', { ...inbound, agents: ring().map((extension) => ({ extension })) }), ev(start + int(5, 60) * 1000, 'ended', { endReason: 'caller_hangup' })];
  }
  if (kind < 0.65) {
    // transferred: A talks, hands over to B, B talks
    const a = pick(EMPLOYEES);
    const b = pick(EMPLOYEES.filter((e) => e !== a));
    const t1 = start + int(2, 30) * 1000;
    const t2 = t1 + int(5, 200) * 1000;
    const t3 = t2 + int(2, 10) * 1000;
    const t4 = t3 + int(5, 300) * 1000;
    return [
      ev(start, 'offered', { ...inbound, legId: 'l1', agents: [{ extension: a }] }),
      ev(t1, 'answered', { legId: 'l1', agent: { extension: a } }),
      ev(t2, 'ended', { legId: 'l1', agent: { extension: a }, endReason: 'transferred' }),
      ev(t2, 'offered', { legId: 'l2', agents: [{ extension: b }] }),
      ev(t3, 'answered', { legId: 'l2', agent: { extension: b } }),
      ev(t4, 'ended', { endReason: 'caller_hangup' }),
      ...recording(t4),
    ];
  }
  const outbound = { direction: 'outbound', from: line, to: customer, agent: { extension: pick(EMPLOYEES) } };
  if (kind < 0.8) {
    const t1 = start + int(3, 40) * 1000;
    const t2 = t1 + int(3, 500) * 1000;
    return [ev(start, 'created', outbound), ev(t1, 'answered'), ev(t2, 'ended', { endReason: 'callee_hangup' }), ...recording(t2)];
  }
  if (kind < 0.9) return [ev(start, 'created', outbound), ev(start + int(10, 40) * 1000, 'ended', { endReason: 'no_answer_timeout' })];
  // IVR only: never reached an employee
  return [ev(start, 'created', inbound), ev(start + int(10, 90) * 1000, 'ended', { endReason: 'caller_hangup' })];
}

/** Every call this file made: the recount reads each back with GET /calls/{id}. */
const posted = new Set<string>();

async function post(events: Event[]): Promise<void> {
  const res = await postRingdesk(h.info, { events }, SECRET);
  expect(res.status, await res.text()).toBe(200);
  for (const e of events) posted.add(callIdFor('ringdesk', e['callId'] as string));
}

async function readCalls(): Promise<Call[]> {
  const calls: Call[] = [];
  await inParallel([...posted], 8, async (id) => {
    const res = await api<Call>(h.info, `/calls/${id}`);
    expect(res.status, id).toBe(200);
    calls.push(res.body);
  });
  return calls;
}

/** Runs `fn` over `items`, `width` at a time (concurrent webhooks make the stats transactions race). */
async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

async function allPages<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { items: T[]; next: string | null } } = await api(h.info, `${path}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    out.push(...page.body.items);
    cursor = page.body.next;
  } while (cursor);
  return out;
}

async function settle(): Promise<void> {
  await h.runtime.settled();
  expect(h.runtime.bus.deadLetters().filter((d) => /Count(Call|Ticket)Stats/.test(d.ruleName))).toEqual([]);
}

async function report<T = CallReport>(path: string, query: Record<string, string>): Promise<T> {
  const res = await api<T>(h.info, `${path}?${new URLSearchParams(query)}`);
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  return res.body;
}

// ---- the brute-force side ----

type Counters = Record<(typeof callCounters)[number], number>;
const zero = (): Counters => Object.fromEntries(callCounters.map((c) => [c, 0])) as Counters;
const countersOf = (o: object | undefined): Counters => Object.fromEntries(callCounters.map((c) => [c, ((o as Record<string, number> | undefined)?.[c]) ?? 0])) as Counters;
const plus = (a: Counters, b: Counters): Counters => Object.fromEntries(callCounters.map((c) => [c, a[c] + b[c]])) as Counters;

/** What the report must say, from the recount: totals, the series, and the groups of a dimension. */
function expected(rc: Recount, g: 'H' | 'D', buckets: string[], kind?: 'emp' | 'line') {
  const inRange = new Set(buckets);
  const series = buckets.map((b) => ({ bucket: b, ...countersOf(rc[`${g}|all|${b}`]) }));
  const totals = series.reduce((acc, p) => plus(acc, countersOf(p)), zero());
  const groups: Record<string, { totals: Counters; series: Record<string, Counters> }> = {};
  if (kind) {
    for (const [key, counters] of Object.entries(rc)) {
      const [gg, kk, sk] = key.split('|') as [string, string, string];
      const [bucket, value] = [sk.slice(0, sk.indexOf('#')), sk.slice(sk.indexOf('#') + 1)];
      if (gg !== g || kk !== kind || !inRange.has(bucket)) continue;
      const group = groups[value] ?? { totals: zero(), series: {} };
      groups[value] = group;
      group.totals = plus(group.totals, countersOf(counters));
      group.series[bucket] = countersOf(counters);
    }
  }
  return { totals, series, groups };
}

/** The report reduced to what `expected` computes (the counters; averages are checked separately). */
function actual(rep: CallReport) {
  const groups: Record<string, { totals: Counters; series: Record<string, Counters> }> = {};
  for (const g of rep.groups ?? []) groups[g.key] = { totals: countersOf(g.totals), series: Object.fromEntries(g.series.map((p) => [p.bucket, countersOf(p)])) };
  return { totals: countersOf(rep.totals), series: rep.series.map((p) => ({ bucket: p.bucket, ...countersOf(p) })), groups };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

// ---- the month ----

const seed = 20261121;
const runId = `an${Date.now().toString(36)}`;
let seeded: string[] = [];

beforeAll(async () => {
  // Two more employees besides the demo's 101 and 102, so per-employee figures have some spread.
  for (const [ext, name] of [['103', 'Vera Orlova'], ['104', 'Gleb Popov']] as const) {
    const res = await fetch(`${h.info.httpUrl}/employees`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.info.tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalId: `emp-${ext}`, extension: ext, fullName: name }),
    });
    expect(res.status).toBe(201);
  }
  const r = rng(seed);
  const numbers = Array.from({ length: 45 }, (_, i) => `+7916${String(1_000_000 + i * 7919).padStart(7, '0')}`);
  const monthStart = Date.parse(MONTH.from);
  const calls = Array.from({ length: 220 }, (_, i) => {
    const start = monthStart + Math.floor(r() * 30) * 86_400_000 + (5 + Math.floor(r() * 13)) * 3_600_000 + Math.floor(r() * 3_600_000);
    return { raw: `${runId}-${i}`, events: seededCall(r, `${runId}-${i}`, start, numbers[Math.floor(r() * numbers.length)]!) };
  });
  // Shuffled: later calls of a number often arrive before earlier ones (new-customer takeovers).
  for (let i = calls.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [calls[i], calls[j]] = [calls[j]!, calls[i]!];
  }
  await inParallel(calls, 4, (c) => post(c.events));
  seeded = calls.map((c) => callIdFor('ringdesk', c.raw));
  await settle();
}, 600_000);

async function recountNow(): Promise<{ calls: Call[]; rc: Recount }> {
  const calls = await readCalls();
  for (const c of calls) expect(c.status, c.id).toBe('ended');
  return { calls, rc: recount(calls, { minTalkSeconds: MIN_TALK, timeZone: TIME_ZONE }) };
}

async function allCallReports(): Promise<Record<string, CallReport>> {
  const out: Record<string, CallReport> = {};
  for (const granularity of ['hour', 'day'] as const) {
    const to = granularity === 'day' ? '2026-10-02' : MONTH.to; // the last UTC evening is already 1 October in Moscow
    const from = granularity === 'day' ? '2026-09-01' : MONTH.from;
    out[granularity] = await report('/reports/calls', { from, to, granularity });
    out[`${granularity}-employee`] = await report('/reports/calls', { from, to, granularity, groupBy: 'employee' });
    out[`${granularity}-line`] = await report('/reports/calls', { from, to, granularity, groupBy: 'line' });
  }
  return out;
}

function compareWithRecount(reports: Record<string, CallReport>, rc: Recount): void {
  for (const [name, rep] of Object.entries(reports)) {
    const g = rep.granularity === 'hour' ? 'H' : 'D';
    const kind = rep.groupBy === 'employee' ? 'emp' : rep.groupBy === 'line' ? 'line' : undefined;
    expect(actual(rep), name).toEqual(expected(rc, g, rep.series.map((p) => p.bucket), kind));
  }
}

describe('call aggregates against a brute-force recount (seeded month)', () => {
  let before: Record<string, CallReport>;

  it('L2, L3: GET /reports/calls by hour and by day, for all, per employee and per line, equals the recount over the calls', async () => {
    const { calls, rc } = await recountNow();
    before = await allCallReports();
    compareWithRecount(before, rc);

    // The seeded month is not trivial: every kind of call and every dimension is there.
    const day = before['day']!;
    expect(day.series).toHaveLength(31);
    expect(before['hour']!.series).toHaveLength(30 * 24);
    expect(day.from).toBe('2026-08-31T21:00:00.000Z'); // 1 September, Moscow midnight
    expect(day.totals.total).toBe(seeded.length);
    for (const k of ['answered', 'missed', 'outgoing', 'target', 'newCustomers'] as const) expect(day.totals[k], k).toBeGreaterThan(10);
    expect(day.totals.newCustomers).toBeLessThan(46);
    expect(calls.filter((c) => c.legs.filter((l) => l.answeredAt && l.employeeId).length > 1).length, 'transfers').toBeGreaterThan(5);
    expect(before['day-employee']!.groups!.map((g) => g.key).sort()).toEqual(['emp-101', 'emp-102', 'emp-103', 'emp-104']);
    expect(before['day-employee']!.groups!.find((g) => g.key === 'emp-103')?.name).toBe('Vera Orlova');
    expect(before['day-line']!.groups!.map((g) => g.key).sort()).toEqual(LINES);
    // Averages derive from the counters.
    expect(day.totals.averageTalkSeconds).toBe(round1(day.totals.talkSeconds / day.totals.answered));
    expect(day.totals.averageWaitSeconds).toBe(round1(day.totals.waitSeconds / day.totals.waitCount));
    // Hour and day views of the same month agree.
    expect(countersOf(before['hour']!.totals)).toEqual(countersOf(day.totals));
  }, 120_000);

  it('L2: every Call Ended delivered three more times changes nothing (idempotent per event)', async () => {
    const calls = await readCalls();
    const eb = new EventBridgeClient({ endpoint: h.info.eventsUrl, region: h.info.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const entries = calls.flatMap((call) =>
      Array.from({ length: 3 }, () => ({ EventBusName: h.info.eventBusName, Source: 'ringdesk.calls', DetailType: 'Call Ended', Detail: JSON.stringify({ schemaVersion: 1, tenantId: h.info.tenant, revision: 1, call }) })),
    );
    for (let i = 0; i < entries.length; i += 10) {
      const out = await eb.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
      expect(out.FailedEntryCount ?? 0).toBe(0);
    }
    await settle();
    const after = await allCallReports();
    expect(after).toEqual(before);
    compareWithRecount(after, (await recountNow()).rc);
  }, 600_000);

  it('L2: an earlier call from a number that arrives after a later one takes the new-customer mark over: still exactly 1', async () => {
    const number = '+79169990001';
    const raw = (n: number) => `${runId}-ooo-${n}`;
    const answered = (id: string, start: number): Event[] => [
      { callId: id, event: 'offered', eventId: `${id}-0`, occurredAt: iso(start), direction: 'inbound', from: number, to: LINES[0], agents: [{ extension: '101' }] },
      { callId: id, event: 'answered', eventId: `${id}-1`, occurredAt: iso(start + 5000), agent: { extension: '101' } },
      { callId: id, event: 'ended', eventId: `${id}-2`, occurredAt: iso(start + 65_000), endReason: 'caller_hangup' },
    ];
    const range = { from: '2026-08-10T00:00:00Z', to: '2026-08-11T00:00:00Z', granularity: 'hour' };
    await post(answered(raw(2), Date.parse('2026-08-10T15:00:00Z')));
    await settle();
    let rep = await report('/reports/calls', range);
    expect(rep.totals.newCustomers).toBe(1);
    expect(rep.series.find((p) => p.bucket === '2026-08-10T15')?.newCustomers).toBe(1);

    await post(answered(raw(1), Date.parse('2026-08-10T09:00:00Z')));
    await settle();
    rep = await report('/reports/calls', { ...range, groupBy: 'employee' });
    expect(rep.totals).toMatchObject({ total: 2, newCustomers: 1 });
    expect(rep.series.find((p) => p.bucket === '2026-08-10T09')?.newCustomers).toBe(1);
    expect(rep.series.find((p) => p.bucket === '2026-08-10T15')?.newCustomers).toBe(0);
    expect(rep.groups).toEqual([expect.objectContaining({ key: 'emp-101', totals: expect.objectContaining({ total: 2, newCustomers: 1 }) })]);
    // And a redelivery of the later call's Call Ended does not take it back.
    const later = (await api<Call>(h.info, `/calls/${callIdFor('ringdesk', raw(2))}`)).body;
    const eb = new EventBridgeClient({ endpoint: h.info.eventsUrl, region: h.info.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: h.info.eventBusName, Source: 'ringdesk.calls', DetailType: 'Call Ended', Detail: JSON.stringify({ schemaVersion: 1, tenantId: h.info.tenant, revision: 1, call: later }) }] }));
    await settle();
    expect((await report('/reports/calls', range)).totals.newCustomers).toBe(1);
  }, 120_000);

  it('L2, L3: a late leg and a late recording correct the counts of an ended call', async () => {
    const id = `${runId}-late`;
    const start = Date.parse('2026-08-12T10:00:00Z');
    const range = { from: '2026-08-12T00:00:00Z', to: '2026-08-13T00:00:00Z', granularity: 'hour', groupBy: 'employee' };
    await post([
      { callId: id, event: 'offered', eventId: `${id}-0`, occurredAt: iso(start), direction: 'inbound', from: '+79169990002', to: LINES[1], agents: [{ extension: '102' }] },
      { callId: id, event: 'ended', eventId: `${id}-2`, occurredAt: iso(start + 24_000), endReason: 'caller_hangup' },
    ]);
    await settle();
    let rep = await report('/reports/calls', range);
    expect(rep.totals).toMatchObject({ total: 1, missed: 1 });
    expect(rep.groups!.map((g) => [g.key, g.totals.missed])).toEqual([['emp-102', 1]]);
    // The PBX's offer to 103 was delivered late: the call rang at 103 too, so 103 missed it as well.
    await post([{ callId: id, event: 'offered', eventId: `${id}-1`, occurredAt: iso(start + 2000), agents: [{ extension: '103' }] }]);
    await settle();
    rep = await report('/reports/calls', range);
    expect(rep.totals).toMatchObject({ total: 1, missed: 1 });
    expect(rep.groups!.map((g) => [g.key, g.totals.missed])).toEqual([['emp-102', 1], ['emp-103', 1]]);
    // A late recording changes no call counter (the redelivered Call Ended diffs to nothing).
    await post([{ callId: id, event: 'recording_available', eventId: `${id}-r`, occurredAt: iso(start + 30_000), recording: { url: `https://rec.example/${id}.mp3` } }]);
    await settle();
    expect(await report('/reports/calls', range)).toEqual(rep);
    const { rc } = await recountNow();
    expect(actual(rep)).toEqual(expected(rc, 'H', rep.series.map((p) => p.bucket), 'emp'));
  }, 120_000);
});

describe('helpdesk statistics (L5)', () => {
  it('L5: incoming tickets, first responses, closed with a recording and best in team equal a recount over the tickets', async () => {
    await settle();
    const tickets = await allPages<Ticket>('/tickets');
    const callsById = new Map((await readCalls()).map((c) => [c.id, c]));
    const want = { incomingTickets: 0, withFirstResponse: 0, closedWithRecording: 0 };
    const best: Record<string, number> = {};
    for (const t of tickets) {
      const first = callsById.get(t.messages.find((m) => m.callId)?.callId ?? t.callIds[0] ?? '');
      if (first?.direction === 'inbound') want.incomingTickets++;
      if (first?.direction === 'inbound' && first.outcome === 'answered') want.withFirstResponse++;
      const recorded = t.messages.filter((m) => m.kind === 'call' && m.recordingUrl);
      if (t.status === 'closed' && recorded.length) want.closedWithRecording++;
      if (t.status === 'closed') for (const e of new Set(recorded.map((m) => m.authorId).filter(Boolean) as string[])) best[e] = (best[e] ?? 0) + 1;
    }
    expect(tickets.length).toBeGreaterThan(100);
    expect(want.closedWithRecording).toBeGreaterThan(10);

    // Tickets count in the buckets of their creation: today, for these.
    const created = tickets.map((t) => Date.parse(t.createdAt));
    const range = { from: iso(Math.min(...created)), to: iso(Math.max(...created) + 1), granularity: 'hour' };
    const rep = await report<HelpdeskReport>('/reports/helpdesk', range);
    expect(rep.totals).toEqual(want);
    expect(Object.fromEntries(rep.employees.filter((e) => e.totals.bestInTeam > 0).map((e) => [e.employeeId, e.totals.bestInTeam]))).toEqual(best);
    expect(rep.employees[0]!.totals.bestInTeam).toBe(Math.max(...Object.values(best)));
    const byDay = await report<HelpdeskReport>('/reports/helpdesk', { ...range, granularity: 'day' });
    expect(byDay.totals).toEqual(want);
  }, 120_000);
});

describe('validation', () => {
  it('L2: bad or missing dates, from ≥ to, too long a range, unknown groupBy or parameters → 400', async () => {
    for (const q of [
      {},
      { from: '2026-09-01' },
      { from: 'yesterday', to: '2026-09-02' },
      { from: '2026-09-31', to: '2026-10-02' },
      { from: '2026-09-02', to: '2026-09-01' },
      { from: '2026-09-01T00:00:00Z', to: '2026-09-01T00:00:00Z', granularity: 'hour' },
      { from: '2026-01-01', to: '2026-06-01', granularity: 'hour' },
      { from: '2020-01-01', to: '2026-01-01', granularity: 'day' },
      { from: '2026-09-01', to: '2026-09-02', granularity: 'week' },
      { from: '2026-09-01', to: '2026-09-02', groupBy: 'customer' },
      { from: '2026-09-01', to: '2026-09-02', limit: '5' },
      { from: `2026-09-01${'0'.repeat(5000)}`, to: '2026-09-02' },
    ]) {
      const res = await api<{ error: string; message: string }>(h.info, `/reports/calls?${new URLSearchParams(q as Record<string, string>)}`);
      expect(res.status, JSON.stringify(q).slice(0, 100)).toBe(400);
      expect(Object.keys(res.body).sort()).toEqual(['error', 'message']);
    }
    expect((await api(h.info, '/reports/helpdesk?from=2026-09-02&to=2026-09-01')).status).toBe(400);
    // Reports are for analysts and admins.
    expect((await api(h.info, '/reports/calls?from=2026-09-01&to=2026-09-02', h.info.tokens.agents['101']!)).status).toBe(403);
  });
});
