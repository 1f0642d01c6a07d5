// Callback tasks (R2, N6): an agent schedules "call back {number}"; the local EventBridge Scheduler
// fires it on a shortened clock and the reminder reaches the agent's WebSocket; a task whose
// customer got through first (an answered call from that number) is cancelled and never pushed.
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
    const fireTask = [...h.runtime.functions.values()].find((f) => f.model.shortName === 'fire-task');
    await fireTask!.invoke({ tenant: 'demo', taskId });
    expect((await taskOf(anna, taskId))).toMatchObject({ status: 'cancelled', cancelReason: 'answered_call' });
  });
});
