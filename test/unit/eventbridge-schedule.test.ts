import { describe, expect, it, vi } from 'vitest';
import { parseSchedule, startTimer } from '../../local/eventbridge/schedule.ts';

const at = (iso: string): Date => new Date(iso);

describe('parseSchedule', () => {
  it('fires rate schedules one period after creation, then every period', () => {
    const s = parseSchedule('rate(5 minutes)', at('2025-01-01T00:00:00Z'));
    expect(s.next(at('2025-01-01T00:00:00Z'))?.toISOString()).toBe('2025-01-01T00:05:00.000Z');
    expect(s.next(at('2025-01-01T00:07:30Z'))?.toISOString()).toBe('2025-01-01T00:10:00.000Z');
    expect(parseSchedule('rate(1 day)', at('2025-01-01T00:00:00Z')).next(at('2025-01-01T00:00:00Z'))?.toISOString()).toBe(
      '2025-01-02T00:00:00.000Z',
    );
  });

  it('computes cron occurrences in UTC', () => {
    const every15 = parseSchedule('cron(0/15 * * * ? *)');
    expect(every15.next(at('2025-03-01T10:07:12Z'))?.toISOString()).toBe('2025-03-01T10:15:00.000Z');
    const weekdays = parseSchedule('cron(0 8 ? * MON-FRI *)');
    expect(weekdays.next(at('2025-03-01T09:00:00Z'))?.toISOString()).toBe('2025-03-03T08:00:00.000Z'); // Sat → Mon
    const monthly = parseSchedule('cron(30 2 1 * ? *)');
    expect(monthly.next(at('2025-01-15T00:00:00Z'))?.toISOString()).toBe('2025-02-01T02:30:00.000Z');
    const yearly = parseSchedule('cron(0 0 1 JAN ? 2027)');
    expect(yearly.next(at('2025-06-01T00:00:00Z'))?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it.each([
    'rate(0 minutes)',
    'rate(5 weeks)',
    'every 5 minutes',
    'cron(* * * * *)',
    'cron(0 8 * * MON *)',
    'cron(0 8 L * ? *)',
    'cron(61 * * * ? *)',
  ])('rejects %s', (expression) => {
    expect(() => parseSchedule(expression)).toThrow();
  });
});

describe('startTimer', () => {
  it('fires on each occurrence and stops when told', () => {
    vi.useFakeTimers({ now: new Date('2025-01-01T00:00:30Z') });
    try {
      const fired: string[] = [];
      const stop = startTimer(parseSchedule('cron(* * * * ? *)'), (due) => fired.push(due.toISOString()));
      vi.advanceTimersByTime(30_000);
      expect(fired).toEqual(['2025-01-01T00:01:00.000Z']);
      vi.advanceTimersByTime(60_000);
      expect(fired).toHaveLength(2);
      stop();
      vi.advanceTimersByTime(600_000);
      expect(fired).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
