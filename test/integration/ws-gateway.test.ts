import { readFileSync } from 'node:fs';
import {
  ApiGatewayManagementApiClient, DeleteConnectionCommand, GetConnectionCommand, PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { FrameHeaderParser } from '../../local/gateway/ws-frames.ts';
import type { FrameViolation } from '../../local/gateway/ws-frames.ts';
import { startWsGateway } from '../../local/ws-gateway.ts';
import type { WsAuthorizer, WsGateway, WsRoute } from '../../local/ws-gateway.ts';
import { shapeOf } from '../fixtures/apigateway/shape.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/apigateway/${name}`, import.meta.url), 'utf8'));

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (closers.length) await closers.pop()!();
});

type Handler = (event: any) => Promise<unknown>;

async function gateway(handlers: Record<string, Handler>, { authorizer, ...extra }: { maxMessageBytes?: number; maxFrameBytes?: number; idleTimeoutMs?: number; maxConnectionMs?: number; authorizer?: WsAuthorizer } = {}) {
  const events: any[] = [];
  const routes: WsRoute[] = Object.entries(handlers).map(([routeKey, fn]) => ({
    routeKey,
    invoke: async (e: any) => { events.push(e); return fn(e); },
    ...(routeKey === '$connect' && authorizer ? { authorizer } : {}),
  }));
  const gw = await startWsGateway({
    port: 0, apiId: 'abcd123', region: 'eu-central-1', accountId: '123456789012', stage: 'prod',
    routeSelectionExpression: '$request.body.action', routes, ...extra,
  });
  closers.push(gw.close);
  const sdk = new ApiGatewayManagementApiClient({
    endpoint: gw.managementUrl, region: 'eu-central-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  closers.push(async () => sdk.destroy());
  return { gw, events, sdk };
}

const ok: Handler = async () => ({ statusCode: 200 });

function connect(gw: WsGateway, query = '?token=abc'): Promise<{ ws: WebSocket; frames: string[]; closed: Promise<[number, string]> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${gw.url}${query}`, { headers: { 'User-Agent': 'agent-app/1.0' } });
    const frames: string[] = [];
    const closed = new Promise<[number, string]>((r) => ws.on('close', (code, reason) => r([code, reason.toString()])));
    ws.on('message', (data) => frames.push(data.toString()));
    ws.once('open', () => resolve({ ws, frames, closed }));
    ws.once('error', reject);
  });
}

async function until<T>(probe: () => T | undefined, ms = 2_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('local WebSocket API gateway — $connect gate', () => {
  it('rejects the upgrade with the $connect status and keeps no connection', async () => {
    const { gw, events } = await gateway({ $connect: async () => ({ statusCode: 401, body: 'no token' }), $disconnect: ok });
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(gw.url);
      ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); res.resume(); });
      ws.on('open', () => reject(new Error('upgrade should fail')));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);
    expect(gw.connectionCount()).toBe(0);
    expect(events.map((e) => e.requestContext.routeKey)).toEqual(['$connect']);
  });

  it('accepts when $connect returns 2xx, with the AWS $connect event shape', async () => {
    const { gw, events } = await gateway({ $connect: ok });
    const { ws } = await connect(gw);
    expect(gw.connectionCount()).toBe(1);
    const e = events[0];
    expect(e.requestContext).toMatchObject({
      routeKey: '$connect', eventType: 'CONNECT', messageDirection: 'IN', stage: 'prod', apiId: 'abcd123',
      identity: { sourceIp: '127.0.0.1', userAgent: 'agent-app/1.0' },
    });
    expect(e.requestContext.connectionId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(e.queryStringParameters).toEqual({ token: 'abc' });
    expect(e.multiValueQueryStringParameters).toEqual({ token: ['abc'] });
    expect(e.headers['Sec-WebSocket-Key']).toBeTruthy();
    expect(e.multiValueHeaders['User-Agent']).toEqual(['agent-app/1.0']);
    expect(shapeOf(e)).toEqual(shapeOf(fixture('ws-connect-event.json')));
    ws.close();
  });
});

/** Status of a refused upgrade (fails the test when the upgrade succeeds). */
function refusedStatus(gw: WsGateway, query = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${gw.url}${query}`);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => reject(new Error('upgrade should fail')));
    ws.on('error', () => undefined);
  });
}

