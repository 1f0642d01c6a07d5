import { readFileSync } from 'node:fs';
import {
  ApiGatewayManagementApiClient, DeleteConnectionCommand, GetConnectionCommand, PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startWsGateway } from '../../lib/local/ws-gateway.ts';
import type { WsGateway, WsRoute } from '../../lib/local/ws-gateway.ts';
import { shapeOf } from '../fixtures/apigateway/shape.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/apigateway/${name}`, import.meta.url), 'utf8'));

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (closers.length) await closers.pop()!();
});

type Handler = (event: any) => Promise<unknown>;

async function gateway(handlers: Record<string, Handler>, extra: { maxMessageBytes?: number; idleTimeoutMs?: number } = {}) {
  const events: any[] = [];
  const routes: WsRoute[] = Object.entries(handlers).map(([routeKey, fn]) => ({
    routeKey,
    invoke: async (e: any) => { events.push(e); return fn(e); },
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
    expect(e.requestContext.connectionId).toMatch(/^[A-Za-z0-9_-]{11,}=$/);
    expect(e.queryStringParameters).toEqual({ token: 'abc' });
    expect(e.multiValueQueryStringParameters).toEqual({ token: ['abc'] });
    expect(e.headers['Sec-WebSocket-Key']).toBeTruthy();
    expect(e.multiValueHeaders['User-Agent']).toEqual(['agent-app/1.0']);
    expect(shapeOf(e)).toEqual(shapeOf(fixture('ws-connect-event.json')));
    ws.close();
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

  it('closes with 1009 "Message too big" over the message size limit', async () => {
    const { gw } = await gateway({ $default: ok }, { maxMessageBytes: 1024 });
    const { ws, closed } = await connect(gw);
    ws.send('x'.repeat(2048));
    expect(await closed).toEqual([1009, 'Message too big']);
  });

  it('closes idle connections with 1001 "Going away" and reports it to $disconnect', async () => {
    const { gw, events } = await gateway({ $default: ok, $disconnect: ok }, { idleTimeoutMs: 100 });
    const { closed } = await connect(gw);
    expect(await closed).toEqual([1001, 'Going away']);
    const d = await until(() => events.find((e) => e.requestContext.eventType === 'DISCONNECT'));
    expect(d.requestContext).toMatchObject({ disconnectStatusCode: 1001, disconnectReason: 'Going away' });
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
