// The OpenAPI document: docs/openapi.json is up to date, and every route spec is documented the same
// way (operationId, path parameters, bearer security, error responses with the Error schema).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RouteSpec } from '#shared/http/api.ts';
import { openApiDocument, openApiPath, pathParamNames, renderOpenApi } from '#shared/http/openapi.ts';
import { allRoutes } from '#shared/http/routes/index.ts';
import { OPENAPI_FILE } from '../../scripts/generate-openapi.ts';

const REGENERATE = 'the route specs and docs/openapi.json differ: run `npm run openapi` and commit the result';

type Operation = {
  operationId: string;
  security: unknown[];
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
};
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> } };

const doc = openApiDocument() as Doc;
const operationOf = (spec: RouteSpec) => doc.paths[openApiPath(spec.path)]![spec.method.toLowerCase()]!;

describe('docs/openapi.json', () => {
  it('is exactly what the route specs generate', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8'), REGENERATE).toBe(renderOpenApi());
  });

  it('is deterministic', () => {
    expect(renderOpenApi()).toBe(renderOpenApi());
  });
});

describe('the document', () => {
  it('is OpenAPI 3.1 with Call, Ticket and Error components and a bearer JWT scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Call', 'Ticket', 'Error']));
    expect(doc.components.schemas['Error']).toMatchObject({ type: 'object', required: ['error', 'message'], additionalProperties: false });
    expect(doc.components.securitySchemes['bearerAuth']).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }));
  });

  it('has one operation per route spec, with operationId = spec id', () => {
    const operations = Object.values(doc.paths).flatMap((item) => Object.values(item));
    expect(operations).toHaveLength(allRoutes.length);
    expect(new Set(allRoutes.map((r) => r.id)).size).toBe(allRoutes.length);
    for (const spec of allRoutes) expect(operationOf(spec).operationId).toBe(spec.id);
  });

  it.each(allRoutes.map((r) => [r.id, r] as const))('%s: path parameters come from the path and match the params schema', (_, spec) => {
    const names = pathParamNames(spec.path);
    const params = (operationOf(spec).parameters ?? []).filter((p) => p.in === 'path');
    expect(params.map((p) => p.name)).toEqual(names);
    expect(params.every((p) => p.required)).toBe(true);
    if (names.length > 0) expect(spec.params, `${spec.id} has path parameters but no params schema`).toBeDefined();
    if (spec.params) {
      expect(spec.params, `${spec.id}: params must be a z.object`).toBeInstanceOf(z.ZodObject);
      expect(Object.keys((spec.params as z.ZodObject).shape).sort()).toEqual([...names].sort());
    }
  });

  it.each(allRoutes.map((r) => [r.id, r] as const))('%s: security and error responses follow its roles', (_, spec) => {
    const op = operationOf(spec);
    const errorRef = { $ref: '#/components/schemas/Error' };
    if (spec.roles.length > 0) {
      expect(op.security).toEqual([{ bearerAuth: [] }]);
      for (const status of ['401', '403']) expect(op.responses[status]?.content?.['application/json']?.schema).toEqual(errorRef);
    } else {
      expect(op.security).toEqual([]);
      expect(op.responses['403']).toBeUndefined();
    }
    for (const status of spec.errors ?? []) {
      expect(status, `${spec.id}: errors lists error statuses`).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
      expect(op.responses[String(status)]?.content?.['application/json']?.schema).toEqual(errorRef);
    }
    if (spec.params || spec.query || spec.body) expect(op.responses['400']?.content?.['application/json']?.schema).toEqual(errorRef);
    expect(op.responses[String(spec.status ?? 200)]).toBeDefined();
    if (['POST', 'PUT', 'PATCH'].includes(spec.method) && spec.body) expect(op.requestBody).toBeDefined();
  });

  it('every $ref points at a component', () => {
    const refs = [...renderOpenApi().matchAll(/"\$ref": "([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.replace('#/components/schemas/', '')], ref).toBeDefined();
    }
  });

  it('documents the greedy webhook tail as a plain path parameter', () => {
    expect(doc.paths['/webhooks/{tenant}/{provider}/{path}']?.['post']?.parameters?.map((p) => p.name)).toEqual(['tenant', 'provider', 'path']);
    expect(Object.keys(doc.paths).filter((p) => p.includes('+'))).toEqual([]);
  });
});
