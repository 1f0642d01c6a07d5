// The local EventBridge Scheduler honours a target's RetryPolicy (as fire-task's schedules set it):
// MaximumRetryAttempts retries with the configured delays (the last one repeating), then a dead
// letter; a target that recovers within its retries is delivered once and not dead-lettered.
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScheduler, type LocalScheduler } from '../../local/scheduler/server.ts';

const ROLE = 'arn:aws:iam::000000000000:role/scheduler';
const GROUP = 'ringdesk-demo-tasks';
const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:Ringdesk-demo-${name}`;

describe('local EventBridge Scheduler retry policy', () => {
  let scheduler: LocalScheduler;
  let client: SchedulerClient;
  const calls: Record<string, number[]> = {};
  /** Failures before a target succeeds (Infinity: never). */
  const failuresOf: Record<string, number> = { Down: Infinity, Recovers: 5, NoRetries: Infinity };

  beforeAll(async () => {
    scheduler = await startScheduler({
      port: 0,
      region: 'us-east-1',
      account: '000000000000',
      groups: [GROUP],
      retryDelaysMs: [10, 20],
      autoFire: false,
      log: () => undefined,
      resolveTarget: (arn) => {
        const name = Object.keys(failuresOf).find((n) => arn === fn(n));
        if (!name) return undefined;
        return async () => {
          calls[name] = [...(calls[name] ?? []), Date.now()];
          if (calls[name].length <= failuresOf[name]!) throw new Error(`${name} failed`);
        };
      },
    });
    client = new SchedulerClient({ endpoint: scheduler.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });
  afterAll(async () => {
    client?.destroy();
    await scheduler?.close();
  });

  const create = (name: string, retryPolicy?: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number }) =>
    client.send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: GROUP,
        ScheduleExpression: `at(${new Date(Date.now() - 1000).toISOString().slice(0, 19)})`,
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: { Arn: fn(name), RoleArn: ROLE, Input: '{}', ...(retryPolicy ? { RetryPolicy: retryPolicy } : {}) },
      }),
    );

  it('N6: MaximumRetryAttempts 8 → nine attempts with the last delay repeating, then a dead letter', async () => {
    await create('Down', { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 });
    await scheduler.fireDue(new Date());
    expect(calls['Down']).toHaveLength(9);
    const gaps = calls['Down']!.slice(1).map((t, i) => t - calls['Down']![i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(9);
    for (const g of gaps.slice(1)) expect(g).toBeGreaterThanOrEqual(19);
    expect(scheduler.deadLetters()).toEqual([expect.objectContaining({ scheduleName: 'Down', attempts: 9, error: 'Down failed' })]);
  });

  it('N6: a target that recovers within its retries is delivered and not dead-lettered', async () => {
    await create('Recovers', { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 });
    await scheduler.fireDue(new Date());
    expect(calls['Recovers']).toHaveLength(6);
    expect(scheduler.deadLetters().some((d) => d.scheduleName === 'Recovers')).toBe(false);
  });

  it('N6: MaximumRetryAttempts 0 → one attempt, then a dead letter', async () => {
    await create('NoRetries', { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
    await scheduler.fireDue(new Date());
    expect(calls['NoRetries']).toHaveLength(1);
    expect(scheduler.deadLetters().find((d) => d.scheduleName === 'NoRetries')).toMatchObject({ attempts: 1 });
  });
});
