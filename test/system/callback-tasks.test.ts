// Callback tasks (R2, N6): an agent schedules "call back {number}"; the local EventBridge Scheduler
// fires it on a shortened clock and the reminder reaches the agent's WebSocket; a task whose
// customer got through first (an answered call from that number) is cancelled and never pushed; a
// reminder that fell due while its agent was offline (no connection, or only a dead one) reaches the
// agent when they connect, once.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { Call } from '#shared/domain/call.ts';
import type { Task } from '#shared/domain/task.ts';
import { scheduleNameOf } from '#shared/domain/task.ts';
import { api, callIdValue, openAgent, postZammad, randomNumber, useHarness, waitFor } from './harness.ts';

const h = useHarness();
const LINE = '+74951234567';

async function postTask(body: Record<string, unknown>, token: string): Promise<{ status: number; body: { taskId: string; created: boolean } }> {
  const res = await fetch(`${h.info.httpUrl}/tasks`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { taskId: string; created: boolean } };
}

async function taskOf(token: string, id: string): Promise<Task | undefined> {
  return (await api<{ items: Task[] }>(h.info, '/tasks?limit=200', token)).body.items.find((t) => t.id === id);
}

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fireTaskFunction() {
  const f = [...h.runtime.functions.values()].find((x) => x.model.shortName === 'fire-task');
  if (!f) throw new Error('no fire-task function');
  return f;
}

