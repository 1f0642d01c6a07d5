/**
 * Local EventBridge Scheduler: the restJson1 API the unmodified `@aws-sdk/client-scheduler` speaks
 * (CreateSchedule `POST /schedules/{Name}`, GetSchedule `GET`, DeleteSchedule `DELETE`, groups by
 * `?groupName=`), errors as `x-amzn-ErrorType` + `{"Message"}` so the SDK raises its typed
 * exceptions, and one-time `at(...)` schedules fired on time by invoking the target function with
 * `Target.Input`, retried as the target's `RetryPolicy` says, then kept in a visible dead-letter list.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { LocalScheduler, LocalSchedulerOptions, ScheduleRecord, ScheduleTarget, SchedulerDeadLetter } from './types.ts';
import { BodyTooLargeError, readBody as readLimitedBody } from '../gateway/body.ts';

export type { LocalScheduler, LocalSchedulerOptions, ScheduleRecord, SchedulerDeadLetter } from './types.ts';

export const SCHEDULER_DEAD_LETTER_FILE = 'scheduler-dead-letters.jsonl';
/**
 * Local-only admin routes: `GET /_local/schedules`, `GET /_local/dead-letters`, `POST /_local/fire-due`,
 * `POST /_local/dead-letters/replay` (what `npm run redrive -- --local` calls).
 */
export const SCHEDULER_ADMIN_PREFIX = '/_local/';

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const MAX_BODY_BYTES = 1024 * 1024;

export class SchedulerError extends Error {
  constructor(
    readonly code: 'ValidationException' | 'ResourceNotFoundException' | 'ConflictException' | 'InternalServerException',
    message: string,
  ) {
    super(message);
  }
  get status(): number {
    return { ValidationException: 400, ResourceNotFoundException: 404, ConflictException: 409, InternalServerException: 500 }[this.code];
  }
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC → the instant; throws ValidationException otherwise. */
export function parseAt(expression: string, timezone: string | undefined): Date {
  const m = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression.trim());
  if (!m) throw new SchedulerError('ValidationException', `Invalid Schedule Expression ${expression}. The local scheduler supports one-time at(yyyy-mm-ddThh:mm:ss) schedules.`);
  if (timezone && timezone !== 'UTC' && timezone !== 'Etc/UTC') throw new SchedulerError('ValidationException', `The local scheduler supports ScheduleExpressionTimezone UTC only, got ${timezone}.`);
  const d = new Date(`${m[1]}Z`);
  if (Number.isNaN(d.getTime())) throw new SchedulerError('ValidationException', `Invalid Schedule Expression ${expression}.`);
  return d;
}

