// Callback tasks (R2, N6): create one ("call back {number}", due in N minutes) with its one-time
// EventBridge Scheduler schedule; when it fires (functions/fire-task.ts) the task is pushed to its
// employee unless the case resolved first; an answered call from the number cancels it early. A
// reminder that found its employee offline stays undelivered until the employee connects.
import { ulid } from 'ulid';
import { logger, maskNumber } from '../adapters/logger.ts';
import { createOneOffSchedule, deleteOneOffSchedule } from '../adapters/schedules.ts';
import {
  answeredCallSince,
  closeTask,
  getTaskRecord,
  isReminderUndelivered,
  markReminderDelivered,
  markScheduled,
  openTaskIdsOfNumber,
  putNewTask,
  taskIdOfOrigin,
  undeliveredReminderIds,
} from '../adapters/tasks-repo.ts';
import { callbackTitle, reminderScheduleNameOf, scheduleNameOf, type Task } from '../domain/task.ts';

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
  const input: TaskFireInput = { tenant: task.tenantId, taskId: task.id };
  await createOneOffSchedule(scheduleNameOf(task.tenantId, task.id), new Date(task.dueAt), input, `callback task ${task.id}`);
  await markScheduled(task.tenantId, task.id);
}

export type FireResult =
  | { kind: 'pushed' | 'due' | 'undelivered'; task: Task; sent: number }
  | { kind: 'cancelled'; task: Task; reason: string }
  | { kind: 'skipped'; reason: string };

/** The schedule fired: push the task to its employee (N6) unless it was cancelled or the customer got through. */
export async function fireTask({ tenant, taskId }: TaskFireInput, now = new Date()): Promise<FireResult> {
  const rec = await getTaskRecord(tenant, taskId);
  if (!rec) return { kind: 'skipped', reason: 'not_found' };
  const task = rec.task;
  // A retry after a failed push: the task is due already, its reminder still undelivered.
  if (task.status === 'due') return pushReminder(tenant, task);
  if (task.status !== 'open') return { kind: 'skipped', reason: `already_${task.status}` };
  const at = now.toISOString();
  const answered = await answeredCallSince(tenant, task.number, task.createdAt);
  if (answered) {
    const done = await closeTask(tenant, task, 'cancelled', 'answered_call', at);
    if (!done) return { kind: 'skipped', reason: 'raced' };
    logger.info('callback task cancelled at due time: the customer got through', { taskId, callId: answered });
    return { kind: 'cancelled', task: done, reason: 'answered_call' };
  }
  // Due and undelivered in one transaction; the push below clears the undelivered mark.
  const due = await closeTask(tenant, task, 'due', null, at);
  if (!due) return { kind: 'skipped', reason: 'raced' };
  return pushReminder(tenant, due);
}

/**
 * Pushes `task_due` to the employee's live connections. Delivered (≥ 1 connection got it): the
 * undelivered mark goes, so a redelivered schedule does not push again. No live connection (none, or
 * all gone): the mark stays and the reminder goes out when the employee connects. A failing push
 * (not 410 Gone) throws: Scheduler retries fire-task, then dead-letters it.
 */
async function pushReminder(tenant: string, task: Task): Promise<FireResult> {
  if (!task.employeeId) return { kind: 'due', task, sent: 0 };
  if (!(await isReminderUndelivered(tenant, task.employeeId, task.id))) return { kind: 'skipped', reason: 'already_delivered' };
  // Loaded on use: functions that only create or cancel tasks need no WebSocket endpoint (WS_MANAGEMENT_URL).
  const { notifyEmployees } = await import('../adapters/agent-notifier.ts');
  const sent = await notifyEmployees(tenant, [task.employeeId], { type: 'task_due', task });
  if (sent === 0) {
    logger.info('callback task due, employee offline: delivered when they connect', { taskId: task.id });
    return { kind: 'undelivered', task, sent };
  }
  await markReminderDelivered(tenant, task.employeeId, task.id);
  logger.info('callback task due', { taskId: task.id, sent });
  return { kind: 'pushed', task, sent };
}

/**
 * An employee connected while reminders of theirs are undelivered: schedules their delivery a second
 * from now (a `$connect` handler cannot post to its own connection: it is not open until the handler
 * returned). Costs one Query per connect when there is nothing to deliver. Returns whether it scheduled.
 */
export async function scheduleUndeliveredReminders(tenant: string, employeeId: string, connectionId: string, now = new Date()): Promise<boolean> {
  if ((await undeliveredReminderIds(tenant, employeeId, 1)).length === 0) return false;
  const input = { tenant, kind: 'reminders', employeeId } as const;
  await createOneOffSchedule(reminderScheduleNameOf(tenant, employeeId, connectionId), new Date(now.getTime() + 1000), input, `reminders of ${employeeId} after connecting`);
  return true;
}

/** Pushes every undelivered reminder of the employee (N6); those that reach no connection stay for the next connect. */
export async function deliverUndeliveredReminders(tenant: string, employeeId: string): Promise<{ pushed: number; pending: number }> {
  let pushed = 0;
  let pending = 0;
  for (const taskId of await undeliveredReminderIds(tenant, employeeId)) {
    const rec = await getTaskRecord(tenant, taskId);
    if (rec?.task.status !== 'due') {
      await markReminderDelivered(tenant, employeeId, taskId); // nothing left to remind of
      continue;
    }
    const result = await pushReminder(tenant, rec.task);
    if (result.kind === 'pushed') pushed++;
    else if (result.kind === 'undelivered') pending++;
  }
  return { pushed, pending };
}

/** `Call Ended` answered with a customer number: the callbacks owed to that number are moot. */
export async function cancelTasksForNumber(tenant: string, number: string, reason: string, now = new Date()): Promise<string[]> {
  const cancelled: string[] = [];
  for (const id of await openTaskIdsOfNumber(tenant, number)) {
    const rec = await getTaskRecord(tenant, id);
    if (rec?.task.status !== 'open') continue;
    const done = await closeTask(tenant, rec.task, 'cancelled', reason, now.toISOString());
    if (!done) continue;
    await deleteOneOffSchedule(scheduleNameOf(done.tenantId, done.id));
    cancelled.push(id);
  }
  if (cancelled.length > 0) logger.info('callback tasks cancelled', { number: maskNumber(number), cancelled, reason });
  return cancelled;
}
