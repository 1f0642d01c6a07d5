// The local EventBridge Scheduler against the real @aws-sdk/client-scheduler: the restJson1 wire
// protocol, typed errors, `at(...)` firing with a shifted clock, retries and dead letters.
import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, GetScheduleCommand, ResourceNotFoundException, SchedulerClient, ValidationException } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScheduler, type LocalScheduler } from '../../local/scheduler/server.ts';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:Ringdesk-demo-FireTask';
const FLAKY = 'arn:aws:lambda:us-east-1:000000000000:function:Ringdesk-demo-Flaky';
const ROLE = 'arn:aws:iam::000000000000:role/scheduler';
const GROUP = 'ringdesk-demo-tasks';

describe('local EventBridge Scheduler', () => {
  let scheduler: LocalScheduler;
  let client: SchedulerClient;
  let offsetMs = 0;
  const invoked: unknown[] = [];
  let flakyFailures = 0;

  beforeAll(async () => {
    scheduler = await startScheduler({
      port: 0,
      region: 'us-east-1',
      account: '000000000000',
      groups: [GROUP],
      retryDelaysMs: [10, 20],
      autoFire: false,
      clock: () => new Date(Date.now() + offsetMs),
      log: () => undefined,
      resolveTarget: (arn) =>
        arn === ARN
          ? async (payload) => void invoked.push(payload)
          : arn === FLAKY
            ? async () => {
                flakyFailures++;
                throw new Error('boom');
              }
            : undefined,
    });
    client = new SchedulerClient({ endpoint: scheduler.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });
  afterAll(async () => {
    client?.destroy();
    await scheduler?.close();
  });

  const at = (ms: number) => `at(${new Date(Date.now() + ms).toISOString().slice(0, 19)})`;
  const create = (name: string, expression: string, target = ARN, extra: Record<string, unknown> = {}) =>
    client.send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: GROUP,
        ScheduleExpression: expression,
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: { Arn: target, RoleArn: ROLE, Input: JSON.stringify({ tenant: 'demo', taskId: name }), DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:dlq' } },
        ...extra,
      }),
    );

  it('creates, gets and deletes a schedule; the SDK parses NotFound and Conflict', async () => {
    const out = await create('s1', at(60_000));
    expect(out.ScheduleArn).toBe(`arn:aws:scheduler:us-east-1:000000000000:schedule/${GROUP}/s1`);
    const got = await client.send(new GetScheduleCommand({ Name: 's1', GroupName: GROUP }));
    expect(got).toMatchObject({ Name: 's1', GroupName: GROUP, State: 'ENABLED', ActionAfterCompletion: 'DELETE', FlexibleTimeWindow: { Mode: 'OFF' } });
    expect(got.Target?.Arn).toBe(ARN);
    expect(got.CreationDate).toBeInstanceOf(Date);
    await expect(create('s1', at(60_000))).rejects.toBeInstanceOf(ConflictException);
    await client.send(new DeleteScheduleCommand({ Name: 's1', GroupName: GROUP }));
    await expect(client.send(new GetScheduleCommand({ Name: 's1', GroupName: GROUP }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new DeleteScheduleCommand({ Name: 's1', GroupName: GROUP }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new GetScheduleCommand({ Name: 's1', GroupName: 'no-such-group' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('rejects what it cannot run with ValidationException', async () => {
    await expect(create('bad-expr', 'rate(5 minutes)')).rejects.toBeInstanceOf(ValidationException);
    await expect(create('bad-target', at(1000), 'arn:aws:lambda:us-east-1:000000000000:function:Nope')).rejects.toBeInstanceOf(ValidationException);
  });

  it('fires an at() schedule once it is due on the scheduler clock, with its input, then deletes it', async () => {
    invoked.length = 0;
    await create('due-later', at(10 * 60_000));
    expect(await scheduler.fireDue()).toEqual([]);
    offsetMs = 11 * 60_000; // ten minutes pass
    expect(await scheduler.fireDue()).toEqual(['due-later']);
    expect(invoked).toEqual([{ tenant: 'demo', taskId: 'due-later' }]);
    await expect(client.send(new GetScheduleCommand({ Name: 'due-later', GroupName: GROUP }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(await scheduler.fireDue()).toEqual([]); // fires once
    offsetMs = 0;
  });

  it('keeps a completed schedule when ActionAfterCompletion is NONE and never fires it twice', async () => {
    invoked.length = 0;
    await create('keep', at(-1000), ARN, { ActionAfterCompletion: 'NONE' });
    expect(await scheduler.fireDue(new Date())).toEqual(['keep']);
    expect(await scheduler.fireDue(new Date())).toEqual([]);
    expect((await client.send(new GetScheduleCommand({ Name: 'keep', GroupName: GROUP }))).Name).toBe('keep');
    expect(invoked).toHaveLength(1);
  });

  it('a deleted schedule never fires', async () => {
    invoked.length = 0;
    await create('cancelled', at(-1000));
    await client.send(new DeleteScheduleCommand({ Name: 'cancelled', GroupName: GROUP }));
    expect(await scheduler.fireDue(new Date())).toEqual([]);
    expect(invoked).toEqual([]);
  });

  it('S5: retries a failing target like Lambda async, then dead-letters it with the DLQ arn', async () => {
    flakyFailures = 0;
    await create('flaky', at(-1000), FLAKY);
    await scheduler.fireDue(new Date());
    expect(flakyFailures).toBe(3);
    expect(scheduler.deadLetters()).toEqual([
      expect.objectContaining({ scheduleName: 'flaky', groupName: GROUP, targetArn: FLAKY, deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:dlq', attempts: 3, error: 'boom' }),
    ]);
    const res = await fetch(`${scheduler.url}/_local/dead-letters`);
    expect(((await res.json()) as unknown[]).length).toBe(1);
  });
});
