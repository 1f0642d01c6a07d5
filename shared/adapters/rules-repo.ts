// Trigger rules (R2) and the bookkeeping that makes their actions run at most once per (rule, event)
// (R5): rule items, the rules version, action markers, last-seen ticket statuses and digest windows.
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { claimDecision, type ActionMarker, type Rule } from '../domain/rules.ts';
import { conditionally, ddb, queryItems, tableName } from './dynamo.ts';
import { retry, tryAgain, writeRace } from './retry.ts';
import { versionedCache } from './versioned-cache.ts';

export const ruleKeys = {
  rules: (t: string) => `T#${t}#RULES`,
  rule: (t: string, id: string) => ({ PK: `T#${t}#RULES`, SK: `RULE#${id}` }),
  version: (t: string) => ({ PK: `T#${t}#RULES`, SK: 'VERSION' }),
  marker: (t: string, ruleId: string, eventKey: string, index: number) => ({ PK: `T#${t}#RULEFIRE#${ruleId}#${eventKey}`, SK: `A#${index}` }),
  ticketStatus: (t: string, ticketId: string) => ({ PK: `T#${t}#TICKET#${ticketId}`, SK: 'LASTSTATUS' }),
  digest: (t: string, ruleId: string, actionIndex: number, employeeId: string) => ({ PK: `T#${t}#DIGEST#${ruleId}#${actionIndex}#${employeeId}`, SK: 'DIGEST' }),
};

/** Markers and digest items expire after 30 days (the longest an event is redelivered is far shorter). */
const ttl = (now: number, days = 30) => Math.floor(now / 1000) + days * 86_400;

// ---------------------------------------------------------------------------------------------
// Rules: one Query loads them all; cached per container while the version item is unchanged.

const rulesCache = versionedCache(ruleKeys.version, async (tenant) => {
  const rules: Rule[] = [];
  for await (const item of queryItems({ KeyConditionExpression: 'PK = :pk AND begins_with(SK, :r)', ExpressionAttributeValues: { ':pk': ruleKeys.rules(tenant), ':r': 'RULE#' } })) {
    rules.push(item['rule'] as Rule);
  }
  return rules;
});

export function listRules(tenant: string, opts: { fresh?: boolean } = {}, now = Date.now()): Promise<Rule[]> {
  return rulesCache.get(tenant, { ...opts, now });
}

const bumpVersion = (tenant: string) => rulesCache.bump(tenant);

export async function getRule(tenant: string, id: string): Promise<Rule | null> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: ruleKeys.rule(tenant, id) }));
  return (out.Item?.['rule'] as Rule | undefined) ?? null;
}

/** Creates (`mustExist` false) or replaces (`mustExist` true) a rule; false when that condition failed. */
export async function putRule(tenant: string, rule: Rule, mustExist: boolean): Promise<boolean> {
  const ok = await conditionally(
    ddb.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...ruleKeys.rule(tenant, rule.id), rule },
        ConditionExpression: mustExist ? 'attribute_exists(PK)' : 'attribute_not_exists(PK)',
      }),
    ),
  );
  if (ok) await bumpVersion(tenant);
  return ok;
}

export async function deleteRule(tenant: string, id: string): Promise<boolean> {
  const ok = await conditionally(ddb.send(new DeleteCommand({ TableName: tableName, Key: ruleKeys.rule(tenant, id), ConditionExpression: 'attribute_exists(PK)' })));
  if (ok) await bumpVersion(tenant);
  return ok;
}

// ---------------------------------------------------------------------------------------------
// Action markers (R5)

export type ClaimMode = 'at-most-once' | 'retry-pending';
export type Claim = 'run' | 'done' | 'busy';

/** Claims that keep losing give up sooner: the delivery that keeps winning runs the action. */
const claimRace = { ...writeRace, attempts: 5 };

/**
 * Claims action `index` of a rule for an event before its side effect.
 * - `at-most-once`: the first claim wins; any later delivery finds the marker and skips ('done').
 * - `retry-pending`: the marker is `pending` until `completeAction`; a redelivery of the same invocation
 *   (same `owner`, Lambda's retry after a crash) or any delivery after the lease ran out runs again;
 *   another delivery while a live owner holds it is 'busy' (it skips: the owner's retry finishes the job).
 */
