// `npm run bench [-- --calls 200 --rate 20 --concurrency 16 --no-synth --no-browser --reports 1000000 --export 100000]`
// Drives simulated PBX calls through the local runtime and prints one JSON object: pop-up latency,
// webhook throughput, DynamoDB operations per call, the I/O floor measured in the same run, and what
// 1,000 such calls cost on AWS at list prices (shared/cost/prices.json).
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import WebSocket from 'ws';
import { callIdFor } from '#shared/domain/call-id.ts';
import { readFileSync } from 'node:fs';
import { costPer1000Calls, type PriceTable } from '#shared/cost/cost.ts';
import type { LogSink } from '../local/log-lines.ts';
import { startTenant, type LocalInfo } from '../local/start.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '200' },
    // 20 calls/s, after a warm-up at that rate; on a 2-core machine the whole local stack (17 function
    // invocations per answered call, DynamoDB Local) starts to queue near 30.
    rate: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '16' },
    'no-synth': { type: 'boolean', default: false },
    /** `--browser` (the default): also the pop-up time in the console in Debian's chromium; `--no-browser` skips it. */
    browser: { type: 'boolean', default: true },
    'no-browser': { type: 'boolean', default: false },
    /** Calls of the browser step (one at a time). */
    'browser-calls': { type: 'string', default: '100' },
    /** Where to synthesize the cloud assembly (default `cdk.out`); a private one keeps the bench off a running test suite's. */
    'out-dir': { type: 'string' },
    /** Reports latency over one year of that many generated calls (bin/bench-reports.ts), e.g. 1000000. */
    reports: { type: 'string' },
    /** CSV export throughput for that many seeded calls (bin/bench-export.ts), e.g. 100000. */
    export: { type: 'string' },
    /** e.g. `1000,100000`: DynamoDB operations per call measured with that many customers loaded. */
    customers: { type: 'string' },
    /** The functions' log level: INFO, as deployed (Powertools' default), so the log bytes per call are the real ones. */
    'log-level': { type: 'string', default: 'INFO' },
    /** Calls one agent takes per hour online: sets the WebSocket connection minutes a call carries (an assumption, not measured). */
    'agent-calls-per-hour': { type: 'string', default: '12' },
  },
});
const CALLS = Number(values.calls);
const RATE = Number(values.rate);
const CONCURRENCY = Number(values.concurrency);
const LINE = '+74951234567';
const BROWSER = values.browser && !values['no-browser'];
const AGENT_CALLS_PER_HOUR = Number(values['agent-calls-per-hour']);

/**
 * Function output: every byte counted (what CloudWatch Logs would ingest), lines passed on to stderr
 * only at WARN and above, so an INFO run does not drown the terminal.
 */
const logBytes = { count: 0 };
const QUIET = /"level":"(DEBUG|INFO)"/;
const countingSink: LogSink = {
  stdout: (line) => {
    logBytes.count += Buffer.byteLength(line.replace(/^\[[^\]]*\] /, ''));
    if (!QUIET.test(line)) process.stderr.write(line);
  },
  stderr: (line) => {
    logBytes.count += Buffer.byteLength(line.replace(/^\[[^\]]*\] /, ''));
    if (!QUIET.test(line)) process.stderr.write(line);
  },
};
/** Lambda's own START, END and REPORT lines per invocation (text format), about this many bytes. */
const PLATFORM_LOG_BYTES_PER_INVOCATION = 300;

function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
  const round = (n: number) => Math.round(n * 100) / 100;
  return { n: s.length, p50: round(at(50)), p95: round(at(95)), p99: round(at(99)), max: round(s[s.length - 1] ?? NaN) };
}

