// The dev loop (`npm run dev`): on a source change, synthesize again and swap the sandboxes of every
// function whose bundle or settings changed, without restarting DynamoDB Local, the gateways or the
// bus. Routes, WebSocket routes and rules find their function through `runtime.functions` at call
// time, so replacing an entry of that map is all a swap takes; data and WebSocket connections stay.
import { watch, type FSWatcher } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { readAssembly, type AssemblyModel, type FunctionModel } from './cloud-assembly.ts';
import type { LocalFunction } from './lambda-pool.ts';
import type { LocalRuntime } from './runtime.ts';
import { projectRoot, synthAsync, type SynthOptions } from './start.ts';

export interface ReloadResult {
  /** Short names of the functions now running new code or settings. */
  reloaded: string[];
  /** Functions whose new version failed to start; their old version keeps running. */
  failed: { name: string; error: string }[];
  /** What changed but is only applied by a restart (routes, rules, tables, added/removed functions). */
  restartNeeded: string[];
  ms: number;
}

/** What a running sandbox depends on: a change to any of it means a new pool. */
function fingerprint(f: FunctionModel): string {
  const { bundlePath, exportName, functionName, timeoutSeconds, memoryMb, environment } = f;
  return JSON.stringify({ bundlePath, exportName, functionName, timeoutSeconds, memoryMb, environment });
}

const nameOf = (f: FunctionModel) => f.shortName ?? f.logicalId;
const sortedJson = (items: unknown[]) => items.map((x) => JSON.stringify(x)).sort();

/** The parts of the stack that only a restart applies, as comparable JSON. */
function topology(model: AssemblyModel): Record<string, string[]> {
  const routesOf = (protocol: 'HTTP' | 'WEBSOCKET') =>
    sortedJson(model.apis.filter((a) => a.protocol === protocol).map((a) => ({ api: a.logicalId, stage: a.stageName, selection: a.routeSelectionExpression, routes: sortedJson(a.routes) })));
  return {
    'HTTP routes': routesOf('HTTP'),
    'WebSocket routes': routesOf('WEBSOCKET'),
    'EventBridge rules': sortedJson(model.rules),
    'event buses': sortedJson(model.buses),
    tables: sortedJson(model.tables.map((t) => ({ logicalId: t.logicalId, tableName: t.tableName, properties: t.properties }))),
  };
}

/** What differs between the running stack and `next` that a function swap cannot apply. */
export function restartNeeded(running: AssemblyModel, next: AssemblyModel): string[] {
  const before = topology(running);
  const after = topology(next);
  const out = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  const runningIds = new Set(running.functions.map((f) => f.logicalId));
  const nextIds = new Set(next.functions.map((f) => f.logicalId));
  for (const f of next.functions) if (!runningIds.has(f.logicalId)) out.push(`new function ${nameOf(f)}`);
  for (const f of running.functions) if (!nextIds.has(f.logicalId)) out.push(`removed function ${nameOf(f)}`);
  return out;
}

/**
 * Swaps every function of `next` whose bundle (asset hash) or settings changed: a new pool on the
 * new bundle is warmed first, then takes the old one's place in `runtime.functions`; the old pool is
 * closed once its in-flight invocations finish. A function whose new version cannot start keeps
 * its old version. Nothing else is touched.
 */
export async function reloadFunctions(runtime: LocalRuntime, next: AssemblyModel): Promise<ReloadResult> {
  const started = Date.now();
  const changed = next.functions.filter((f) => {
    const current = runtime.functions.get(f.logicalId);
    return current !== undefined && fingerprint(current.model) !== fingerprint(f);
  });
  const result: ReloadResult = { reloaded: [], failed: [], restartNeeded: restartNeeded(runtime.model, next), ms: 0 };
  await Promise.all(
    changed.map(async (f) => {
      const fresh: LocalFunction = runtime.createFunction(f, next);
      try {
        await fresh.warm();
      } catch (err) {
        await fresh.close();
        result.failed.push({ name: nameOf(f), error: err instanceof Error ? err.message : String(err) });
        return;
      }
      const old = runtime.functions.get(f.logicalId);
      runtime.functions.set(f.logicalId, fresh);
      void old?.retire();
      result.reloaded.push(nameOf(f));
    }),
  );
  // The served routes, rules and tables stay those of the started model; its functions are the running ones.
  runtime.model = { ...runtime.model, functions: runtime.model.functions.map((f) => runtime.functions.get(f.logicalId)?.model ?? f) };
  result.reloaded.sort();
  result.ms = Date.now() - started;
  return result;
}

