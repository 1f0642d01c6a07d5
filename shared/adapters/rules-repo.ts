// Trigger rules (R2) and the bookkeeping that makes their actions run at most once per (rule, event)
// (R5): rule items, the rules version, action markers, last-seen ticket statuses and digest windows.
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { claimDecision, type ActionMarker, type Rule } from '../domain/rules.ts';
import { conditionally, ddb, queryItems, tableName } from './dynamo.ts';

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

const CACHE_MS = 30_000;
let cached: { tenant: string; at: number; version: number; rules: Rule[] } | null = null;

async function rulesVersion(tenant: string): Promise<number> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: ruleKeys.version(tenant) }));
  return (out.Item?.['v'] as number | undefined) ?? 0;
}

async function bumpVersion(tenant: string): Promise<void> {
  cached = null;
  await ddb.send(new UpdateCommand({ TableName: tableName, Key: ruleKeys.version(tenant), UpdateExpression: 'ADD v :one', ExpressionAttributeValues: { ':one': 1 } }));
}

export async function listRules(tenant: string, opts: { fresh?: boolean } = {}, now = Date.now()): Promise<Rule[]> {
  const version = opts.fresh ? -1 : await rulesVersion(tenant);
  if (!opts.fresh && cached && cached.tenant === tenant && cached.version === version && now - cached.at < CACHE_MS) return cached.rules;
  const rules: Rule[] = [];
  for await (const item of queryItems({ KeyConditionExpression: 'PK = :pk AND begins_with(SK, :r)', ExpressionAttributeValues: { ':pk': ruleKeys.rules(tenant), ':r': 'RULE#' } })) {
    rules.push(item['rule'] as Rule);
  }
  if (!opts.fresh) cached = { tenant, at: now, version, rules };
  return rules;
}

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

/**
 * Claims action `index` of a rule for an event before its side effect.
 * - `at-most-once`: the first claim wins; any later delivery finds the marker and skips ('done').
 * - `retry-pending`: the marker is `pending` until `completeAction`; a redelivery of the same invocation
 *   (same `owner`, Lambda's retry after a crash) or any delivery after the lease ran out runs again;
 *   another delivery while a live owner holds it is 'busy' (it skips: the owner's retry finishes the job).
 */
export async function claimAction(tenant: string, ruleId: string, eventKey: string, index: number, owner: string, mode: ClaimMode, leaseMs = 60_000, now = Date.now()): Promise<Claim> {
  const Key = ruleKeys.marker(tenant, ruleId, eventKey, index);
  for (let attempt = 0; attempt < 5; attempt++) {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
    const marker = (out.Item as ActionMarker | undefined) ?? null;
    const decision = claimDecision(marker, owner, mode, now);
    if (decision === 'done' || decision === 'busy') return decision;
    const won =
      decision === 'create'
        ? await conditionally(
            ddb.send(
              new PutCommand({
                TableName: tableName,
                Item: { ...Key, state: 'pending', owner, leaseUntil: now + leaseMs, attempts: 1, expiresAt: ttl(now) },
                ConditionExpression: 'attribute_not_exists(PK)',
              }),
            ),
          )
        : await conditionally(
            ddb.send(
              new UpdateCommand({
                TableName: tableName,
                Key,
                UpdateExpression: 'SET #owner = :owner, leaseUntil = :lease ADD attempts :one',
                // Unchanged since read: two takers never both win.
                ConditionExpression: '#state = :pending AND #owner = :prevOwner AND leaseUntil = :prevLease',
                ExpressionAttributeNames: { '#owner': 'owner', '#state': 'state' },
                ExpressionAttributeValues: { ':owner': owner, ':lease': now + leaseMs, ':one': 1, ':pending': 'pending', ':prevOwner': marker!.owner, ':prevLease': marker!.leaseUntil ?? 0 },
              }),
            ),
          );
    if (won) return 'run';
  }
  return 'busy';
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

export async function getMarker(tenant: string, ruleId: string, eventKey: string, index: number): Promise<Record<string, unknown> | null> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: ruleKeys.marker(tenant, ruleId, eventKey, index), ConsistentRead: true }));
  return out.Item ?? null;
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
// Digest windows

export interface DigestItem {
  windowStart: number;
  pending: string[];
  rev: number;
}

export async function getDigest(tenant: string, ruleId: string, index: number, employeeId: string): Promise<DigestItem | null> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: ruleKeys.digest(tenant, ruleId, index, employeeId), ConsistentRead: true }));
  return out.Item ? { windowStart: out.Item['windowStart'] as number, pending: (out.Item['pending'] as string[]) ?? [], rev: out.Item['rev'] as number } : null;
}

/** Optimistic write of a digest item (`expectedRev` 0 = it must not exist yet). */
export async function putDigest(tenant: string, ruleId: string, index: number, employeeId: string, d: DigestItem, expectedRev: number, now = Date.now()): Promise<boolean> {
  return conditionally(
    ddb.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...ruleKeys.digest(tenant, ruleId, index, employeeId), ...d, expiresAt: ttl(now, 7) },
        ...(expectedRev === 0 ? { ConditionExpression: 'attribute_not_exists(PK)' } : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } }),
      }),
    ),
  );
}
