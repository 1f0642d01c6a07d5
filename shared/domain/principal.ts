// Who is acting: an employee of the tenant with one access level. Verified from a token at the edge
// (shared/http/auth.ts); services receive it as plain data.
import type { AccessLevel } from './directory.ts';

export type Role = AccessLevel;

export interface Principal {
  tenant: string;
  employeeId: string;
  role: Role;
  /** A machine client (client credentials): may read, never write, whatever its role allows. */
  readOnly?: boolean;
}

/**
 * Who may change the directory (customers, a call's customer link): agents, who work the calls, and
 * admins. Analysts read what agents read and change nothing: reports, the call log and exports.
 */
export const writerRoles = ['agent'] as const satisfies readonly Role[];

/** True when `role` may change data (admins may do everything). */
export function mayWrite(role: Role): boolean {
  return role === 'admin' || (writerRoles as readonly Role[]).includes(role);
}

// Highest first: a person in several groups acts with the most access they were given.
const ROLES_BY_RANK: readonly Role[] = ['admin', 'analyst', 'agent'];

/** The access level of a token's `cognito:groups` (the API and the console read it the same way). */
export function roleOfGroups(groups: unknown): Role | undefined {
  const list = Array.isArray(groups) ? groups : [];
  return ROLES_BY_RANK.find((r) => list.includes(r));
}
