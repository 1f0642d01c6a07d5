// $disconnect: forget the connection.
import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { removeConnection } from '#shared/adapters/connections-repo.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResult> => {
  await removeConnection(tenantId, event.requestContext.connectionId);
  return { statusCode: 200, body: '' };
};
