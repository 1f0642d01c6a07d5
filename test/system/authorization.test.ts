// Authorization of the whole HTTP API (S1, S3), route by route over `allRoutes`, so a route is covered
// as soon as its spec is registered in shared/http/routes/index.ts:
//   no token → 401; a token of another tenant's user pool, a forged, expired or unsigned one → 401; a role below the route → 403;
//   forged ids (key shapes of another tenant, separators, dots, very long) → 400/404, never 200, never 5xx;
//   and every refusal is exactly `{ error, message }`, with none of the tenant's data in it.
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { Ticket } from '#shared/domain/ticket.ts';
import type { RouteSpec } from '#shared/http/api.ts';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import type { Role } from '#shared/http/auth.ts';
import { openApiDocument } from '#shared/http/openapi.ts';
import { routeKeyOf } from '#shared/http/route-handler.ts';
import { allRoutes } from '#shared/http/routes/index.ts';
import { api, callIdValue, postRingdesk, postZammad, randomNumber, useHarness, waitFor } from './harness.ts';
import { employeeToken, otherTenantToken } from './tokens.ts';

const demo = JSON.parse(readFileSync(new URL('../../config/tenants/demo.json', import.meta.url), 'utf8')) as {
  tenant: string;
  authSecret: string;
  providers: { zammad: { token: string }; ringdesk: { secret: string } };
};

// The local Cognito's clock, shifted back once to mint a token that has already expired.
let cognitoOffsetMs = 0;
const h = useHarness({ cognitoClock: () => new Date(Date.now() + cognitoOffsetMs) });

const protectedRoutes = allRoutes.filter((r) => r.roles.length > 0);
const publicRoutes = allRoutes.filter((r) => r.roles.length === 0);
const ROLES: Role[] = ['agent', 'analyst', 'admin'];
/** Roles a route does not admit (admins are admitted everywhere). */
const rolesBelow = (spec: RouteSpec): Role[] => ROLES.filter((r) => r !== 'admin' && !spec.roles.includes(r));

// ---- requests ----

interface Reply {
  status: number;
  text: string;
  body: unknown;
}

/** A raw HTTP request: the path is sent byte for byte (fetch would resolve `..` and re-encode). */
function send(method: string, path: string, opts: { authorization?: string; body?: unknown } = {}): Promise<Reply> {
  const url = new URL(h.info.httpUrl);
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: {
          ...(opts.authorization ? { authorization: opts.authorization } : {}),
          ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON: left as text, and the assertions say so */
          }
          resolve({ status: res.statusCode ?? 0, text, body });
        });
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}

/** A minimal body the route's schema accepts (so that only authorization can refuse it), or `{}`. */
function sampleBody(spec: RouteSpec): unknown {
  if (!spec.body) return undefined;
  const schema = z.toJSONSchema(spec.body, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const sample = sampleOf(schema, schema);
  return spec.body.safeParse(sample).success ? sample : {};
}

type JsonSchema = {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
};

const STRING_CANDIDATES = ['Test', 'x', '+79161234567', '101', 'emp-101', 'cus-ivan-petrov', 'test@example.com', '2026-01-01T00:00:00.000Z'];

function sampleOf(s: JsonSchema, root: JsonSchema): unknown {
  if (s.$ref) return sampleOf(root.$defs?.[s.$ref.replace('#/$defs/', '')] ?? {}, root);
  if ('const' in s) return s.const;
  if (s.enum) return s.enum[0];
  const branch = s.anyOf ?? s.oneOf;
  if (branch) return sampleOf(branch.find((b) => b.type !== 'null') ?? branch[0]!, root);
  if (s.allOf?.[0]) return sampleOf(s.allOf[0], root);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k) => [k, sampleOf(s.properties?.[k] ?? {}, root)]));
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => sampleOf(s.items ?? {}, root));
    case 'integer':
    case 'number':
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'string': {
      if (s.format === 'email') return 'test@example.com';
      if (s.format === 'date-time') return new Date().toISOString();
      const fits = (v: string) =>
        v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity) && (!s.pattern || new RegExp(s.pattern, 'u').test(v));
      return STRING_CANDIDATES.find(fits) ?? 'x'.repeat(s.minLength ?? 1);
    }
    default:
      return s.default ?? {};
  }
}

// ---- the demo tenant's data that a forged request must never reach ----

let existing: { call: string; ticket: string; number: string; rule: string };

/** An id of an item that exists in the demo tenant, for `{id}` of this route (by the collection before it). */
function existingId(spec: RouteSpec): string {
  const collection = /\/([^/{}]+)\/\{id\}/.exec(spec.path)?.[1];
  if (collection === 'tickets') return existing.ticket;
  if (collection === 'employees') return 'emp-101';
  if (collection === 'customers') return 'cus-ivan-petrov';
  if (collection === 'rules') return existing.rule;
  return existing.call;
}

function pathOf(spec: RouteSpec, id: string): string {
  return spec.path.replace(/\{([^}+]+)\+?\}/g, (_, name: string) => (name === 'id' ? id : 'x1'));
}