function post(info: LocalInfo, body: Record<string, unknown>): Promise<Response> {
  return fetch(info.webhooks['zammad']!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** An agent socket that resolves waiters by call id as frames arrive. */
function agentSocket(info: LocalInfo, token: string, onFrame: (m: Record<string, unknown>) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${info.wsUrl}?token=${encodeURIComponent(token)}`);
    ws.on('message', (d) => onFrame(JSON.parse(String(d)) as Record<string, unknown>));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function main() {
  const { runtime, info } = await startTenant({ skipSynth: values['no-synth'], ...(values['out-dir'] ? { outDir: values['out-dir'] } : {}), tenant: 'demo', httpPort: 0, wsPort: 0, logLevel: values['log-level'], metricsDisabled: true, functionOutput: countingSink, ...(BROWSER ? { console: { port: 0 } } : {}) });
  try {
    const waiters = new Map<string, (t: number) => void>();
    const frames = { count: 0 };
    const ws = await agentSocket(info, info.tokens.agents['101']!, (m) => {
      const now = performance.now();
      frames.count += 1;
      if (m['type'] === 'incoming_call') waiters.get((m['call'] as { id: string }).id)?.(now);
      if (m['type'] === 'floor') waiters.get(String(m['id']))?.(now);
    });

    // I/O floor 1: a bare PutItem on DynamoDB Local (no proxy, no Lambda, no gateway).
    const ddb = new DynamoDBClient({ endpoint: info.dynamodbUrl, region: info.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const putSamples: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await ddb.send(new PutItemCommand({ TableName: runtime.tableName, Item: { PK: { S: `BENCH#${i}` }, SK: { S: 'FLOOR' }, n: { N: String(i) } } }));
      if (i >= 20) putSamples.push(performance.now() - t0);
    }
    // I/O floor 2: a WebSocket round trip through the local gateway (@connections POST → frame).
    const mgmt = new ApiGatewayManagementApiClient({ endpoint: info.wsManagementUrl, region: info.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const connectionId = await findConnection(runtime.tableName, ddb);
    const wsSamples: number[] = [];
    for (let i = 0; i < 200; i++) {
      const id = `floor-${i}`;
      const got = new Promise<number>((r) => waiters.set(id, r));
      const t0 = performance.now();
      await mgmt.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify({ type: 'floor', id })) }));
      const t1 = await got;
      waiters.delete(id);
      if (i >= 20) wsSamples.push(t1 - t0);
    }

    // Warm-up at the measured rate: the pool grows the sandboxes that rate needs (cold starts are not
    // what this figure is about; a steady 20 calls/s on AWS runs on warm sandboxes too).
    for (let i = 0; i < 20; i++) await popup(info, waiters, `warm-${i}`);
    await popupsAtRate(info, waiters, Math.max(20, RATE * 3), 'warm-rate');
    await runtime.bus.idle();
    const coldStartsBefore = coldStartCount(runtime);

    // Pop-up latency at a fixed call rate: webhook sent → incoming_call frame received.
    const popupSamples = await popupsAtRate(info, waiters, CALLS, 'bench');
    await runtime.bus.idle();
    const coldStartsDuringMeasurement = coldStartCount(runtime) - coldStartsBefore;

    // DynamoDB operations per complete call (newCall, answer, hangup → call item, ticket, pop-ups).
    runtime.dynamo.resetOperations();
    runtime.dynamo.measureCapacity(true);
    const invocationsBefore = invocationCounts(runtime);
    const durationsBefore = durationTotals(runtime);
    const eventsBefore = runtime.bus.stats().entries;
    const schedulerBefore = runtime.scheduler.invocations();
    const framesBefore = frames.count;
    const logBytesBefore = logBytes.count;
    const OPS_CALLS = 50;
    let httpRequests = 0;
    for (let i = 0; i < OPS_CALLS; i++) httpRequests += await completeCall(info, `ops-${Date.now()}-${i}`, `+7916${String(1000000 + i)}`);
    await runtime.settled();
    runtime.dynamo.measureCapacity(false);
    const ops = runtime.dynamo.operations();
    const capacity = runtime.dynamo.capacity();
    const functionsPerCall = [...runtime.functions.entries()]
      .map(([id, f]) => ({
        name: f.model.shortName ?? id,
        invocations: (f.stats.invocations - (invocationsBefore[id] ?? 0)) / OPS_CALLS,
        durationMs: (f.stats.durationMs - (durationsBefore[id] ?? 0)) / OPS_CALLS,
        memoryMb: f.model.memoryMb,
      }))
      .filter((f) => f.invocations > 0);
    const invocationsPerCallTotal = functionsPerCall.reduce((n, f) => n + f.invocations, 0);
    const counted = {
      httpRequests: httpRequests / OPS_CALLS,
      // Frames pushed to the one agent online; $connect/$disconnect are not per call.
      webSocketMessages: (frames.count - framesBefore) / OPS_CALLS,
      webSocketConnectionMinutes: 60 / AGENT_CALLS_PER_HOUR,
      functions: functionsPerCall,
      dynamodbReadUnits: capacity.readUnits / OPS_CALLS,
      dynamodbWriteUnits: capacity.writeUnits / OPS_CALLS,
      eventBridgeEvents: (runtime.bus.stats().entries - eventsBefore) / OPS_CALLS,
      schedulerInvocations: (runtime.scheduler.invocations() - schedulerBefore) / OPS_CALLS,
      logBytes: (logBytes.count - logBytesBefore) / OPS_CALLS + PLATFORM_LOG_BYTES_PER_INVOCATION * invocationsPerCallTotal,
    };
    const prices = JSON.parse(readFileSync(new URL('../shared/cost/prices.json', import.meta.url), 'utf8')) as PriceTable;
    const cost = costPer1000Calls(counted, prices);
    const perCall = Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, Math.round((v / OPS_CALLS) * 100) / 100]));
    const opsTotal = Object.values(ops).reduce((a, b) => a + b, 0) / OPS_CALLS;
    const invocationsPerCall = Object.fromEntries(
      Object.entries(invocationCounts(runtime))
        .map(([name, n]) => [name, Math.round(((n - (invocationsBefore[name] ?? 0)) / OPS_CALLS) * 100) / 100] as const)
        .filter(([, n]) => n > 0),
    );

    // Webhook throughput: newCall/hangup pairs posted with fixed concurrency.
    const THROUGHPUT_WEBHOOKS = Math.max(200, CALLS);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < THROUGHPUT_WEBHOOKS) {
          const i = next++;
          const callId = `tput-${i}-${t0}`;
          const res = await post(info, { event: i % 2 ? 'hangup' : 'newCall', direction: 'in', from: `+7926${String(1000000 + i)}`, to: LINE, callId, user: ['Boris Ivanov'], cause: 'cancel' });
          if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    await runtime.bus.idle();

    // Pop-up time in the browser (webhook sent → pop-up painted) and the frame time of the same calls.
    const browserRun = BROWSER
      ? await (await import('./bench-browser.ts')).benchBrowserPopups(info, { calls: Number(values['browser-calls']), line: LINE, frameWaiters: waiters, post: (body) => post(info, body) })
      : undefined;
    ws.close();

    const reports = values.reports ? await (await import('./bench-reports.ts')).benchReports(runtime, info, { calls: Number(values.reports) }) : undefined;
    const csvExport = values.export ? await (await import('./bench-export.ts')).benchExport(runtime, info, Number(values.export)) : undefined;
    const scale = values.customers ? await opsByCustomerCount(info, runtime, values.customers.split(',').map(Number)) : undefined;
    // What a first visit of the agent console loads (ADR 0005: budget 150 KB gzipped).
    const { consoleInitialSize, ensureConsoleBuilt } = await import('../local/console-build.ts');
    await ensureConsoleBuilt();
    const consoleBundle = { ...consoleInitialSize(), budget: 150 * 1024, unit: 'bytes gzipped' };

    const popupP = percentiles(popupSamples);
    const putP = percentiles(putSamples);
    const wsP = percentiles(wsSamples);
    const floorP50 = putP.p50 + wsP.p50;
    console.log(
      JSON.stringify(
        {
          machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
          popupLatencyMs: { ...popupP, callRatePerSecond: RATE, calls: CALLS, coldStartsDuringMeasurement },
          webhooksPerSecond: Math.round((THROUGHPUT_WEBHOOKS / seconds) * 10) / 10,
          throughputRun: { webhooks: THROUGHPUT_WEBHOOKS, concurrency: CONCURRENCY, seconds: Math.round(seconds * 100) / 100 },
          dynamodbOperationsPerCall: { total: Math.round(opsTotal * 100) / 100, byType: perCall, callShape: 'newCall + answer + hangup (zammad), answered → closed ticket' },
          functionInvocationsPerCall: invocationsPerCall,
          costPer1000CallsUsd: {
            total: cost.totalUsd,
            lines: cost.lines,
            perCall: {
              ...counted,
              functions: counted.functions.map((f) => ({ ...f, durationMs: Math.round(f.durationMs * 100) / 100 })),
              dynamodbUnitsByOperation: Object.fromEntries(Object.entries(capacity.byOperation).map(([op, u]) => [op, Math.round((u / OPS_CALLS) * 100) / 100])),
            },
            callShape: 'newCall + answer + hangup (zammad), answered → closed ticket, one agent online',
            prices: cost.prices,
            measured: `HTTP requests, WebSocket frames, function invocations and handler time (local runtime, at each function's configured memory), DynamoDB read/write units (DynamoDB Local's consumed capacity, transactions doubled), bus events, Scheduler invocations, log bytes at ${values['log-level']}`,
            assumed: `${60 / AGENT_CALLS_PER_HOUR} WebSocket connection minutes per call (an agent online takes ${AGENT_CALLS_PER_HOUR} calls an hour: --agent-calls-per-hour), ${PLATFORM_LOG_BYTES_PER_INVOCATION} bytes of Lambda platform log lines per invocation; local handler times on a shared machine stand in for Lambda's`,
          },
          ioFloorMs: { dynamodbPutItem: putP, websocketPush: wsP, floorP50: Math.round(floorP50 * 100) / 100 },
          popupP50OverFloorP50: Math.round((popupP.p50 / floorP50) * 100) / 100,
          ...(reports ? { reports } : {}),
          ...(csvExport ? { csvExport } : {}),
          ...(scale ? { dynamodbOperationsPerCallByCustomerCount: scale } : {}),
          consoleBundle,
          ...(browserRun ? { browserPopupMs: { browser: percentiles(browserRun.browserMs), websocketFrame: percentiles(browserRun.frameMs), measure: 'webhook sent → pop-up painted in chromium / → incoming_call frame at a Node client, same calls, one at a time' } } : {}),
          busDeadLetters: runtime.bus.deadLetters().length,
        },
        null,
        2,
      ),
    );
  } finally {
    await runtime.stop();
  }
}

