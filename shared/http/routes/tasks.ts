// Callback tasks (R2, N6): an agent's tasks, and a callback the agent schedules for a number.
// Pure data (route specs). Tasks also come from trigger rules (shared/services/tasks.ts).
import { z } from 'zod';
import { taskSchema, taskStatuses } from '../../domain/task.ts';
import type { RouteSpec } from '../api.ts';
import { pageQuery } from '../query.ts';
import { pageOf } from './core.ts';

const agents = ['agent'] as const satisfies RouteSpec['roles'];

export const listTasksRoute = {
  id: 'listTasks',
  method: 'GET',
  path: '/tasks',
  summary: "The caller's own tasks, earliest due first, optionally by status, cursor-paginated",
  roles: [...agents],
  query: pageQuery.extend({ status: z.enum(taskStatuses).optional() }),
  response: pageOf(taskSchema),
} satisfies RouteSpec;

export const createTaskRoute = {
  id: 'createCallbackTask',
  method: 'POST',
  path: '/tasks',
  summary: "Schedule a 'call back {number}' task for the caller, pushed to them when due (N6); cancelled if the customer gets through first",
  roles: [...agents],
  body: z.strictObject({
    number: z.string().trim().min(3).max(40).describe('The number to call back (any spelling; normalized to E.164)'),
    dueInMinutes: z.number().int().min(0).max(60 * 24 * 30).describe('Minutes from now until the reminder'),
    callId: z.string().max(128).nullable().default(null).describe('The call this callback is about, if any'),
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional()
      .describe('Idempotency key: the same requestId never makes a second task'),
  }),
  response: z.object({ taskId: z.string(), created: z.boolean() }),
  status: 201,
} satisfies RouteSpec;

export const taskRoutes: readonly RouteSpec[] = [listTasksRoute, createTaskRoute];
