// Runs bundled functions in-process: a small pool of worker threads per function, each worker one
// sandbox with its own environment, one invocation at a time, killed on timeout like Lambda's.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FunctionModel } from './cloud-assembly.ts';
import { pipeLines, processSink, type LogSink } from './log-lines.ts';

/** Lambda's limit for a buffered (RequestResponse) result. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

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
}

/** What one streamed invocation wrote, measured in its sandbox. */
export interface StreamStats {
  chunks: number;
  /** Body bytes the handler wrote (without the prelude of `HttpResponseStream.from`). */
  bytes: number;
  /** Most bytes the response stream ever held waiting for the socket (its `writableLength`). */
  peakBufferedBytes: number;
  /** V8 heap of the sandbox when the invocation started, and the most it used while streaming (garbage included). */
  startHeapBytes: number;
  peakHeapBytes: number;
  /** The same for V8's old space: objects that survived young-generation collections, i.e. what the handler retained. */
  startOldSpaceBytes: number;
  peakOldSpaceBytes: number;
}

/**
 * Where a streamed response goes (a Function URL's socket). `write` resolves once the chunk is
 * taken (written, or the socket drained): only then may the sandbox write the next one. The first
 * chunk carries the content type the function set (the prelude type of `HttpResponseStream.from`).
 */
export interface ResponseSink {
  write(chunk: Buffer, contentType?: string): Promise<void>;
}

export type InvokeOutcome = { streamed: false; result: unknown } | { streamed: true; stats: StreamStats };

export interface InvocationStats {
  invocations: number;
  errors: number;
  coldStarts: number;
  /** Milliseconds spent in the handler, summed over invocations (from the event handed to the sandbox to its answer): Lambda's billed duration. */
  durationMs: number;
  /** The last streamed invocation (tests and the benchmark read how much it buffered). */
  lastStream?: StreamStats;
}

export class LocalFunction {
  private readonly idle: Sandbox[] = [];
  private readonly all = new Set<Sandbox>();
  private readonly waiting: ((s: Sandbox) => void)[] = [];
  readonly stats: InvocationStats = { invocations: 0, errors: 0, coldStarts: 0, durationMs: 0 };
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
    const sandbox: Sandbox = { worker, ready };
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

  /**
   * A buffered invocation (Invoke RequestResponse): the handler's result. As on Lambda, a result over
   * 6 MB serialized is an error, not a response (a streamed response is the way past it).
   */
  async invoke(event: unknown): Promise<unknown> {
    const outcome = await this.call(event, null);
    if (outcome.streamed) return null;
    const size = outcome.result === undefined ? 0 : Buffer.byteLength(JSON.stringify(outcome.result) ?? '');
    if (size > MAX_RESPONSE_BYTES) {
      throw new LambdaError('Function.ResponseSizeTooLarge', `Response payload size (${size} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`);
    }
    return outcome.result;
  }

  /**
   * An invocation with response streaming (InvokeWithResponseStream): a streaming handler
   * (`awslambda.streamifyResponse`) writes into `sink`; any other handler's result comes back as
   * with `invoke`.
   */
  async invokeStreaming(event: unknown, sink: ResponseSink): Promise<InvokeOutcome> {
    const outcome = await this.call(event, sink);
    if (outcome.streamed) this.stats.lastStream = outcome.stats;
    return outcome;
  }

  private async call(event: unknown, sink: ResponseSink | null): Promise<InvokeOutcome> {
    this.inFlight++;
    try {
      const sandbox = await this.acquire();
      this.stats.invocations++;
      try {
        await sandbox.ready;
        const started = performance.now();
        try {
          return await this.run(sandbox, event, sink);
        } finally {
          this.stats.durationMs += performance.now() - started;
        }
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

  /** True while an invocation is running or waiting for a sandbox. */
  busy(): boolean {
    return this.inFlight > 0;
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

  private run(sandbox: Sandbox, event: unknown, sink: ResponseSink | null): Promise<InvokeOutcome> {
    const id = randomUUID();
    const timeoutMs = this.model.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        void sandbox.worker.terminate();
        this.discard(sandbox);
        reject(new LambdaError('Sandbox.Timedout', `Task timed out after ${this.model.timeoutSeconds.toFixed(2)} seconds`));
      }, timeoutMs);
      /** What lambda-host.mjs posts about an invocation (its `ready` and `init-error` carry no id). */
      type Message = { id?: string } & (
        | { type: 'chunk'; data: Uint8Array; contentType?: string }
        | { type: 'result'; streamed: true; stats: StreamStats }
        | { type: 'result'; streamed: false; result: unknown }
        | { type: 'error'; error: { errorType: string; errorMessage: string; stack?: string } }
      );
      const onMsg = (m: Message) => {
        if (m.id !== id) return;
        if (m.type === 'chunk') {
          // The sandbox waits for this ack before it writes again: the socket paces the handler.
          const chunk = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
          const taken = sink ? sink.write(chunk, m.contentType) : Promise.reject(new Error('no response stream'));
          taken.then(
            () => sandbox.worker.postMessage({ type: 'ack', id }),
            (err: unknown) => sandbox.worker.postMessage({ type: 'ack', id, error: err instanceof Error ? err.message : String(err) }),
          );
          return;
        }
        cleanup();
        if (m.type === 'result') resolve(m.streamed ? { streamed: true, stats: m.stats } : { streamed: false, result: m.result });
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
      sandbox.worker.postMessage({ type: 'invoke', id, event, deadline: Date.now() + timeoutMs, requestId: randomUUID(), stream: sink !== null });
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((s) => s.worker.terminate()));
    this.all.clear();
    this.idle.length = 0;
  }
}