/** Calls posted at RATE per second; resolves with each call's pop-up latency. */
async function popupsAtRate(info: LocalInfo, waiters: Map<string, (t: number) => void>, calls: number, prefix: string): Promise<number[]> {
  const samples: number[] = [];
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < calls; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(popup(info, waiters, `${prefix}-${Date.now()}-${i}`).then((ms) => void samples.push(ms)));
  }
  await Promise.all(inflight);
  return samples;
}

function coldStartCount(runtime: Awaited<ReturnType<typeof startTenant>>['runtime']): number {
  return [...runtime.functions.values()].reduce((n, f) => n + f.stats.coldStarts, 0);
}

/** Handler milliseconds so far per function. */
function durationTotals(runtime: Awaited<ReturnType<typeof startTenant>>['runtime']): Record<string, number> {
  return Object.fromEntries([...runtime.functions.entries()].map(([id, f]) => [id, f.stats.durationMs]));
}

/** Invocations so far per function (by the construct path's last part, which names the function). */
function invocationCounts(runtime: Awaited<ReturnType<typeof startTenant>>['runtime']): Record<string, number> {
  return Object.fromEntries([...runtime.functions.entries()].map(([id, f]) => [id, f.stats.invocations]));
}

/**
 * Loads synthetic customers up to each count and measures DynamoDB operations per complete call from
 * those customers' numbers (every pop-up finds its customer). The ratio to the smallest count shows
 * whether the call path depends on the directory size.
 */
