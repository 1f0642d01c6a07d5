// Keeps the statistics buckets in step with calls and tickets (L2, L3, L5; docs/analytics.md). Each run
// re-reads the item as stored now, computes its whole contribution, and applies the difference to what
// its marker says it contributed before, in one transaction conditioned on that marker. So a duplicate
// or stale delivery changes nothing, and a late correction (a recording, a late leg) fixes the counts.
import { contribution, diffContributions, sumContributions, withoutNewCustomer, type Contribution } from '../domain/call-stats.ts';
import type { Call } from '../domain/call.ts';
import { creatingCallId, ticketContribution } from '../domain/ticket-stats.ts';
import { loadCallRecord, getCall } from '../adapters/calls-repo.ts';
import { keys } from '../adapters/dynamo.ts';
import { getFirstCall, getStatsMarker, itemCount, statsMarkerKey, writeStats, type FirstCall, type StatsWrite } from '../adapters/stats-repo.ts';
import { getTicketRecord } from '../adapters/tickets-repo.ts';
import { retry, tryAgain } from '../adapters/retry.ts';

export interface StatsSettings {
  timeZone: string;
  minTalkSeconds: number;
}

export type StatsResult = 'counted' | 'unchanged' | 'stale' | 'missing';

const MAX_ATTEMPTS = 10;
const MAX_TRANSACTION_ITEMS = 100;

/** Re-reads and retries on a lost race with jittered, growing pauses; then throws (→ retries → DLQ). */
function withRetries(what: string, attempt: () => Promise<StatsResult | null>): Promise<StatsResult> {
  return retry({ attempts: MAX_ATTEMPTS, baseMs: 20, capMs: 1000, giveUp: () => new Error(`${what}: still conflicting after ${MAX_ATTEMPTS} attempts`) }, async () => (await attempt()) ?? tryAgain);
}

async function apply(tenant: string, write: StatsWrite): Promise<boolean> {
  if (itemCount(write) > MAX_TRANSACTION_ITEMS) throw new Error(`a statistics change of ${itemCount(write)} items exceeds one transaction`);
  return writeStats(tenant, write);
}

const earlier = (a: FirstCall, b: FirstCall) => a.startedAt < b.startedAt || (a.startedAt === b.startedAt && a.callId < b.callId);

/** Counts a call (on `Call Ended`). */
export function countCall(tenant: string, callId: string, settings: StatsSettings): Promise<StatsResult> {
  return withRetries(`call ${callId} statistics`, async () => {
    const record = await loadCallRecord(tenant, callId);
    if (!record.call) return 'missing';
    const call = record.call;
    const marker = await getStatsMarker(statsMarkerKey(keys.call(tenant, callId)));
    if (marker.version >= record.version) return 'stale';

    // New customers: the registry of the number names its earliest inbound call; an earlier call that
    // arrives late takes the mark over from the call that had it, in this same transaction.
    const number = call.direction === 'inbound' && call.status === 'ended' ? call.customerNumber : null;
    const mine: FirstCall = { callId, startedAt: call.startedAt };
    let isFirstFromNumber = false;
    let firstCall: StatsWrite['firstCall'];
    let previous: { marker: Awaited<ReturnType<typeof getStatsMarker>>; stripped: Contribution } | null = null;
    if (number) {
      const registered = await getFirstCall(tenant, number);
      if (!registered || registered.callId === callId || earlier(mine, registered)) {
        isFirstFromNumber = true;
        if (!registered || registered.startedAt !== mine.startedAt || registered.callId !== callId) firstCall = { number, expected: registered, next: mine };
        if (registered && registered.callId !== callId) {
          const prev = await getStatsMarker(statsMarkerKey(keys.call(tenant, registered.callId)));
          if (prev.rev > 0) previous = { marker: prev, stripped: withoutNewCustomer(prev.contribution) };
        }
      }
    }

    const next = contribution(call, { isFirstFromNumber, target: { minTalkSeconds: settings.minTalkSeconds }, timeZone: settings.timeZone });
    const own = diffContributions(marker.contribution, next);
    const diffs = [own];
    const markers: StatsWrite['markers'] = [{ marker, version: record.version, contribution: next }];
    if (previous) {
      diffs.push(diffContributions(previous.marker.contribution, previous.stripped));
      markers.push({ marker: previous.marker, version: previous.marker.version, contribution: previous.stripped });
    }
    // Both calls may share buckets: one operation per item in a transaction, so the deltas are summed.
    const ok = await apply(tenant, { family: 'STATS', diff: sumContributions(diffs), markers, ...(firstCall ? { firstCall } : {}) });
    return ok ? (Object.keys(own).length > 0 ? 'counted' : 'unchanged') : null;
  });
}

/** Counts a ticket (on `Ticket Created` / `Ticket Updated`), by the call it was created from. */
export function countTicket(tenant: string, ticketId: string, settings: StatsSettings): Promise<StatsResult> {
  return withRetries(`ticket ${ticketId} statistics`, async () => {
    const record = await getTicketRecord(tenant, ticketId);
    if (!record) return 'missing';
    const marker = await getStatsMarker(statsMarkerKey(keys.ticket(tenant, ticketId)));
    if (marker.version >= record.version) return 'stale';
    const callId = creatingCallId(record.ticket);
    const call: Call | null = callId ? await getCall(tenant, callId) : null;
    const next = ticketContribution(record.ticket, call, settings.timeZone);
    const diff = diffContributions(marker.contribution, next);
    const ok = await apply(tenant, { family: 'TSTATS', diff, markers: [{ marker, version: record.version, contribution: next }] });
    return ok ? (Object.keys(diff).length > 0 ? 'counted' : 'unchanged') : null;
  });
}
