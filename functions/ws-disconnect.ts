// $disconnect: forget the connection. The authorizer context of the connection names its employee,
// so both items are deleted without a lookup; without it the reverse item is read first.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { removeConnection } from '#shared/adapters/connections-repo.ts';
import { lambdaHandler } from '#shared/adapters/handler.ts';
import { authorizedEmployee, type WsEvent } from '#shared/http/ws-auth.ts';
import { tenantId } from '#shared/tenant.ts';

export const handler = lambdaHandler(async (event: WsEvent): Promise<APIGatewayProxyResult> => {
  await removeConnection(tenantId, event.requestContext.connectionId, authorizedEmployee(event));
  return { statusCode: 200, body: '' };
});