export async function claimAction(tenant: string, ruleId: string, eventKey: string, index: number, owner: string, mode: ClaimMode, leaseMs = 60_000, now = Date.now()): Promise<Claim> {
  const Key = ruleKeys.marker(tenant, ruleId, eventKey, index);
  const lease = now + leaseMs;
  return retry(claimRace, async (n): Promise<Claim | typeof tryAgain> => {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
    const marker = (out.Item as ActionMarker | undefined) ?? null;
    const decision = claimDecision(marker, owner, mode, now);
    if (decision === 'done' || decision === 'busy') return decision;
    const won = marker ? await takeMarker(Key, marker, owner, lease) : await createMarker(Key, owner, lease, now);
    if (won) return 'run';
    // Lost every race: another delivery holds the marker now, and its run finishes the job.
    return n + 1 < claimRace.attempts ? tryAgain : 'busy';
  });
}

function createMarker(Key: Record<string, string>, owner: string, lease: number, now: number): Promise<boolean> {
  return conditionally(
    ddb.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...Key, state: 'pending', owner, leaseUntil: lease, attempts: 1, expiresAt: ttl(now) },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    ),
  );
}

function takeMarker(Key: Record<string, string>, marker: ActionMarker, owner: string, lease: number): Promise<boolean> {
  return conditionally(
    ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key,
        UpdateExpression: 'SET #owner = :owner, leaseUntil = :lease ADD attempts :one',
        // Unchanged since read: two takers never both win.
        ConditionExpression: '#state = :pending AND #owner = :prevOwner AND leaseUntil = :prevLease',
        ExpressionAttributeNames: { '#owner': 'owner', '#state': 'state' },
        ExpressionAttributeValues: { ':owner': owner, ':lease': lease, ':one': 1, ':pending': 'pending', ':prevOwner': marker.owner, ':prevLease': marker.leaseUntil ?? 0 },
      }),
    ),
  );
}

export async function completeAction(tenant: string, ruleId: string, eventKey: string, index: number, result: Record<string, unknown> = {}): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: tableName,
      Key: ruleKeys.marker(tenant, ruleId, eventKey, index),
      UpdateExpression: 'SET #state = :done, #result = :result REMOVE leaseUntil',
      ExpressionAttributeNames: { '#state': 'state', '#result': 'result' },
      ExpressionAttributeValues: { ':done': 'done', ':result': result },
    }),
  );
}

/**
 * Remembers on the action's marker the id of what the action creates (the first value wins) and
 * returns the id to use: a retry of the action finds and finishes the same thing instead of a second one.
 */
export async function reserveActionId(tenant: string, ruleId: string, eventKey: string, index: number, candidate: string): Promise<string> {
  const out = await ddb.send(
    new UpdateCommand({
      TableName: tableName,
      Key: ruleKeys.marker(tenant, ruleId, eventKey, index),
      UpdateExpression: 'SET createdId = if_not_exists(createdId, :id)',
      ExpressionAttributeValues: { ':id': candidate },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return out.Attributes?.['createdId'] as string;
}

// ---------------------------------------------------------------------------------------------
// Last-seen ticket status: `ticket_status_changed` without changing the ticket event.

/**
 * The status a ticket had before this event. Stores the new status with the event key, so a
 * redelivery of the same event gets the same answer; an older update (out of order) does not
 * overwrite a newer one and reports no change.
 */
export async function previousTicketStatus(tenant: string, ticketId: string, status: string, updatedAt: string, eventKey: string): Promise<string | null | 'stale'> {
  const Key = ruleKeys.ticketStatus(tenant, ticketId);
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
  const item = out.Item;
  if (item && item['eventKey'] === eventKey) return (item['previousStatus'] as string | null) ?? null;
  if (item && (item['updatedAt'] as string) > updatedAt) return 'stale';
  const previous = (item?.['status'] as string | undefined) ?? null;
  const ok = await conditionally(
    ddb.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...Key, status, updatedAt, eventKey, previousStatus: previous },
        ConditionExpression: 'attribute_not_exists(PK) OR updatedAt <= :u',
        ExpressionAttributeValues: { ':u': updatedAt },
      }),
    ),
  );
  return ok ? previous : 'stale';
}

// ---------------------------------------------------------------------------------------------
// Digest windows (notify with digestMinutes): per (rule, action, employee) at most one open window
// (`SK = OPEN`) and its lines (`SK = LINE#{windowId}#{eventKey}`: one per event, so a redelivered
// event adds nothing). A line is written only while its window is open (transaction with a condition
// check), so once the flush has closed a window, its lines are final.

export interface DigestWindow {
  windowId: string;
  /** When the window's flush is due (epoch ms). */
  flushAt: number;
  /** Its flush schedule was created. */
  scheduled: boolean;
}