async function opsByCustomerCount(info: LocalInfo, runtime: Awaited<ReturnType<typeof startTenant>>['runtime'], counts: number[]) {
  const { loadSyntheticCustomers, syntheticCustomer } = await import('../local/bulk-customers.ts');
  const rows: { customers: number; loadSeconds: number; operationsPerCall: number; byType: Record<string, number> }[] = [];
  let loaded = 0;
  for (const count of [...counts].sort((a, b) => a - b)) {
    const t0 = performance.now();
    // Search-index items are left out: nothing on the call path reads them, and 40 items a customer
    // would make loading 100,000 customers take most of an hour on DynamoDB Local.
    await loadSyntheticCustomers({ dynamodbUrl: info.dynamodbUrl, tableName: runtime.tableName, tenant: info.tenant, count: count - loaded, offset: loaded, searchIndex: false });
    loaded = count;
    const loadSeconds = Math.round((performance.now() - t0) / 100) / 10;
    runtime.dynamo.resetOperations();
    const CALLS = 50;
    for (let i = 0; i < CALLS; i++) {
      const n = Math.floor((i * count) / CALLS);
      await completeCall(info, `scale-${count}-${i}-${Date.now()}`, syntheticCustomer(n).phones[0]!);
    }
    await runtime.bus.idle();
    const ops = runtime.dynamo.operations();
    const total = Object.values(ops).reduce((a, b) => a + b, 0);
    rows.push({ customers: count, loadSeconds, operationsPerCall: Math.round((total / CALLS) * 100) / 100, byType: Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, Math.round((v / CALLS) * 100) / 100])) });
  }
  const base = rows[0]!.operationsPerCall;
  return rows.map((r) => ({ ...r, ratioToSmallest: Math.round((r.operationsPerCall / base) * 1000) / 1000 }));
}

