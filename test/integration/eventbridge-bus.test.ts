import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEventBus } from '../../local/eventbridge/bus.ts';
import type { BusRule, EventBusOptions, EventEnvelope, LocalEventBus } from '../../local/eventbridge/bus.ts';

const REGION = 'eu-central-1';
const ACCOUNT = '111122223333';
const BUS = 'ringdesk-t1';

const open: LocalEventBus[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((bus) => bus.close()));
});

async function start(rules: BusRule[], extra: Partial<EventBusOptions> = {}): Promise<{ bus: LocalEventBus; client: EventBridgeClient }> {
  const bus = await startEventBus({ port: 0, region: REGION, account: ACCOUNT, buses: [BUS], rules, retryDelaysMs: [5, 10], ...extra });
  open.push(bus);
  const client = new EventBridgeClient({
    endpoint: bus.url,
    region: REGION,
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
    maxAttempts: 1,
  });
  return { bus, client };
}

function recorder(): { events: EventEnvelope[]; invoke: (e: EventEnvelope) => Promise<void> } {
  const events: EventEnvelope[] = [];
  return { events, invoke: async (e) => void events.push(e) };
}

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const callEnded = (detail: object = { callId: 'c1', answered: false }): PutEventsRequestEntry => ({
  EventBusName: BUS,
  Source: 'ringdesk.calls',
  DetailType: 'Call Ended',
  Detail: JSON.stringify(detail),
});

