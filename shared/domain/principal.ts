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
