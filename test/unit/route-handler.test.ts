// The uniform route handler: authenticate → role → params/query/body → handler, and errors as `{ error, message }`.
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { RouteSpec } from '#shared/http/api.ts';
import type { Role } from '#shared/http/auth.ts';
import { startTenantPools, type TenantPools } from './tenant-pools.ts';

const demo = JSON.parse(readFileSync(new URL('../../config/tenants/demo.json', import.meta.url), 'utf8')) as { tenant: string };
// principal.ts reads the stack's tenant from the environment, as in a function.
process.env['TENANT_ID'] = demo.tenant;

// The directory the token check reads (S6), as a plain map: the repository itself is tested against
// DynamoDB Local by the system tests. An employee absent from it is a login without an entry.
const directory = new Map<string, { active: boolean; accessLevel: Role }>();
vi.mock('#shared/adapters/employees-repo.ts', () => ({
  getEmployee: async (_tenant: string, id: string) => {
    const e = directory.get(id);
    return e ? { id, extension: '1', fullName: id, email: null, sipAccounts: [], phones: [], ...e } : null;
  },
}));

const { routeHandler } = await import('#shared/http/route-handler.ts');

const adminRoute = {
  id: 'testAdminAction',
  method: 'POST',
  path: '/things/{id}/act',
  summary: 'test',
  roles: ['admin'],
  params: z.object({ id: z.string().regex(/^[a-z0-9-]+$/) }),
  query: z.object({ dry: z.enum(['yes', 'no']).optional() }),
  body: z.object({ note: z.string().min(1) }),
  response: z.object({ ok: z.boolean() }),
} satisfies RouteSpec;

const seen: unknown[] = [];
const handler = routeHandler(adminRoute, async ({ principal, params, query, body }) => {
  seen.push({ principal: principal.role, id: params.id, dry: query.dry, note: body.note });
  return { statusCode: 200, body: JSON.stringify({ ok: true }) };
});

const tokens: Partial<Record<Role | 'acme' | 'machine', string>> = {};
let pools: TenantPools;
beforeAll(async () => {
  pools = await startTenantPools(['demo', 'acme']);
  // What bindIdentity gives the function; principal.ts reads it on the first authenticated request.
  Object.assign(process.env, pools.env('demo'));
  for (const role of ['agent', 'analyst', 'admin'] as const) tokens[role] = await pools.token('demo', `e-${role}`, role);
  // An admin of another tenant's pool (another issuer and key).
  tokens.acme = await pools.token('acme', 'e-1', 'admin');
  tokens.machine = await pools.machineToken('demo');
});
afterAll(async () => {
  await pools.cognito.close();
});

function event(opts: { token?: string; id?: string; body?: string; query?: Record<string, string> }): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /things/{id}/act',
    rawPath: `/things/${opts.id ?? 'x'}/act`,
    rawQueryString: '',
    headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
    pathParameters: { id: opts.id ?? 'thing-1' },
    ...(opts.query ? { queryStringParameters: opts.query } : {}),
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    isBase64Encoded: false,
    requestContext: { requestId: 'r1', http: { method: 'POST', path: '/things/x/act' } },
  } as unknown as APIGatewayProxyEventV2;
}

async function call(e: APIGatewayProxyEventV2): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = (await handler(e, {} as Context)) as APIGatewayProxyStructuredResultV2;
  return { status: res.statusCode ?? 0, body: JSON.parse(String(res.body)) as Record<string, unknown> };
}

