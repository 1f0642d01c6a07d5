// Reports from buckets (L2, L3, L5): range alignment (UTC hours, tenant days across DST), limits,
// and the assembly of totals, dense series and groups.
import { describe, expect, it } from 'vitest';
import { assembleCallReport, assembleHelpdeskReport, callMetrics, dayStart, reportRange, ReportRangeError } from '#shared/domain/report.ts';

describe('reportRange', () => {
  it('L2: an hourly range covers the UTC hours it touches', () => {
    const r = reportRange('2026-11-21T10:30:00Z', '2026-11-21T12:00:01+00:00', 'hour', 'Europe/Moscow');
    expect(r.from).toBe('2026-11-21T10:00:00.000Z');
    expect(r.to).toBe('2026-11-21T13:00:00.000Z');
    expect(r.buckets.map((b) => b.bucket)).toEqual(['2026-11-21T10', '2026-11-21T11', '2026-11-21T12']);
    expect(r.buckets[1]!.start).toBe('2026-11-21T11:00:00.000Z');
  });

  it('L2: a daily range is aligned to the tenant days; dates are tenant midnights', () => {
    const r = reportRange('2026-11-01', '2026-11-03', 'day', 'Europe/Moscow');
    expect(r).toEqual({
      granularity: 'day',
      from: '2026-10-31T21:00:00.000Z',
      to: '2026-11-02T21:00:00.000Z',
      buckets: [
        { bucket: '2026-11-01', start: '2026-10-31T21:00:00.000Z' },
        { bucket: '2026-11-02', start: '2026-11-01T21:00:00.000Z' },
      ],
    });
    // An instant inside a day pulls in the whole day.
    expect(reportRange('2026-11-01T12:00:00+03:00', '2026-11-01T12:00:01+03:00', 'day', 'Europe/Moscow').buckets.map((b) => b.bucket)).toEqual(['2026-11-01']);
  });

  it('L2: days across a DST change start at the local midnight (23- and 25-hour days)', () => {
    const spring = reportRange('2026-03-28', '2026-03-31', 'day', 'Europe/Berlin');
    expect(spring.buckets.map((b) => b.start)).toEqual(['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    expect(spring.to).toBe('2026-03-30T22:00:00.000Z');
    expect(new Date(dayStart('2026-10-26', 'Europe/Berlin')).toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(new Date(dayStart('2026-10-25', 'Europe/Berlin')).toISOString()).toBe('2026-10-24T22:00:00.000Z');
  });

  it('L2: empty, reversed and too long ranges are refused', () => {
    expect(() => reportRange('2026-11-02', '2026-11-01', 'day', 'UTC')).toThrow(ReportRangeError);
    expect(() => reportRange('2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', 'hour', 'UTC')).toThrow(ReportRangeError);
    expect(() => reportRange('2026-01-01', '2026-04-04', 'hour', 'UTC')).toThrow(/at most 92 days/);
    expect(reportRange('2026-01-01', '2026-04-03', 'hour', 'UTC').buckets).toHaveLength(92 * 24);
    expect(() => reportRange('2020-01-01', '2026-01-01', 'day', 'UTC')).toThrow(/at most 1100 days/);
    expect(() => reportRange('1970-01-01', '9999-01-01', 'day', 'UTC')).toThrow(ReportRangeError);
    expect(reportRange('2024-01-01', '2027-01-05', 'day', 'UTC').buckets).toHaveLength(1100);
  });
});

describe('assembleCallReport', () => {
  const range = reportRange('2026-11-01', '2026-11-04', 'day', 'UTC');

  it('L2: totals and a dense series with the averages', () => {
    const report = assembleCallReport(range, 'UTC', [
      { bucket: '2026-11-01', key: null, counters: { total: 3, answered: 2, talkSeconds: 100, waitSeconds: 30, waitCount: 2 } },
      { bucket: '2026-11-03', key: null, counters: { total: 1, missed: 1 } },
    ]);
    expect(report.totals).toEqual({ ...callMetrics({}), total: 4, answered: 2, missed: 1, talkSeconds: 100, waitSeconds: 30, waitCount: 2, averageTalkSeconds: 50, averageWaitSeconds: 15 });
    expect(report.series.map((p) => [p.bucket, p.total, p.averageTalkSeconds])).toEqual([
      ['2026-11-01', 3, 50],
      ['2026-11-02', 0, null],
      ['2026-11-03', 1, null],
    ]);
    expect(report).not.toHaveProperty('groups');
  });

  it('L3: groups per employee with names, busiest first, series only where the group had calls', () => {
    const report = assembleCallReport(range, 'UTC', [], {
      groupBy: 'employee',
      names: { 'emp-101': 'Anna Smirnova' },
      rows: [
        { bucket: '2026-11-01', key: 'emp-101', counters: { total: 1, answered: 1, talkSeconds: 31 } },
        { bucket: '2026-11-02', key: 'emp-102', counters: { total: 2 } },
        { bucket: '2026-11-03', key: 'emp-102', counters: { total: 1 } },
      ],
    });
    expect(report.groups!.map((g) => [g.key, g.name, g.totals.total, g.series.map((p) => p.bucket)])).toEqual([
      ['emp-102', undefined, 3, ['2026-11-02', '2026-11-03']],
      ['emp-101', 'Anna Smirnova', 1, ['2026-11-01']],
    ]);
    expect(report.groups![1]!.totals.averageTalkSeconds).toBe(31);
  });
});

describe('assembleHelpdeskReport', () => {
  it('L5: ticket totals, series, and employees by best in team', () => {
    const range = reportRange('2026-11-01', '2026-11-02', 'day', 'UTC');
    const report = assembleHelpdeskReport(
      range,
      'UTC',
      [{ bucket: '2026-11-01', key: null, counters: { incomingTickets: 4, withFirstResponse: 3, closedWithRecording: 2 } }],
      [
        { bucket: '2026-11-01', key: 'emp-101', counters: { bestInTeam: 1, withFirstResponse: 2 } },
        { bucket: '2026-11-01', key: 'emp-102', counters: { bestInTeam: 2, withFirstResponse: 1 } },
      ],
      { 'emp-102': 'Boris Ivanov' },
    );
    expect(report.totals).toEqual({ incomingTickets: 4, withFirstResponse: 3, closedWithRecording: 2 });
    expect(report.series).toEqual([{ bucket: '2026-11-01', start: '2026-11-01T00:00:00.000Z', incomingTickets: 4, withFirstResponse: 3, closedWithRecording: 2 }]);
    expect(report.employees).toEqual([
      { employeeId: 'emp-102', name: 'Boris Ivanov', totals: { bestInTeam: 2, withFirstResponse: 1 } },
      { employeeId: 'emp-101', totals: { bestInTeam: 1, withFirstResponse: 2 } },
    ]);
  });
});
