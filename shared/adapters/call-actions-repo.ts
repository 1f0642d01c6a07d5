// What agents did in the helpdesk about a call (T1–T3) and click-to-call intents (T7).
// Actions live in the call's partition (`ACTION#{employeeId}#{kind}`), one Query per call.
// Dial intents are found by the provider's call id when the PBX returned one, else by employee + number;
// they expire after DIAL_WINDOW_SECONDS (TTL) and are claimed by the first call they match.
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DIAL_WINDOW_SECONDS, type AgentAction, type DialIntent } from '../domain/call-ticket-rules.ts';
import { conditionally, ddb, keys, tableName } from './dynamo.ts';
import type { TransactItems } from './tickets-repo.ts';

const callPk = (t: string, callId: string) => keys.call(t, callId).PK;
const dialByNumber = (t: string, employeeId: string, number: string) => ({ PK: `T#${t}#DIAL#${employeeId}#${number}`, SK: 'DIAL' });
const dialByCall = (t: string, provider: string, providerCallId: string) => ({ PK: `T#${t}#DIALCALL#${provider}#${providerCallId}`, SK: 'DIAL' });

export function actionItem(tenant: string, a: AgentAction): Record<string, unknown> {
  return { PK: callPk(tenant, a.callId), SK: `ACTION#${a.employeeId}#${a.kind}`, action: a };
}

/** The Put of an action, to go into a transaction with the ticket it refers to. */
export function actionPut(tenant: string, a: AgentAction): TransactItems[number] {
  return { Put: { TableName: tableName, Item: actionItem(tenant, a) } };
}

export async function putAction(tenant: string, a: AgentAction): Promise<void> {
  await ddb.send(new PutCommand({ TableName: tableName, Item: actionItem(tenant, a) }));
}

export async function listActions(tenant: string, callId: string): Promise<AgentAction[]> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :a)',
      ExpressionAttributeValues: { ':pk': callPk(tenant, callId), ':a': 'ACTION#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => i['action'] as AgentAction);
}

export async function putDialIntent(tenant: string, d: DialIntent): Promise<void> {
  const expiresAt = Math.floor(Date.parse(d.createdAt) / 1000) + DIAL_WINDOW_SECONDS;
  const item = { intent: d, expiresAt };
  await ddb.send(new PutCommand({ TableName: tableName, Item: { ...dialByNumber(tenant, d.employeeId, d.customerNumber), ...item } }));
  if (d.providerCallId) await ddb.send(new PutCommand({ TableName: tableName, Item: { ...dialByCall(tenant, d.provider, d.providerCallId), ...item } }));
}

export interface DialLookup {
  callId: string;
  provider: string;
  providerCallId: string;
  startedAt: string;
  customerNumber: string | null;
  /** Employees on the call's legs: who may have dialled. */
  employeeIds: string[];
}

/**
 * The intent this outbound call came from, claimed for it (an intent makes one call). Correlated by the
 * provider's call id, else by employee + customer number, made at most DIAL_WINDOW_SECONDS before the call.
 */
export async function findDialIntent(tenant: string, q: DialLookup): Promise<DialIntent | null> {
  const number = q.customerNumber;
  const candidates = [dialByCall(tenant, q.provider, q.providerCallId), ...(number ? q.employeeIds.map((e) => dialByNumber(tenant, e, number)) : [])];
  for (const key of candidates) {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    const item = out.Item;
    if (!item) continue;
    const intent = item['intent'] as DialIntent;
    const age = (Date.parse(q.startedAt) - Date.parse(intent.createdAt)) / 1000;
    if (age < -60 || age > DIAL_WINDOW_SECONDS) continue; // a minute of clock skew between PBX and us
    const claimed = await conditionally(
      ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: 'SET callId = :c',
          ConditionExpression: 'attribute_not_exists(callId) OR callId = :c',
          ExpressionAttributeValues: { ':c': q.callId },
        }),
      ),
    );
    if (claimed) return intent;
  }
  return null;
}
