// Agent and admin tokens: HS256 JWTs signed with the tenant's secret (S3).
import { SignJWT, jwtVerify } from 'jose';
import { accessLevels } from '../domain/directory.ts';
import type { Principal, Role } from '../domain/principal.ts';
import { unauthorized } from './errors.ts';

export type { Principal, Role };

const ISSUER = 'ringdesk';

export async function issueToken(p: Principal, secret: string, ttl = '30d'): Promise<string> {
  return new SignJWT({ tenant: p.tenant, role: p.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(p.employeeId)
    .setIssuer(ISSUER)
    .setAudience(`ringdesk:${p.tenant}`)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(secret));
}

/** Verifies signature, expiry, issuer and that the token belongs to this stack's tenant. */
export async function verifyToken(token: string | undefined, secret: string, tenant: string): Promise<Principal> {
  if (!token) throw unauthorized();
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      issuer: ISSUER,
      audience: `ringdesk:${tenant}`,
      algorithms: ['HS256'],
    });
    const role = payload['role'];
    if (payload['tenant'] !== tenant || !payload.sub || !accessLevels.includes(role as Role)) throw unauthorized();
    return { tenant, employeeId: payload.sub, role: role as Role };
  } catch {
    throw unauthorized();
  }
}

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1];
}
