/**
 * Local EventBridge-compatible bus: an HTTP server speaking the real PutEvents wire protocol
 * (AWS JSON 1.1, any SigV4 signature accepted), EventBridge pattern matching, asynchronous
 * at-least-once delivery with Lambda-style retries, a dead-letter sink and scheduled rules.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryQueue } from './delivery.ts';
import { compileMatcher, matchesPattern, validatePattern } from '#shared/event-patterns/pattern.ts';
import { ApiError, isoSeconds, putEvents } from './put-events.ts';
import type { BusDirectory } from './put-events.ts';
import { parseSchedule, startTimer } from './schedule.ts';
import type { Schedule } from './schedule.ts';
import type { BusRule, BusTarget, EventBusOptions, EventEnvelope, LocalEventBus } from './types.ts';
import { parseJsonBody, readBody, sendError, sendJson } from '../aws-json.ts';

export type { BusRule, BusTarget, DeadLetter, EventBusOptions, EventEnvelope, LocalEventBus } from './types.ts';

const TARGET_PREFIX = 'AWSEvents.';
/** Local-only admin routes (not part of EventBridge): `GET /_local/dead-letters`, `POST /_local/dead-letters/replay`. */
export const ADMIN_PREFIX = '/_local/';
export const ADMIN_DEAD_LETTERS = '/_local/dead-letters';

interface CompiledRule {
  rule: BusRule;
  matches?: (event: EventEnvelope) => boolean;
  schedule?: Schedule;
}

