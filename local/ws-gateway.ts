/**
 * Local stand-in for an API Gateway WebSocket API: `$connect` gates the HTTP upgrade, messages
 * are routed by the route selection expression, `$disconnect` runs when a connection ends, and
 * the `@connections` management API is served on the same port so PostToConnectionCommand works
 * unchanged. A Lambda REQUEST authorizer on `$connect` runs before it, as on AWS (see
 * gateway/ws-authorizer.ts). Route return values are not sent to the client (no route responses configured).
 */
import { createServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { splitUrl } from './gateway/body.ts';
import { awsId, domainOf, sourceIp } from './gateway/ids.ts';
import { listen, shutdown, urlHost } from './gateway/listen.ts';
import { authorize, checkIdentitySources } from './gateway/ws-authorizer.ts';
import type { WsAuthorizer } from './gateway/ws-authorizer.ts';
import { connectEvent } from './gateway/ws-events.ts';
import { handleManagement } from './gateway/ws-management.ts';
import type { LiveConnection } from './gateway/ws-management.ts';
import { compileSelection, connectAllowed } from './gateway/ws-routing.ts';
import { invokeDisconnect, runSession } from './gateway/ws-session.ts';
import type { SessionOptions } from './gateway/ws-session.ts';

export interface WsRoute {
  /** `$connect`, `$disconnect`, `$default` or a custom route key (value of the selection expression). */
  routeKey: string;
  invoke: (event: unknown) => Promise<unknown>;
  /** Lambda REQUEST authorizer; only on `$connect` (the only route AWS lets one guard). */
  authorizer?: WsAuthorizer;
}

export type { WsAuthorizer };

export interface WsGatewayOptions {
  port: number;
  host?: string;
  apiId: string;
  region: string;
  accountId: string;
  stage: string;
  /** e.g. `$request.body.action` */
  routeSelectionExpression: string;
  routes: WsRoute[];
  /** Largest reassembled message (API Gateway: 128 KB); bigger closes the connection with 1009. */
  maxMessageBytes?: number;
  /** Largest single frame (API Gateway: 32 KB); bigger closes the connection with 1009. */
  maxFrameBytes?: number;
  idleTimeoutMs?: number;
  maxConnectionMs?: number;
}

export interface WsGateway {
  /** `ws://host:port/{stage}` */
  url: string;
  /** `http://host:port/{stage}` — the endpoint for ApiGatewayManagementApiClient. */
  managementUrl: string;
  connectionCount(): number;
  close(): Promise<void>;
}

function reject(socket: Duplex, status: number, body = '', headers: Record<string, string> = {}): void {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`, 'Connection: close',
    `Content-Length: ${Buffer.byteLength(body)}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

export async function startWsGateway(opts: WsGatewayOptions): Promise<WsGateway> {
  const host = opts.host ?? '127.0.0.1';
  const maxMessageBytes = opts.maxMessageBytes ?? 128 * 1024;
  for (const r of opts.routes) {
    if (!r.authorizer) continue;
    if (r.routeKey !== '$connect') throw new Error(`route ${r.routeKey}: an authorizer can only guard $connect`);
    checkIdentitySources(r.authorizer.identitySource);
  }
  const authorizer = opts.routes.find((r) => r.routeKey === '$connect')?.authorizer;
  const methodArn = `arn:aws:execute-api:${opts.region}:${opts.accountId}:${opts.apiId}/${opts.stage}/$connect`;
  const connections = new Map<string, LiveConnection>();
  const pendingDisconnects = new Set<Promise<void>>();
  const subprotocols = new WeakMap<IncomingMessage, string>();
  const session: SessionOptions = {
    api: { apiId: opts.apiId, stage: opts.stage },
    routes: new Map(opts.routes.map((r) => [r.routeKey, r.invoke])),
    select: compileSelection(opts.routeSelectionExpression),
    maxMessageBytes,
    maxFrameBytes: opts.maxFrameBytes ?? 32 * 1024,
    idleTimeoutMs: opts.idleTimeoutMs ?? 10 * 60_000,
    maxConnectionMs: opts.maxConnectionMs ?? 2 * 60 * 60_000,
    onEnd: (conn, disconnected) => {
      connections.delete(conn.connectionId);
      pendingDisconnects.add(disconnected);
      void disconnected.finally(() => pendingDisconnects.delete(disconnected));
    },
  };
  const wss = new WebSocketServer({
    noServer: true,
    // Backstop only: frame and message limits are enforced by the frame tap (gateway/ws-frames.ts)
    // and in the session, with AWS's `1009 Message too big`; ws itself would close with its own reason.
    maxPayload: Math.max(maxMessageBytes * 16, 1024 * 1024),
    handleProtocols: (_offered, req) => subprotocols.get(req) ?? false,
  });
  let localPort = 0;

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    const { rawPath, rawQuery } = splitUrl(req.url ?? '/');
    if (rawPath !== `/${opts.stage}` && rawPath !== `/${opts.stage}/`) return reject(socket, 403, '{"message":"Forbidden"}');
    const conn: LiveConnection = {
      connectionId: awsId(), connectedAt: Date.now(), lastActiveAt: Date.now(), socket: undefined,
      sourceIp: sourceIp(req), userAgent: req.headers['user-agent'] ?? '',
      domainName: domainOf(req, `${opts.apiId}.execute-api.localhost`), close: () => socket.destroy(),
    };
    connections.set(conn.connectionId, conn);
    let decision: ReturnType<typeof connectAllowed>;
    try {
      const event = connectEvent(session.api, conn, req, rawQuery, localPort);
      if (authorizer) {
        const auth = await authorize(authorizer, event, methodArn);
        if (!auth.ok) {
          connections.delete(conn.connectionId);
          return reject(socket, auth.status, auth.body, { 'content-type': 'application/json' });
        }
        // From here on every event of the connection carries it ($connect, messages, $disconnect).
        conn.authorizer = auth.authorizer;
        event.requestContext = { ...event.requestContext, authorizer: auth.authorizer };
      }
      const onConnect = session.routes.get('$connect');
      decision = connectAllowed(onConnect ? await onConnect(event) : undefined);
    } catch (err) {
      console.error(`[ws-gateway] $connect failed (connection ${conn.connectionId}):`, err);
      decision = { ok: false, status: 500, body: '{"message":"Internal server error"}', headers: {} };
    }
    if (!decision.ok) {
      connections.delete(conn.connectionId);
      return reject(socket, decision.status, decision.body);
    }
    if (socket.destroyed) {
      connections.delete(conn.connectionId);
      return session.onEnd(conn, invokeDisconnect(conn, session, 1006, 'Connection closed abnormally'));
    }
    const protocol = decision.headers['sec-websocket-protocol'];
    if (protocol) subprotocols.set(req, protocol);
    wss.handleUpgrade(req, socket, head, (ws) => runSession(conn, ws, session, socket));
  }

  const server = createServer((req, res) => {
    handleManagement(req, res, { stage: opts.stage, connections, maxMessageBytes })
      .then((handled) => {
        if (handled) return;
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end('{"message":"Forbidden"}');
      })
      .catch((err: unknown) => {
        console.error('[ws-gateway] management API error:', err);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"message":"Internal server error"}');
      });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrade(req, socket, head).catch((err: unknown) => {
      console.error('[ws-gateway] upgrade error:', err);
      socket.destroy();
    });
  });
  localPort = await listen(server, opts.port, host);
  const base = `${urlHost(host)}:${localPort}/${opts.stage}`;
  return {
    url: `ws://${base}`,
    managementUrl: `http://${base}`,
    connectionCount: () => [...connections.values()].filter((c) => c.socket?.readyState === 1 /* OPEN */).length,
    async close() {
      for (const conn of connections.values()) conn.close(1001, 'Going away');
      const deadline = Date.now() + 5_000;
      while (connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      for (const client of wss.clients) client.terminate();
      await Promise.allSettled([...pendingDisconnects]);
      wss.close();
      await shutdown(server);
    },
  };
}