describe('routeHandler', () => {
  it('S3: no token or a foreign token is 401 before anything is validated', async () => {
    for (const token of [undefined, tokens.acme, 'not-a-jwt']) {
      const res = await call(event({ ...(token ? { token } : {}), id: 'BAD#ID', body: 'not json' }));
      expect(res).toEqual({ status: 401, body: { error: 'unauthorized', message: expect.any(String) } });
    }
  });

  it('S3: a role below the route is 403 before the request is validated', async () => {
    for (const role of ['agent', 'analyst'] as const) {
      const res = await call(event({ token: tokens[role]!, id: 'BAD#ID', body: '{}' }));
      expect(res).toEqual({ status: 403, body: { error: 'forbidden', message: expect.any(String) } });
    }
  });

  it('S3, S6: a machine client (client credentials, ringdesk/read) may only read: a write route is 403', async () => {
    const readRoute = { ...adminRoute, id: 'r', method: 'GET', roles: ['analyst'], body: undefined } satisfies RouteSpec;
    const writeRoute = { ...adminRoute, id: 'w', roles: ['analyst'], body: undefined } satisfies RouteSpec;
    const answer = async () => ({ statusCode: 200, body: '{}' });
    const run = async (spec: RouteSpec, token: string) => ((await routeHandler(spec, answer)(event({ token }), {} as Context)) as APIGatewayProxyStructuredResultV2).statusCode;
    expect(await run(readRoute, tokens.machine!)).toBe(200);
    expect(await run(writeRoute, tokens.machine!)).toBe(403);
    expect(await run(writeRoute, tokens.analyst!)).toBe(200);
  });

  it("S6: a deactivated employee's unexpired token is 401 at once, and a token grants no more than the directory's access level", async () => {
    const body = JSON.stringify({ note: 'hi' });
    directory.set('e-admin', { active: false, accessLevel: 'admin' });
    expect((await call(event({ token: tokens.admin!, body }))).status).toBe(401);
    directory.set('e-admin', { active: true, accessLevel: 'analyst' }); // demoted: the token still says admin
    expect((await call(event({ token: tokens.admin!, body }))).status).toBe(403);
    directory.set('e-admin', { active: true, accessLevel: 'admin' });
    expect((await call(event({ token: tokens.admin!, body }))).status).toBe(200);
    directory.set('e-analyst', { active: true, accessLevel: 'admin' }); // promoted: counts with the next token
    expect((await call(event({ token: tokens.analyst!, body }))).status).toBe(403);
    directory.clear();
    seen.length = 0;
  });

  it('then params, query and body are validated (400) in that order', async () => {
    const admin = tokens.admin!;
    expect((await call(event({ token: admin, id: 'BAD#ID', body: '{}' }))).body['error']).toBe('invalid_params');
    expect((await call(event({ token: admin, query: { dry: 'maybe' }, body: '{}' }))).body['error']).toBe('invalid_query');
    expect((await call(event({ token: admin, body: 'not json' }))).body['error']).toBe('invalid_body');
    expect((await call(event({ token: admin, body: '{"note":""}' }))).body['error']).toBe('invalid_body');
    expect((await call(event({ token: admin }))).status).toBe(400);
    expect(seen).toEqual([]);
  });

  it('hands the parsed request to the handler', async () => {
    const res = await call(event({ token: tokens.admin!, query: { dry: 'yes' }, body: JSON.stringify({ note: 'hi', extra: 1 }) }));
    expect(res).toEqual({ status: 200, body: { ok: true } });
    expect(seen).toEqual([{ principal: 'admin', id: 'thing-1', dry: 'yes', note: 'hi' }]);
  });

  it('picks the spec by route key when one function serves several routes', async () => {
    const a = { ...adminRoute, id: 'a', roles: [] as never[], body: undefined, path: '/a/{id}' } satisfies RouteSpec;
    const b = { ...adminRoute, id: 'b', path: '/b/{id}' } satisfies RouteSpec;
    const both = routeHandler([a, b], async ({ event: e }) => ({ statusCode: 200, body: JSON.stringify({ route: e.routeKey }) }));
    const run = async (routeKey: string) => (await both({ ...event({}), routeKey }, {} as Context)) as APIGatewayProxyStructuredResultV2;
    expect((await run('POST /a/{id}')).statusCode).toBe(200);
    expect((await run('POST /b/{id}')).statusCode).toBe(401);
    expect((await run('POST /c/{id}')).statusCode).toBe(500);
  });
});

describe('boundedJson', () => {
  it('answers a body that would break the 6 MB Lambda response limit with the 400 the route chooses, not a bare 500', async () => {
    const { boundedJson, MAX_JSON_BODY_BYTES } = await import('#shared/http/middleware.ts');
    const { badRequest } = await import('#shared/http/errors.ts');
    process.env['TABLE_NAME'] ??= 'unused'; // the reports service imports the table adapters
    const { reportTooLarge } = await import('#shared/services/reports.ts');
    const big = routeHandler({ ...adminRoute, body: undefined }, async ({ query }) =>
      boundedJson(200, { rows: 'x'.repeat(query.dry === 'yes' ? MAX_JSON_BODY_BYTES : MAX_JSON_BODY_BYTES - 20) }, reportTooLarge),
    );
    const run = async (dry: string) => (await big({ ...event({ token: tokens.admin!, query: { dry } }) }, {} as Context)) as APIGatewayProxyStructuredResultV2;
    expect((await run('no')).statusCode).toBe(200);
    const refused = await run('yes');
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(String(refused.body))).toMatchObject({ error: 'report_too_large', message: expect.stringContaining('format=csv') });
    expect(() => boundedJson(200, { a: 'x'.repeat(MAX_JSON_BODY_BYTES) }, (n) => badRequest(`${n}`))).toThrow(String(MAX_JSON_BODY_BYTES + 8));
  });
});