describe('local WebSocket API gateway — $connect Lambda REQUEST authorizer', () => {
  const METHOD_ARN = 'arn:aws:execute-api:eu-central-1:123456789012:abcd123/prod/$connect';
  const policy = (effect: 'Allow' | 'Deny', resource = METHOD_ARN) => ({
    principalId: 'emp-101',
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] },
    context: { employeeId: 'emp-101', role: 'agent', tenant: 'demo' },
  });
  function authorizer(fn: (event: any) => Promise<unknown>, identitySource = ['route.request.querystring.token']) {
    const calls: any[] = [];
    const a: WsAuthorizer = { identitySource, invoke: async (e) => { calls.push(e); return fn(e); } };
    return { authorizer: a, calls };
  }

  it('answers 401 without invoking the authorizer when an identity source is missing or empty', async () => {
    const { authorizer: a, calls } = authorizer(async () => policy('Allow'));
    const { gw, events } = await gateway({ $connect: ok }, { authorizer: a });
    expect(await refusedStatus(gw)).toEqual({ status: 401, body: '{"message":"Unauthorized"}' });
    expect((await refusedStatus(gw, '?token=')).status).toBe(401);
    expect((await refusedStatus(gw, '?other=x')).status).toBe(401);
    expect(calls).toEqual([]);
    expect(events).toEqual([]);
    expect(gw.connectionCount()).toBe(0);
  });

  it('answers 401 when the authorizer throws Unauthorized, 500 on any other error or a malformed result', async () => {
    const { authorizer: a, calls } = authorizer(async () => { throw new Error('Unauthorized'); });
    const { gw, events } = await gateway({ $connect: ok }, { authorizer: a });
    expect(await refusedStatus(gw, '?token=bad')).toEqual({ status: 401, body: '{"message":"Unauthorized"}' });
    expect(calls).toHaveLength(1);
    expect(events).toEqual([]);

    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const boom = authorizer(async () => { throw new Error('database down'); });
    expect((await refusedStatus((await gateway({ $connect: ok }, { authorizer: boom.authorizer })).gw, '?token=x')).status).toBe(500);
    const noPrincipal = authorizer(async () => ({ policyDocument: policy('Allow').policyDocument }));
    expect((await refusedStatus((await gateway({ $connect: ok }, { authorizer: noPrincipal.authorizer })).gw, '?token=x')).status).toBe(500);
    const nested = authorizer(async () => ({ ...policy('Allow'), context: { employee: { id: 'emp-101' } } }));
    expect((await refusedStatus((await gateway({ $connect: ok }, { authorizer: nested.authorizer })).gw, '?token=x')).status).toBe(500);
  });

  it('answers 403 when the policy denies, or allows only another resource', async () => {
    const { authorizer: a } = authorizer(async () => policy('Deny'));
    const { gw, events } = await gateway({ $connect: ok }, { authorizer: a });
    expect(await refusedStatus(gw, '?token=abc')).toEqual({ status: 403, body: '{"message":"Forbidden"}' });
    const other = authorizer(async () => policy('Allow', 'arn:aws:execute-api:eu-central-1:123456789012:otherapi/prod/$connect'));
    expect((await refusedStatus((await gateway({ $connect: ok }, { authorizer: other.authorizer })).gw, '?token=abc')).status).toBe(403);
    expect(events).toEqual([]);
  });

  it('on Allow runs $connect, and $connect, messages and $disconnect see requestContext.authorizer', async () => {
    const { authorizer: a, calls } = authorizer(async () => policy('Allow', 'arn:aws:execute-api:eu-central-1:123456789012:abcd123/*'));
    const { gw, events } = await gateway({ $connect: ok, $default: ok, $disconnect: ok }, { authorizer: a });
    const { ws, closed } = await connect(gw, '?token=abc');
    const auth = calls[0];
    expect(auth).toMatchObject({
      type: 'REQUEST',
      methodArn: METHOD_ARN,
      queryStringParameters: { token: 'abc' },
      multiValueQueryStringParameters: { token: ['abc'] },
      stageVariables: {},
      requestContext: { routeKey: '$connect', eventType: 'CONNECT', stage: 'prod', apiId: 'abcd123' },
    });
    expect(auth.requestContext).not.toHaveProperty('authorizer');
    expect(auth.multiValueHeaders['User-Agent']).toEqual(['agent-app/1.0']);
    // Contract: the documented AWS sample, plus `identity.userAgent` as in the $connect event.
    const documented = shapeOf(fixture('ws-authorizer-request-event.json')) as any;
    expect(shapeOf(auth)).toEqual({
      ...documented,
      requestContext: { ...documented.requestContext, identity: { ...documented.requestContext.identity, userAgent: 'string' } },
    });

    ws.send('{"action":"hello"}');
    await until(() => events.find((e) => e.requestContext.eventType === 'MESSAGE'));
    ws.close(1000, 'bye');
    await closed;
    await until(() => events.find((e) => e.requestContext.eventType === 'DISCONNECT'));
    const expected = { employeeId: 'emp-101', role: 'agent', tenant: 'demo', principalId: 'emp-101' };
    expect(events.map((e) => [e.requestContext.eventType, e.requestContext.authorizer])).toEqual([
      ['CONNECT', expected], ['MESSAGE', expected], ['DISCONNECT', expected],
    ]);
    expect(events[0].requestContext.connectionId).toBe(auth.requestContext.connectionId);
    expect(calls).toHaveLength(1);
  });

  it('refuses an authorizer on any route but $connect and unknown identity sources', async () => {
    const a: WsAuthorizer = { identitySource: ['route.request.querystring.token'], invoke: async () => policy('Allow') };
    const base = { port: 0, apiId: 'abcd123', region: 'eu-central-1', accountId: '123456789012', stage: 'prod', routeSelectionExpression: '$request.body.action' };
    await expect(startWsGateway({ ...base, routes: [{ routeKey: '$default', invoke: ok, authorizer: a }] })).rejects.toThrow(/only guard \$connect/);
    await expect(startWsGateway({ ...base, routes: [{ routeKey: '$connect', invoke: ok, authorizer: { ...a, identitySource: ['method.request.header.x'] } }] })).rejects.toThrow(/unsupported identity source/);
  });
});