// ---- tokens ----

const tokens = {} as Record<Role, string> & { acme: string; otherSecret: string; expired: string; unsigned: string };

beforeAll(async () => {
  for (const role of ROLES) tokens[role] = await employeeToken(h.info, `emp-auth-${role}`, role);
  // Same claims, another tenant's user pool (the token a compromised acme stack could mint for its own users).
  tokens.acme = await otherTenantToken(h.info, 'emp-101', 'admin');
  // This pool's claims and key id, signed with a key that is not the pool's.
  const genuine = await employeeToken(h.info, 'emp-101', 'admin');
  const { privateKey } = await generateKeyPair('RS256');
  tokens.otherSecret = await new SignJWT(decodeJwt(genuine)).setProtectedHeader(decodeProtectedHeader(genuine) as { alg: string; kid: string }).sign(privateKey);
  // Minted two hours ago with the one-hour lifetime of the console's id tokens.
  cognitoOffsetMs = -2 * 3600_000;
  try {
    tokens.expired = await employeeToken(h.info, 'emp-101', 'admin');
  } finally {
    cognitoOffsetMs = 0;
  }
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  tokens.unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(decodeJwt(genuine))}.`;

  // A missed call and its ticket: real items of the demo tenant.
  const number = randomNumber();
  const zammadId = callIdValue();
  const LINE = '+74951234567';
  expect((await postZammad(h.info, { event: 'newCall', direction: 'in', from: number, to: LINE, callId: zammadId, user: ['Anna Smirnova'] }, 'form')).status).toBe(200);
  expect((await postZammad(h.info, { event: 'hangup', direction: 'in', from: number, to: LINE, call_id: zammadId, cause: 'noAnswer' }, 'form')).status).toBe(200);
  const call = callIdFor('zammad', zammadId);
  const ticket = await waitFor('the missed call ticket', async () =>
    (await api<{ items: Ticket[] }>(h.info, '/tickets?limit=200')).body.items.find((t) => t.callIds.includes(call)),
  );
  // A trigger rule (R2) that never matches anything, for the `/rules/{id}` routes.
  const ruleRes = await fetch(`${h.info.httpUrl}/rules`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'authorization suite', enabled: false, event: 'ticket_created', actions: [{ type: 'notify', employeeIds: ['emp-101'] }] }),
  });
  expect(ruleRes.status).toBe(201);
  const rule = ((await ruleRes.json()) as { id: string }).id;
  existing = { call, ticket: ticket.id, number, rule };
});

/** A refusal: exactly `{ error, message }`, two strings, and nothing of the tenant's data. */
function expectRefusal(reply: Reply, status: number | number[], what: string): void {
  const statuses = Array.isArray(status) ? status : [status];
  expect(statuses, `${what}: status ${reply.status}, body ${reply.text.slice(0, 300)}`).toContain(reply.status);
  expect(reply.body, `${what}: the body is JSON`).toBeTypeOf('object');
  expect(Object.keys(reply.body as object).sort(), `${what}: ${reply.text.slice(0, 300)}`).toEqual(['error', 'message']);
  const { error, message } = reply.body as Record<string, unknown>;
  expect(typeof error === 'string' && typeof message === 'string', what).toBe(true);
  for (const secret of [existing.call, existing.ticket, existing.number, 'Ivan Petrov', 'ivan@example.com', 'Anna Smirnova', demo.authSecret]) {
    expect(reply.text, `${what}: the refusal leaks ${secret}`).not.toContain(secret);
  }
}

describe('the route list', () => {
  it('S3: the only public routes are the provider webhooks and /openapi.json', () => {
    expect(publicRoutes.map(routeKeyOf).sort()).toEqual(
      [
        'GET /openapi.json',
        'GET /webhooks/{tenant}/{provider}',
        'GET /webhooks/{tenant}/{provider}/{path+}',
        'POST /webhooks/{tenant}/{provider}',
        'POST /webhooks/{tenant}/{provider}/{path+}',
      ].sort(),
    );
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(5);
  });

  it('S3: every route of the running HTTP API has a spec, and every spec a route (nothing escapes this suite)', () => {
    const http = h.runtime.model.apis.find((a) => a.protocol === 'HTTP')!;
    expect(http.routes.map((r) => r.routeKey).sort()).toEqual(allRoutes.map(routeKeyOf).sort());
  });
});

describe.each(protectedRoutes.map((r) => [routeKeyOf(r), r] as const))('%s', (_, spec) => {
  const body = () => sampleBody(spec);
  const path = () => pathOf(spec, existingId(spec));

  it('S3: no token, or not a bearer token → 401', async () => {
    expectRefusal(await send(spec.method, path(), { body: body() }), 401, 'no token');
    expectRefusal(await send(spec.method, path(), { authorization: tokens.admin, body: body() }), 401, 'token without "Bearer"');
    expectRefusal(await send(spec.method, path(), { authorization: 'Bearer not-a-jwt', body: body() }), 401, 'garbage token');
  });

  it('S1: a token of another tenant\'s user pool, signed with another key, expired or unsigned → 401', async () => {
    for (const name of ['acme', 'otherSecret', 'expired', 'unsigned'] as const) {
      expectRefusal(await send(spec.method, path(), { authorization: `Bearer ${tokens[name]}`, body: body() }), 401, `${name} token`);
    }
  });

  const below = rolesBelow(spec);
  // Only routes some role is denied get this case (no skipped tests: inapplicable cases are not declared).
  if (below.length > 0) it(`a role below ${spec.roles.join('/')} (${below.join(', ') || 'none'}) → 403, before validation`, async () => {
    for (const role of below) {
      expectRefusal(await send(spec.method, path(), { authorization: `Bearer ${tokens[role]}`, body: body() }), 403, `${role} with a valid request`);
      // An invalid request gets the same 403: authorization comes before validation.
      const invalid = pathOf(spec, 'T%23acme%23x');
      expectRefusal(await send(spec.method, invalid, { authorization: `Bearer ${tokens[role]}`, body: { unexpected: true } }), 403, `${role} with an invalid request`);
    }
  });

  if (spec.path.includes('{id}')) it('S1: forged ids (other tenant key shapes, separators, dots, very long) → 400/404, never data', async () => {
    const id = existingId(spec);
    const forged = [
      `T%23acme%23CALL%23${id}`,
      `T%23acme%23TICKET%23${id}`,
      `T%23${demo.tenant}%23CALL%23${id}`,
      `${id}%23acme`,
      `${id}#acme`,
      `..`,
      `..%2F..%2F${id}`,
      `%2E%2E`,
      `${id}%2F..`,
      `${id}..`,
      `acme%2F${id}`,
      `${id}%00`,
      `${id}%20`,
      `%D1%8F${id}`,
      `${id}${'a'.repeat(300)}`,
      'x'.repeat(8000),
    ];
    for (const role of [...new Set<Role>(['admin', ...spec.roles])]) {
      for (const value of forged) {
        const reply = await send(spec.method, pathOf(spec, value), { authorization: `Bearer ${tokens[role]}`, body: body() });
        expect(reply.status, `${role} ${value.slice(0, 60)}: never 2xx`).toBeGreaterThanOrEqual(400);
        expectRefusal(reply, [400, 404], `${role} ${spec.method} ${pathOf(spec, value).slice(0, 80)}`);
      }
    }
  });

  if (spec.method === 'GET' && spec.path.includes('{id}')) it('the same route with the real id answers 200 (the refusals above are not vacuous)', async () => {
    const reply = await send('GET', path(), { authorization: `Bearer ${tokens.admin}` });
    expect(reply.status, reply.text.slice(0, 300)).toBe(200);
  });
});