async function popup(info: LocalInfo, waiters: Map<string, (t: number) => void>, providerCallId: string): Promise<number> {
  const id = callIdFor('zammad', providerCallId);
  const got = new Promise<number>((r, j) => {
    const timer = setTimeout(() => j(new Error(`no pop-up for ${providerCallId}`)), 15_000);
    waiters.set(id, (t) => {
      clearTimeout(timer);
      r(t);
    });
  });
  const t0 = performance.now();
  const res = await post(info, { event: 'newCall', direction: 'in', from: '+79161234567', to: LINE, callId: providerCallId, user: ['Anna Smirnova'] });
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  const t1 = await got;
  waiters.delete(id);
  return t1 - t0;
}

/** One answered call; resolves with the HTTP requests it took. */
async function completeCall(info: LocalInfo, callId: string, from: string): Promise<number> {
  await post(info, { event: 'newCall', direction: 'in', from, to: LINE, callId, user: ['Anna Smirnova'] });
  await post(info, { event: 'answer', direction: 'in', from, to: LINE, callId, answeringNumber: '101' });
  await post(info, { event: 'hangup', direction: 'in', from, to: LINE, callId, cause: 'normalClearing' });
  return 3;
}

/** The bench agent's connection id, read back from the connection items of employee 101. */
async function findConnection(tableName: string, ddb: DynamoDBClient): Promise<string> {
  const out = await ddb.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: 'T#demo#EMPCONN#emp-101' } } }));
  const id = out.Items?.[0]?.['connectionId']?.S;
  if (!id) throw new Error('bench agent is not connected');
  return id;
}

await main();
