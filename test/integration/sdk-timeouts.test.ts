// The functions' SDK clients give up on a stalled connection (a server that accepts and never
// answers) instead of waiting for the function's timeout: a retryable TimeoutError while the
// invocation still has time for the SDK's and its own retries.
import { createServer, type Server, type Socket } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkClientOptions } from '#shared/adapters/sdk-options.ts';

let server: Server;
let endpoint: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket); // accepted, read, never answered
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 };

describe('SDK client timeouts', () => {
  it('S5: a DynamoDB request to a server that never answers fails with a TimeoutError', async () => {
    const client = new DynamoDBClient({ ...sdkClientOptions, ...local, endpoint });
    await expect(client.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('S5: so does a PutEvents (the publisher then retries with backoff)', async () => {
    const client = new EventBridgeClient({ ...sdkClientOptions, ...local, endpoint });
    await expect(client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }))).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