describe('local WebSocket API gateway — messages', () => {
  it('routes by the selection expression, falls back to $default, and sends no route response', async () => {
    const { gw, events } = await gateway({ $connect: ok, sendmessage: async () => ({ statusCode: 200, body: 'echo?' }), $default: ok });
    const { ws, frames } = await connect(gw);
    ws.send(JSON.stringify({ action: 'sendmessage', message: 'hello' }));
    ws.send(JSON.stringify({ action: 'unknown' }));
    ws.send('not json');
    const msgs = await until(() => (events.length >= 4 ? events.slice(1) : undefined));
    expect(msgs.map((e) => [e.requestContext.routeKey, e.body])).toEqual([
      ['sendmessage', '{"action":"sendmessage","message":"hello"}'],
      ['$default', '{"action":"unknown"}'],
      ['$default', 'not json'],
    ]);
    expect(msgs[0].requestContext).toMatchObject({ eventType: 'MESSAGE', connectionId: events[0].requestContext.connectionId });
    expect(shapeOf(msgs[0])).toEqual(shapeOf(fixture('ws-message-event.json')));
    await new Promise((r) => setTimeout(r, 50));
    expect(frames).toEqual([]);
    ws.close();
  });

  it('answers an unroutable message with the AWS Forbidden error frame', async () => {
    const { gw, events } = await gateway({ $connect: ok, sendmessage: ok });
    const { ws, frames } = await connect(gw);
    ws.send('{"action":"nope"}');
    const frame = JSON.parse(await until(() => frames[0]));
    expect(frame).toEqual({ message: 'Forbidden', connectionId: events[0].requestContext.connectionId, requestId: expect.any(String) });
    ws.close();
  });

  it('answers a route that throws with the AWS "Internal server error" frame and keeps the connection', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { gw, events } = await gateway({ $connect: ok, $default: async () => { throw new Error('boom'); } });
    const { ws, frames } = await connect(gw);
    ws.send('{"action":"anything"}');
    const frame = JSON.parse(await until(() => frames[0]));
    const msg = events.find((e) => e.requestContext.eventType === 'MESSAGE');
    expect(frame).toEqual({ message: 'Internal server error', connectionId: events[0].requestContext.connectionId, requestId: msg.requestContext.requestId });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('closes with 1009 "Message too big" over the message size limit', async () => {
    const { gw } = await gateway({ $default: ok }, { maxMessageBytes: 1024 });
    const { ws, closed } = await connect(gw);
    ws.send('x'.repeat(2048));
    expect(await closed).toEqual([1009, 'Message too big']);
  });

  it('closes with 1009 and runs $disconnect when one frame exceeds 32 KB (40 KB in a single frame)', async () => {
    const { gw, events } = await gateway({ $default: ok, $disconnect: ok });
    const { ws, closed } = await connect(gw);
    ws.send('x'.repeat(40 * 1024));
    expect(await closed).toEqual([1009, 'Message too big']);
    const d = await until(() => events.find((e) => e.requestContext.eventType === 'DISCONNECT'));
    expect(d.requestContext).toMatchObject({ disconnectStatusCode: 1009, disconnectReason: 'Message too big' });
    expect(events.filter((e) => e.requestContext.eventType === 'MESSAGE')).toEqual([]);
  });

  it('accepts the same 40 KB message sent as two 20 KB fragments', async () => {
    const { gw, events } = await gateway({ $default: ok, $disconnect: ok });
    const { ws, closed } = await connect(gw);
    const part = 'y'.repeat(20 * 1024);
    ws.send(part, { fin: false });
    ws.send(part, { fin: true });
    const msg = await until(() => events.find((e) => e.requestContext.eventType === 'MESSAGE'));
    expect(msg.requestContext.routeKey).toBe('$default');
    expect(msg.body).toBe(part + part);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close(1000, 'done');
    expect(await closed).toEqual([1000, 'done']);
  });

  it('delivers messages sent before an oversized frame, none after, and honours maxFrameBytes', async () => {
    const { gw, events } = await gateway({ $default: ok, $disconnect: ok }, { maxFrameBytes: 1024 });
    const { ws, closed } = await connect(gw);
    ws.send('first');
    ws.send('z'.repeat(1025));
    ws.send('after');
    expect(await closed).toEqual([1009, 'Message too big']);
    await until(() => events.find((e) => e.requestContext.eventType === 'DISCONNECT'));
    expect(events.filter((e) => e.requestContext.eventType === 'MESSAGE').map((e) => e.body)).toEqual(['first']);
  });

  it('closes with 1009 when a message fragmented into 32 KB frames exceeds 128 KB (129 KB)', async () => {
    const { gw, events } = await gateway({ $default: ok, $disconnect: ok });
    const { ws, closed } = await connect(gw);
    const total = 129 * 1024;
    const frame = 32 * 1024;
    for (let sent = 0; sent < total; sent += frame) {
      const size = Math.min(frame, total - sent);
      ws.send('m'.repeat(size), { fin: sent + size >= total });
    }
    expect(await closed).toEqual([1009, 'Message too big']);
    const d = await until(() => events.find((e) => e.requestContext.eventType === 'DISCONNECT'));
    expect(d.requestContext).toMatchObject({ disconnectStatusCode: 1009, disconnectReason: 'Message too big' });
    expect(events.filter((e) => e.requestContext.eventType === 'MESSAGE')).toEqual([]);
  });

  it('closes idle connections with 1001 "Going away" and reports it to $disconnect', async () => {
    const { gw, events } = await gateway({ $default: ok, $disconnect: ok }, { idleTimeoutMs: 100 });
    const { closed } = await connect(gw);
    expect(await closed).toEqual([1001, 'Going away']);
    const d = await until(() => events.find((e) => e.requestContext.eventType === 'DISCONNECT'));
    expect(d.requestContext).toMatchObject({ disconnectStatusCode: 1001, disconnectReason: 'Going away' });
  });

  it('closes a busy connection at the maximum connection duration with 1001 "Going away"', async () => {
    const { gw, events } = await gateway({ $default: ok, $disconnect: ok }, { idleTimeoutMs: 10_000, maxConnectionMs: 300 });
    const { ws, closed } = await connect(gw);
    const chatter = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('{"action":"keepalive"}'), 50);
    try {
      expect(await closed).toEqual([1001, 'Going away']);
    } finally {
      clearInterval(chatter);
    }
    const d = await until(() => events.find((e) => e.requestContext.eventType === 'DISCONNECT'));
    expect(d.requestContext).toMatchObject({ disconnectStatusCode: 1001, disconnectReason: 'Going away' });
    expect(events.filter((e) => e.requestContext.eventType === 'MESSAGE').length).toBeGreaterThan(1);
  });
});

