// Agent WebSocket connections: per-employee partition for fan-out, reverse item for $disconnect.
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, keys, tableName } from './dynamo.ts';

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

export async function removeConnection(tenant: string, connectionId: string, employeeId?: string): Promise<void> {
  let owner = employeeId;
  if (!owner) {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.connection(tenant, connectionId) }));
    owner = out.Item?.['employeeId'] as string | undefined;
  }
  await ddb.send(new DeleteCommand({ TableName: tableName, Key: keys.connection(tenant, connectionId) }));
  if (owner) await ddb.send(new DeleteCommand({ TableName: tableName, Key: { PK: keys.employeeConnections(tenant, owner), SK: `CONN#${connectionId}` } }));
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
