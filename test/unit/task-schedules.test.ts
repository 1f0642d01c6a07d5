// One-time schedules of the tenant (callback tasks, reminders after connecting, digest flushes):
// valid, distinct Scheduler names whatever the ids, and the inputs fire-task accepts.
import { describe, expect, it } from 'vitest';
import { digestScheduleNameOf, reminderScheduleNameOf, scheduledJobSchema, scheduleNameOf } from '#shared/domain/task.ts';

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const longTenant = `t${'x'.repeat(30)}`; // tenant ids are at most 31 characters

describe('schedule names', () => {
  it('N6: stay within the 64 characters Scheduler allows, for the longest tenant and odd connection ids', () => {
    const names = [
      scheduleNameOf(longTenant, '01JD0000000000000000000000'),
      reminderScheduleNameOf(longTenant, 'emp-with-a-very-long-identifier-0123456789-0123456789', 'L0SM9cOFvHcCIhw=/+'),
      digestScheduleNameOf(longTenant, '01JD0000000000000000000000'),
    ];
    for (const n of names) expect(n).toMatch(NAME);
  });

  it('N6: differ per employee and connection, and per digest window; are stable for the same input', () => {
    expect(reminderScheduleNameOf('demo', 'emp-101', 'a')).not.toBe(reminderScheduleNameOf('demo', 'emp-101', 'b'));
    expect(reminderScheduleNameOf('demo', 'emp-101', 'a')).not.toBe(reminderScheduleNameOf('demo', 'emp-102', 'a'));
    expect(reminderScheduleNameOf('demo', 'emp-101', 'a')).toBe(reminderScheduleNameOf('demo', 'emp-101', 'a'));
    expect(digestScheduleNameOf('demo', 'w1')).not.toBe(digestScheduleNameOf('demo', 'w2'));
  });
});

describe('scheduledJobSchema (fire-task input)', () => {
  it('N6, R2: accepts a callback task, undelivered reminders and a digest flush', () => {
    expect(scheduledJobSchema.parse({ tenant: 'demo', taskId: 't1' })).toEqual({ tenant: 'demo', taskId: 't1' });
    expect(scheduledJobSchema.parse({ tenant: 'demo', kind: 'reminders', employeeId: 'emp-101' })).toMatchObject({ kind: 'reminders' });
    const digest = { tenant: 'demo', kind: 'digest', ruleId: 'r', ruleName: 'n', event: 'missed_call', actionIndex: 0, employeeId: 'emp-102', windowId: 'w' };
    expect(scheduledJobSchema.parse(digest)).toEqual(digest);
  });

  it('N6, R2: rejects anything else', () => {
    for (const bad of [null, {}, { tenant: 'demo' }, { tenant: 'demo', taskId: 1 }, { tenant: 'demo', kind: 'reminders' }, { tenant: 'demo', kind: 'digest', ruleId: 'r' }, { tenant: 'demo', taskId: 't', extra: 1 }]) {
      expect(scheduledJobSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
