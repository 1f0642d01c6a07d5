// The HTTP API as data: every route is described once (method, path, roles, zod schemas). Handlers
// validate with these schemas, and the OpenAPI 3.1 document is generated from the same specs.
// Each feature keeps its specs in `shared/http/routes/{feature}.ts`; `shared/http/routes/index.ts`
// lists them all.
import type { z } from 'zod';
import { forbidden } from './errors.ts';
import type { Principal, Role } from './auth.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  /** Stable id, also the OpenAPI operationId (e.g. `createTicketFromCall`). */
  id: string;
  method: HttpMethod;
  /** API Gateway path, e.g. `/calls/{id}/ticket`. */
  path: string;
  summary: string;
  /** Who may call it; empty = public (provider webhooks authenticate themselves). */
  roles: Role[];
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** 2xx response body. */
  response: z.ZodType;
  /** 2xx status, default 200. */
  status?: number;
  /** The error statuses this route can answer besides 400/401/403 (e.g. 404, 409, 502). */
  errors?: number[];
  /** Redirects the route can answer (status → what the `Location` points to), e.g. 303 to a CSV download. */
  redirects?: Record<number, string>;
}

/** Throws 403 unless the principal has one of the roles (admins may do everything agents and analysts may). */
export function requireRole(p: Principal, roles: readonly Role[]): void {
  if (roles.length === 0 || roles.includes(p.role) || p.role === 'admin') return;
  throw forbidden(`this needs one of the roles: ${roles.join(', ')}`);
}
