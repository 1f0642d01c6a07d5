// The counting proxy in front of DynamoDB Local, as the benchmark's cost per call reads it: request
// units summed while measuring (transactions double), answers passed on unchanged, nothing when off.
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local.ts';

let ddb: DynamoDbLocal;
let client: DynamoDBClient;
const TableName = 'capacity-test';

beforeAll(async () => {
  ddb = await startDynamoDbLocal({});
  client = new DynamoDBClient({ endpoint: ddb.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await client.send(
    new CreateTableCommand({ TableName, KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
  );
});

afterAll(async () => {
  client?.destroy();
  await ddb?.stop();
});

describe('DynamoDB Local proxy: consumed capacity', () => {
  it('sums read and write units while measuring, transactional writes twice, and passes the answers on', async () => {
    ddb.resetOperations();
    ddb.measureCapacity(true);
    // 3,000 bytes of value: a 3-unit write; small items: 1 unit each, 2 in a transaction → 2 × 2.
    await client.send(new PutItemCommand({ TableName, Item: { PK: { S: 'big' }, v: { S: 'x'.repeat(3000) } } }));
    await client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName, Item: { PK: { S: 'a' } } } }, { Put: { TableName, Item: { PK: { S: 'b' } } } }] }));
    const got = await client.send(new GetItemCommand({ TableName, Key: { PK: { S: 'big' } } }));
    expect(got.Item?.['v']?.S).toHaveLength(3000); // the answer reached the client whole
    const asked = await client.send(new QueryCommand({ TableName, KeyConditionExpression: 'PK = :p', ExpressionAttributeValues: { ':p': { S: 'a' } }, ReturnConsumedCapacity: 'TOTAL' }));
    expect(asked.Items).toHaveLength(1);
    expect(asked.ConsumedCapacity?.CapacityUnits).toBeGreaterThan(0); // a caller's own request is kept
    ddb.measureCapacity(false);
    const { readUnits, writeUnits } = ddb.capacity();
    expect(writeUnits).toBe(3 + 2 * 2);
    expect(readUnits).toBeGreaterThan(0);
    expect(readUnits).toBeLessThanOrEqual(2); // an eventually consistent 3 KB read and a small query
    expect(ddb.operations()).toMatchObject({ PutItem: 1, TransactWriteItems: 1, GetItem: 1, Query: 1 });
    expect(ddb.capacity().byOperation).toMatchObject({ PutItem: 3, TransactWriteItems: 4 });

    // Off: nothing more is summed; a reset clears the sums.
    await client.send(new PutItemCommand({ TableName, Item: { PK: { S: 'c' } } }));
    expect(ddb.capacity().writeUnits).toBe(7);
    ddb.resetOperations();
    expect(ddb.capacity()).toEqual({ readUnits: 0, writeUnits: 0, byOperation: {} });
  });
});
