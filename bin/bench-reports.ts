// Reports latency (L2, L3) for one year of a busy tenant: generates 1,000,000 calls with a seeded
// random generator, folds each through the same `contribution()` the stats consumer applies, bulk-loads
// the resulting bucket items and times `GET /reports/calls` over them. Bulk loading the sums is what
// the consumer's per-call ADDs would have left in the table (the analytics system test checks that
// equality against a brute-force recount); replaying 1,000,000 calls through the pipeline would take
// hours on a laptop and measure the pipeline, not the report.
// `benchReports(runtime, info, { calls })` is the hook for bin/bench.ts; `tsx bin/bench-reports.ts
// [--calls 1000000] [--no-synth]` runs it alone on a fresh stack and prints one JSON object.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Call, CallLeg } from '#shared/domain/call.ts';
import { addContribution, contribution, dayBucket, parseBucketKey, type Contribution } from '#shared/domain/call-stats.ts';
import { stderrSink } from '../local/log-lines.ts';
import type { LocalRuntime } from '../local/runtime.ts';
import { startTenant, type LocalInfo } from '../local/start.ts';

export interface ReportsBenchOptions {
  calls: number;
  employees?: number;
  lines?: number;
  /** Requests timed per report shape (after one warm-up request). */
  repeats?: number;
  seed?: number;
}

const YEAR_START = Date.UTC(2025, 0, 1);
const DAY_MS = 86_400_000;

/** mulberry32: a small seeded generator, so two runs load the same year. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Office-hours profile of call start times (tenant time zone ≈ UTC+3): most calls 06–15 UTC. */
const HOUR_WEIGHTS = [1, 1, 1, 1, 2, 4, 8, 10, 10, 10, 9, 9, 10, 10, 8, 6, 4, 3, 2, 2, 1, 1, 1, 1];
const HOUR_CDF = (() => {
  const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  let acc = 0;
  return HOUR_WEIGHTS.map((w) => (acc += w / total));
})();

/** One synthetic call, in start-time order (`i` of `n` over the year). */
function syntheticCall(tenant: string, i: number, n: number, rnd: () => number, employees: string[], lines: string[]): Call {
  const pick = (list: string[]): string => {
    const item = list[Math.floor(rnd() * list.length)];
    if (item === undefined) throw new Error('the bench needs at least one employee and one line');
    return item;
  };
  const day = Math.floor((i / n) * 365);
  const u = rnd();
  const hour = HOUR_CDF.findIndex((c) => u <= c);
  const startedMs = YEAR_START + day * DAY_MS + hour * 3_600_000 + Math.floor(rnd() * 3_600_000);
  const startedAt = new Date(startedMs).toISOString();
  const inbound = rnd() < 0.75;
  const line = pick(lines);
  // 200,000 customer numbers, some much more frequent than others.
  const customer = `+7916${String(1_000_000 + Math.floor(rnd() ** 2 * 200_000)).padStart(7, '0')}`;
  const first = pick(employees);
  const r = rnd();
  const outcome: Call['outcome'] = inbound ? (r < 0.72 ? 'answered' : r < 0.92 ? 'missed' : 'ivr_only') : r < 0.6 ? 'answered' : 'not_answered';
  const answered = outcome === 'answered';
  const wait = inbound ? Math.floor(rnd() * 40) : 0;
  const talk = answered ? Math.floor(rnd() * 400) : 0;
  const transfer = answered && inbound && rnd() < 0.08 ? pick(employees) : null;
  const ringAll = outcome === 'missed' && rnd() < 0.3 ? employees.slice(0, 3) : [first];
  const answeredAt = answered ? new Date(startedMs + wait * 1000).toISOString() : null;
  const endedAt = new Date(startedMs + (wait + talk + 5) * 1000).toISOString();
  const leg = (employeeId: string, talkSeconds: number, legAnswered: boolean): CallLeg => ({
    id: `${i}-${employeeId}`,
    employeeId,
    agent: {},
    state: 'ended',
    offeredAt: startedAt,
    answeredAt: legAnswered ? answeredAt : null,
    endedAt,
    talkSeconds,
  });
  const legs =
    outcome === 'ivr_only'
      ? []
      : transfer && transfer !== first
        ? [leg(first, Math.floor(talk / 2), true), leg(transfer, talk - Math.floor(talk / 2), true)]
        : ringAll.map((e) => leg(e, e === first ? talk : 0, answered && e === first));
  return {
    id: `c_y${i}`,
    tenantId: tenant,
    provider: 'ringdesk',
    providerCallId: `y${i}`,
    direction: inbound ? 'inbound' : 'outbound',
    status: 'ended',
    outcome,
    from: inbound ? customer : line,
    to: inbound ? line : customer,
    customerNumber: customer,
    presentation: 'allowed',
    queue: null,
    startedAt,
    answeredAt,
    endedAt,
    waitSeconds: wait,
    talkSeconds: talk,
    legs,
    offeredTo: outcome === 'ivr_only' ? [] : ringAll,
    answeredBy: answered ? first : null,
    endReason: 'hangup',
    rawReason: null,
    recordingUrl: answered ? `https://rec.example/y${i}.mp3` : null,
  };
}

