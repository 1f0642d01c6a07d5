// Scheduled: calls stuck in ringing or talking (the PBX never sent the end) are ended by a synthetic
// event, so they get an outcome and a ticket. "Now" is the schedule's `time`, which keeps runs
// deterministic and lets tests move the clock.
import type { ScheduledEvent } from 'aws-lambda';
import { openCallsBefore } from '#shared/adapters/calls-repo.ts';
import { lambdaHandler } from '#shared/adapters/handler.ts';
import { logger } from '#shared/adapters/logger.ts';
import { metrics, MetricUnit } from '#shared/adapters/metrics.ts';
import { isStale, sweeperEnd, type StaleTimeouts } from '#shared/domain/stale-calls.ts';
import { recordCallEvents } from '#shared/services/record-call-events.ts';
import { tenantId, tenantSettings } from '#shared/tenant.ts';

const BATCH = 200;

export const handler = lambdaHandler(async (event: ScheduledEvent): Promise<{ finalized: number; failed: number }> => {
  const now = new Date(event.time ?? Date.now());
  const settings = await tenantSettings();
  const timeouts: StaleTimeouts = { ringingMinutes: settings.ringingTimeoutMinutes, talkingMinutes: settings.talkingTimeoutMinutes };
  const minutesOf = { ringing: timeouts.ringingMinutes, answered: timeouts.talkingMinutes } as const;
  let candidates = 0;
  let finalized = 0;
  let failed = 0;
  for (const status of ['ringing', 'answered'] as const) {
    const cutoff = new Date(now.getTime() - minutesOf[status] * 60_000).toISOString();
    const calls = await openCallsBefore(tenantId, status, cutoff, BATCH);
    candidates += calls.length;
    for (const call of calls) {
      // One call that cannot be finalized (a damaged item, a lost race) must not stop the others:
      // it is logged and counted, and tried again on the next run.
      try {
        if (!isStale(call, now, timeouts)) continue;
        await recordCallEvents(tenantId, settings.country, [sweeperEnd(call, timeouts)]);
        finalized += 1;
      } catch (err) {
        failed += 1;
        logger.error('stale call not finalized', { callId: call?.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  logger.info('stale calls finalized', { candidates, finalized, failed });
  if (failed > 0) metrics.addMetric('SweeperFailures', MetricUnit.Count, failed);
  return { finalized, failed };
});