describe('local WebSocket API gateway — frame header parser', () => {
  const header = (fin: boolean, opcode: number, len: number): Buffer => {
    const first = (fin ? 0x80 : 0) | opcode;
    const mask = [1, 2, 3, 4];
    if (len < 126) return Buffer.from([first, 0x80 | len, ...mask]);
    if (len < 65536) return Buffer.from([first, 0x80 | 126, len >> 8, len & 0xff, ...mask]);
    const b = Buffer.alloc(10);
    b[0] = first; b[1] = 0x80 | 127; b.writeBigUInt64BE(BigInt(len), 2);
    return Buffer.concat([b, Buffer.from(mask)]);
  };

  it('tracks frames fed one byte at a time, including 16- and 64-bit lengths and control frames', () => {
    const seen: FrameViolation[] = [];
    const parser = new FrameHeaderParser({ maxFrameBytes: 70_000, maxMessageBytes: 200_000 }, (v) => seen.push(v));
    const stream = Buffer.concat([
      header(true, 1, 5), Buffer.alloc(5),
      header(false, 2, 300), Buffer.alloc(300), header(true, 0, 66_000), Buffer.alloc(66_000),
      header(true, 9, 3), Buffer.alloc(3), // ping between messages
      header(true, 1, 70_001), // one byte over the frame limit
    ]);
    for (const byte of stream) parser.push(Buffer.from([byte]));
    expect(seen).toEqual([{ kind: 'frame', bytes: 70_001, completeMessages: 2 }]);
  });

  it('reports a message whose fragments add up past the message limit', () => {
    const seen: FrameViolation[] = [];
    const parser = new FrameHeaderParser({ maxFrameBytes: 100, maxMessageBytes: 250 }, (v) => seen.push(v));
    parser.push(Buffer.concat([header(false, 1, 100), Buffer.alloc(100), header(false, 0, 100), Buffer.alloc(100), header(true, 0, 51)]));
    expect(seen).toEqual([{ kind: 'message', bytes: 251, completeMessages: 0 }]);
  });
});

