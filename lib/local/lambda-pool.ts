// Runs bundled functions in-process: a small pool of worker threads per function, each worker one
// sandbox with its own environment, one invocation at a time, killed on timeout like Lambda's.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FunctionModel } from './cloud-assembly.ts';
import { pipeLines, processSink, type LogSink } from './log-lines.ts';

const hostFile = fileURLToPath(new URL('./lambda-host.mjs', import.meta.url));

export class LambdaError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly remoteStack?: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

interface Sandbox {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
}

export interface InvocationStats {
  invocations: number;
  errors: number;
  coldStarts: number;
}

export class LocalFunction {
  private readonly idle: Sandbox[] = [];
  private readonly all = new Set<Sandbox>();
  private readonly waiting: ((s: Sandbox) => void)[] = [];
  readonly stats: InvocationStats = { invocations: 0, errors: 0, coldStarts: 0 };
  /** Invocations started and not yet settled (including those waiting for a sandbox). */
  private inFlight = 0;
  private readonly settledWaiters: (() => void)[] = [];

  constructor(
    readonly model: FunctionModel,
    private readonly env: Record<string, string>,
    private readonly opts: { region: string; accountId: string; maxConcurrency: number; output?: LogSink },
  ) {}

  /** How the function's log lines are labeled: its short name, else its logical id. */
  get label(): string {
    return this.model.shortName ?? this.model.logicalId;
  }

  private spawn(): Sandbox {
    this.stats.coldStarts++;
    const worker = new Worker(hostFile, {
      env: this.env,
      workerData: { bundlePath: this.model.bundlePath, exportName: this.model.exportName, functionName: this.model.functionName, memoryMb: this.model.memoryMb, region: this.opts.region, accountId: this.opts.accountId },
      stdout: true,
      stderr: true,
    });
    worker.unref();
    const output = this.opts.output ?? processSink;
    pipeLines(worker.stdout, this.label, (line) => output.stdout(line));
    pipeLines(worker.stderr, this.label, (line) => output.stderr(line));
    const ready = new Promise<void>((resolve, reject) => {
      const onMsg = (m: { type: string; error?: { errorType: string; errorMessage: string } }) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'init-error') reject(new LambdaError('Runtime.ImportModuleError', `${this.model.logicalId}: ${m.error?.errorMessage}`));
        else return;
        worker.off('message', onMsg);
      };
      worker.on('message', onMsg);
      worker.once('error', reject);
    });
    const sandbox: Sandbox = { worker, ready, busy: false };
    ready.catch(() => this.discard(sandbox));
    worker.once('exit', () => this.discard(sandbox));
    this.all.add(sandbox);
    return sandbox;
  }

  private discard(s: Sandbox): void {
    this.all.delete(s);
    const i = this.idle.indexOf(s);
    if (i >= 0) this.idle.splice(i, 1);
  }

  private acquire(): Promise<Sandbox> {
    const s = this.idle.pop();
    if (s) return Promise.resolve(s);
    if (this.all.size < this.opts.maxConcurrency) return Promise.resolve(this.spawn());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(s: Sandbox): void {
    if (!this.all.has(s)) {
      // the sandbox died (timeout): a waiting invocation gets a fresh one
      const next = this.waiting.shift();
      if (next) next(this.spawn());
      return;
    }
    const next = this.waiting.shift();
    if (next) next(s);
    else this.idle.push(s);
  }

  /** Starts one sandbox ahead of traffic so the first request does not pay the cold start. */
  async warm(): Promise<void> {
    if (this.all.size > 0) return;
    const s = this.spawn();
    await s.ready;
    this.idle.push(s);
  }

  async invoke(event: unknown): Promise<unknown> {
    this.inFlight++;
    try {
      const sandbox = await this.acquire();
      this.stats.invocations++;
      try {
        await sandbox.ready;
        return await this.run(sandbox, event);
      } catch (err) {
        this.stats.errors++;
        throw err;
      } finally {
        this.release(sandbox);
      }
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const resolve of this.settledWaiters.splice(0)) resolve();
    }
  }

  /** Resolves when no invocation is running or waiting for a sandbox. */
  settled(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** Closes the pool once its in-flight invocations have finished (a reload replacing this function). */
  async retire(): Promise<void> {
    await this.settled();
    await this.close();
  }

  private run(sandbox: Sandbox, event: unknown): Promise<unknown> {
    const id = randomUUID();
    const timeoutMs = this.model.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        void sandbox.worker.terminate();
        this.discard(sandbox);
        reject(new LambdaError('Sandbox.Timedout', `Task timed out after ${this.model.timeoutSeconds.toFixed(2)} seconds`));
      }, timeoutMs);
      const onMsg = (m: { type: string; id?: string; result?: unknown; error?: { errorType: string; errorMessage: string; stack?: string } }) => {
        if (m.id !== id) return;
        cleanup();
        if (m.type === 'result') resolve(m.result);
        else reject(new LambdaError(m.error?.errorType ?? 'Error', m.error?.errorMessage ?? 'unknown error', m.error?.stack));
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new LambdaError('Runtime.ExitError', `${this.model.logicalId} exited with code ${code}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        sandbox.worker.off('message', onMsg);
        sandbox.worker.off('exit', onExit);
      };
      sandbox.worker.on('message', onMsg);
      sandbox.worker.once('exit', onExit);
      sandbox.worker.postMessage({ id, event, deadline: Date.now() + timeoutMs, requestId: randomUUID() });
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((s) => s.worker.terminate()));
    this.all.clear();
    this.idle.length = 0;
  }
}
