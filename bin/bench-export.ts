// CSV export throughput (L4) on the local runtime: seeds N calls straight into the table (the
// repository's own writes), exports them through `GET /calls?format=csv` → 303 → the streaming
// Function URL, and reports rows/s, MB/s, time to first byte and what the sandbox buffered.
// `benchExport(runtime, info, rows)` is the hook for bin/bench.ts; `tsx bin/bench-export.ts
// [--rows 20000] [--no-synth]` runs it alone on a fresh stack and prints one JSON object.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { stderrSink } from '../local/log-lines.ts';
import type { StreamStats } from '../local/lambda-pool.ts';
import type { LocalRuntime } from '../local/runtime.ts';
import { startTenant, type LocalInfo } from '../local/start.ts';
import { seedCalls } from '../test/system/seed-calls.ts';

export interface ExportBenchResult {
  rows: number;
  bytes: number;
  seedMs: number;
  timeToFirstByteMs: number;
  totalMs: number;
  rowsPerSecond: number;
  megabytesPerSecond: number;
  chunksReceived: number;
  /** What the export function's sandbox wrote and held (local/lambda-pool.ts StreamStats). */
  sandbox: StreamStats | null;
}

/** Seeds `rows` calls in a time window of their own and exports exactly them. */
export async function benchExport(runtime: LocalRuntime, info: LocalInfo, rows: number): Promise<ExportBenchResult> {
  // A window of its own, years back (one call every 2 s: 100,000 calls span 2.3 days).
  const newest = new Date(Date.UTC(2019, 0, 1) + Math.floor(Math.random() * 3000) * 86_400_000);
  const seeded = await seedCalls({
    tableName: runtime.tableName,
    dynamodbUrl: info.dynamodbUrl,
    region: info.region,
    tenant: info.tenant,
    count: rows,
    newest,
    spacingMs: 2_000,
    prefix: `c_bench${Date.now().toString(36)}`,
    trickyEvery: 0, // no quoted line breaks: one row per line
  });
  const to = new Date(newest.getTime() + 1).toISOString();
  const url = `${info.httpUrl}/calls?from=${encodeURIComponent(seeded.first)}&to=${encodeURIComponent(to)}&format=csv`;

  // Warm-up: a first export pays the sandbox's JIT; measure the steady state (the newest 100 calls here).
  const warm = await fetch(`${info.httpUrl}/calls?from=${encodeURIComponent(new Date(newest.getTime() - 99 * 2_000).toISOString())}&to=${encodeURIComponent(to)}&format=csv`, {
    headers: { authorization: `Bearer ${info.tokens.admin}` },
  });
  await warm.text();

  const started = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${info.tokens.admin}` } });
  if (res.status !== 200 || !res.body) throw new Error(`export answered ${res.status}: ${await res.text()}`);
  const reader = res.body.getReader();
  let firstByte = 0;
  let bytes = 0;
  let chunks = 0;
  let newlines = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (chunks === 0) firstByte = performance.now() - started;
    chunks++;
    bytes += value.length;
    for (let i = 0; i < value.length; i++) if (value[i] === 0x0a) newlines++;
  }
  const totalMs = performance.now() - started;
  const exportFn = [...runtime.functions.values()].find((f) => f.label === 'export-csv');
  if (newlines - 1 !== rows) throw new Error(`exported ${newlines - 1} rows, seeded ${rows}`);
  return {
    rows,
    bytes,
    seedMs: seeded.ms,
    timeToFirstByteMs: Math.round(firstByte),
    totalMs: Math.round(totalMs),
    rowsPerSecond: Math.round(rows / (totalMs / 1000)),
    megabytesPerSecond: Math.round((bytes / 1024 / 1024 / (totalMs / 1000)) * 100) / 100,
    chunksReceived: chunks,
    sandbox: exportFn?.stats.lastStream ?? null,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '20000' }, 'no-synth': { type: 'boolean', default: false } } });
  const { runtime, info } = await startTenant({ skipSynth: values['no-synth'], tenant: 'demo', httpPort: 0, wsPort: 0, logLevel: 'ERROR', metricsDisabled: true, functionOutput: stderrSink });
  try {
    console.log(JSON.stringify({ csvExport: await benchExport(runtime, info, Number(values.rows)) }, null, 2));
  } finally {
    await runtime.stop();
  }
}
