// Callback tasks (R2, N6): create one ("call back {number}", due in N minutes) with its one-time
// EventBridge Scheduler schedule; when it fires (functions/fire-task.ts) the task is pushed to its
// employee unless the case resolved first; an answered call from the number cancels it early.
// Scheduler settings come from env (AppFunction.bindScheduler): SCHEDULER_GROUP_NAME,
// SCHEDULER_ROLE_ARN, TASK_TARGET_ARN, TASK_TARGET_DLQ_ARN. Locally AWS_ENDPOINT_URL_SCHEDULER
// points the unmodified SDK at the local runtime's scheduler.
import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, SchedulerClient } from '@aws-sdk/client-scheduler';
import { ulid } from 'ulid';
import { logger, maskNumber } from '../adapters/logger.ts';
import { answeredCallSince, closeTask, getTaskRecord, markScheduled, openTaskIdsOfNumber, putNewTask, taskIdOfOrigin } from '../adapters/tasks-repo.ts';
import { atExpression, callbackTitle, scheduleNameOf, type Task } from '../domain/task.ts';

export interface CreateCallbackTaskInput {
  tenant: string;
  /** E.164 number to call back. */
  number: string;
  employeeId: string | null;
  dueInMinutes: number;
  /** With eventId, the idempotency key: the same (ruleId, eventId) never makes a second task. */
  ruleId: string;
  eventId: string;
  callId: string | null;
}

/** What a fired schedule passes to fire-task. */
export interface TaskFireInput {
  tenant: string;
  taskId: string;
}

let client: SchedulerClient | undefined;
const scheduler = (): SchedulerClient => (client ??= new SchedulerClient({}));

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

/** Idempotent per (ruleId, eventId): a second call returns the first task with created:false. */
export async function createCallbackTask(input: CreateCallbackTaskInput, now = new Date()): Promise<{ taskId: string; created: boolean }> {
  if (!Number.isFinite(input.dueInMinutes) || input.dueInMinutes < 0) throw new Error(`dueInMinutes must be ≥ 0, got ${input.dueInMinutes}`);
  const at = now.toISOString();
  const task: Task = {
    id: ulid(),
    tenantId: input.tenant,
    kind: 'callback',
    title: callbackTitle(input.number),
    number: input.number,
    employeeId: input.employeeId,
    status: 'open',
    dueAt: new Date(now.getTime() + input.dueInMinutes * 60_000).toISOString(),
    createdAt: at,
    updatedAt: at,
    ruleId: input.ruleId,
    eventId: input.eventId,
    callId: input.callId,
    cancelReason: null,
  };
  if (await putNewTask(input.tenant, task)) {
    await ensureSchedule(task);
    logger.info('callback task created', { taskId: task.id, number: maskNumber(task.number), dueAt: task.dueAt, ruleId: task.ruleId });
    return { taskId: task.id, created: true };
  }
  const taskId = await taskIdOfOrigin(input.tenant, input.ruleId, input.eventId);
  if (!taskId) throw new Error(`callback task of ${input.ruleId}/${input.eventId}: lost its origin key`);
  // A redelivery after the task was written but before its schedule was: finish the job.
  const rec = await getTaskRecord(input.tenant, taskId);
  if (rec && rec.task.status === 'open' && !rec.scheduled) await ensureSchedule(rec.task);
  return { taskId, created: false };
}

/** Creates the task's one-time schedule (an existing one of the same name counts as created). */
async function ensureSchedule(task: Task): Promise<void> {
  const env = schedulerEnv();
  const input: TaskFireInput = { tenant: task.tenantId, taskId: task.id };
  try {
    await scheduler().send(
      new CreateScheduleCommand({
        Name: scheduleNameOf(task.tenantId, task.id),
        GroupName: env.group,
        ScheduleExpression: atExpression(new Date(task.dueAt)),
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Description: `callback task ${task.id}`,
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
    if (!(err instanceof ConflictException || (err as { name?: string }).name === 'ConflictException')) throw err;
  }
  await markScheduled(task.tenantId, task.id);
}

async function deleteSchedule(task: Task): Promise<void> {
  const env = schedulerEnv();
  try {
    await scheduler().send(new DeleteScheduleCommand({ Name: scheduleNameOf(task.tenantId, task.id), GroupName: env.group }));
  } catch (err) {
    if (err instanceof ResourceNotFoundException || (err as { name?: string }).name === 'ResourceNotFoundException') return;
    throw err;
  }
}

export type FireResult = { kind: 'pushed' | 'due'; task: Task; sent: number } | { kind: 'cancelled'; task: Task; reason: string } | { kind: 'skipped'; reason: string };

/** The schedule fired: push the task to its employee (N6) unless it was cancelled or the customer got through. */
export async function fireTask({ tenant, taskId }: TaskFireInput, now = new Date()): Promise<FireResult> {
  const rec = await getTaskRecord(tenant, taskId);
  if (!rec) return { kind: 'skipped', reason: 'not_found' };
  const task = rec.task;
  if (task.status !== 'open') return { kind: 'skipped', reason: `already_${task.status}` };
  const at = now.toISOString();
  const answered = await answeredCallSince(tenant, task.number, task.createdAt);
  if (answered) {
    const done = await closeTask(tenant, task, 'cancelled', 'answered_call', at);
    if (!done) return { kind: 'skipped', reason: 'raced' };
    logger.info('callback task cancelled at due time: the customer got through', { taskId, callId: answered });
    return { kind: 'cancelled', task: done, reason: 'answered_call' };
  }
  const due = await closeTask(tenant, task, 'due', null, at);
  if (!due) return { kind: 'skipped', reason: 'raced' };
  // Marked before the push: a redelivery does not push twice; a push failure is logged, not retried forever.
  // Loaded on use: functions that only create or cancel tasks need no WebSocket endpoint (WS_MANAGEMENT_URL).
  const { notifyEmployees } = await import('../adapters/agent-notifier.ts');
  const sent = due.employeeId ? await notifyEmployees(tenant, [due.employeeId], { type: 'task_due', task: due }) : 0;
  logger.info('callback task due', { taskId, sent });
  return { kind: due.employeeId ? 'pushed' : 'due', task: due, sent };
}

/** `Call Ended` answered with a customer number: the callbacks owed to that number are moot. */
export async function cancelTasksForNumber(tenant: string, number: string, reason: string, now = new Date()): Promise<string[]> {
  const cancelled: string[] = [];
  for (const id of await openTaskIdsOfNumber(tenant, number)) {
    const rec = await getTaskRecord(tenant, id);
    if (!rec || rec.task.status !== 'open') continue;
    const done = await closeTask(tenant, rec.task, 'cancelled', reason, now.toISOString());
    if (!done) continue;
    await deleteSchedule(done);
    cancelled.push(id);
  }
  if (cancelled.length > 0) logger.info('callback tasks cancelled', { number: maskNumber(number), cancelled, reason });
  return cancelled;
}