export async function startScheduler(opts: LocalSchedulerOptions): Promise<LocalScheduler> {
  const clock = opts.clock ?? (() => new Date());
  const retryDelaysMs = opts.retryDelaysMs ?? [1000, 2000];
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const groups = new Set(['default', ...opts.groups]);
  /** `${group}/${name}` → schedule. */
  const store = new Map<string, ScheduleRecord>();
  const dead: SchedulerDeadLetter[] = [];
  let invocations = 0;
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const arnOf = (group: string, name: string) => `arn:aws:scheduler:${opts.region}:${opts.account}:schedule/${group}/${name}`;
  const groupOf = (g: string | null | undefined): string => {
    const group = g || 'default';
    if (!groups.has(group)) throw new SchedulerError('ResourceNotFoundException', `Schedule group ${group} does not exist.`);
    return group;
  };
  const find = (group: string, name: string): ScheduleRecord => {
    const s = store.get(`${group}/${name}`);
    if (!s) throw new SchedulerError('ResourceNotFoundException', `Schedule ${name} does not exist.`);
    return s;
  };

  function create(name: string, body: Record<string, unknown>): { ScheduleArn: string } {
    if (!NAME.test(name)) throw new SchedulerError('ValidationException', `Invalid Name ${name}: 1 to 64 of [0-9a-zA-Z-_.].`);
    const group = groupOf(body['GroupName'] as string | undefined);
    const expression = body['ScheduleExpression'];
    if (typeof expression !== 'string') throw new SchedulerError('ValidationException', 'ScheduleExpression is required.');
    const ftw = body['FlexibleTimeWindow'] as ScheduleRecord['FlexibleTimeWindow'] | undefined;
    if (!ftw || (ftw.Mode !== 'OFF' && ftw.Mode !== 'FLEXIBLE')) throw new SchedulerError('ValidationException', 'FlexibleTimeWindow.Mode is required (OFF or FLEXIBLE).');
    const target = body['Target'] as ScheduleTarget | undefined;
    if (!target || typeof target.Arn !== 'string' || typeof target.RoleArn !== 'string') throw new SchedulerError('ValidationException', 'Target.Arn and Target.RoleArn are required.');
    if (!opts.resolveTarget(target.Arn)) throw new SchedulerError('ValidationException', `The local scheduler knows no function ${target.Arn}.`);
    const timezone = body['ScheduleExpressionTimezone'] as string | undefined;
    const dueAt = parseAt(expression, timezone);
    const action = (body['ActionAfterCompletion'] as string | undefined) ?? 'NONE';
    if (action !== 'NONE' && action !== 'DELETE') throw new SchedulerError('ValidationException', `Invalid ActionAfterCompletion ${action}.`);
    const state = (body['State'] as string | undefined) ?? 'ENABLED';
    if (state !== 'ENABLED' && state !== 'DISABLED') throw new SchedulerError('ValidationException', `Invalid State ${state}.`);
    const key = `${group}/${name}`;
    if (store.has(key)) throw new SchedulerError('ConflictException', `Schedule ${name} already exists.`);
    const now = new Date();
    const rec: ScheduleRecord = {
      Arn: arnOf(group, name),
      Name: name,
      GroupName: group,
      ScheduleExpression: expression,
      ...(timezone ? { ScheduleExpressionTimezone: timezone } : {}),
      ...(typeof body['Description'] === 'string' ? { Description: body['Description'] } : {}),
      State: state,
      ActionAfterCompletion: action,
      FlexibleTimeWindow: ftw,
      Target: target,
      CreationDate: now,
      LastModificationDate: now,
      dueAt,
      fired: false,
    };
    store.set(key, rec);
    return { ScheduleArn: rec.Arn };
  }

  function wire(s: ScheduleRecord): Record<string, unknown> {
    const { dueAt: _d, fired: _f, CreationDate, LastModificationDate, StartDate, EndDate, ...rest } = s;
    const secs = (d: Date) => d.getTime() / 1000;
    return {
      ...rest,
      CreationDate: secs(CreationDate),
      LastModificationDate: secs(LastModificationDate),
      ...(StartDate ? { StartDate: secs(StartDate) } : {}),
      ...(EndDate ? { EndDate: secs(EndDate) } : {}),
    };
  }

  /**
   * One delivery: the first try plus the target's `RetryPolicy.MaximumRetryAttempts` retries within
   * `MaximumEventAgeInSeconds` (as Scheduler does; without a policy `retryDelaysMs.length` retries),
   * waiting `retryDelaysMs[i]` before retry i (the last delay repeats), then a dead letter.
   */
  async function deliver(s: ScheduleRecord): Promise<void> {
    const policy = s.Target.RetryPolicy;
    const maxRetries = retryDelaysMs.length === 0 ? 0 : (policy?.MaximumRetryAttempts ?? retryDelaysMs.length);
    const maxAgeMs = (policy?.MaximumEventAgeInSeconds ?? 86_400) * 1000;
    const firstTry = Date.now();
    let input: unknown = {};
    try {
      input = s.Target.Input !== undefined ? (JSON.parse(s.Target.Input) as unknown) : {};
    } catch {
      input = s.Target.Input; // Scheduler passes non-JSON input through as is
    }
    let attempts = 0;
    let lastError: unknown;
    for (;;) {
      if (closed) return;
      attempts += 1;
      try {
        const invoke = opts.resolveTarget(s.Target.Arn);
        if (!invoke) throw new Error(`no local function for ${s.Target.Arn}`);
        invocations += 1;
        await invoke(structuredClone(input));
        return;
      } catch (err) {
        lastError = err;
      }
      if (attempts > maxRetries) break;
      const delay = retryDelaysMs[Math.min(attempts - 1, retryDelaysMs.length - 1)] ?? 0;
      if (Date.now() + delay - firstTry > maxAgeMs) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, delay);
        timers.add(t);
      });
    }
    if (closed) return;
    const letter: SchedulerDeadLetter = {
      scheduleName: s.Name,
      groupName: s.GroupName,
      targetArn: s.Target.Arn,
      ...(s.Target.DeadLetterConfig?.Arn ? { deadLetterArn: s.Target.DeadLetterConfig.Arn } : {}),
      input,
      error: lastError instanceof Error ? lastError.message : String(lastError),
      attempts,
      at: new Date().toISOString(),
    };
    dead.push(letter);
    log(`[scheduler] dead letter: schedule=${s.GroupName}/${s.Name} target=${s.Target.Arn} attempts=${attempts} error=${JSON.stringify(letter.error)}`);
    if (opts.deadLetterDir) {
      try {
        await mkdir(opts.deadLetterDir, { recursive: true });
        await appendFile(path.join(opts.deadLetterDir, SCHEDULER_DEAD_LETTER_FILE), `${JSON.stringify(letter)}\n`, 'utf8');
      } catch (err) {
        log(`[scheduler] could not write dead letter: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** Hands every dead letter's input to its target again, with fresh retries (a failure dead-letters it anew); returns how many. */
  function replayDeadLetters(): number {
    const letters = dead.splice(0, dead.length);
    for (const letter of letters) {
      const now = new Date();
      const record: ScheduleRecord = {
        Arn: arnOf(letter.groupName, letter.scheduleName),
        Name: letter.scheduleName,
        GroupName: letter.groupName,
        ScheduleExpression: `at(${now.toISOString().slice(0, 19)})`,
        State: 'ENABLED',
        ActionAfterCompletion: 'DELETE',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: letter.targetArn, RoleArn: '', Input: JSON.stringify(letter.input), ...(letter.deadLetterArn ? { DeadLetterConfig: { Arn: letter.deadLetterArn } } : {}) },
        CreationDate: now,
        LastModificationDate: now,
        dueAt: now,
        fired: true,
      };
      const p = deliver(record).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    return letters.length;
  }

  function fire(now: Date): { names: string[]; done: Promise<void> } {
    const due = [...store.values()].filter((s) => s.State === 'ENABLED' && !s.fired && s.dueAt.getTime() <= now.getTime());
    const runs: Promise<void>[] = [];
    for (const s of due) {
      s.fired = true;
      if (s.ActionAfterCompletion === 'DELETE') store.delete(`${s.GroupName}/${s.Name}`);
      const p = deliver(s).finally(() => inFlight.delete(p));
      inFlight.add(p);
      runs.push(p);
    }
    return { names: due.map((s) => s.Name), done: Promise.all(runs).then(() => undefined) };
  }

  async function fireDue(now: Date = clock()): Promise<string[]> {
    const { names, done } = fire(now);
    await done;
    return names;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    if (url.pathname.startsWith(SCHEDULER_ADMIN_PREFIX)) {
      const admin = url.pathname.slice(SCHEDULER_ADMIN_PREFIX.length);
      if (admin === 'schedules' && method === 'GET') return send(res, 200, [...store.values()].map(wire));
      if (admin === 'dead-letters' && method === 'GET') return send(res, 200, dead);
      if (admin === 'dead-letters/replay' && method === 'POST') return send(res, 200, { replayed: replayDeadLetters() });
      if (admin === 'fire-due' && method === 'POST') return send(res, 200, { fired: await fireDue() });
      return send(res, 404, { Message: `no local admin route ${method} ${url.pathname}` });
    }
    const m = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    if (!m?.[1]) throw new SchedulerError('ValidationException', `The local scheduler does not support ${method} ${url.pathname}.`);
    const name = decodeURIComponent(m[1]);
    const group = url.searchParams.get('groupName');
    if (method === 'POST') {
      let body: Record<string, unknown>;
      try {
        body = (text.trim() ? JSON.parse(text) : {}) as Record<string, unknown>;
      } catch {
        throw new SchedulerError('ValidationException', 'The request body is not valid JSON.');
      }
      return send(res, 200, create(name, body));
    }
    if (method === 'GET') return send(res, 200, wire(find(groupOf(group), name)));
    if (method === 'DELETE') {
      const g = groupOf(group);
      find(g, name);
      store.delete(`${g}/${name}`);
      return send(res, 200, {});
    }
    throw new SchedulerError('ValidationException', `The local scheduler does not support ${method} ${url.pathname}.`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return;
      const e = err instanceof SchedulerError ? err : new SchedulerError('InternalServerException', String(err));
      send(res, e.status, { Message: e.message }, { 'x-amzn-ErrorType': e.code });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  if (opts.autoFire !== false) {
    const tick = setInterval(() => void fire(clock()), opts.tickMs ?? 1000);
    tick.unref();
    timers.add(tick);
  }

  return {
    url: `http://${host}:${address.port}`,
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    schedules: () => [...store.values()].map((s) => structuredClone(s)),
    fireDue,
    deadLetters: () => dead.map((d) => ({ ...d })),
    replayDeadLetters,
    invocations: () => invocations,
    idle: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': randomUUID(), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  try {
    return (await readLimitedBody(req, MAX_BODY_BYTES)).toString('utf8');
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new SchedulerError('ValidationException', 'Request body is too large.');
    throw err;
  }
}
