// $connect: runs only after ws-authorize allowed the handshake; remembers the connection under the
// employee the authorizer identified. A denied handshake never connects.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { putConnection } from '#shared/adapters/connections-repo.ts';
import { logger } from '#shared/adapters/logger.ts';
import { authorizedEmployee, type WsEvent } from '#shared/http/ws-auth.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = async (event: WsEvent): Promise<APIGatewayProxyResult> => {
  const connectionId = event.requestContext.connectionId;
  const employeeId = authorizedEmployee(event);
  // Defensive: the route is configured with the authorizer, so this only happens when it is not.
  if (!employeeId) {
    logger.warn('$connect without authorizer context', { connectionId });
    return { statusCode: 401, body: 'Unauthorized' };
  }
  await putConnection(tenantId, employeeId, connectionId);
  logger.info('agent connected', { connectionId, employeeId });
  return { statusCode: 200, body: '' };
};
