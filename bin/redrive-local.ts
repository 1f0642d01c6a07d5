// Redrive against the running `npm start`: the local bus and the local Scheduler keep what they gave
// up on in dead-letter lists (their stand-ins for the rule targets' and the Scheduler's DLQs) and
// deliver it again, with fresh retries, through their admin routes.
import type { DeadLetter } from '../local/eventbridge/types.ts';
import type { SchedulerDeadLetter } from '../local/scheduler/types.ts';
import type { RedriveOptions, RedriveReport } from './redrive-aws.ts';

export interface LocalEndpoints {
  eventsUrl: string;
  /** Absent in a local.json written before the Scheduler's replay route existed. */
  schedulerUrl?: string;
}

async function call<T>(method: 'GET' | 'POST', url: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { method });
  } catch {
    throw new Error(`nothing answers at ${new URL(url).origin}: is npm start still running?`);
  }
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** One line per rule/target (bus) or target (Scheduler) with dead letters; redriven unless a dry run. */
export async function redriveLocal(endpoints: LocalEndpoints, opts: Pick<RedriveOptions, 'dryRun'>): Promise<RedriveReport[]> {
  const reports: RedriveReport[] = [];
  const busLetters = await call<DeadLetter[]>('GET', `${endpoints.eventsUrl}/_local/dead-letters`);
  const byTarget = new Map<string, number>();
  for (const d of busLetters) byTarget.set(`${d.ruleName}/${d.targetId}`, (byTarget.get(`${d.ruleName}/${d.targetId}`) ?? 0) + 1);
  for (const [to, waiting] of byTarget) reports.push({ queue: 'bus', kind: 'local-bus', to, waiting, redriven: 0, failed: 0 });

  const schedulerLetters = endpoints.schedulerUrl ? await call<SchedulerDeadLetter[]>('GET', `${endpoints.schedulerUrl}/_local/dead-letters`) : [];
  const byArn = new Map<string, number>();
  for (const d of schedulerLetters) byArn.set(d.targetArn, (byArn.get(d.targetArn) ?? 0) + 1);
  for (const [to, waiting] of byArn) reports.push({ queue: 'scheduler', kind: 'local-scheduler', to, waiting, redriven: 0, failed: 0 });
  if (opts.dryRun) return reports;

  // The replay routes redrive whole lists; a letter whose rule or target is gone is kept listed at once.
  if (busLetters.length > 0) {
    await call('POST', `${endpoints.eventsUrl}/_local/dead-letters/replay`);
    const kept = await call<DeadLetter[]>('GET', `${endpoints.eventsUrl}/_local/dead-letters`);
    settle(reports, 'local-bus', kept.map((d) => `${d.ruleName}/${d.targetId}`));
  }
  if (schedulerLetters.length > 0 && endpoints.schedulerUrl) {
    await call('POST', `${endpoints.schedulerUrl}/_local/dead-letters/replay`);
    const kept = await call<SchedulerDeadLetter[]>('GET', `${endpoints.schedulerUrl}/_local/dead-letters`);
    settle(reports, 'local-scheduler', kept.map((d) => d.targetArn));
  }
  return reports;
}

/** What is still listed right after the replay was not handed back. */
function settle(reports: RedriveReport[], kind: RedriveReport['kind'], kept: string[]): void {
  for (const r of reports.filter((x) => x.kind === kind)) {
    r.failed = Math.min(r.waiting, kept.filter((k) => k === r.to).length);
    r.redriven = r.waiting - r.failed;
  }
}
