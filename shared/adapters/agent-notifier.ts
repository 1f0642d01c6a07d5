// Pushes JSON messages to agents' WebSocket connections through the @connections API.
import { ApiGatewayManagementApiClient, DeleteConnectionCommand, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { requireEnv } from '../config.ts';
import type { AgentMessage } from '../events/agent-messages.ts';
import { connectionsOf, removeConnection } from './connections-repo.ts';
import { logger } from './logger.ts';
import { sdkClientOptions } from './sdk-options.ts';

/**
 * A 410 for a connection younger than this is a `$connect` still completing (API Gateway answers 410
 * until the handshake is done), not a dead socket: it is kept.
 */
export const CONNECTING_GRACE_MS = 30_000;

// Explicit endpoint: the SDK cannot derive the stage URL, and locally it is the local gateway.
const client = new ApiGatewayManagementApiClient({ ...sdkClientOptions, endpoint: requireEnv('WS_MANAGEMENT_URL') });

export type { AgentMessage };

export async function postToConnection(connectionId: string, message: AgentMessage): Promise<'sent' | 'gone'> {
  try {
    await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(message)) }));
    return 'sent';
  } catch (err) {
    if (err instanceof GoneException || (err as { name?: string }).name === 'GoneException') return 'gone';
    throw err;
  }
}

/** Sends to every live connection of each employee (N5: only theirs); stale connections are removed on 410. */
/** The message may still be in the making (e.g. a customer lookup): it is awaited alongside the connection queries. */
export async function notifyEmployees(tenant: string, employeeIds: Iterable<string>, message: AgentMessage | Promise<AgentMessage>): Promise<number> {
  let sent = 0;
  const unique = [...new Set(employeeIds)];
  await Promise.all(
    unique.map(async (employeeId) => {
      const [connections, msg] = await Promise.all([connectionsOf(tenant, employeeId), message]);
      for (const connectionId of connections) {
        if ((await postToConnection(connectionId, msg)) === 'sent') sent++;
        else if (await removeConnection(tenant, connectionId, employeeId, new Date(Date.now() - CONNECTING_GRACE_MS).toISOString())) {
          logger.info('removed stale connection', { connectionId, employeeId });
        }
      }
    }),
  );
  return sent;
}

/**
 * Closes every WebSocket of the employee (DeleteConnection; a connection already gone is fine) and
 * forgets it. For a deactivated employee: an open socket outlives the token it was opened with.
 */
export async function disconnectEmployee(tenant: string, employeeId: string): Promise<number> {
  let closed = 0;
  for (const connectionId of await connectionsOf(tenant, employeeId)) {
    try {
      await client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
      closed++;
    } catch (err) {
      if (!(err instanceof GoneException || (err as { name?: string }).name === 'GoneException')) throw err;
    }
    await removeConnection(tenant, connectionId, employeeId);
  }
  return closed;
}
