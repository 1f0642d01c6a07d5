// The base handler chain (shared/adapters/handler.ts) that HTTP routes, event consumers, WebSocket
// routes and the streaming export build on: every log line of an invocation carries the Lambda
// context, keys a handler appends are gone once it ends (returned or thrown), and the metrics it
// recorded are flushed once, without a manual publish.
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaHandler } from '#shared/adapters/handler.ts';
import { logger } from '#shared/adapters/logger.ts';
import { metrics, MetricUnit } from '#shared/adapters/metrics.ts';

const context = {
  functionName: 'ringdesk-demo-get-call',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:ringdesk-demo-get-call',
  memoryLimitInMB: '256',
  awsRequestId: '3f2a1b2c-0000-4000-8000-000000000001',
  getRemainingTimeInMillis: () => 10_000,
} as Context;

/** Every line the logger and the metrics write to stdout or stderr (JSON, or `{ text }` if not). */
let lines: Record<string, unknown>[] = [];
beforeEach(() => {
  lines = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : { text: line });
      return true;
    });
  }
});
afterEach(() => vi.restoreAllMocks());

const logged = (message: string) => lines.filter((l) => l['message'] === message);
const emf = () => lines.filter((l) => '_aws' in l);

describe('lambdaHandler', () => {
  it('puts the Lambda context into every log line and clears appended keys after the invocation', async () => {
    const handler = lambdaHandler(async (event: { callId: string }) => {
      logger.appendKeys({ callId: event.callId });
      logger.info('inside');
      return 'ok';
    });
    expect(await handler({ callId: 'c-1' }, context)).toBe('ok');
    logger.info('after');
    expect(logged('inside')[0]).toMatchObject({ callId: 'c-1', function_name: context.functionName, function_request_id: context.awsRequestId });
    expect(logged('after')[0]).not.toHaveProperty('callId');
  });

  it('clears appended keys when the handler throws too, and rethrows', async () => {
    const handler = lambdaHandler(async () => {
      logger.appendKeys({ ticketId: 't-1' });
      throw new Error('boom');
    });
    await expect(handler({}, context)).rejects.toThrow('boom');
    logger.info('after');
    expect(logged('after')[0]).not.toHaveProperty('ticketId');
  });

  it('flushes the recorded metrics once per invocation, returned or thrown', async () => {
    const handler = lambdaHandler(async (event: { fail: boolean }) => {
      metrics.addMetric('TicketsCreated', MetricUnit.Count, 1);
      if (event.fail) throw new Error('boom');
    });
    await handler({ fail: false }, context);
    await expect(handler({ fail: true }, context)).rejects.toThrow('boom');
    expect(emf()).toHaveLength(2);
    for (const line of emf()) expect(line).toMatchObject({ TicketsCreated: 1, service: 'ringdesk' });
  });

  it('writes nothing for an invocation that recorded no metric (no warning line per invocation)', async () => {
    await lambdaHandler(async () => 'quiet')({}, context);
    expect(lines).toEqual([]);
  });
});

describe('lambdaHandler with POWERTOOLS_METRICS_DISABLED (tests and the benchmark)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('records metrics but writes no EMF line', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    vi.resetModules();
    const { lambdaHandler: fresh } = await import('#shared/adapters/handler.ts');
    const { metrics: freshMetrics } = await import('#shared/adapters/metrics.ts');
    await fresh(async () => freshMetrics.addMetric('WebhooksAccepted', MetricUnit.Count, 1))({}, context);
    expect(emf()).toEqual([]);
  });
});