describe('local EventBridge bus over the real SDK', () => {
  it('delivers the exact envelope to matching targets only, after answering PutEvents', async () => {
    const missed = recorder();
    const other = recorder();
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const events: EventEnvelope[] = [];
    const { bus, client } = await start([
      {
        name: 'missed-calls',
        eventBusName: BUS,
        eventPattern: { source: ['ringdesk.calls'], 'detail-type': ['Call Ended'], detail: { answered: [false] } },
        targets: [
          { id: 'tickets', arn: 'arn:aws:lambda:eu-central-1:111122223333:function:tickets', invoke: missed.invoke },
          {
            id: 'slow',
            arn: 'arn:aws:lambda:eu-central-1:111122223333:function:slow',
            invoke: async (e) => {
              events.push(e);
              await blocked;
            },
          },
        ],
      },
      { name: 'ringing', eventBusName: BUS, eventPattern: { 'detail-type': ['Call Ringing'] }, targets: [{ id: 'n', arn: 'arn:n', invoke: other.invoke }] },
    ]);

    const time = new Date('2025-02-03T04:05:06.789Z');
    const out = await client.send(
      new PutEventsCommand({ Entries: [{ ...callEnded(), Time: time, Resources: ['arn:call/c1'] }, callEnded({ callId: 'c2', answered: true })] }),
    );
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries?.map((e) => e.EventId)).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    expect(new Set(out.Entries?.map((e) => e.EventId)).size).toBe(2);

    await waitFor(() => missed.events.length === 1 && events.length === 1); // the slow target is still running
    release();
    await bus.idle();
    const envelope = missed.events[0] as EventEnvelope;
    expect(Object.keys(envelope)).toEqual(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
    expect(envelope).toEqual({
      version: '0',
      id: out.Entries?.[0]?.EventId,
      'detail-type': 'Call Ended',
      source: 'ringdesk.calls',
      account: ACCOUNT,
      time: '2025-02-03T04:05:06Z',
      region: REGION,
      resources: ['arn:call/c1'],
      detail: { callId: 'c1', answered: false },
    });
    expect(other.events).toHaveLength(0);
    expect(bus.stats()).toEqual({ putEvents: 1, entries: 2, deliveries: 2, failures: 0 });
  });

  it('accepts the bus ARN and the default bus', async () => {
    const got = recorder();
    const { bus, client } = await start([
      { name: 'custom', eventBusName: BUS, eventPattern: { source: ['a'] }, targets: [{ id: 't', arn: 'arn:t', invoke: got.invoke }] },
      { name: 'dflt', eventBusName: 'default', eventPattern: { source: ['a'] }, targets: [{ id: 't', arn: 'arn:t', invoke: got.invoke }] },
    ]);
    const arn = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${BUS}`;
    const out = await client.send(
      new PutEventsCommand({ Entries: [{ EventBusName: arn, Source: 'a', DetailType: 'x', Detail: '{}' }, { Source: 'a', DetailType: 'y', Detail: '{}' }] }),
    );
    expect(out.FailedEntryCount).toBe(0);
    await bus.idle();
    expect(got.events.map((e) => e['detail-type']).sort()).toEqual(['x', 'y']);
  });

  it('raises ValidationException through the SDK for 11 entries', async () => {
    const { client, bus } = await start([]);
    const error = await client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => callEnded()) })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect(String((error as Error).message)).toMatch(/less than or equal to 10/);
    expect(bus.stats().entries).toBe(0);
  });

  it('reports per-entry failures with FailedEntryCount', async () => {
    const got = recorder();
    const { client, bus } = await start([{ name: 'all', eventBusName: BUS, eventPattern: { source: [{ prefix: '' }] }, targets: [{ id: 't', arn: 'arn:t', invoke: got.invoke }] }]);
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          { ...callEnded(), Source: undefined },
          callEnded(),
          { ...callEnded(), Detail: 'not json' },
          { ...callEnded(), EventBusName: 'no-such-bus' },
          { ...callEnded(), DetailType: undefined },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(4);
    expect(out.Entries).toEqual([
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' },
      { EventId: expect.any(String) },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus no-such-bus does not exist.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' },
    ]);
    await bus.idle();
    expect(got.events).toHaveLength(1);
  });

  it('S5: retries a failing target twice, dead-letters it, and replays it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'eb-dlq-'));
    const logged: string[] = [];
    const originalWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      let failing = true;
      let calls = 0;
      const delivered: EventEnvelope[] = [];
      const { client, bus } = await start(
        [
          {
            name: 'to-tickets',
            eventBusName: BUS,
            eventPattern: { 'detail-type': ['Call Ended'] },
            targets: [
              {
                id: 'tickets',
                arn: 'arn:aws:lambda:eu-central-1:111122223333:function:tickets',
                deadLetterArn: 'arn:aws:sqs:eu-central-1:111122223333:tickets-dlq',
                invoke: async (e) => {
                  calls += 1;
                  if (failing) throw new Error('table not ready');
                  delivered.push(e);
                },
              },
            ],
          },
        ],
        { deadLetterDir: dir },
      );
      const out = await client.send(new PutEventsCommand({ Entries: [callEnded()] }));
      await bus.idle();
      expect(calls).toBe(3);
      const letters = bus.deadLetters();
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({
        ruleName: 'to-tickets',
        targetId: 'tickets',
        deadLetterArn: 'arn:aws:sqs:eu-central-1:111122223333:tickets-dlq',
        error: 'table not ready',
        attempts: 3,
        event: { id: out.Entries?.[0]?.EventId },
      });
      expect(logged.filter((l) => l.includes('dead letter'))).toHaveLength(1);
      const lines = (await readFile(path.join(dir, 'eventbridge-dead-letters.jsonl'), 'utf8')).trim().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { targetId: string }).targetId)).toEqual(['tickets']);
      expect(bus.stats()).toMatchObject({ deliveries: 0, failures: 3 });

      failing = false;
      expect(await bus.replayDeadLetters()).toBe(1);
      await bus.idle();
      expect(delivered.map((e) => e.id)).toEqual([out.Entries?.[0]?.EventId]);
      expect(bus.deadLetters()).toHaveLength(0);
    } finally {
      process.stderr.write = originalWrite;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('delivers every event twice under the duplicate chaos switch', async () => {
    const got = recorder();
    const { client, bus } = await start([{ name: 'r', eventBusName: BUS, eventPattern: { source: ['ringdesk.calls'] }, targets: [{ id: 't', arn: 'arn:t', invoke: got.invoke }] }], {
      chaos: { duplicate: true, shuffle: true },
    });
    const out = await client.send(new PutEventsCommand({ Entries: [callEnded({ n: 1 }), callEnded({ n: 2 }), callEnded({ n: 3 })] }));
    await bus.idle();
    expect(got.events).toHaveLength(6);
    const ids = got.events.map((e) => e.id).sort();
    const expected = (out.Entries ?? []).flatMap((e) => [e.EventId, e.EventId]).sort();
    expect(ids).toEqual(expected);
  });

  it('answers unknown operations with UnknownOperationException', async () => {
    const { bus } = await start([]);
    const res = await fetch(bus.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSEvents.DeleteEverything' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await res.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('fires scheduled rules with the Scheduled Event envelope and stops on close', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: new Date('2025-01-01T00:00:00Z') });
    try {
      const got = recorder();
      const { bus } = await start([
        { name: 'nightly', eventBusName: 'default', scheduleExpression: 'rate(1 minute)', targets: [{ id: 't', arn: 'arn:t', invoke: got.invoke }] },
      ]);
      vi.advanceTimersByTime(120_000);
      await bus.idle();
      expect(got.events).toHaveLength(2);
      expect(got.events[0]).toMatchObject({
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        time: '2025-01-01T00:01:00Z',
        resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/nightly`],
        detail: {},
      });
      await bus.close();
      vi.advanceTimersByTime(600_000);
      expect(got.events).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('fires cron(...) rules at their UTC wall-clock times', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: new Date('2025-01-01T08:58:30Z') });
    try {
      const got = recorder();
      const { bus } = await start([
        { name: 'every-30-min-9-to-10', eventBusName: BUS, scheduleExpression: 'cron(0/30 9 * * ? *)', targets: [{ id: 't', arn: 'arn:t', invoke: got.invoke }] },
      ]);
      vi.advanceTimersByTime(60_000); // 08:59:30: nothing yet
      await bus.idle();
      expect(got.events).toHaveLength(0);
      vi.advanceTimersByTime(2 * 60 * 60_000); // through 10:59:30
      await bus.idle();
      expect(got.events.map((e) => e.time)).toEqual(['2025-01-01T09:00:00Z', '2025-01-01T09:30:00Z']);
      expect(got.events[0]?.resources).toEqual([`arn:aws:events:${REGION}:${ACCOUNT}:rule/${BUS}/every-30-min-9-to-10`]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses to start with an invalid rule pattern, naming the rule', async () => {
    await expect(
      startEventBus({
        port: 0,
        region: REGION,
        account: ACCOUNT,
        buses: [BUS],
        rules: [{ name: 'broken-rule', eventBusName: BUS, eventPattern: { source: 'not-an-array' }, targets: [] }],
      }),
    ).rejects.toThrow(/broken-rule/);
  });
});
