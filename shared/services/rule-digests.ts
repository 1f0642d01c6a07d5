// Digest mode of the notify action (R2: "a digest mode for managers: at most one message per N minutes
// listing the missed calls"). The first event for an employee opens an N-minute window and schedules
// its flush (one-time Scheduler schedule → fire-task); events inside the window add a line; the flush
// closes the window and sends one `rule_digest` listing every line. No clock is read to decide: the
// window ends when its schedule fires, so a quiet end of a window is still reported.
import { ulid } from 'ulid';
import { notifyEmployees } from '../adapters/agent-notifier.ts';
import { logger } from '../adapters/logger.ts';
import { addDigestLine, closeDigestWindow, deleteDigestLines, digestLines, markDigestScheduled, type DigestLine } from '../adapters/rules-repo.ts';
import { createOneOffSchedule } from '../adapters/schedules.ts';
import type { RuleEvent } from '../domain/rules.ts';
import { digestScheduleNameOf, type ScheduledJob } from '../domain/task.ts';

const MAX_ITEMS = 200;
/** Each line's text is in the message twice (`items`, `text`), plus ids and times. */
const MAX_TEXT_BYTES = 40_000;

export type DigestFlushJob = Extract<ScheduledJob, { kind: 'digest' }>;

export interface DigestTarget {
  tenant: string;
  ruleId: string;
  ruleName: string;
  event: RuleEvent;
  actionIndex: number;
  employeeId: string;
  windowMinutes: number;
}

/** Adds an event's line to the employee's open window (idempotent per event key); nothing is sent now. */
export async function addToDigest(target: DigestTarget, line: DigestLine, now = Date.now()): Promise<{ windowId: string }> {
  const { tenant, ruleId, actionIndex, employeeId } = target;
  const window = await addDigestLine(tenant, ruleId, actionIndex, employeeId, line, { newWindowId: ulid, flushAt: now + target.windowMinutes * 60_000 }, now);
  // Also when a retry finds the window opened but not yet scheduled (a crash in between).
  if (!window.scheduled) {
    const job: DigestFlushJob = { tenant, kind: 'digest', ruleId, ruleName: target.ruleName, event: target.event, actionIndex, employeeId, windowId: window.windowId };
    await createOneOffSchedule(digestScheduleNameOf(tenant, window.windowId), new Date(window.flushAt), job, `digest of rule ${ruleId} for ${employeeId}`);
    await markDigestScheduled(tenant, ruleId, actionIndex, employeeId, window.windowId);
  }
  return { windowId: window.windowId };
}

/**
 * The window's schedule fired: close it, send its lines as one `rule_digest`, then drop them. A retry
 * (a failed push throws: Scheduler retries) finds the window closed and its lines still there, and
 * sends them; a redelivery after success finds no lines and sends nothing.
 */
export async function flushDigest(job: DigestFlushJob): Promise<{ lines: number; sent: number }> {
  const { tenant, ruleId, actionIndex, employeeId, windowId } = job;
  await closeDigestWindow(tenant, ruleId, actionIndex, employeeId, windowId);
  const lines = await digestLines(tenant, ruleId, actionIndex, employeeId, windowId);
  if (lines.length === 0) return { lines: 0, sent: 0 };
  // A WebSocket message is at most 128 KB: a busy window lists its first lines and counts the rest.
  const shown: DigestLine[] = [];
  let bytes = 0;
  for (const l of lines) {
    bytes += Buffer.byteLength(l.text);
    if (shown.length === MAX_ITEMS || bytes > MAX_TEXT_BYTES) break;
    shown.push(l);
  }
  const sent = await notifyEmployees(tenant, [employeeId], {
    type: 'rule_digest',
    ruleId,
    ruleName: job.ruleName,
    event: job.event,
    items: shown.map((l) => ({ text: l.text, at: l.at, callId: l.callId, ticketId: l.ticketId })),
    more: lines.length - shown.length,
    text: shown.map((l) => l.text).join('\n'),
  });
  // An employee offline at the end of the window misses this digest, as any live notification.
  if (sent === 0) logger.info('digest not delivered: employee offline', { ruleId, employeeId, lines: lines.length });
  await deleteDigestLines(tenant, ruleId, actionIndex, employeeId, windowId, lines);
  return { lines: lines.length, sent };
}
