// Scheduled: calls stuck in ringing or talking (the PBX never sent the end) are ended by a synthetic
// event, so they get an outcome and a ticket. "Now" is the schedule's `time`, which keeps runs
// deterministic and lets tests move the clock.
import type { ScheduledEvent } from 'aws-lambda';
import { openCallsBefore } from '#shared/adapters/calls-repo.ts';
import { lambdaHandler } from '#shared/adapters/handler.ts';
import { logger } from '#shared/adapters/logger.ts';
import { isStale, sweeperEnd, type StaleTimeouts } from '#shared/domain/stale-calls.ts';
import { recordCallEvents } from '#shared/services/record-call-events.ts';
import { tenantId, tenantSettings } from '#shared/tenant.ts';

const BATCH = 200;

export const handler = lambdaHandler(async (event: ScheduledEvent): Promise<{ finalized: number }> => {
  const now = new Date(event.time ?? Date.now());
  const settings = await tenantSettings();
  const timeouts: StaleTimeouts = { ringingMinutes: settings.ringingTimeoutMinutes, talkingMinutes: settings.talkingTimeoutMinutes };
  const cutoff = new Date(now.getTime() - Math.min(timeouts.ringingMinutes, timeouts.talkingMinutes) * 60_000).toISOString();
  const candidates = await openCallsBefore(tenantId, cutoff, BATCH);
  const stale = candidates.filter((c) => isStale(c, now, timeouts));
  for (const call of stale) await recordCallEvents(tenantId, settings.country, [sweeperEnd(call, timeouts)]);
  logger.info('stale calls finalized', { candidates: candidates.length, finalized: stale.length });
  return { finalized: stale.length };
});
