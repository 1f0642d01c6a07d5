// Many calls straight into the table (for exports and benchmarks of a long log), written by the
// repository function the ingest path uses (`saveCallRecord`), so the items, keys and indexes are
// exactly those of real calls. Webhooks would take minutes for 20,000 calls; the calls here are
// plausible ended calls, a few with text that CSV must quote or neutralize.
import type { Call } from '#shared/domain/call.ts';

export interface SeedCallsOptions {
  /** Where the repository writes (the local runtime's table and DynamoDB Local). */
  tableName: string;
  dynamodbUrl: string;
  region: string;
  tenant: string;
  count: number;
  /** startedAt of the newest call; the others go back one `spacingMs` each. */
  newest: Date;
  spacingMs?: number;
  /** Parallel writes (DynamoDB Local on 2 cores is saturated around 16–32). */
  concurrency?: number;
  /** Id prefix, so runs never collide. */
  prefix?: string;
  /** Every this many calls, a caller id that CSV must quote or neutralize (default 1,000; 0: none). */
  trickyEvery?: number;
}

const OUTCOMES = ['answered', 'missed', 'answered', 'not_answered', 'ivr_only'] as const;
/**
 * Caller ids a PBX may send that are no phone number (kept raw in `from`, I4): text a spreadsheet
 * must not run, and text RFC 4180 must quote. Call `i` (a multiple of trickyEvery) gets the
 * `(i / trickyEvery) % 5`th.
 */
export const TRICKY_CALLER_IDS = ['=HYPERLINK("http://evil.example","x")', 'Sales, "VIP" line', 'Support\r\nline 2', '@SUM(A1:A9)', 'Очередь ☎'];

export function seededCall(tenant: string, i: number, startedAt: Date, prefix: string, trickyEvery = 1000): Call {
  const outcome = OUTCOMES[i % OUTCOMES.length]!;
  const tricky = trickyEvery > 0 && i % trickyEvery === 0 ? TRICKY_CALLER_IDS[(i / trickyEvery) % TRICKY_CALLER_IDS.length]! : null;
  const inbound = outcome !== 'not_answered' || tricky !== null;
  const customer = tricky ?? `+7916${String(1_000_000 + i).padStart(7, '0')}`;
  const line = '+74951234567';
  const answered = outcome === 'answered';
  const started = startedAt.toISOString();
  const answeredAt = answered ? new Date(startedAt.getTime() + 7_000).toISOString() : null;
  const endedAt = new Date(startedAt.getTime() + (answered ? 67_000 : 20_000)).toISOString();
  const employee = i % 2 === 0 ? 'emp-101' : 'emp-102';
  return {
    id: `${prefix}${String(i).padStart(7, '0')}`,
    tenantId: tenant,
    provider: 'ringdesk',
    providerCallId: `${prefix}${i}`,
    direction: inbound ? 'inbound' : 'outbound',
    status: 'ended',
    outcome,
    from: inbound ? customer : line,
    to: inbound ? line : customer,
    customerNumber: tricky ? null : customer,
    presentation: 'allowed',
    queue: null,
    startedAt: started,
    answeredAt,
    endedAt,
    waitSeconds: answered ? 7 : 0,
    talkSeconds: answered ? 60 : 0,
    legs:
      outcome === 'ivr_only'
        ? []
        : [{ id: `${prefix}${i}-leg`, employeeId: employee, agent: { extension: employee.slice(4) }, state: 'ended', offeredAt: started, answeredAt, endedAt, talkSeconds: answered ? 60 : 0 }],
    offeredTo: outcome === 'ivr_only' ? [] : [employee],
    answeredBy: answered ? employee : null,
    endReason: answered ? 'hangup' : 'no_answer',
    rawReason: null,
    recordingUrl: answered ? `https://rec.example/${prefix}${i}.mp3` : null,
  };
}

/** Writes `count` calls; resolves with how long it took. */
export async function seedCalls(opts: SeedCallsOptions): Promise<{ ms: number; first: string; last: string }> {
  // The repositories read their table and endpoint once at import, as in a function.
  process.env['TABLE_NAME'] = opts.tableName;
  process.env['AWS_ENDPOINT_URL_DYNAMODB'] = opts.dynamodbUrl;
  process.env['AWS_REGION'] ??= opts.region;
  process.env['AWS_ACCESS_KEY_ID'] ??= 'local';
  process.env['AWS_SECRET_ACCESS_KEY'] ??= 'local';
  const { saveCallRecord } = await import('#shared/adapters/calls-repo.ts');
  const spacing = opts.spacingMs ?? 60_000;
  const prefix = opts.prefix ?? `seed-${Date.now().toString(36)}-`;
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < opts.count; i = next++) {
      const call = seededCall(opts.tenant, i, new Date(opts.newest.getTime() - i * spacing), prefix, opts.trickyEvery);
      if (!(await saveCallRecord(opts.tenant, call, [], [], 0))) throw new Error(`call ${call.id} exists already`);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 24 }, worker));
  return { ms: Date.now() - started, first: new Date(opts.newest.getTime() - (opts.count - 1) * spacing).toISOString(), last: opts.newest.toISOString() };
}
