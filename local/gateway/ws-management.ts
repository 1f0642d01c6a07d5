/**
 * The `@connections` management API (what ApiGatewayManagementApiClient calls):
 * POST (PostToConnection), GET (GetConnection), DELETE (DeleteConnection) on
 * `/{stage}/@connections/{id}` and `/@connections/{id}`. Errors use the AWS REST-JSON shape the
 * SDK deserializes: status + `x-amzn-errortype` header + `{"message": …}` body.
 * SigV4 signatures are accepted without verification.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { BodyTooLargeError, readBody, safeDecode, splitUrl } from './body.ts';
import { awsId } from './ids.ts';
import type { ConnectionInfo } from './ws-events.ts';

export interface LiveConnection extends ConnectionInfo {
  /** Undefined while `$connect` is still running: the id exists but is not connected yet. */
  socket: WebSocket | undefined;
  lastActiveAt: number;
  /** Server-initiated close (records code/reason for the `$disconnect` event). */
  close(code: number, reason: string): void;
}

/** Extracts the connection id from a management path, or undefined when the path is not one. */
export function managementConnectionId(rawPath: string, stage: string): string | undefined {
  const m = /^(?:\/([^/]+))?\/@connections\/([^/]+)\/?$/.exec(rawPath);
  if (!m) return undefined;
  if (m[1] !== undefined && safeDecode(m[1]) !== stage) return undefined;
  return safeDecode(m[2] ?? '');
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': awsId(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

/** Answers 410 (the connection is gone); returns true, the request being handled. */
function gone(res: ServerResponse): true {
  send(res, 410, { message: null }, 'GoneException');
  return true;
}

export async function handleManagement(
  req: IncomingMessage,
  res: ServerResponse,
  opts: { stage: string; connections: Map<string, LiveConnection>; maxMessageBytes: number },
): Promise<boolean> {
  const id = managementConnectionId(splitUrl(req.url ?? '/').rawPath, opts.stage);
  if (id === undefined) return false;
  const conn = opts.connections.get(id);
  const socket = conn?.socket;
  switch (req.method) {
    case 'POST': {
      let data: Buffer;
      try {
        data = await readBody(req, opts.maxMessageBytes);
      } catch (err) {
        if (!(err instanceof BodyTooLargeError)) throw err;
        send(res, 413, { message: 'Message too long' }, 'PayloadTooLargeException');
        return true;
      }
      if (!conn || !socket || socket.readyState !== socket.OPEN) return gone(res);
      socket.send(data, { binary: false });
      conn.lastActiveAt = Date.now();
      send(res, 200, undefined);
      return true;
    }
    case 'GET':
      if (!conn || !socket || socket.readyState !== socket.OPEN) return gone(res);
      send(res, 200, {
        connectedAt: new Date(conn.connectedAt).toISOString(),
        identity: { sourceIp: conn.sourceIp, userAgent: conn.userAgent },
        lastActiveAt: new Date(conn.lastActiveAt).toISOString(),
      });
      return true;
    case 'DELETE':
      if (!conn || !socket || socket.readyState !== socket.OPEN) return gone(res);
      conn.close(1000, '');
      res.writeHead(204, { 'x-amzn-requestid': awsId() });
      res.end();
      return true;
    default:
      send(res, 403, { message: 'Forbidden' }, 'ForbiddenException');
      return true;
  }
}
