// Agent WebSocket connections: per-employee partition for fan-out, reverse item for $disconnect.
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, ddb, keys, tableName } from './dynamo.ts';

/** API Gateway closes a WebSocket after 2 h at most; a connection item never outlives that. */
const CONNECTION_TTL_S = 2 * 60 * 60;

export async function putConnection(tenant: string, employeeId: string, connectionId: string, now = Date.now()): Promise<void> {
  const expiresAt = Math.floor(now / 1000) + CONNECTION_TTL_S;
  const connectedAt = new Date(now).toISOString();
  await ddb.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName, Item: { PK: keys.employeeConnections(tenant, employeeId), SK: `CONN#${connectionId}`, connectionId, connectedAt, expiresAt } } },
        { Put: { TableName: tableName, Item: { ...keys.connection(tenant, connectionId), employeeId, connectedAt, expiresAt } } },
      ],
    }),
  );
}

/**
 * Deletes a connection's items. With `connectedBefore`, only when it was stored before that instant:
 * a push racing a `$connect` that has not completed yet answers 410 too, and must not unregister it.
 */
export async function removeConnection(tenant: string, connectionId: string, employeeId?: string, connectedBefore?: string): Promise<boolean> {
  let owner = employeeId;
  if (!owner) {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.connection(tenant, connectionId) }));
    owner = out.Item?.['employeeId'] as string | undefined;
  }
  const condition = connectedBefore
    ? { ConditionExpression: 'attribute_not_exists(connectedAt) OR connectedAt < :before', ExpressionAttributeValues: { ':before': connectedBefore } }
    : {};
  const keysOf = [keys.connection(tenant, connectionId), ...(owner ? [{ PK: keys.employeeConnections(tenant, owner), SK: `CONN#${connectionId}` }] : [])];
  const removed = await Promise.all(keysOf.map((Key) => conditionally(ddb.send(new DeleteCommand({ TableName: tableName, Key, ...condition })))));
  return removed.every(Boolean);
}

export async function connectionsOf(tenant: string, employeeId: string, now = Date.now()): Promise<string[]> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :c)',
      // TTL deletion is lazy (up to days on AWS): expired items must not receive pushes.
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': keys.employeeConnections(tenant, employeeId), ':c': 'CONN#', ':now': Math.floor(now / 1000) },
    }),
  );
  return (out.Items ?? []).map((i) => i['connectionId'] as string);
}
