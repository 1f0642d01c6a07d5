// $connect: authenticate `?token=` and remember the connection; a denied handshake never connects.
import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { putConnection } from '#shared/adapters/connections-repo.ts';
import { logger } from '#shared/adapters/logger.ts';
import { verifyToken } from '#shared/http/auth.ts';
import { tenantConfig, tenantId } from '#shared/tenant.ts';

type ConnectEvent = APIGatewayProxyWebsocketEventV2 & { queryStringParameters?: Record<string, string | undefined> };

export const handler = async (event: ConnectEvent): Promise<APIGatewayProxyResult> => {
  const connectionId = event.requestContext.connectionId;
  try {
    const principal = await verifyToken(event.queryStringParameters?.['token'], tenantConfig.authSecret, tenantId);
    await putConnection(tenantId, principal.employeeId, connectionId);
    logger.info('agent connected', { connectionId, employeeId: principal.employeeId });
    return { statusCode: 200, body: '' };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 401) return { statusCode: 401, body: 'Unauthorized' };
    throw err;
  }
};
