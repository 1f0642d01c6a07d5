// Bearer tokens of the tenant's Cognito user pool (S3, ADR 0007): the console's id tokens name an
// employee (`custom:employeeId`) and their access level (`cognito:groups`); the machine client's
// access tokens (client credentials, scope `ringdesk/read`) are a read-only principal.
import { JwtRsaVerifier } from 'aws-jwt-verify';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { type Principal, type Role, roleOfGroups } from '../domain/principal.ts';
import { unauthorized } from './errors.ts';
import { jwksCache } from './jwks-cache.ts';

export type { Principal, Role };

export const READ_SCOPE = 'ringdesk/read';

/** Where the stack's functions find their user pool (lib/app-function.ts bindIdentity). */
export interface IdentitySettings {
  /** `https://cognito-idp.{region}.amazonaws.com/{poolId}` on AWS; the stand-in's locally. */
  issuer: string;
  consoleClientId: string;
  machineClientId: string;
}

function principalOfClaims(payload: JwtPayload, s: IdentitySettings, tenant: string): Principal | undefined {
  if (payload['token_use'] === 'id' && payload.aud === s.consoleClientId) {
    const employeeId = payload['custom:employeeId'];
    const role = roleOfGroups(payload['cognito:groups']);
    if (typeof employeeId !== 'string' || employeeId === '' || !role) return undefined;
    return { tenant, employeeId, role };
  }
  if (payload['token_use'] === 'access' && payload['client_id'] === s.machineClientId) {
    const scopes = typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : [];
    if (!scopes.includes(READ_SCOPE)) return undefined;
    return { tenant, employeeId: `client:${s.machineClientId}`, role: 'analyst', readOnly: true };
  }
  return undefined;
}

export type TokenVerifier = (token: string | undefined) => Promise<Principal>;

/** What the directory says of an employee now; undefined when it has no entry (a login without one, e.g. the first admin). */
export type EmployeeStanding = { active: boolean; accessLevel: Role } | undefined;

const RANK: Record<Role, number> = { agent: 0, analyst: 1, admin: 2 };
/** The lower of two access levels. */
const lowerRole = (a: Role, b: Role): Role => (RANK[a] <= RANK[b] ? a : b);

/**
 * Verifies signature (the pool's JWKS), expiry and issuer: a token of another tenant's pool has
 * another issuer and key, so it is refused like any forgery. Any failure is a bare 401.
 *
 * With `standingOf` (S6), a person's token is also checked against the directory: an id token stays
 * valid for an hour after its login is disabled, so a deactivated employee's is refused here, and
 * the token grants no more than the directory's access level (a demotion counts at once; a
 * promotion with the next token, which carries the new group).
 */
export function createTokenVerifier(s: IdentitySettings, tenant: string, standingOf?: (employeeId: string) => Promise<EmployeeStanding>): TokenVerifier {
  // audience null: machine access tokens carry `client_id`, not `aud`; both are checked above.
  const verifier = JwtRsaVerifier.create({ issuer: s.issuer, jwksUri: `${s.issuer}/.well-known/jwks.json`, audience: null }, { jwksCache });
  return async (token) => {
    if (!token) throw unauthorized();
    let payload: JwtPayload;
    try {
      payload = await verifier.verify(token);
    } catch {
      throw unauthorized();
    }
    const principal = principalOfClaims(payload, s, tenant);
    if (!principal) throw unauthorized();
    if (principal.readOnly || !standingOf) return principal;
    const standing = await standingOf(principal.employeeId);
    if (!standing) return principal;
    if (!standing.active) throw unauthorized();
    return { ...principal, role: lowerRole(principal.role, standing.accessLevel) };
  };
}

/** The settings bindIdentity put in the function's environment. */
export function identityFromEnv(env: NodeJS.ProcessEnv = process.env): IdentitySettings {
  const read = (name: string) => {
    const v = env[name];
    if (!v) throw new Error(`${name} is not set: bind the function to the tenant's identity (bindIdentity)`);
    return v;
  };
  return { issuer: read('COGNITO_ISSUER'), consoleClientId: read('COGNITO_CONSOLE_CLIENT_ID'), machineClientId: read('COGNITO_MACHINE_CLIENT_ID') };
}

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1];
}
