// The OpenAPI 3.1 document of the HTTP API, generated from the route specs (shared/http/routes).
// Served at GET /openapi.json and written to docs/openapi.json by `npm run openapi`.
import { z } from 'zod';
import { callSchema, ticketSchema } from '../events/catalog.ts';
import type { RouteSpec } from './api.ts';
import { errorResponseSchema } from './errors.ts';
import { allRoutes } from './routes/index.ts';

type JsonSchema = Record<string, unknown>;

/** Named schemas: wherever a route's schema uses one of these, the document has a `$ref` instead. */
export const namedSchemas: Record<string, z.ZodType> = { Call: callSchema, Ticket: ticketSchema, Error: errorResponseSchema };

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request: path parameters, query or body do not match the schema',
  401: 'Missing, invalid or expired credentials',
  403: 'The caller’s role may not do this',
  404: 'Not found (in this tenant)',
  409: 'Conflict with the current state',
  413: 'Request body too large',
  415: 'Unsupported content type',
  422: 'Well-formed but not acceptable',
  429: 'Too many requests',
  502: 'The PBX or another upstream refused the request or could not be reached',
  503: 'Temporarily unavailable',
};

const COMPONENT_REF = '#/components/schemas/';

/** API Gateway path → OpenAPI path: the greedy `{path+}` is a plain `{path}` parameter there. */
export function openApiPath(path: string): string {
  return path.replace(/\{([^}]+)\+\}/g, '{$1}');
}

/** Path parameter names, in order, from an API Gateway path. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^}+]+)\+?\}/g)].map(([, name = '']) => name);
}

/** The statuses of a route's error responses: 400 when it takes input, 401/403 when it needs a role, then its own. */
export function errorStatuses(spec: RouteSpec): number[] {
  const validates = Boolean(spec.params ?? spec.query ?? spec.body);
  const statuses = new Set([...(validates ? [400] : []), ...(spec.roles.length > 0 ? [401, 403] : []), ...(spec.errors ?? [])]);
  return [...statuses].sort((a, b) => a - b);
}

class SchemaWriter {
  readonly components: Record<string, JsonSchema> = {};
  private readonly names = new Map<z.ZodType, string>();
  // Metadata as zod keeps it (`.describe()`, `.meta()`), plus the ids of the named schemas, which stay
  // out of the global registry so that the event JSON Schemas keep inlining them.
  private readonly metadata = {
    get: (schema: z.ZodType) => {
      const global = z.globalRegistry.get(schema);
      const id = this.names.get(schema);
      return id ? { ...global, id } : global;
    },
  } as unknown as typeof z.globalRegistry;

  constructor(named: Record<string, z.ZodType>) {
    for (const [id, schema] of Object.entries(named)) this.names.set(schema, id);
    for (const [id, schema] of Object.entries(named)) this.components[id] = this.write(schema, id);
  }

  /** JSON Schema of `schema`, named schemas as `$ref`s into components. `io: 'input'` keeps objects open
   *  (no `additionalProperties: false`): clients must ignore response fields they do not know. */
  write(schema: z.ZodType, self?: string): JsonSchema {
    const { $schema: _draft, $defs, ...rest } = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io: 'input',
      metadata: this.metadata,
      unrepresentable: 'any',
    }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [id, def] of Object.entries($defs ?? {})) {
      const rewritten = rewriteRefs(def) as JsonSchema;
      const known = this.components[id];
      if (known && JSON.stringify(known) !== JSON.stringify(rewritten)) throw new Error(`two different schemas are named ${id}`);
      if (id !== self) this.components[id] = rewritten;
    }
    // A named schema written on its own comes back as a `$ref` to itself: unwrap it.
    if (self && rest['$ref'] === `#/$defs/${self}`) return rewriteRefs($defs?.[self] ?? {}) as JsonSchema;
    const { id: _id, ...body } = rewriteRefs(rest) as JsonSchema;
    return body;
  }
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', COMPONENT_REF) : rewriteRefs(v)]),
  );
}

