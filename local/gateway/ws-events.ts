import type { IncomingMessage } from 'node:http';
import { headerPairs, queryPairs } from './body.ts';
import { awsId, clfTime, traceId } from './ids.ts';

/** What the gateway knows about one WebSocket connection. */
export interface ConnectionInfo {
  connectionId: string;
  connectedAt: number;
  sourceIp: string;
  userAgent: string;
  domainName: string;
  /** `{ ...context, principalId }` of the `$connect` authorizer; on every event of the connection. */
  authorizer?: Record<string, unknown>;
}

export interface WsApiInfo {
  apiId: string;
  stage: string;
}

type EventType = 'CONNECT' | 'MESSAGE' | 'DISCONNECT';

function requestContext(api: WsApiInfo, conn: ConnectionInfo, routeKey: string, eventType: EventType, extra: Record<string, unknown>) {
  const now = Date.now();
  const requestId = awsId();
  return {
    routeKey,
    ...(conn.authorizer ? { authorizer: conn.authorizer } : {}),
    ...extra,
    eventType,
    extendedRequestId: requestId,
    requestTime: clfTime(now),
    messageDirection: 'IN',
    stage: api.stage,
    connectedAt: conn.connectedAt,
    requestTimeEpoch: now,
    identity: { sourceIp: conn.sourceIp, userAgent: conn.userAgent },
    requestId,
    domainName: conn.domainName,
    connectionId: conn.connectionId,
    apiId: api.apiId,
  };
}

/** Headers as the client sent them (original case), single- and multi-value like REST/WebSocket APIs. */
function headerMaps(rawHeaders: string[]) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of headerPairs(rawHeaders)) {
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  return { headers, multiValueHeaders };
}

function queryMaps(rawQuery: string) {
  const pairs = queryPairs(rawQuery);
  if (pairs.length === 0) return {};
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [k, v] of pairs) {
    queryStringParameters[k] = v;
    multiValueQueryStringParameters[k] = [...(multiValueQueryStringParameters[k] ?? []), v];
  }
  return { queryStringParameters, multiValueQueryStringParameters };
}

export function connectEvent(api: WsApiInfo, conn: ConnectionInfo, req: IncomingMessage, rawQuery: string, localPort: number) {
  const { headers, multiValueHeaders } = headerMaps(req.rawHeaders);
  const add = (name: string, value: string): void => {
    if (Object.keys(headers).some((h) => h.toLowerCase() === name.toLowerCase())) return;
    headers[name] = value;
    multiValueHeaders[name] = [value];
  };
  add('X-Amzn-Trace-Id', traceId());
  add('X-Forwarded-For', conn.sourceIp);
  add('X-Forwarded-Port', String(localPort));
  add('X-Forwarded-Proto', 'http');
  return {
    headers,
    multiValueHeaders,
    ...queryMaps(rawQuery),
    requestContext: requestContext(api, conn, '$connect', 'CONNECT', {}),
    isBase64Encoded: false,
  };
}

export function messageEvent(api: WsApiInfo, conn: ConnectionInfo, routeKey: string, data: Buffer, isBinary: boolean) {
  return {
    requestContext: requestContext(api, conn, routeKey, 'MESSAGE', { messageId: awsId() }),
    body: isBinary ? data.toString('base64') : data.toString('utf8'),
    isBase64Encoded: isBinary,
  };
}

export function disconnectEvent(api: WsApiInfo, conn: ConnectionInfo, statusCode: number, reason: string) {
  const headers = { Host: conn.domainName, 'X-Forwarded-For': conn.sourceIp };
  return {
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    requestContext: requestContext(api, conn, '$disconnect', 'DISCONNECT', {
      disconnectStatusCode: statusCode,
      disconnectReason: reason,
    }),
    isBase64Encoded: false,
  };
}
