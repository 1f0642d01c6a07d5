// Resolves the caller of an HTTP API request from its bearer token.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { bearer, createTokenVerifier, identityFromEnv, type Principal } from './auth.ts';
import { tenantId } from '../tenant.ts';

const verify = createTokenVerifier(identityFromEnv(), tenantId);

export function principalOf(event: APIGatewayProxyEventV2): Promise<Principal> {
  return verify(bearer(event.headers?.['authorization']));
}