export interface DigestLine {
  eventKey: string;
  text: string;
  at: string;
  callId: string | null;
  ticketId: string | null;
}

const digestPk = (t: string, ruleId: string, index: number, employeeId: string) => ruleKeys.digest(t, ruleId, index, employeeId).PK;
const lineKey = (t: string, ruleId: string, index: number, employeeId: string, windowId: string, eventKey: string) => ({
  PK: digestPk(t, ruleId, index, employeeId),
  SK: `LINE#${windowId}#${eventKey}`,
});

/**
 * Adds the line of one event to the open window, opening one (`newWindowId`, flush due `flushAt`)
 * when there is none. Returns the window the line went to.
 */
export async function addDigestLine(
  tenant: string,
  ruleId: string,
  index: number,
  employeeId: string,
  line: DigestLine,
  open: { newWindowId: () => string; flushAt: number },
  now = Date.now(),
): Promise<DigestWindow> {
  const Key = ruleKeys.digest(tenant, ruleId, index, employeeId);
  const giveUp = () => new Error('digest window kept changing concurrently');
  return retry({ ...writeRace, attempts: 10, giveUp }, async (): Promise<DigestWindow | typeof tryAgain> => {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
    let window = out.Item ? { windowId: out.Item['windowId'] as string, flushAt: out.Item['flushAt'] as number, scheduled: out.Item['scheduled'] === true } : null;
    if (!window) {
      const candidate = { windowId: open.newWindowId(), flushAt: open.flushAt, scheduled: false };
      const created = await conditionally(
        ddb.send(new PutCommand({ TableName: tableName, Item: { ...Key, ...candidate, openedAt: now, expiresAt: ttl(now, 7) }, ConditionExpression: 'attribute_not_exists(PK)' })),
      );
      if (!created) return tryAgain; // a concurrent event opened it: use theirs
      window = candidate;
    }
    const added = await conditionally(
      ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            { ConditionCheck: { TableName: tableName, Key, ConditionExpression: 'windowId = :w', ExpressionAttributeValues: { ':w': window.windowId } } },
            { Put: { TableName: tableName, Item: { ...lineKey(tenant, ruleId, index, employeeId, window.windowId, line.eventKey), ...line, expiresAt: ttl(now, 7) } } },
          ],
        }),
      ),
    );
    // Not added: the window was flushed in between, and the line goes to the next one.
    return added ? window : tryAgain;
  });
}

export async function markDigestScheduled(tenant: string, ruleId: string, index: number, employeeId: string, windowId: string): Promise<void> {
  await conditionally(
    ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: ruleKeys.digest(tenant, ruleId, index, employeeId),
        UpdateExpression: 'SET scheduled = :t',
        ConditionExpression: 'windowId = :w',
        ExpressionAttributeValues: { ':t': true, ':w': windowId },
      }),
    ),
  );
}

/** Closes the window (no line is added to it afterwards); false when it was closed already. */
export async function closeDigestWindow(tenant: string, ruleId: string, index: number, employeeId: string, windowId: string): Promise<boolean> {
  return conditionally(
    ddb.send(
      new DeleteCommand({ TableName: tableName, Key: ruleKeys.digest(tenant, ruleId, index, employeeId), ConditionExpression: 'windowId = :w', ExpressionAttributeValues: { ':w': windowId } }),
    ),
  );
}

/** The lines of a window, in event order. */
export async function digestLines(tenant: string, ruleId: string, index: number, employeeId: string, windowId: string): Promise<DigestLine[]> {
  const lines: DigestLine[] = [];
  for await (const i of queryItems({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :w)',
    ExpressionAttributeValues: { ':pk': digestPk(tenant, ruleId, index, employeeId), ':w': `LINE#${windowId}#` },
    ConsistentRead: true,
  })) {
    lines.push({ eventKey: i['eventKey'] as string, text: i['text'] as string, at: i['at'] as string, callId: (i['callId'] as string | null) ?? null, ticketId: (i['ticketId'] as string | null) ?? null });
  }
  return lines.sort((a, b) => a.at.localeCompare(b.at) || a.eventKey.localeCompare(b.eventKey));
}

export async function deleteDigestLines(tenant: string, ruleId: string, index: number, employeeId: string, windowId: string, lines: DigestLine[]): Promise<void> {
  for (const l of lines) await ddb.send(new DeleteCommand({ TableName: tableName, Key: lineKey(tenant, ruleId, index, employeeId, windowId, l.eventKey) }));
}
