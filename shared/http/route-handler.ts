// One way to write an HTTP handler from its RouteSpec: the middy chain, then always in this order
// authenticate (401) → role (403) → params, query, body (400) → the handler. Authorization comes
// before validation so an unauthorized caller learns nothing about what a valid request looks like.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { requireRole, type RouteSpec } from './api.ts';
import type { Principal } from './auth.ts';
import { badRequest, forbidden } from './errors.ts';
import { httpHandler } from './middleware.ts';

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteRequest<S extends RouteSpec> {
  event: APIGatewayProxyEventV2;
  context: Context;
  /** The verified caller; null on public routes (roles `[]`), which authenticate themselves. */
  principal: S extends { roles: readonly never[] } ? null : Principal;
  params: Parsed<S['params']>;
  query: Parsed<S['query']>;
  body: Parsed<S['body']>;
}

export type RouteFunction<S extends RouteSpec> = (request: RouteRequest<S>) => Promise<APIGatewayProxyStructuredResultV2>;

// principal.ts reads the tenant's settings at import; loaded on first use so that a public function
// (GET /openapi.json) needs no tenant settings, and no secret, in its environment.
let principalOf: ((event: APIGatewayProxyEventV2) => Promise<Principal>) | undefined;
async function authenticate(event: APIGatewayProxyEventV2): Promise<Principal> {
  principalOf ??= (await import('./principal.ts')).principalOf;
  return principalOf(event);
}

function parse(schema: z.ZodType | undefined, value: unknown, code: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '), code);
  return parsed.data;
}

function jsonBody(event: APIGatewayProxyEventV2): unknown {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('the body is not valid JSON', 'invalid_body');
  }
}

/** `GET /calls/{id}` — the API Gateway route key of a spec. */
export function routeKeyOf(spec: RouteSpec): string {
  return `${spec.method} ${spec.path}`;
}

/**
 * A Lambda handler for one route, or for several routes served by one function (picked by the
 * event's `routeKey`). Bodies are JSON, parsed only when the spec has a body schema: public routes
 * without one (provider webhooks) read `event.body` raw.
 */
export function routeHandler<S extends RouteSpec>(specs: S | readonly S[], fn: RouteFunction<S>) {
  const list: readonly S[] = Array.isArray(specs) ? specs : [specs as S];
  if (list.length === 0) throw new Error('routeHandler needs at least one RouteSpec');
  return httpHandler(async (event, context) => {
    const spec = list.length === 1 ? list[0] : list.find((s) => routeKeyOf(s) === event.routeKey);
    if (!spec) throw new Error(`no RouteSpec for route ${event.routeKey}`);
    let principal: Principal | null = null;
    if (spec.roles.length > 0) {
      principal = await authenticate(event);
      requireRole(principal, spec.roles);
      if (principal.readOnly && spec.method !== 'GET') throw forbidden('a machine client may only read');
    }
    const request = {
      event,
      context,
      principal,
      params: parse(spec.params, event.pathParameters ?? {}, 'invalid_params'),
      query: parse(spec.query, event.queryStringParameters ?? {}, 'invalid_query'),
      body: spec.body ? parse(spec.body, jsonBody(event), 'invalid_body') : undefined,
    } as RouteRequest<S>;
    return fn(request);
  });
}
