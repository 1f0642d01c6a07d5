// $default: `{"action":"ping"}` → `{"type":"pong"}`; anything else gets an error message, not silence.
import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { postToConnection } from '#shared/adapters/agent-notifier.ts';
import { lambdaHandler } from '#shared/adapters/handler.ts';

export const handler = lambdaHandler(async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResult> => {
  let action: unknown;
  try {
    action = (JSON.parse(event.body ?? '') as { action?: unknown }).action;
  } catch {
    action = undefined;
  }
  const id = event.requestContext.connectionId;
  if (action === 'ping') await postToConnection(id, { type: 'pong', at: new Date().toISOString() });
  else await postToConnection(id, { type: 'error', error: 'unknown_action', message: 'send {"action":"ping"}' });
  return { statusCode: 200, body: '' };
});