describe('local WebSocket API gateway — @connections management API', () => {
  it('PostToConnection delivers a frame; after the client leaves it raises GoneException', async () => {
    const { gw, events, sdk } = await gateway({ $connect: ok, $disconnect: ok });
    const { ws, frames, closed } = await connect(gw);
    const ConnectionId = events[0].requestContext.connectionId as string;
    await sdk.send(new PostToConnectionCommand({ ConnectionId, Data: JSON.stringify({ type: 'call.ringing', id: 'c1' }) }));
    expect(JSON.parse(await until(() => frames[0]))).toEqual({ type: 'call.ringing', id: 'c1' });

    ws.close(1000, 'bye');
    await closed;
    const d = await until(() => events.find((e) => e.requestContext.routeKey === '$disconnect'));
    expect(d.requestContext).toMatchObject({ eventType: 'DISCONNECT', connectionId: ConnectionId, disconnectStatusCode: 1000, disconnectReason: 'bye' });
    expect(shapeOf(d)).toEqual(shapeOf(fixture('ws-disconnect-event.json')));
    const err = await sdk.send(new PostToConnectionCommand({ ConnectionId, Data: 'late' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'GoneException', $metadata: { httpStatusCode: 410 } });
  });

  it('GetConnection describes the connection and DeleteConnection closes it', async () => {
    const { gw, events, sdk } = await gateway({ $connect: ok, $disconnect: ok });
    const { closed } = await connect(gw);
    const ConnectionId = events[0].requestContext.connectionId as string;
    const info = await sdk.send(new GetConnectionCommand({ ConnectionId }));
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.LastActiveAt).toBeInstanceOf(Date);
    expect(info.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'agent-app/1.0' });
    const del = await sdk.send(new DeleteConnectionCommand({ ConnectionId }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect((await closed)[0]).toBe(1000);
    await until(() => events.find((e) => e.requestContext.routeKey === '$disconnect'));
    expect(gw.connectionCount()).toBe(0);
    await expect(sdk.send(new GetConnectionCommand({ ConnectionId }))).rejects.toMatchObject({ name: 'GoneException' });
  });

  it('serves /@connections/{id} without the stage too, with URL-encoded ids and AWS error shapes', async () => {
    const { gw, events } = await gateway({ $connect: ok });
    const { frames, ws } = await connect(gw);
    const id = events[0].requestContext.connectionId as string;
    const root = new URL(gw.managementUrl).origin;
    const post = await fetch(`${root}/@connections/${encodeURIComponent(id)}`, { method: 'POST', body: 'plain text' });
    expect(post.status).toBe(200);
    expect(await until(() => frames[0])).toBe('plain text');
    const gone = await fetch(`${root}/@connections/${encodeURIComponent('AAAAAAAAAAAAAAA=')}`, { method: 'POST', body: 'x' });
    expect(gone.status).toBe(410);
    expect(gone.headers.get('x-amzn-errortype')).toBe('GoneException');
    expect(await gone.json()).toEqual({ message: null });
    const big = await fetch(`${gw.managementUrl}/@connections/${encodeURIComponent(id)}`, { method: 'POST', body: 'x'.repeat(128 * 1024 + 1) });
    expect(big.status).toBe(413);
    expect(big.headers.get('x-amzn-errortype')).toBe('PayloadTooLargeException');
    ws.close();
  });

  it('treats an id whose $connect is still running as gone', async () => {
    let during: unknown;
    const { gw, sdk } = await gateway({
      $connect: async (e) => {
        during = await sdk.send(new PostToConnectionCommand({ ConnectionId: e.requestContext.connectionId, Data: 'early' })).catch((err: unknown) => err);
        return { statusCode: 200 };
      },
    });
    const { ws } = await connect(gw);
    expect(during).toMatchObject({ name: 'GoneException' });
    ws.close();
  });
});
