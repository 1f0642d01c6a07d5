// The local bus's admin routes (local-only, under /_local/): list the dead letters and replay them,
// over HTTP as `npm run dead-letters` / `npm run replay-dead-letters` use them.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import { startEventBus, type DeadLetter, type EventEnvelope, type LocalEventBus } from '../../local/eventbridge/bus.ts';

const BUS = 'ringdesk-t1';
const open: LocalEventBus[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((bus) => bus.close()));
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('local EventBridge bus admin routes', () => {
  it('S5: GET /_local/dead-letters lists what failed every attempt; POST /_local/dead-letters/replay re-delivers it', async () => {
    let healthy = false;
    const delivered: EventEnvelope[] = [];
    const bus = await startEventBus({
      port: 0,
      region: 'eu-central-1',
      account: '111122223333',
      buses: [BUS],
      retryDelaysMs: [5],
      rules: [
        {
          name: 'missed-calls',
          eventBusName: BUS,
          eventPattern: { 'detail-type': ['Call Ended'] },
          targets: [
            {
              id: 'create-ticket',
              arn: 'arn:aws:lambda:eu-central-1:111122223333:function:create-ticket',
              deadLetterArn: 'arn:aws:sqs:eu-central-1:111122223333:dlq',
              invoke: async (e) => {
                if (!healthy) throw new Error('consumer down');
                delivered.push(e);
              },
            },
          ],
        },
      ],
    });
    open.push(bus);
    const client = new EventBridgeClient({ endpoint: bus.url, region: 'eu-central-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });

    const empty = await fetch(`${bus.url}/_local/dead-letters`);
    expect(empty.status).toBe(200);
    expect(empty.headers.get('content-type')).toBe('application/json');
    expect(await empty.json()).toEqual([]);

    const out = await client.send(new PutEventsCommand({ Entries: [{ EventBusName: BUS, Source: 'ringdesk.calls', DetailType: 'Call Ended', Detail: '{"callId":"c1"}' }] }));
    const eventId = out.Entries?.[0]?.EventId;
    await bus.idle();

    const listed = (await (await fetch(`${bus.url}/_local/dead-letters`)).json()) as DeadLetter[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      ruleName: 'missed-calls',
      targetId: 'create-ticket',
      deadLetterArn: 'arn:aws:sqs:eu-central-1:111122223333:dlq',
      error: 'consumer down',
      attempts: 2,
      event: { id: eventId, 'detail-type': 'Call Ended', detail: { callId: 'c1' } },
    });

    expect((await fetch(`${bus.url}/_local/dead-letters/replay`)).status, 'replay is POST only').toBe(404);
    healthy = true;
    const replay = await fetch(`${bus.url}/_local/dead-letters/replay`, { method: 'POST' });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ replayed: 1 });
    await waitFor(() => delivered.length === 1);
    expect(delivered[0]!.id).toBe(eventId);
    await bus.idle();
    expect(await (await fetch(`${bus.url}/_local/dead-letters`)).json()).toEqual([]);
    expect(await (await fetch(`${bus.url}/_local/dead-letters/replay`, { method: 'POST' })).json()).toEqual({ replayed: 0 });
  });

  it('answers unknown /_local/ paths with 404 and leaves the AWS protocol alone', async () => {
    const bus = await startEventBus({ port: 0, region: 'eu-central-1', account: '111122223333', buses: [BUS], rules: [] });
    open.push(bus);
    const res = await fetch(`${bus.url}/_local/nothing`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toContain('/_local/dead-letters');
    const aws = await fetch(`${bus.url}/_local/dead-letters`, { method: 'POST', headers: { 'x-amz-target': 'AWSEvents.PutEvents' }, body: '{}' });
    expect(aws.status, 'admin paths are never AWS operations').toBe(404);
    const client = new EventBridgeClient({ endpoint: bus.url, region: 'eu-central-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    const put = await client.send(new PutEventsCommand({ Entries: [{ EventBusName: BUS, Source: 's', DetailType: 'd', Detail: '{}' }] }));
    expect(put.FailedEntryCount).toBe(0);
  });
});
