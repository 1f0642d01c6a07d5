// Ingest core: merge a delivery's canonical events into their calls and publish what changed.
// The call is rebuilt from the set of its events, so duplicates and any arrival order converge (I3).
import type { Call, CanonicalEvent } from '../domain/call.ts';
import { callIdFor } from '../domain/call-id.ts';
import { buildEmployeeMatcher } from '../domain/employee-match.ts';
import { callTransitions, reduceCall } from '../domain/reduce-call.ts';
import { clearCallOutbox, loadCallRecord, saveCallRecord } from '../adapters/calls-repo.ts';
import { listEmployees } from '../adapters/employees-repo.ts';
import { outboxEntry, publish, type OutboxEntry } from '../adapters/publisher.ts';
import { retry, tryAgain, writeRace } from '../adapters/retry.ts';
import { callEvents } from '../events/catalog.ts';

/** Another delivery of the same call saved first: re-read it and merge again. */

export interface RecordResult {
  callId: string;
  changed: boolean;
  published: number;
}

export async function recordCallEvents(tenant: string, country: string, events: CanonicalEvent[]): Promise<RecordResult[]> {
  const byCall = new Map<string, CanonicalEvent[]>();
  for (const e of events) {
    const id = callIdFor(e.provider, e.providerCallId);
    byCall.set(id, [...(byCall.get(id) ?? []), e]);
  }
  const results: RecordResult[] = [];
  for (const [callId, callEvs] of byCall) results.push(await recordForCall(tenant, country, callId, callEvs));
  return results;
}

/**
 * Replaces a call's whole event set with `events` (a rebuild from its raw deliveries), publishing
 * whatever that changes, as any delivery would.
 */
export async function replaceCallEvents(tenant: string, country: string, callId: string, events: CanonicalEvent[]): Promise<RecordResult> {
  return recordForCall(tenant, country, callId, events, 'replace');
}

async function recordForCall(tenant: string, country: string, callId: string, incoming: CanonicalEvent[], mode: 'merge' | 'replace' = 'merge'): Promise<RecordResult> {
  return retry({ ...writeRace, giveUp: () => new Error(`call ${callId}: too much contention after ${writeRace.attempts} attempts`) }, async () => {
    const rec = await loadCallRecord(tenant, callId);
    const known = new Set(mode === 'merge' ? rec.events.map((e) => e.key) : []);
    const fresh = dedupe(incoming.filter((e) => !known.has(e.key)));
    if (fresh.length === 0) {
      // A redelivery changes nothing, but finishes a publish that an earlier attempt could not.
      const published = await flush(tenant, callId, rec.version, rec.outbox);
      return { callId, changed: false, published };
    }
    const matchEmployee = buildEmployeeMatcher(await listEmployees(tenant), country);
    const all = mode === 'merge' ? [...rec.events, ...fresh] : fresh;
    const call = reduceCall(all, { tenantId: tenant, country, matchEmployee }, callId);
    const outbox = [...rec.outbox, ...entriesFor(tenant, rec.call, call, rec.version + 1)];
    if (!(await saveCallRecord(tenant, call, all, outbox, rec.version))) return tryAgain;
    const published = await flush(tenant, callId, rec.version + 1, outbox);
    return { callId, changed: outbox.length > rec.outbox.length, published };
  });
}

function dedupe(events: CanonicalEvent[]): CanonicalEvent[] {
  const seen = new Map<string, CanonicalEvent>();
  for (const e of events) if (!seen.has(e.key)) seen.set(e.key, e);
  return [...seen.values()];
}

function entriesFor(tenant: string, before: Call | null, after: Call, revision: number): OutboxEntry[] {
  const t = callTransitions(before, after);
  const base = { schemaVersion: 1 as const, tenantId: tenant, revision, call: after };
  const out: OutboxEntry[] = [];
  if (t.ringing.length > 0) out.push(outboxEntry(callEvents.ringing, { ...base, newlyOffered: t.ringing }));
  if (t.answered) out.push(outboxEntry(callEvents.answered, base));
  if (t.ended) out.push(outboxEntry(callEvents.ended, base));
  return out;
}

async function flush(tenant: string, callId: string, version: number, outbox: OutboxEntry[]): Promise<number> {
  if (outbox.length === 0) return 0;
  await publish(outbox);
  await clearCallOutbox(tenant, callId, version);
  return outbox.length;
}
