// E2: which customer a call is with. The stored call item carries an optional `customerId` next
// to `call` (the Call type is unchanged); ended calls with a customer number are in GSI2 under
// `T#t#PHONECALLS#{e164}` / `{startedAt}#{callId}` (written by saveCallRecord, no extra write),
// so "past calls from this number" is one Query, never a Scan.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, ddb, keys, queryItems, tableName } from './dynamo.ts';

export const phoneCallsIndex = (t: string, e164: string) => `T#${t}#PHONECALLS#${e164}`;

/** Sets the call's customer, only while the call is really from `e164`; false when it is not (or gone). */
export async function setCallCustomer(tenant: string, callId: string, e164: string, customerId: string): Promise<boolean> {
  return conditionally(
    ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.call(tenant, callId),
        UpdateExpression: 'SET customerId = :c',
        ConditionExpression: '#call.customerNumber = :n',
        ExpressionAttributeNames: { '#call': 'call' },
        ExpressionAttributeValues: { ':c': customerId, ':n': e164 },
      }),
    ),
  );
}

/** Ids of the ended calls from a number, oldest first (GSI2; eventually consistent like any GSI). */
export async function callIdsOfPhone(tenant: string, e164: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const i of queryItems({ IndexName: 'GSI2', KeyConditionExpression: 'GSI2PK = :pk', ExpressionAttributeValues: { ':pk': phoneCallsIndex(tenant, e164) }, ProjectionExpression: 'GSI2SK' })) {
    ids.push(String(i['GSI2SK']).slice(String(i['GSI2SK']).indexOf('#') + 1));
  }
  return ids;
}

/** E2: every past call from `e164` now belongs to `customerId`. Returns how many calls were linked. */
export async function linkPastCalls(tenant: string, e164: string, customerId: string): Promise<number> {
  const ids = await callIdsOfPhone(tenant, e164);
  let linked = 0;
  for (let i = 0; i < ids.length; i += 10) {
    const results = await Promise.all(ids.slice(i, i + 10).map((id) => setCallCustomer(tenant, id, e164, customerId)));
    linked += results.filter(Boolean).length;
  }
  return linked;
}