describe('public routes', () => {
  it('S2: webhooks addressed to another tenant → 404, nothing recorded', async () => {
    const zammadId = callIdValue();
    const acme = `${h.info.httpUrl}/webhooks/acme`;
    const form = new URLSearchParams({ event: 'newCall', direction: 'in', from: randomNumber(), to: '+74951234567', callId: zammadId });
    for (const [method, url] of [
      ['POST', `${acme}/zammad/${encodeURIComponent(demo.providers.zammad.token)}`],
      ['GET', `${acme}/zammad/${encodeURIComponent(demo.providers.zammad.token)}?${form.toString()}`],
      ['POST', `${acme}/ringdesk`],
      ['GET', `${acme}/zadarma?zd_echo=12345`],
      ['POST', `${acme}/mango/events/call`],
    ] as const) {
      const res = await fetch(url, { method, ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() } : {}) });
      const text = await res.text();
      expect(res.status, `${method} ${url}: ${text}`).toBe(404);
      expect(JSON.parse(text)).toEqual({ error: 'unknown_tenant', message: expect.any(String) });
    }
    // A correctly signed canonical webhook, to the wrong tenant's URL.
    const signed = await postRingdesk({ ...h.info, webhooks: { ringdesk: `${acme}/ringdesk` } }, { events: [] }, demo.providers.ringdesk.secret);
    expect(signed.status).toBe(404);
    expect((await api(h.info, `/calls/${callIdFor('zammad', zammadId)}`)).status).toBe(404);
  });

  it('S2: a provider the tenant has not configured → 404', async () => {
    const res = await fetch(`${h.info.httpUrl}/webhooks/${demo.tenant}/nosuchpbx`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'unknown_provider', message: expect.any(String) });
  });

  it('S2: prototype-named providers (constructor, __proto__, toString, hasOwnProperty) are unknown providers → 404, never 500', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      for (const path of [name, `${name}/x`]) {
        const res = await fetch(`${h.info.httpUrl}/webhooks/${demo.tenant}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        expect(res.status, path).toBe(404);
        expect(await res.json()).toEqual({ error: 'unknown_provider', message: expect.any(String) });
      }
    }
  });

  it('S3: GET /openapi.json needs no token and is the document generated from the route specs', async () => {
    const res = await fetch(`${h.info.httpUrl}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual(openApiDocument());
  });
});