describe('callback tasks', () => {
  it('N6: a callback task falls due on the scheduler clock and is pushed to its employee only', async () => {
    const anna = h.info.tokens.agents['101']!;
    const boris = h.info.tokens.agents['102']!;
    const number = randomNumber();
    const annaWs = await openAgent(h.info, anna);
    const borisWs = await openAgent(h.info, boris);
    try {
      const created = await postTask({ number, dueInMinutes: 5, requestId: `req-${Date.now()}` }, anna);
      expect(created.status).toBe(201);
      expect(created.body.created).toBe(true);
      const { taskId } = created.body;
      expect(await taskOf(anna, taskId)).toMatchObject({ status: 'open', number, employeeId: 'emp-101', title: `call back ${number}` });
      expect(await taskOf(boris, taskId)).toBeUndefined(); // GET /tasks: the caller's own
      const schedule = h.runtime.scheduler.schedules().find((s) => s.Name === scheduleNameOf('demo', taskId));
      expect(schedule).toMatchObject({ ActionAfterCompletion: 'DELETE', FlexibleTimeWindow: { Mode: 'OFF' } });
      expect(schedule?.ScheduleExpression).toMatch(/^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/);

      // Not yet due a minute from now.
      expect(await h.runtime.scheduler.fireDue(minutesFromNow(1))).not.toContain(scheduleNameOf('demo', taskId));
      expect((await taskOf(anna, taskId))?.status).toBe('open');

      // Five minutes later (shortened clock): the schedule fires fire-task, which pushes task_due.
      expect(await h.runtime.scheduler.fireDue(minutesFromNow(6))).toContain(scheduleNameOf('demo', taskId));
      const msg = await annaWs.next('task_due', (m) => (m['task'] as Task).id === taskId);
      expect(msg['task']).toMatchObject({ id: taskId, number, status: 'due', title: `call back ${number}` });
      expect((await taskOf(anna, taskId))?.status).toBe('due');
      expect(borisWs.messages.some((m) => m['type'] === 'task_due')).toBe(false);
      expect(h.runtime.scheduler.schedules().some((s) => s.Name === scheduleNameOf('demo', taskId))).toBe(false); // ActionAfterCompletion DELETE
      expect(h.runtime.scheduler.deadLetters()).toEqual([]);
    } finally {
      await annaWs.close();
      await borisWs.close();
    }
  });

  it('R2: the same request id never makes a second task', async () => {
    const anna = h.info.tokens.agents['101']!;
    const body = { number: randomNumber(), dueInMinutes: 30, requestId: `idem-${Date.now()}` };
    const first = await postTask(body, anna);
    const second = await postTask(body, anna);
    expect(first.body.created).toBe(true);
    expect(second).toMatchObject({ status: 200, body: { taskId: first.body.taskId, created: false } });
    expect(h.runtime.scheduler.schedules().filter((s) => s.Name === scheduleNameOf('demo', first.body.taskId))).toHaveLength(1);
  });

  it('R2: the customer got through before the callback fell due → the task is cancelled and never pushed', async () => {
    const anna = h.info.tokens.agents['101']!;
    const number = randomNumber();
    const annaWs = await openAgent(h.info, anna);
    try {
      const { taskId } = (await postTask({ number, dueInMinutes: 5 }, anna)).body;
      const name = scheduleNameOf('demo', taskId);
      expect(h.runtime.scheduler.schedules().some((s) => s.Name === name)).toBe(true);

      // The customer calls in and an agent answers.
      const zammadId = callIdValue();
      await postZammad(h.info, { event: 'newCall', direction: 'in', from: number, to: LINE, callId: zammadId, user: ['Boris Ivanov'] });
      await postZammad(h.info, { event: 'answer', direction: 'in', from: number, to: LINE, callId: zammadId, answeringNumber: '102' });
      await postZammad(h.info, { event: 'hangup', direction: 'in', from: number, to: LINE, callId: zammadId, cause: 'normalClearing' });
      const id = callIdFor('zammad', zammadId);
      await waitFor('call ended answered', async () => (await api<Call>(h.info, `/calls/${id}`)).body.outcome === 'answered');

      const cancelled = await waitFor('task cancelled', async () => {
        const t = await taskOf(anna, taskId);
        return t?.status === 'cancelled' ? t : null;
      });
      expect(cancelled.cancelReason).toBe('answered_call');
      // DeleteSchedule follows the cancellation.
      await waitFor('schedule deleted', async () => !h.runtime.scheduler.schedules().some((s) => s.Name === name));

      expect(await h.runtime.scheduler.fireDue(minutesFromNow(6))).not.toContain(name);
      await new Promise((r) => setTimeout(r, 300));
      expect(annaWs.messages.some((m) => m['type'] === 'task_due' && (m['task'] as Task).id === taskId)).toBe(false);
      expect((await taskOf(anna, taskId))?.status).toBe('cancelled');
    } finally {
      await annaWs.close();
    }
  });

  it('R2: a schedule that fires after the customer got through (cancellation not yet seen) cancels instead of pushing', async () => {
    const anna = h.info.tokens.agents['101']!;
    const number = randomNumber();
    const { taskId } = (await postTask({ number, dueInMinutes: 5 }, anna)).body;
    // The answered call ended before fire-task ran; fire-task itself sees it (decided at due time).
    const zammadId = callIdValue();
    await postZammad(h.info, { event: 'newCall', direction: 'in', from: number, to: LINE, callId: zammadId, user: ['Boris Ivanov'] });
    await postZammad(h.info, { event: 'answer', direction: 'in', from: number, to: LINE, callId: zammadId, answeringNumber: '102' });
    await postZammad(h.info, { event: 'hangup', direction: 'in', from: number, to: LINE, callId: zammadId, cause: 'normalClearing' });
    await waitFor('call ended answered', async () => (await api<Call>(h.info, `/calls/${callIdFor('zammad', zammadId)}`)).body.outcome === 'answered');
    // Invoke fire-task directly as a schedule that was already in flight would.
    await fireTaskFunction().invoke({ tenant: 'demo', taskId });
    expect((await taskOf(anna, taskId))).toMatchObject({ status: 'cancelled', cancelReason: 'answered_call' });
  });

  it('N6: a reminder that fell due while its agent was offline (only a dead connection) is pushed when the agent connects, once', async () => {
    const boris = h.info.tokens.agents['102']!;
    const number = randomNumber();
    const tableName = h.runtime.tableName;
    // A connection that died without $disconnect: the @connections API answers 410 Gone for it.
    const dead = { PK: 'T#demo#EMPCONN#emp-102', SK: 'CONN#deadConnId0=' };
    await h.ddb.send(new PutCommand({ TableName: tableName, Item: { ...dead, connectionId: 'deadConnId0=', connectedAt: new Date(Date.now() - 10 * 60_000).toISOString(), expiresAt: Math.floor(Date.now() / 1000) + 3600 } }));
    const { taskId } = (await postTask({ number, dueInMinutes: 5 }, boris)).body;
    const name = scheduleNameOf('demo', taskId);

    expect(await h.runtime.scheduler.fireDue(minutesFromNow(6))).toContain(name);
    expect((await taskOf(boris, taskId))?.status).toBe('due');
    // The push found only the dead connection: it was dropped, the reminder kept, nothing dead-lettered.
    expect((await h.ddb.send(new GetCommand({ TableName: tableName, Key: dead }))).Item).toBeUndefined();
    expect(h.runtime.scheduler.deadLetters()).toEqual([]);
    // A redelivered schedule while Boris is still offline changes nothing and does not fail.
    await fireTaskFunction().invoke({ tenant: 'demo', taskId });

    const borisWs = await openAgent(h.info, boris);
    try {
      // Delivered shortly after the connection opened (ws-connect scheduled it on the wall clock).
      const msg = await borisWs.next('task_due', (m) => (m['task'] as Task).id === taskId, 10_000);
      expect(msg['task']).toMatchObject({ id: taskId, number, status: 'due', employeeId: 'emp-102' });
      // Redelivered schedules after the delivery push nothing more.
      await fireTaskFunction().invoke({ tenant: 'demo', taskId });
      await sleep(500);
      expect(borisWs.messages.filter((m) => m['type'] === 'task_due' && (m['task'] as Task).id === taskId)).toHaveLength(1);
    } finally {
      await borisWs.close();
    }
    // The next connection does not get it again.
    const again = await openAgent(h.info, boris);
    try {
      await sleep(2_500);
      expect(again.messages.some((m) => m['type'] === 'task_due' && (m['task'] as Task).id === taskId)).toBe(false);
    } finally {
      await again.close();
    }
    expect(h.runtime.scheduler.deadLetters()).toEqual([]);
  });

  it('N6: a reminder due while its agent has no connection at all waits for the next connect', async () => {
    const anna = h.info.tokens.agents['101']!;
    const number = randomNumber();
    const { taskId } = (await postTask({ number, dueInMinutes: 10 }, anna)).body;
    expect(await h.runtime.scheduler.fireDue(minutesFromNow(11))).toContain(scheduleNameOf('demo', taskId));
    expect((await taskOf(anna, taskId))?.status).toBe('due');
    await sleep(1_500); // it is not pushed anywhere meanwhile
    const annaWs = await openAgent(h.info, anna);
    try {
      const msg = await annaWs.next('task_due', (m) => (m['task'] as Task).id === taskId, 10_000);
      expect(msg['task']).toMatchObject({ id: taskId, number, status: 'due' });
    } finally {
      await annaWs.close();
    }
  });
});
