// REQUEST authorizer of the WebSocket API's `$connect` route (identity source
// `route.request.querystring.token`): a valid token of this stack's user pool yields an Allow policy
// and the principal as context; anything else is `Unauthorized` (API Gateway answers 401). A
// deactivated employee's still-unexpired token is refused too (the directory check of principal.ts).
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { lambdaHandler } from '#shared/adapters/handler.ts';
import { logger } from '#shared/adapters/logger.ts';
import type { Principal } from '#shared/http/auth.ts';
import { verifyToken as verify } from '#shared/http/principal.ts';
import type { WsAuthorizerContext } from '#shared/http/ws-auth.ts';

export const handler = lambdaHandler(async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  let principal: Principal;
  try {
    principal = await verify(event.queryStringParameters?.['token'] ?? undefined);
  } catch {
    logger.info('websocket connect denied', { connectionId: event.requestContext.connectionId });
    // The exact message API Gateway turns into 401 (any other error is a 500).
    throw new Error('Unauthorized');
  }
  const { employeeId, role, tenant } = principal;
  const context: WsAuthorizerContext = { employeeId, role, tenant };
  return {
    principalId: employeeId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
    },
    context,
  };
});
