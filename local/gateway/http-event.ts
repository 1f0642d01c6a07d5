import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { headerPairs, queryPairs } from './body.ts';
import { clfTime, domainOf, domainPrefixOf, sourceIp, traceId } from './ids.ts';

export interface HttpEventContext {
  apiId: string;
  accountId: string;
  stage: string;
  routeKey: string;
  requestId: string;
  rawPath: string;
  rawQuery: string;
  pathParameters: Record<string, string> | undefined;
  body: Buffer;
  now: number;
  localPort: number;
}

const TEXT_TYPES = new Set(['application/json', 'application/x-www-form-urlencoded', 'application/xml']);

/** True when API Gateway would pass the body as text rather than base64. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type = ''] = contentType.split(';');
  const mime = type.trim().toLowerCase();
  return mime.startsWith('text/') || TEXT_TYPES.has(mime) || mime.endsWith('+json') || mime.endsWith('+xml');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Text bodies as strings; binary ones (or text that is not valid UTF-8) base64, byte-exact either way. */
function encodeBody(body: Buffer, contentType: string | undefined): { body?: string; isBase64Encoded: boolean } {
  if (body.length === 0) return { isBase64Encoded: false };
  if (isTextContentType(contentType)) {
    try {
      return { body: utf8.decode(body), isBase64Encoded: false };
    } catch {
      /* not valid UTF-8: fall through to base64 so no byte is lost */
    }
  }
  return { body: body.toString('base64'), isBase64Encoded: true };
}

/** Lower-cased headers, duplicates comma-joined, `cookie` moved out (format 2.0 puts it in `cookies`). */
function collectHeaders(req: IncomingMessage): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [rawName, value] of headerPairs(req.rawHeaders)) {
    const name = rawName.toLowerCase();
    if (name === 'cookie') {
      cookies.push(...value.split(';').map((c) => c.trim()).filter(Boolean));
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
}

/** Builds the HTTP API payload format 2.0 event for one request. */
export function buildHttpEvent(req: IncomingMessage, ctx: HttpEventContext): APIGatewayProxyEventV2 {
  const { headers, cookies } = collectHeaders(req);
  const ip = sourceIp(req);
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${ip}` : ip;
  headers['x-forwarded-port'] ??= String(ctx.localPort);
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-amzn-trace-id'] ??= traceId(ctx.now);

  const query: Record<string, string> = {};
  for (const [k, v] of queryPairs(ctx.rawQuery)) query[k] = k in query ? `${query[k]},${v}` : v;

  const domainName = domainOf(req, `${ctx.apiId}.execute-api.localhost`);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: ctx.routeKey,
    rawPath: ctx.rawPath,
    rawQueryString: ctx.rawQuery,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: ctx.accountId,
      apiId: ctx.apiId,
      domainName,
      domainPrefix: domainPrefixOf(domainName),
      http: {
        method: req.method ?? 'GET',
        path: ctx.rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: ip,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: ctx.requestId,
      routeKey: ctx.routeKey,
      stage: ctx.stage,
      time: clfTime(ctx.now),
      timeEpoch: ctx.now,
    },
    ...(ctx.pathParameters ? { pathParameters: ctx.pathParameters } : {}),
    isBase64Encoded: false,
  };
  return Object.assign(event, encodeBody(ctx.body, headers['content-type']));
}