export async function startEventBus(opts: EventBusOptions): Promise<LocalEventBus> {
  const buses = new Set(['default', ...opts.buses]);
  const compiled = opts.rules.map((rule) => compileRule(rule, buses));
  const dir = directory(opts, buses);
  const queue = new DeliveryQueue({
    retryDelaysMs: opts.retryDelaysMs ?? [1000, 2000],
    ...(opts.deadLetterDir !== undefined ? { deadLetterDir: opts.deadLetterDir } : {}),
    duplicate: opts.chaos?.duplicate ?? false,
    shuffle: opts.chaos?.shuffle ?? false,
  });
  const stats = { putEvents: 0, entries: 0 };

  const route = (busName: string, event: EventEnvelope): void => {
    for (const c of compiled) {
      if (c.rule.eventBusName !== busName || !c.matches?.(event)) continue;
      for (const target of c.rule.targets) queue.enqueue(c.rule.name, target, event);
    }
  };

  const operations: Record<string, (body: unknown) => unknown> = {
    PutEvents: (body) => {
      const { response, accepted } = putEvents(body, dir);
      stats.putEvents += 1;
      stats.entries += accepted.length;
      for (const a of accepted) route(a.busName, a.envelope);
      return response;
    },
    TestEventPattern: (body) => testEventPattern(body),
  };

  // Local-only admin routes, namespaced away from the AWS wire protocol (which only POSTs to `/`).
  const admin = async (method: string, path: string): Promise<{ status: number; body: unknown }> => {
    if (path === ADMIN_DEAD_LETTERS && method === 'GET') return { status: 200, body: queue.deadLetters() };
    if (path === `${ADMIN_DEAD_LETTERS}/replay` && method === 'POST') {
      return { status: 200, body: { replayed: queue.replayDeadLetters((ruleName, targetId) => findTarget(opts.rules, ruleName, targetId)) } };
    }
    return { status: 404, body: { message: `no local admin route ${method} ${path}; there are GET ${ADMIN_DEAD_LETTERS} and POST ${ADMIN_DEAD_LETTERS}/replay` } };
  };

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const text = await readBody(req);
        const path = new URL(req.url ?? '/', 'http://local').pathname;
        if (path.startsWith(ADMIN_PREFIX)) {
          const { status, body } = await admin(req.method ?? 'GET', path);
          sendJson(res, status, body, { 'Content-Type': 'application/json' });
          return;
        }
        const target = String(req.headers['x-amz-target'] ?? '');
        const operation = target.startsWith(TARGET_PREFIX) ? operations[target.slice(TARGET_PREFIX.length)] : undefined;
        if (req.method !== 'POST' || !operation) {
          throw new ApiError('UnknownOperationException', `Operation ${target || '(none)'} is not supported by the local EventBridge bus.`);
        }
        sendJson(res, 200, operation(parseJsonBody(text)));
      } catch (err) {
        if (res.headersSent) return;
        sendError(res, err instanceof ApiError ? err : new ApiError('InternalException', String(err), 500));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const stopTimers = compiled
    .filter((c) => c.schedule)
    .map((c) => startTimer(c.schedule as Schedule, (at) => fireScheduled(c.rule, at, opts, queue)));

  return {
    url: `http://${host}:${address.port}`,
    async close() {
      if (!server.listening) return;
      for (const stop of stopTimers) stop();
      queue.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    deadLetters: () => queue.deadLetters(),
    replayDeadLetters: async () => queue.replayDeadLetters((ruleName, targetId) => findTarget(opts.rules, ruleName, targetId)),
    idle: () => queue.idle(),
    busy: () => queue.busyNow(),
    stats: () => ({ ...stats, ...queue.counters }),
  };
}

function compileRule(rule: BusRule, buses: Set<string>): CompiledRule {
  const fail = (why: string): never => {
    throw new Error(`EventBridge rule "${rule.name}": ${why}`);
  };
  if (!buses.has(rule.eventBusName)) fail(`unknown event bus "${rule.eventBusName}"`);
  if (!rule.eventPattern && !rule.scheduleExpression) fail('needs an event pattern or a schedule expression');
  const out: CompiledRule = { rule };
  if (rule.eventPattern) {
    const problems = validatePattern(rule.eventPattern);
    if (problems.length > 0) fail(`invalid event pattern: ${problems.join('; ')}`);
    out.matches = compileMatcher(rule.eventPattern);
  }
  if (rule.scheduleExpression) {
    try {
      out.schedule = parseSchedule(rule.scheduleExpression);
    } catch (err) {
      fail(err instanceof Error ? err.message : String(err));
    }
  }
  return out;
}

function directory(opts: EventBusOptions, buses: Set<string>): BusDirectory {
  const arnPrefix = `arn:aws:events:${opts.region}:${opts.account}:event-bus/`;
  return {
    region: opts.region,
    account: opts.account,
    resolveBus(nameOrArn) {
      if (nameOrArn === undefined) return 'default';
      const name = nameOrArn.startsWith('arn:') ? (nameOrArn.startsWith(arnPrefix) ? nameOrArn.slice(arnPrefix.length) : undefined) : nameOrArn;
      return name !== undefined && buses.has(name) ? name : undefined;
    },
  };
}

function ruleArn(rule: BusRule, opts: EventBusOptions): string {
  const busPart = rule.eventBusName === 'default' ? '' : `${rule.eventBusName}/`;
  return `arn:aws:events:${opts.region}:${opts.account}:rule/${busPart}${rule.name}`;
}

function fireScheduled(rule: BusRule, at: Date, opts: EventBusOptions, queue: DeliveryQueue): void {
  const event: EventEnvelope = {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: opts.account,
    time: isoSeconds(at),
    region: opts.region,
    resources: [ruleArn(rule, opts)],
    detail: {},
  };
  for (const target of rule.targets) queue.enqueue(rule.name, target, event);
}

function findTarget(rules: BusRule[], ruleName: string, targetId: string): BusTarget | undefined {
  return rules.find((r) => r.name === ruleName)?.targets.find((t) => t.id === targetId);
}

function testEventPattern(body: unknown): { Result: boolean } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const parse = (field: string): unknown => {
    const text = b[field];
    if (typeof text !== 'string') throw new ApiError('ValidationException', `${field} is a required argument.`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ApiError(field === 'EventPattern' ? 'InvalidEventPatternException' : 'ValidationException', `${field} is not valid JSON.`);
    }
  };
  const pattern = parse('EventPattern');
  const event = parse('Event');
  const problems = validatePattern(pattern);
  if (problems.length > 0) throw new ApiError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${problems.join('; ')}`);
  return { Result: matchesPattern(pattern, event) };
}
