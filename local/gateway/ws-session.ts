/**
 * One accepted WebSocket connection: routes messages, enforces AWS limits (message size,
 * idle timeout, maximum connection duration) and invokes `$disconnect` when it ends.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { awsId } from './ids.ts';
import { tapFrameLimits } from './ws-frames.ts';
import type { LiveConnection } from './ws-management.ts';
import { disconnectEvent, messageEvent } from './ws-events.ts';
import type { WsApiInfo } from './ws-events.ts';

export interface SessionOptions {
  api: WsApiInfo;
  routes: Map<string, (event: unknown) => Promise<unknown>>;
  select: (body: string | undefined) => string | undefined;
  maxMessageBytes: number;
  /** Largest single frame (API Gateway: 32 KB); a bigger one closes the connection with 1009. */
  maxFrameBytes: number;
  idleTimeoutMs: number;
  maxConnectionMs: number;
  onEnd: (conn: LiveConnection, disconnected: Promise<void>) => void;
}

const CLIENT_REASON: Record<number, string> = {
  1005: 'Client-side close frame status not set',
  1006: 'Connection closed abnormally',
};

function errorFrame(ws: WebSocket, message: string, connectionId: string, requestId: string): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ message, connectionId, requestId }));
}

/**
 * `socket` is the raw upgraded socket `ws` reads from; it must be passed synchronously from
 * `handleUpgrade`'s callback so the frame-limit tap (gateway/ws-frames.ts) sees every byte.
 */
export function runSession(conn: LiveConnection, ws: WebSocket, opts: SessionOptions, socket: Duplex): void {
  let serverClose: { code: number; reason: string } | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  conn.socket = ws;
  conn.lastActiveAt = Date.now();
  conn.close = (code, reason) => {
    if (serverClose || ws.readyState !== ws.OPEN) return;
    serverClose = { code, reason };
    ws.close(code, reason);
    killTimer = setTimeout(() => ws.terminate(), 5_000);
  };

  const goingAway = (): void => conn.close(1001, 'Going away');
  let idle = setTimeout(goingAway, opts.idleTimeoutMs);
  const lifetime = setTimeout(goingAway, opts.maxConnectionMs);
  const touch = (): void => {
    conn.lastActiveAt = Date.now();
    clearTimeout(idle);
    idle = setTimeout(goingAway, opts.idleTimeoutMs);
  };

  // Messages `ws` emits from now on are numbered; those from the oversized frame on are dropped
  // (the tap sees bytes before `ws` parses them, so `ws` may still emit earlier, complete messages).
  let received = 0;
  let deliverable = Infinity;
  tapFrameLimits(socket, opts, (v) => {
    deliverable = v.completeMessages;
    conn.close(1009, 'Message too big');
  });

  ws.on('ping', touch);
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    received += 1;
    if (received > deliverable) return;
    touch();
    if (data.length > opts.maxMessageBytes) return conn.close(1009, 'Message too big');
    const text = isBinary ? undefined : data.toString('utf8');
    const selected = opts.select(text);
    const routeKey = selected !== undefined && opts.routes.has(selected) ? selected : '$default';
    const invoke = opts.routes.get(routeKey);
    if (!invoke) return errorFrame(ws, 'Forbidden', conn.connectionId, awsId());
    const event = messageEvent(opts.api, conn, routeKey, data, isBinary);
    // A route's return value is not sent back: AWS only does that when a route response is configured.
    Promise.resolve()
      .then(() => invoke(event))
      .catch((err: unknown) => {
        console.error(`[ws-gateway] route ${routeKey} failed (connection ${conn.connectionId}):`, err);
        errorFrame(ws, 'Internal server error', conn.connectionId, event.requestContext.requestId);
      });
  });
  ws.on('error', (err) => console.error(`[ws-gateway] connection ${conn.connectionId}:`, err.message));
  ws.on('close', (code: number, reason: Buffer) => {
    clearTimeout(idle);
    clearTimeout(lifetime);
    clearTimeout(killTimer);
    const status = serverClose?.code ?? code;
    const text = serverClose?.reason ?? (reason.length ? reason.toString('utf8') : CLIENT_REASON[code] ?? '');
    opts.onEnd(conn, invokeDisconnect(conn, opts, status, text));
  });
}

export async function invokeDisconnect(conn: LiveConnection, opts: Pick<SessionOptions, 'api' | 'routes'>, code: number, reason: string): Promise<void> {
  const invoke = opts.routes.get('$disconnect');
  if (!invoke) return;
  try {
    await invoke(disconnectEvent(opts.api, conn, code, reason));
  } catch (err) {
    console.error(`[ws-gateway] $disconnect failed (connection ${conn.connectionId}):`, err);
  }
}
