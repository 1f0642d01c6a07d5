/**
 * Asynchronous at-least-once delivery with Lambda-style retries and a dead-letter sink.
 * Jobs are started on a later tick than the one that enqueued them (never inside PutEvents).
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BusTarget, DeadLetter, EventEnvelope } from './types.ts';

export interface DeliveryJob {
  ruleName: string;
  target: BusTarget;
  event: EventEnvelope;
  /** Attempts already made. */
  attempts: number;
}

export interface DeliveryOptions {
  retryDelaysMs: number[];
  deadLetterDir?: string;
  duplicate?: boolean;
  shuffle?: boolean;
  log?: (line: string) => void;
}

export const DEAD_LETTER_FILE = 'eventbridge-dead-letters.jsonl';

export class DeliveryQueue {
  private pending: DeliveryJob[] = [];
  private busy = 0; // in flight + waiting for a retry + dead letters being written
  private kicked = false;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly dead: DeadLetter[] = [];
  readonly counters = { deliveries: 0, failures: 0 };

  constructor(private readonly opts: DeliveryOptions) {}

  /** Queues one delivery of `event` to `target` (twice under the `duplicate` chaos switch). */
  enqueue(ruleName: string, target: BusTarget, event: EventEnvelope): void {
    const copies = this.opts.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i += 1) this.pending.push({ ruleName, target, event, attempts: 0 });
    this.kick();
  }

  deadLetters(): DeadLetter[] {
    return this.dead.map((d) => ({ ...d }));
  }

  replayDeadLetters(targets: (ruleName: string, targetId: string) => BusTarget | undefined): number {
    const letters = this.dead.splice(0, this.dead.length);
    let replayed = 0;
    for (const letter of letters) {
      const target = targets(letter.ruleName, letter.targetId);
      if (!target) {
        this.dead.push(letter); // rule or target gone: keep it visible
        continue;
      }
      this.pending.push({ ruleName: letter.ruleName, target, event: letter.event, attempts: 0 });
      replayed += 1;
    }
    this.kick();
    return replayed;
  }

  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** True while a delivery is pending, waiting for a retry or in flight. */
  busyNow(): boolean {
    return !this.isIdle();
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.busy = 0;
    this.pending = [];
    this.settle();
  }

  private isIdle(): boolean {
    return this.pending.length === 0 && this.busy === 0 && !this.kicked;
  }

  private kick(): void {
    if (this.kicked || this.closed) return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      this.drain();
    });
  }

  private drain(): void {
    const jobs = this.pending;
    this.pending = [];
    if (this.opts.shuffle) shuffleInPlace(jobs);
    for (const job of jobs) void this.run(job);
    this.settle();
  }

  private async run(job: DeliveryJob): Promise<void> {
    this.busy += 1;
    try {
      await job.target.invoke(structuredClone(job.event));
      if (!this.closed) this.counters.deliveries += 1;
    } catch (err) {
      if (!this.closed) await this.failed(job, err);
    } finally {
      if (!this.closed) {
        this.busy -= 1;
        this.settle();
      }
    }
  }

  private async failed(job: DeliveryJob, err: unknown): Promise<void> {
    this.counters.failures += 1;
    const attempts = job.attempts + 1;
    const delay = this.opts.retryDelaysMs[job.attempts];
    if (delay !== undefined) {
      this.busy += 1;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.busy -= 1;
        this.pending.push({ ...job, attempts });
        this.kick();
      }, delay);
      this.timers.add(timer);
      return;
    }
    const letter: DeadLetter = {
      ruleName: job.ruleName,
      targetId: job.target.id,
      ...(job.target.deadLetterArn !== undefined ? { deadLetterArn: job.target.deadLetterArn } : {}),
      event: job.event,
      error: err instanceof Error ? err.message : String(err),
      attempts,
      at: new Date().toISOString(),
    };
    this.dead.push(letter);
    const log = this.opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    log(
      `[eventbridge] dead letter: rule=${letter.ruleName} target=${letter.targetId} event=${letter.event.id} ` +
        `detail-type=${JSON.stringify(letter.event['detail-type'])} attempts=${attempts} error=${JSON.stringify(letter.error)}`,
    );
    if (this.opts.deadLetterDir) await this.persist(letter, this.opts.deadLetterDir, log);
  }

  private async persist(letter: DeadLetter, dir: string, log: (line: string) => void): Promise<void> {
    try {
      await mkdir(dir, { recursive: true });
      await appendFile(path.join(dir, DEAD_LETTER_FILE), `${JSON.stringify(letter)}\n`, 'utf8');
    } catch (err) {
      log(`[eventbridge] could not write dead letter to ${dir}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private settle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0, this.idleWaiters.length)) resolve();
  }
}

function shuffleInPlace<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}