function objectProperties(schema: JsonSchema, what: string): { properties: Record<string, JsonSchema>; required: string[] } {
  if (schema['type'] !== 'object') throw new Error(`${what} must be a z.object`);
  return { properties: (schema['properties'] ?? {}) as Record<string, JsonSchema>, required: (schema['required'] ?? []) as string[] };
}

function describeParameter(schema: JsonSchema): { schema: JsonSchema; description?: string } {
  const { description, ...rest } = schema;
  return typeof description === 'string' ? { description, schema: rest } : { schema: rest };
}

function operation(spec: RouteSpec, writer: SchemaWriter): JsonSchema {
  const parameters: JsonSchema[] = [];
  const pathProps = spec.params ? objectProperties(writer.write(spec.params), `${spec.id}: params`).properties : {};
  for (const name of pathParamNames(spec.path)) {
    parameters.push({ name, in: 'path', required: true, ...describeParameter(pathProps[name] ?? { type: 'string' }) });
  }
  if (spec.query) {
    const { properties, required } = objectProperties(writer.write(spec.query), `${spec.id}: query`);
    for (const [name, schema] of Object.entries(properties)) {
      parameters.push({ name, in: 'query', required: required.includes(name), ...describeParameter(schema) });
    }
  }
  const status = spec.status ?? 200;
  const responses: Record<string, JsonSchema> = {
    [String(status)]:
      status === 204
        ? { description: 'No content' }
        : { description: 'Success', content: { 'application/json': { schema: writer.write(spec.response) } } },
  };
  for (const [code, description] of Object.entries(spec.redirects ?? {})) {
    responses[code] = { description, headers: { Location: { description: 'Where to go', schema: { type: 'string', format: 'uri' } } } };
  }
  for (const code of errorStatuses(spec)) {
    responses[String(code)] = { description: STATUS_TEXT[code] ?? 'Error', content: { 'application/json': { schema: { $ref: `${COMPONENT_REF}Error` } } } };
  }
  const roles = spec.roles.length > 0 ? `Roles: ${spec.roles.join(', ')} (admins may do everything).` : 'Public: no bearer token.';
  return {
    operationId: spec.id,
    summary: spec.summary,
    description: roles,
    ...(spec.roles.length > 0 ? { security: [{ bearerAuth: [] }], 'x-ringdesk-roles': [...spec.roles] } : { security: [] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: writer.write(spec.body) } } } } : {}),
    responses,
  };
}

export function openApiDocument(routes: readonly RouteSpec[] = allRoutes): Record<string, unknown> {
  const ids = new Set<string>();
  const writer = new SchemaWriter(namedSchemas);
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of routes) {
    if (ids.has(spec.id)) throw new Error(`two routes have the id ${spec.id}`);
    ids.add(spec.id);
    const path = openApiPath(spec.path);
    const item = paths[path] ?? {};
    paths[path] = item;
    const method = spec.method.toLowerCase();
    if (item[method]) throw new Error(`two routes for ${spec.method} ${spec.path}`);
    item[method] = operation(spec, writer);
  }
  const sortedPaths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    openapi: '3.1.0',
    info: {
      title: 'ringdesk HTTP API',
      version: '1',
      description:
        'Call log, tickets and helpdesk actions of one tenant (one stack per tenant). Every route but the PBX webhooks and ' +
        'this document needs `Authorization: Bearer <JWT>` signed with the tenant’s secret. Errors are `{ "error", "message" }`. ' +
        'Generated from shared/http/routes by `npm run openapi`; do not edit.',
    },
    security: [{ bearerAuth: [] }],
    paths: sortedPaths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'HS256 JWT: `sub` employee id, `tenant`, `role` agent | analyst | admin, audience `ringdesk:{tenant}`, issuer `ringdesk`.',
        },
      },
      schemas: Object.fromEntries(Object.entries(writer.components).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    },
  };
}

/** The exact bytes of docs/openapi.json. */
export function renderOpenApi(doc: Record<string, unknown> = openApiDocument()): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
