// Task items: `T#t#TASK#{id}` (GSI1: by employee, due time), an idempotency key per (ruleId, eventId)
// and a per-number open-task index (`T#t#OPENTASKS#{number}` / `TASK#{id}`) to cancel by number, and
// the reminders not yet pushed to their employee (`T#t#REMINDERS#{employeeId}` / `TASK#{id}`, N6).
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Call } from '../domain/call.ts';
import type { Task, TaskStatus } from '../domain/task.ts';
import { phoneCallsIndex } from './call-customers-repo.ts';
import { conditionally, ddb, decodeCursor, encodeCursor, queryItems, tableName } from './dynamo.ts';

export const taskKeys = {
  task: (t: string, id: string) => ({ PK: `T#${t}#TASK#${id}`, SK: 'TASK' }),
  origin: (t: string, ruleId: string, eventId: string) => ({ PK: `T#${t}#TASKORIGIN#${ruleId}#${eventId}`, SK: 'TASKORIGIN' }),
  openByNumber: (t: string, number: string) => `T#${t}#OPENTASKS#${number}`,
  byEmployee: (t: string, employeeId: string | null) => `T#${t}#EMPTASKS#${employeeId ?? '-'}`,
  undelivered: (t: string, employeeId: string, taskId: string) => ({ PK: `T#${t}#REMINDERS#${employeeId}`, SK: `TASK#${taskId}` }),
};

/** An undelivered reminder waits at most 30 days for its employee to connect (the task stays `due` in GET /tasks). */
const REMINDER_TTL_S = 30 * 86_400;

export interface TaskRecord {
  task: Task;
  /** The one-time schedule was created (or found) for this task. */
  scheduled: boolean;
}

/** Creates the task with its origin key and open-by-number entry; false when (ruleId, eventId) already made one. */
export async function putNewTask(tenant: string, task: Task): Promise<boolean> {
  return conditionally(
    ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: { ...taskKeys.origin(tenant, task.ruleId, task.eventId), taskId: task.id },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: {
                ...taskKeys.task(tenant, task.id),
                GSI1PK: taskKeys.byEmployee(tenant, task.employeeId),
                GSI1SK: `${task.dueAt}#${task.id}`,
                task,
                scheduled: false,
              },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: { PK: taskKeys.openByNumber(tenant, task.number), SK: `TASK#${task.id}`, taskId: task.id },
            },
          },
        ],
      }),
    ),
  );
}

export async function taskIdOfOrigin(tenant: string, ruleId: string, eventId: string): Promise<string | null> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: taskKeys.origin(tenant, ruleId, eventId), ConsistentRead: true }));
  return (out.Item?.['taskId'] as string | undefined) ?? null;
}

export async function getTaskRecord(tenant: string, id: string): Promise<TaskRecord | null> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: taskKeys.task(tenant, id), ConsistentRead: true }));
  if (!out.Item) return null;
  return { task: out.Item['task'] as Task, scheduled: out.Item['scheduled'] === true };
}

export async function markScheduled(tenant: string, id: string): Promise<void> {
  await ddb.send(new UpdateCommand({ TableName: tableName, Key: taskKeys.task(tenant, id), UpdateExpression: 'SET scheduled = :t', ExpressionAttributeValues: { ':t': true } }));
}

/**
 * Moves an open task to `due` or `cancelled` (only from `open`: the first decision wins) and drops
 * its open-by-number entry; a task falling due for an employee is also recorded as an undelivered
 * reminder in the same transaction. Returns the updated task, or null when it was no longer open.
 */
export async function closeTask(tenant: string, task: Task, status: Exclude<TaskStatus, 'open'>, cancelReason: string | null, at: string): Promise<Task | null> {
  const next: Task = { ...task, status, cancelReason: status === 'cancelled' ? cancelReason : null, updatedAt: at };
  const ok = await conditionally(
    ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName,
              Key: taskKeys.task(tenant, task.id),
              UpdateExpression: 'SET #t = :next',
              ConditionExpression: '#t.#s = :open',
              ExpressionAttributeNames: { '#t': 'task', '#s': 'status' },
              ExpressionAttributeValues: { ':next': next, ':open': 'open' },
            },
          },
          { Delete: { TableName: tableName, Key: { PK: taskKeys.openByNumber(tenant, task.number), SK: `TASK#${task.id}` } } },
          ...(status === 'due' && task.employeeId
            ? [{ Put: { TableName: tableName, Item: { ...taskKeys.undelivered(tenant, task.employeeId, task.id), taskId: task.id, dueAt: task.dueAt, expiresAt: Math.floor(Date.parse(at) / 1000) + REMINDER_TTL_S } } }]
            : []),
        ],
      }),
    ),
  );
  return ok ? next : null;
}

// ---------------------------------------------------------------------------------------------
// Reminders not yet pushed (N6): the employee had no live connection when the task fell due.

export async function isReminderUndelivered(tenant: string, employeeId: string, taskId: string): Promise<boolean> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: taskKeys.undelivered(tenant, employeeId, taskId), ConsistentRead: true }));
  return out.Item !== undefined;
}

/** Ids of the employee's undelivered reminders, oldest task first (`limit` 1: is there any?). */
export async function undeliveredReminderIds(tenant: string, employeeId: string, limit = 100): Promise<string[]> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': taskKeys.undelivered(tenant, employeeId, '').PK },
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((i) => i['taskId'] as string);
}

export async function markReminderDelivered(tenant: string, employeeId: string, taskId: string): Promise<void> {
  await ddb.send(new DeleteCommand({ TableName: tableName, Key: taskKeys.undelivered(tenant, employeeId, taskId) }));
}

export async function openTaskIdsOfNumber(tenant: string, number: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const i of queryItems({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': taskKeys.openByNumber(tenant, number) } })) ids.push(i['taskId'] as string);
  return ids;
}

/** An employee's tasks by due time (earliest first), optionally by status. */
export async function listTasksOf(
  tenant: string,
  employeeId: string | null,
  status: TaskStatus | undefined,
  limit: number,
  cursor?: string,
): Promise<{ items: Task[]; next: string | null }> {
  const partition = taskKeys.byEmployee(tenant, employeeId);
  const out = await ddb.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ...(status ? { FilterExpression: '#t.#s = :s', ExpressionAttributeNames: { '#t': 'task', '#s': 'status' } } : {}),
      ExpressionAttributeValues: { ':pk': partition, ...(status ? { ':s': status } : {}) },
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, partition),
    }),
  );
  return { items: (out.Items ?? []).map((i) => i['task'] as Task), next: encodeCursor(out.LastEvaluatedKey) };
}

/** An ended call with `number` answered at or after `since` (the customer got through): its id, else null. */
export async function answeredCallSince(tenant: string, number: string, since: string): Promise<string | null> {
  // Calls are indexed by start; one that started a while before `since` may still have been answered after it.
  const from = new Date(Date.parse(since) - 24 * 3600_000).toISOString();
  for await (const i of queryItems({
    IndexName: 'GSI2',
    KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK >= :from',
    ExpressionAttributeValues: { ':pk': phoneCallsIndex(tenant, number), ':from': from },
    ProjectionExpression: '#c',
    ExpressionAttributeNames: { '#c': 'call' },
  })) {
    const call = i['call'] as Call | undefined;
    if (call?.answeredAt && call.answeredAt >= since) return call.id;
  }
  return null;
}
