// Resolves the caller of an HTTP API request from its bearer token.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { bearer, verifyToken, type Principal } from './auth.ts';
import { tenantConfig, tenantId } from '../tenant.ts';

export function principalOf(event: APIGatewayProxyEventV2): Promise<Principal> {
  return verifyToken(bearer(event.headers?.['authorization']), tenantConfig.authSecret, tenantId);
}
