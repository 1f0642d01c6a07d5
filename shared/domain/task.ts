// Callback tasks (R2, N6): "call back {number}", due after a delay, pushed to its employee when due.
// Pure data: no AWS, so route specs and tests may import it.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ruleEvents } from './rules.ts';

export const taskStatuses = ['open', 'due', 'cancelled'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

export const taskSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  kind: z.literal('callback'),
  title: z.string(),
  /** E.164 number to call back. */
  number: z.string(),
  /** Who is reminded; null = unassigned. */
  employeeId: z.string().nullable(),
  status: z.enum(taskStatuses),
  dueAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** What created it: a trigger rule id (or `agent` for POST /tasks) and the event or request id. */
  ruleId: z.string(),
  eventId: z.string(),
  callId: z.string().nullable(),
  /** Why a task was cancelled: `answered_call` (the customer got through first) or `manual`. */
  cancelReason: z.string().nullable(),
});

export type Task = z.infer<typeof taskSchema>;

export function callbackTitle(number: string): string {
  return `call back ${number}`;
}

/** EventBridge Scheduler one-time expression: `at(yyyy-mm-ddThh:mm:ss)`, UTC, rounded up to the second. */
export function atExpression(due: Date): string {
  const ms = Math.ceil(due.getTime() / 1000) * 1000;
  return `at(${new Date(ms).toISOString().slice(0, 19)})`;
}

/** Schedule names: [0-9a-zA-Z-_.]{1,64}; tenant ids are ≤ 31 chars and task ids 26 (ULID). */
export function scheduleNameOf(tenant: string, taskId: string): string {
  return `task-${tenant}-${taskId}`;
}

/** Names of other one-time schedules: a hash keeps them within 64 characters whatever the ids. */
const hashed = (prefix: string, tenant: string, ...parts: string[]): string =>
  `${prefix}-${tenant}-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24)}`;

/** Delivery of the reminders an employee missed while offline, scheduled by one connection. */
export const reminderScheduleNameOf = (tenant: string, employeeId: string, connectionId: string): string => hashed('remind', tenant, employeeId, connectionId);

/** The flush of one digest window (notify with digestMinutes). */
export const digestScheduleNameOf = (tenant: string, windowId: string): string => hashed('digest', tenant, windowId);

/**
 * What a one-time schedule passes to fire-task: a callback task fell due (no `kind`, the original
 * shape), an employee connected with reminders still undelivered, or a digest window closed.
 */
export const scheduledJobSchema = z.union([
  z.strictObject({ tenant: z.string(), taskId: z.string() }),
  z.strictObject({ tenant: z.string(), kind: z.literal('reminders'), employeeId: z.string() }),
  z.strictObject({
    tenant: z.string(),
    kind: z.literal('digest'),
    ruleId: z.string(),
    ruleName: z.string(),
    event: z.enum(ruleEvents),
    actionIndex: z.number().int().min(0),
    employeeId: z.string(),
    windowId: z.string(),
  }),
]);
export type ScheduledJob = z.infer<typeof scheduledJobSchema>;