function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
  const round = (x: number) => Math.round(x * 100) / 100;
  return { n: s.length, p50: round(at(50)), p95: round(at(95)), max: round(s[s.length - 1] ?? NaN) };
}

/** Generates the year, loads its buckets, times the report shapes. */
export async function benchReports(runtime: LocalRuntime, info: LocalInfo, opts: ReportsBenchOptions) {
  const rnd = random(opts.seed ?? 20261121);
  const employees = Array.from({ length: opts.employees ?? 30 }, (_, i) => `emp-y${i + 1}`);
  const lines = Array.from({ length: opts.lines ?? 5 }, (_, i) => `+7495100000${i}`);
  const settings = { target: { minTalkSeconds: 30 }, timeZone: 'Europe/Moscow' };

  // 1. Generate and fold: the calls are made in start order, so the first call of a number is the first seen.
  const t0 = performance.now();
  const seen = new Set<string>();
  const sums: Contribution = {};
  let inYear = 0; // calls whose tenant-local day is in 2025 (the last UTC evening is already 2026 in Moscow)
  for (let i = 0; i < opts.calls; i++) {
    const call = syntheticCall(info.tenant, i, opts.calls, rnd, employees, lines);
    if (dayBucket(call.startedAt, settings.timeZone).startsWith('2025')) inYear++;
    const number = call.direction === 'inbound' ? call.customerNumber : null;
    const isFirstFromNumber = number !== null && !seen.has(number);
    if (number !== null) seen.add(number);
    addContribution(sums, contribution(call, { ...settings, isFirstFromNumber }));
  }
  const generateMs = performance.now() - t0;

  // 2. Bulk-load the bucket items, keyed exactly as the stats consumer keys them.
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: runtime.dynamo.directEndpoint, region: info.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
  process.env['TABLE_NAME'] = runtime.tableName; // the key builders' module reads it at import, as in a function
  const { keys } = await import('#shared/adapters/dynamo.ts');
  const items = Object.entries(sums).map(([key, counters]) => {
    const { granularity, kind, sortKey } = parseBucketKey(key);
    return { PK: keys.statsBuckets(info.tenant, 'STATS', granularity, kind), SK: sortKey, ...counters };
  });
  const t1 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < items.length) {
        const batch = items.slice(next, next + 25);
        next += batch.length;
        let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
          [runtime.tableName]: batch.map((Item) => ({ PutRequest: { Item } })),
        };
        while (request && Object.keys(request).length > 0) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: request }));
          request = out.UnprocessedItems as typeof request;
        }
      }
    }),
  );
  const loadMs = performance.now() - t1;

  // 3. Time the report shapes a dashboard asks for.
  const year = { from: '2025-01-01', to: '2026-01-01' };
  const month = { from: '2025-03-01', to: '2025-04-01' };
  const shapes: Record<string, Record<string, string>> = {
    yearByDay: { ...year, granularity: 'day' },
    yearByDayPerEmployee: { ...year, granularity: 'day', groupBy: 'employee' },
    yearByDayPerLine: { ...year, granularity: 'day', groupBy: 'line' },
    monthByHour: { ...month, granularity: 'hour' },
    monthByHourPerEmployee: { ...month, granularity: 'hour', groupBy: 'employee' },
  };
  const repeats = opts.repeats ?? 10;
  const latency: Record<string, unknown> = {};
  let yearTotal = 0;
  for (const [name, query] of Object.entries(shapes)) {
    const url = `${info.httpUrl}/reports/calls?${new URLSearchParams(query)}`;
    const samples: number[] = [];
    let bytes = 0;
    for (let r = 0; r <= repeats; r++) {
      const started = performance.now();
      const res = await fetch(url, { headers: { authorization: `Bearer ${info.tokens.admin}` } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${name}: report answered ${res.status}: ${body.slice(0, 300)}`);
      if (r > 0) samples.push(performance.now() - started);
      bytes = body.length;
      if (name === 'yearByDay') yearTotal = (JSON.parse(body) as { totals: { total: number } }).totals.total;
    }
    latency[name] = { ...percentiles(samples), responseBytes: bytes };
  }
  // The report must see every generated call of the year (all are ended inbound or outbound calls).
  if (yearTotal !== inYear) throw new Error(`year report counts ${yearTotal} calls, ${inYear} were generated in 2025`);
  return {
    calls: opts.calls,
    employees: employees.length,
    lines: lines.length,
    bucketItems: items.length,
    generateAndFoldMs: Math.round(generateMs),
    bulkLoadMs: Math.round(loadMs),
    callsInYearByTenantDay: inYear,
    yearReportTotal: yearTotal,
    reportLatencyMs: latency,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { calls: { type: 'string', default: '1000000' }, 'no-synth': { type: 'boolean', default: false }, 'out-dir': { type: 'string' } } });
  const { runtime, info } = await startTenant({
    skipSynth: values['no-synth'],
    ...(values['out-dir'] ? { outDir: values['out-dir'] } : {}),
    tenant: 'demo',
    httpPort: 0,
    wsPort: 0,
    logLevel: 'ERROR',
    metricsDisabled: true,
    functionOutput: stderrSink,
  });
  try {
    console.log(JSON.stringify(await benchReports(runtime, info, { calls: Number(values.calls) }), null, 2));
  } finally {
    await runtime.stop();
  }
}
