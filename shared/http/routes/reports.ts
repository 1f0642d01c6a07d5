// Reports (L2, L3, L5): call metrics and helpdesk statistics over a range, from the aggregates kept on
// write (docs/analytics.md). Pure data (route specs).
import { z } from 'zod';
import type { RouteSpec } from '../api.ts';
import { csvQueryFields, csvRedirects } from '../export-token.ts';
import { MAX_RANGE_DAYS, type CallReportQuery, type HelpdeskReportQuery } from '../../domain/report.ts';

/** Analysts read reports; admins may do everything. */
const analysts = ['analyst'] as const satisfies RouteSpec['roles'];

const instant = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .describe('ISO 8601 instant with offset (`2026-11-01T00:00:00+03:00`) or a date (`2026-11-01` = its midnight in the tenant time zone)');

const rangeQuery = {
  from: instant.describe('Start of the range (inclusive), moved back to the start of its bucket'),
  to: instant.describe('End of the range (exclusive), moved forward to the end of the bucket it ends in'),
  granularity: z
    .enum(['hour', 'day'])
    .default('day')
    .describe(`\`hour\`: UTC hours, at most ${MAX_RANGE_DAYS.hour} days; \`day\`: days in the tenant time zone, at most ${MAX_RANGE_DAYS.day} days`),
};

export const callReportQuery = z.strictObject({
  ...rangeQuery,
  groupBy: z.enum(['employee', 'line']).optional().describe('Also report per employee, or per line (the company number of the call)'),
  ...csvQueryFields,
}) satisfies z.ZodType<CallReportQuery>;

export const helpdeskReportQuery = z.strictObject({
  ...rangeQuery,
  groupBy: z
    .enum(['employee'])
    .optional()
    .describe('CSV only: the per-employee table (best in team) instead of the time series; JSON always carries both'),
  ...csvQueryFields,
}) satisfies z.ZodType<HelpdeskReportQuery>;

const average = z.number().nullable();
const callMetrics = z.object({
  total: z.number().int().describe('Ended inbound and outbound calls'),
  answered: z.number().int(),
  missed: z.number().int().describe('Inbound calls that rang at an employee and nobody answered'),
  outgoing: z.number().int(),
  target: z.number().int().describe('Answered with at least the tenant minimum of talk (analytics.targetCall.minTalkSeconds)'),
  newCustomers: z.number().int().describe('Inbound calls that are the first call from their number'),
  talkSeconds: z.number().int(),
  waitSeconds: z.number().int().describe('Wait before the answer of answered inbound calls'),
  waitCount: z.number().int().describe('Answered inbound calls (the denominator of the average wait)'),
  averageTalkSeconds: average.describe('talkSeconds / answered; null without answered calls'),
  averageWaitSeconds: average.describe('waitSeconds / waitCount; null without answered inbound calls'),
});

const bucket = { bucket: z.string().describe('`2026-11-21T10` (UTC hour) or `2026-11-21` (tenant day)'), start: z.string().describe('Instant the bucket starts') };
const reportHead = {
  from: z.string().describe('The range actually covered (aligned to buckets)'),
  to: z.string(),
  granularity: z.enum(['hour', 'day']),
  timeZone: z.string().describe('The tenant time zone of the day buckets'),
};

export const callReportSchema = z.object({
  ...reportHead,
  totals: callMetrics,
  series: z.array(callMetrics.extend(bucket)).describe('Every bucket of the range, zeros included'),
  groupBy: z.enum(['employee', 'line']).optional(),
  groups: z
    .array(z.object({ key: z.string(), name: z.string().optional(), totals: callMetrics, series: z.array(callMetrics.extend(bucket)).describe('Only buckets with calls of the group') }))
    .optional(),
});

const helpdeskMetrics = z.object({
  incomingTickets: z.number().int().describe('Tickets created from an inbound call'),
  withFirstResponse: z.number().int().describe('Tickets created from an answered inbound call'),
  closedWithRecording: z.number().int().describe('Closed tickets with a call recording'),
});

export const helpdeskReportSchema = z.object({
  ...reportHead,
  totals: helpdeskMetrics,
  series: z.array(helpdeskMetrics.extend(bucket)),
  employees: z
    .array(
      z.object({
        employeeId: z.string(),
        name: z.string().optional(),
        totals: z.object({
          bestInTeam: z.number().int().describe('Closed tickets with a recording of this employee'),
          withFirstResponse: z.number().int().describe('Tickets created from an inbound call this employee answered'),
        }),
      }),
    )
    .describe('Best in team first'),
});

export const callReportRoute = {
  id: 'getCallReport',
  method: 'GET',
  path: '/reports/calls',
  summary: 'Call metrics over a range: totals and a time series, optionally per employee or line (L2, L3)',
  roles: [...analysts],
  query: callReportQuery,
  response: callReportSchema,
  redirects: csvRedirects,
} satisfies RouteSpec;

export const helpdeskReportRoute = {
  id: 'getHelpdeskReport',
  method: 'GET',
  path: '/reports/helpdesk',
  summary: 'Helpdesk statistics over a range: incoming tickets, first responses, closed with a recording, best in team (L5)',
  roles: [...analysts],
  query: helpdeskReportQuery,
  response: helpdeskReportSchema,
  redirects: csvRedirects,
} satisfies RouteSpec;

export const reportRoutes: RouteSpec[] = [callReportRoute, helpdeskReportRoute];
