// Resolves the caller of an HTTP API request (and of the WebSocket `$connect`, the CSV export) from
// its bearer token, checked against the employee directory (S6).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getEmployee } from '../adapters/employees-repo.ts';
import { bearer, createTokenVerifier, type EmployeeStanding, identityFromEnv, type Principal } from './auth.ts';
import { tenantId } from '../tenant.ts';

/**
 * The employee's entry, read on every request (a consistent GetItem), not cached: a cache that
 * still saw a deactivation at once would have to read a version item per request (as the directory
 * cache does), which costs the same one read; a time-bounded cache would let a deactivated
 * employee in for its bound.
 */
async function standingOf(employeeId: string): Promise<EmployeeStanding> {
  const e = await getEmployee(tenantId, employeeId);
  return e ? { active: e.active, accessLevel: e.accessLevel } : undefined;
}

export const verifyToken = createTokenVerifier(identityFromEnv(), tenantId, standingOf);

export function principalOf(event: APIGatewayProxyEventV2): Promise<Principal> {
  return verifyToken(bearer(event.headers?.['authorization']));
}
