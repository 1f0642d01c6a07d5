// The WebSocket API's authorizer contract: ws-authorize returns this context for an allowed
// `$connect`, and API Gateway passes it (plus principalId) as `requestContext.authorizer` on every
// event of the connection ($connect, messages, $disconnect).
import type { APIGatewayEventWebsocketRequestContextV2, APIGatewayProxyWebsocketEventV2WithRequestContext } from 'aws-lambda';
import type { Role } from './auth.ts';

export interface WsAuthorizerContext {
  employeeId: string;
  role: Role;
  tenant: string;
  [key: string]: string;
}

export type WsEvent = APIGatewayProxyWebsocketEventV2WithRequestContext<
  APIGatewayEventWebsocketRequestContextV2 & { authorizer?: Partial<WsAuthorizerContext> & { principalId?: string } | null }
>;

/** The employee the authorizer identified, or undefined when the event carries no authorizer context. */
export function authorizedEmployee(event: WsEvent): string | undefined {
  const employeeId = event.requestContext.authorizer?.employeeId;
  return typeof employeeId === 'string' && employeeId !== '' ? employeeId : undefined;
}