/** What `npm run dev` watches, relative to the project root. */
export const WATCHED = ['functions', 'triggers', 'shared', 'lib', 'local', 'config', 'bin/app.ts'];

export interface DevLoop {
  close(): void;
}

/**
 * Watches the sources (debounced) and, on a change, synthesizes into the runtime's cdk.out and
 * reloads the changed functions. A failed synth leaves the running functions as they are.
 */
export function startDevLoop(runtime: LocalRuntime, opts: SynthOptions & { debounceMs?: number; log?: (line: string) => void; warn?: (line: string) => void } = {}): DevLoop {
  const log = opts.log ?? ((line: string) => console.log(line));
  const warn = opts.warn ?? ((line: string) => console.error(line));
  const debounceMs = opts.debounceMs ?? 300;
  const synthOpts: SynthOptions = { ...(opts.tenant ? { tenant: opts.tenant } : {}), ...(opts.tenantConfigFile ? { tenantConfigFile: opts.tenantConfigFile } : {}), outDir: runtime.outDir };
  let timer: NodeJS.Timeout | null = null;
  let changedFiles = new Set<string>();
  let running = false;
  let again = false;
  let closed = false;

  const cycle = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    const files = [...changedFiles];
    changedFiles = new Set();
    const t0 = Date.now();
    const seconds = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    log(`[dev] ${files.length === 1 ? files[0] : `${files.length} files`} changed: synthesizing…`);
    try {
      await synthAsync(synthOpts);
      if (closed) return;
      const next = readAssembly(runtime.outDir, runtime.stackName);
      const r = await reloadFunctions(runtime, next);
      log(`[dev] ${r.reloaded.length > 0 ? `reloaded ${r.reloaded.join(', ')}` : 'no function changed'} in ${seconds()}`);
      for (const f of r.failed) warn(`[dev] ${f.name} did not start, its previous version keeps running: ${f.error}`);
      if (r.restartNeeded.length > 0) warn(`[dev] restart needed to apply changes to ${r.restartNeeded.join(', ')} (functions are reloaded, routes, rules and tables are not)`);
      const runtimeCode = files.filter((f) => f.startsWith('local/'));
      if (runtimeCode.length > 0) warn(`[dev] ${runtimeCode.join(', ')}: the local runtime's own code is not reloaded; restart to apply it`);
    } catch (err) {
      warn(`[dev] ${err instanceof Error ? err.message : String(err)}; the running functions are unchanged (${seconds()})`);
    } finally {
      running = false;
      if (again && !closed) {
        again = false;
        void cycle();
      }
    }
  };

  const onChange = (base: string) => (_event: string, filename: string | Buffer | null) => {
    if (closed) return;
    const file = filename ? relative(projectRoot, join(projectRoot, base, String(filename))) : base;
    if (/(^|\/)(node_modules|\.git)(\/|$)|~$|\.swp$/.test(file)) return;
    changedFiles.add(file.startsWith('..') ? base : file);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void cycle();
    }, debounceMs);
  };

  const watchers: FSWatcher[] = WATCHED.map((p) => {
    const isFile = p.endsWith('.ts');
    // A single file: its own name is the change; a folder: recursive (Linux: Node ≥ 20).
    return watch(join(projectRoot, p), { recursive: !isFile }, onChange(isFile ? dirname(p) : p));
  });
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
