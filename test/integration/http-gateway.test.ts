import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHttpGateway } from '../../local/http-gateway.ts';
import type { HttpRoute } from '../../local/http-gateway.ts';
import type { CorsConfig } from '../../local/gateway/cors.ts';
import { shapeOf } from '../fixtures/apigateway/shape.ts';

const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../fixtures/apigateway/${name}`, import.meta.url), 'utf8'));
const sample = fixture('http-api-v2-event.json');

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; text: string }

function send(url: string, opts: { method?: string; headers?: Record<string, string | string[]>; body?: Buffer | string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
    });
    req.on('error', reject);
    for (const [k, v] of Object.entries(opts.headers ?? {})) req.setHeader(k, v);
    req.end(opts.body);
  });
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (closers.length) await closers.pop()!();
});

async function gateway(routes: HttpRoute[], extra: { timeoutMs?: number; maxBodyBytes?: number; stage?: string; cors?: CorsConfig } = {}) {
  const gw = await startHttpGateway({ port: 0, apiId: 'r3pmxmplak', region: 'eu-central-1', accountId: '123456789012', routes, ...extra });
  closers.push(gw.close);
  return gw;
}

function recorder(result: unknown = { statusCode: 200, body: 'ok' }) {
  const events: APIGatewayProxyEventV2[] = [];
  return { events, invoke: async (e: APIGatewayProxyEventV2) => { events.push(e); return result; } };
}

describe('local HTTP API gateway — request event (payload format 2.0)', () => {
  it('builds the AWS event for a form POST with duplicate headers and query parameters', async () => {
    const rec = recorder();
    const gw = await gateway([{ routeKey: 'POST /webhooks/{tenant}/{provider}', invoke: rec.invoke }]);
    const body = 'event=NOTIFY_START&caller=%2B4930123';
    const res = await send(`${gw.url}/webhooks/acme/zadarma?parameter1=value1&parameter1=value2&parameter2=a%20b`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'X-Dup': ['one', 'two'], 'User-Agent': 'pbx/1.0', Cookie: 'a=1; b=2' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['apigw-requestid']).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    const e = rec.events[0]!;
    expect(e).toMatchObject({
      version: '2.0',
      routeKey: 'POST /webhooks/{tenant}/{provider}',
      rawPath: '/webhooks/acme/zadarma',
      rawQueryString: 'parameter1=value1&parameter1=value2&parameter2=a%20b',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { parameter1: 'value1,value2', parameter2: 'a b' },
      pathParameters: { tenant: 'acme', provider: 'zadarma' },
      body,
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012', apiId: 'r3pmxmplak', routeKey: 'POST /webhooks/{tenant}/{provider}', stage: '$default',
        requestId: res.headers['apigw-requestid'],
        http: { method: 'POST', path: '/webhooks/acme/zadarma', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'pbx/1.0' },
      },
    });
    expect(e.headers['x-dup']).toBe('one,two');
    expect(e.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(e.headers.cookie).toBeUndefined();
    expect(e.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(e.requestContext.timeEpoch - Date.now())).toBeLessThan(5_000);
    expect(e).not.toHaveProperty('stageVariables');
    expect(shapeOf(e)).toEqual(shapeOf(sample)); // contract: same keys, same value types as AWS
  });

  it('passes binary bodies base64-encoded and text bodies byte-exact', async () => {
    const rec = recorder();
    const gw = await gateway([{ routeKey: 'ANY /{proxy+}', invoke: rec.invoke }]);
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await send(`${gw.url}/bin`, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
    const json = '{"name":"Zoë","raw":"a\\u0000b"}  \n';
    await send(`${gw.url}/json`, { method: 'POST', body: json, headers: { 'content-type': 'application/vnd.api+json; charset=utf-8' } });
    await send(`${gw.url}/empty`);
    const [bin, text, empty] = rec.events;
    expect(bin).toMatchObject({ isBase64Encoded: true });
    expect(Buffer.from(bin!.body!, 'base64').equals(bytes)).toBe(true);
    expect(text).toMatchObject({ isBase64Encoded: false, body: json });
    expect(empty).not.toHaveProperty('body');
  });

  it('selects routes like AWS: exact > {param} > {greedy+}, method > ANY, $default last', async () => {
    const hits: string[] = [];
    const route = (routeKey: string): HttpRoute => ({
      routeKey,
      invoke: async (e) => { hits.push(`${routeKey} ${JSON.stringify(e.pathParameters ?? {})}`); return { statusCode: 204 }; },
    });
    const gw = await gateway([route('$default'), route('ANY /calls/{proxy+}'), route('ANY /calls/{id}'), route('GET /calls/{id}'), route('GET /calls/recent')]);
    for (const [method, path] of [['GET', '/calls/recent'], ['GET', '/calls/42'], ['POST', '/calls/42'], ['GET', '/calls/a/b%20c/d'], ['DELETE', '/elsewhere']]) {
      expect((await send(`${gw.url}${path}`, { method })).status).toBe(204);
    }
    expect(hits).toEqual([
      'GET /calls/recent {}',
      'GET /calls/{id} {"id":"42"}',
      'ANY /calls/{id} {"id":"42"}',
      'ANY /calls/{proxy+} {"proxy":"a/b c/d"}',
      '$default {}',
    ]);
  });

  it('answers 404 {"message":"Not Found"} when no route matches', async () => {
    const gw = await gateway([{ routeKey: 'GET /calls/{id}', invoke: recorder().invoke }]);
    const res = await send(`${gw.url}/calls`);
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text)).toEqual({ message: 'Not Found' });
  });

  it('serves a named stage under /{stage} and keeps the prefix in rawPath', async () => {
    const rec = recorder();
    const gw = await gateway([{ routeKey: 'GET /calls/{id}', invoke: rec.invoke }], { stage: 'prod' });
    expect((await send(`${gw.url}/prod/calls/7`)).status).toBe(200);
    expect(rec.events[0]).toMatchObject({ rawPath: '/prod/calls/7', pathParameters: { id: '7' }, requestContext: { stage: 'prod' } });
  });
});

describe('local HTTP API gateway — responses', () => {
  it('maps structured results: status, headers, multiValueHeaders, cookies, base64 body', async () => {
    const gw = await gateway([{
      routeKey: 'GET /r',
      invoke: async () => ({
        statusCode: 201,
        headers: { 'Content-Type': 'image/png', 'X-One': 'a' },
        multiValueHeaders: { 'X-Many': ['b', 'c'] },
        cookies: ['s=1; HttpOnly', 't=2'],
        body: Buffer.from([0, 1, 254, 255]).toString('base64'),
        isBase64Encoded: true,
      }),
    }]);
    const res = await send(`${gw.url}/r`);
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-one']).toBe('a');
    expect(res.headers['x-many']).toBe('b, c');
    expect(res.headers['set-cookie']).toEqual(['s=1; HttpOnly', 't=2']);
    expect([...res.body]).toEqual([0, 1, 254, 255]);
  });

  it('infers 200 application/json for results without statusCode', async () => {
    const gw = await gateway([
      { routeKey: 'GET /obj', invoke: async () => ({ items: [1, 2], next: null }) },
      { routeKey: 'GET /str', invoke: async () => 'hello' },
    ]);
    const obj = await send(`${gw.url}/obj`);
    expect(obj.status).toBe(200);
    expect(obj.headers['content-type']).toBe('application/json');
    expect(JSON.parse(obj.text)).toEqual({ items: [1, 2], next: null });
    const str = await send(`${gw.url}/str`);
    expect([str.status, str.headers['content-type'], str.text]).toEqual([200, 'application/json', '"hello"']);
  });

  it('rejects bodies over the limit with 413 before invoking the handler', async () => {
    const rec = recorder();
    const gw = await gateway([{ routeKey: 'POST /up', invoke: rec.invoke }], { maxBodyBytes: 1024 });
    const res = await send(`${gw.url}/up`, { method: 'POST', body: Buffer.alloc(2048, 1), headers: { 'content-type': 'application/octet-stream' } });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toEqual({ message: 'Request Entity Too Large' });
    expect(rec.events).toHaveLength(0);
  });

  it('answers 503 when the handler outlives the integration timeout', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const gw = await gateway([{ routeKey: 'GET /slow', invoke: () => new Promise((r) => setTimeout(() => r('late'), 500)) }], { timeoutMs: 50 });
    const res = await send(`${gw.url}/slow`);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text)).toEqual({ message: 'Service Unavailable' });
  });

  it('answers a generic 500 when the handler throws, and logs the error', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const gw = await gateway([{ routeKey: 'GET /boom', invoke: async () => { throw new Error('secret detail'); } }]);
    const res = await send(`${gw.url}/boom`);
    expect(res.status).toBe(500);
    expect(res.text).toBe('{"message":"Internal Server Error"}');
    expect(res.headers['apigw-requestid']).toBeTruthy();
    expect(log).toHaveBeenCalled();
    expect(String(log.mock.calls[0]?.[1])).toContain('secret detail');
  });
});

describe('local HTTP API gateway — response contract (payload format 2.0 fixtures)', () => {
  it('puts the documented structured response on the wire: status, headers, cookies as Set-Cookie, body', async () => {
    const documented = fixture('http-api-v2-response.json');
    expect(documented).not.toHaveProperty('multiValueHeaders');
    const gw = await gateway([{ routeKey: 'GET /doc', invoke: async () => structuredClone(documented) }]);
    const res = await send(`${gw.url}/doc`);
    expect(res.status).toBe(documented.statusCode);
    for (const [name, value] of Object.entries(documented.headers as Record<string, string>)) expect(res.headers[name]).toBe(value);
    expect(res.headers['set-cookie']).toEqual(documented.cookies);
    expect(res.text).toBe(documented.body);
    // Read back into the format 2.0 response shape: same keys, same value types as the fixture.
    const observed = {
      cookies: res.headers['set-cookie'],
      isBase64Encoded: false,
      statusCode: res.status,
      headers: Object.fromEntries(Object.keys(documented.headers).map((k) => [k, res.headers[k]])),
      body: res.text,
    };
    expect(shapeOf(observed)).toEqual(shapeOf(documented));
  });

  it('infers the documented response for a bare object (no statusCode)', async () => {
    const { lambdaResult, interpretedAs } = fixture('http-api-v2-response-inferred.json');
    const gw = await gateway([{ routeKey: 'GET /bare', invoke: async () => structuredClone(lambdaResult) }]);
    const res = await send(`${gw.url}/bare`);
    const observed = { isBase64Encoded: false, statusCode: res.status, body: res.text, headers: { 'content-type': res.headers['content-type'] } };
    expect(shapeOf(observed)).toEqual(shapeOf(interpretedAs));
    expect({ ...observed, body: JSON.parse(observed.body) }).toEqual({ ...interpretedAs, body: JSON.parse(interpretedAs.body) });
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('local HTTP API gateway — CORS (the API\'s CorsConfiguration)', () => {
  const cors = { allowOrigins: ['*'], allowMethods: ['GET', 'POST', 'PATCH'], allowHeaders: ['authorization', 'content-type'], exposeHeaders: [], maxAge: null, allowCredentials: false };

  it('answers a preflight itself (no OPTIONS route) with the configured methods and headers', async () => {
    const rec = recorder();
    const gw = await gateway([{ routeKey: 'PATCH /tickets/{id}', invoke: rec.invoke }], { cors });
    const res = await send(`${gw.url}/tickets/t1`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:8080', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toBe('GET,POST,PATCH');
    expect(res.headers['access-control-allow-headers']).toBe('authorization,content-type');
    expect(rec.events).toHaveLength(0);
  });

  it('sets the configured headers on responses, errors included, and drops the function\'s own', async () => {
    const gw = await gateway(
      [{ routeKey: 'GET /calls', invoke: async () => ({ statusCode: 200, headers: { 'access-control-allow-origin': 'https://evil.example', 'content-type': 'application/json' }, body: '[]' }) }],
      { cors },
    );
    const ok = await send(`${gw.url}/calls`, { headers: { origin: 'http://127.0.0.1:8080' } });
    expect(ok.headers['access-control-allow-origin']).toBe('*');
    const missing = await send(`${gw.url}/nowhere`, { headers: { origin: 'http://127.0.0.1:8080' } });
    expect(missing.status).toBe(404);
    expect(missing.headers['access-control-allow-origin']).toBe('*');
    // No Origin: not a CORS request, no CORS headers.
    expect((await send(`${gw.url}/calls`)).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('gives a disallowed origin or method no CORS headers, and leaves OPTIONS to the routes without CORS', async () => {
    const gw = await gateway([{ routeKey: 'GET /calls', invoke: recorder().invoke }], { cors: { ...cors, allowOrigins: ['https://console.example', 'http://*'] } });
    const preflight = (origin: string, method: string) =>
      send(`${gw.url}/calls`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method } });
    expect((await preflight('https://other.example', 'GET')).headers['access-control-allow-origin']).toBeUndefined();
    expect((await preflight('https://console.example', 'DELETE')).headers['access-control-allow-origin']).toBeUndefined();
    expect((await preflight('https://console.example', 'GET')).headers['access-control-allow-origin']).toBe('https://console.example');
    expect((await preflight('http://127.0.0.1:8080', 'GET')).headers['access-control-allow-origin']).toBe('http://127.0.0.1:8080');
    const plain = await gateway([{ routeKey: 'GET /calls', invoke: recorder().invoke }]);
    const res = await send(`${plain.url}/calls`, { method: 'OPTIONS', headers: { origin: 'https://console.example', 'access-control-request-method': 'GET' } });
    expect(res.status).toBe(404);
  });
});
