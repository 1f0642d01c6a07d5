// Callback tasks (R2, N6): "call back {number}", due after a delay, pushed to its employee when due.
// Pure data: no AWS, so route specs and tests may import it.
import { z } from 'zod';

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
