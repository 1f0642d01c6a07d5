// $default: `{"action":"ping"}` → `{"type":"pong"}`; anything else gets an error message, not silence.
import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { postToConnection } from '#shared/adapters/agent-notifier.ts';
import { lambdaHandler } from '#shared/adapters/handler.ts';
import { agentRequests } from '#shared/events/agent-messages.ts';

/** Whether the frame is a `ping` request (a frame that is not JSON is not). */
function isPing(body: string | undefined): boolean {
  try {
    return agentRequests.ping.safeParse(JSON.parse(body ?? '')).success;
  } catch {
    return false;
  }
}

export const handler = lambdaHandler(async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResult> => {
  const id = event.requestContext.connectionId;
  if (isPing(event.body)) await postToConnection(id, { type: 'pong', at: new Date().toISOString() });
  else await postToConnection(id, { type: 'error', error: 'unknown_action', message: 'send {"action":"ping"}' });
  return { statusCode: 200, body: '' };
});
