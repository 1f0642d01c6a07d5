// What one ticket adds to the helpdesk statistics (L5). Pure. Cohort semantics: a ticket counts in the
// buckets of its creation time, and its counters follow its current state (a ticket closed later
// moves into `closedWithRecording` of the bucket it was created in). See docs/analytics.md.
import type { Call } from './call.ts';
import type { Ticket } from './ticket.ts';
import { bucketKey, dayBucket, hourBucket, type Contribution, type Counters } from './call-stats.ts';

/** The call a ticket was created from: the call of its first message. */
export function creatingCallId(ticket: Ticket): string | null {
  return ticket.messages.find((m) => m.callId !== null)?.callId ?? ticket.callIds[0] ?? null;
}

/**
 * - `incomingTickets`: tickets created from an inbound call;
 * - `withFirstResponse`: of those, the call was answered (the customer got a first response on the call);
 * - `closedWithRecording`: the ticket is closed and one of its call messages has a recording;
 * - per employee, `bestInTeam`: closed tickets holding a call message with a recording whose author
 *   (the employee of the answered leg) is that employee; `withFirstResponse` per employee goes to the
 *   employee who answered the creating call.
 * `creatingCall` is the call as stored now (null when it cannot be read: the ticket then counts only
 * for `closedWithRecording` / `bestInTeam`).
 */
export function ticketContribution(ticket: Ticket, creatingCall: Call | null, timeZone: string): Contribution {
  const inbound = creatingCall?.direction === 'inbound';
  const firstResponse = inbound && creatingCall?.outcome === 'answered';
  const recorded = ticket.messages.filter((m) => m.kind === 'call' && m.recordingUrl);
  const closed = ticket.status === 'closed';
  const all = clean({
    incomingTickets: inbound ? 1 : 0,
    withFirstResponse: firstResponse ? 1 : 0,
    closedWithRecording: closed && recorded.length > 0 ? 1 : 0,
  });
  const employees: Record<string, Counters> = {};
  const responder = firstResponse ? creatingCall?.answeredBy : null;
  if (responder) employees[responder] = { withFirstResponse: 1 };
  if (closed) {
    for (const id of new Set(recorded.map((m) => m.authorId).filter((a): a is string => !!a))) employees[id] = { ...employees[id], bestInTeam: 1 };
  }
  const out: Contribution = {};
  for (const [g, bucket] of [['H', hourBucket(ticket.createdAt)], ['D', dayBucket(ticket.createdAt, timeZone)]] as const) {
    if (Object.keys(all).length > 0) out[bucketKey(g, 'all', bucket)] = all;
    for (const [id, c] of Object.entries(employees)) out[bucketKey(g, 'emp', `${bucket}#${id}`)] = c;
  }
  return out;
}

function clean(c: Counters): Counters {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== 0));
}
