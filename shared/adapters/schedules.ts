// One-time EventBridge Scheduler schedules of the tenant (callback tasks, reminders owed to an
// employee who was offline, digest flushes): all invoke the one target fire-task with a JSON input.
// Settings come from env (AppFunction.bindScheduler): SCHEDULER_GROUP_NAME, SCHEDULER_ROLE_ARN,
// TASK_TARGET_ARN, TASK_TARGET_DLQ_ARN. Locally AWS_ENDPOINT_URL_SCHEDULER points the unmodified SDK
// at the local runtime's scheduler.
import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, SchedulerClient } from '@aws-sdk/client-scheduler';
import { atExpression } from '../domain/task.ts';
import { sdkClientOptions } from './sdk-options.ts';

let client: SchedulerClient | undefined;
const scheduler = (): SchedulerClient => (client ??= new SchedulerClient(sdkClientOptions));

function schedulerEnv() {
  const get = (name: string): string => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set: bind the function to the task scheduler (AppFunction.bindScheduler)`);
    return v;
  };
  return {
    group: get('SCHEDULER_GROUP_NAME'),
    roleArn: get('SCHEDULER_ROLE_ARN'),
    targetArn: get('TASK_TARGET_ARN'),
    dlqArn: process.env['TASK_TARGET_DLQ_ARN'] || undefined,
  };
}

const isNamed = (err: unknown, name: string): boolean => (err as { name?: string }).name === name;

/**
 * Creates a one-time schedule invoking fire-task with `input` at `at` (rounded up to the second; AWS
 * fires within the following minute). An existing schedule of that name counts as created, so callers
 * may retry. The invocation is retried by Scheduler (8 times, up to 1 h), then dead-lettered.
 */
export async function createOneOffSchedule(name: string, at: Date, input: unknown, description: string): Promise<void> {
  const env = schedulerEnv();
  try {
    await scheduler().send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: env.group,
        ScheduleExpression: atExpression(at),
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Description: description,
        Target: {
          Arn: env.targetArn,
          RoleArn: env.roleArn,
          Input: JSON.stringify(input),
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 },
          ...(env.dlqArn ? { DeadLetterConfig: { Arn: env.dlqArn } } : {}),
        },
      }),
    );
  } catch (err) {
    if (!(err instanceof ConflictException || isNamed(err, 'ConflictException'))) throw err;
  }
}

/** Deletes a schedule; one that already fired (ActionAfterCompletion DELETE) or never existed is fine. */
export async function deleteOneOffSchedule(name: string): Promise<void> {
  const env = schedulerEnv();
  try {
    await scheduler().send(new DeleteScheduleCommand({ Name: name, GroupName: env.group }));
  } catch (err) {
    if (err instanceof ResourceNotFoundException || isNamed(err, 'ResourceNotFoundException')) return;
    throw err;
  }
}
