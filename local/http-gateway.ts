/**
 * Local stand-in for an API Gateway HTTP API (payload format 2.0, Lambda proxy integrations).
 * Handlers are invoked in-process through the `invoke` callbacks. Behaviour mirrors AWS:
 * route precedence, event shape, response inference, 413 / 503 / 500 error bodies, CORS.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BodyTooLargeError, readBody, splitUrl } from './gateway/body.ts';
import { corsHeaders, isPreflight, preflightHeaders, type CorsConfig } from './gateway/cors.ts';
import { buildHttpEvent } from './gateway/http-event.ts';
import { jsonMessage, mapLambdaResult, writeResponse } from './gateway/http-response.ts';
import type { GatewayResponse } from './gateway/http-response.ts';
import { compileRoute, selectRoute } from './gateway/http-routes.ts';
import type { CompiledRoute } from './gateway/http-routes.ts';
import { awsId } from './gateway/ids.ts';
import { listen, shutdown, urlHost } from './gateway/listen.ts';

export interface HttpRoute {
  /** `POST /webhooks/{tenant}/{provider}`, `GET /calls/{id}`, `ANY /x/{proxy+}` or `$default`. */
  routeKey: string;
  invoke: (event: APIGatewayProxyEventV2) => Promise<unknown>;
}

export interface HttpGatewayOptions {
  port: number;
  host?: string;
  apiId: string;
  region: string;
  accountId: string;
  /** `$default` (no path prefix) or a named stage served under `/{stage}`. */
  stage?: string;
  routes: HttpRoute[];
  /** Integration timeout; AWS's maximum for HTTP APIs is 30 s. */
  timeoutMs?: number;
  /** Request payload limit; AWS's is 10 MB. */
  maxBodyBytes?: number;
  /** The API's `CorsConfiguration`: preflights are answered here, the configured headers replace the function's. */
  cors?: CorsConfig | null;
}

export interface HttpGateway {
  url: string;
  close(): Promise<void>;
}

class IntegrationTimeout extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IntegrationTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function startHttpGateway(opts: HttpGatewayOptions): Promise<HttpGateway> {
  const host = opts.host ?? '127.0.0.1';
  const stage = opts.stage ?? '$default';
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxBodyBytes = opts.maxBodyBytes ?? 10 * 1024 * 1024;
  const routes: CompiledRoute<HttpRoute>[] = opts.routes.map((r) => compileRoute(r.routeKey, r));
  let localPort = 0;

  const cors = opts.cors ?? null;
  /** With CORS configured, API Gateway ignores the integration's CORS headers and sets its own. */
  function withCors(response: GatewayResponse, origin: string | undefined): GatewayResponse {
    if (!cors) return response;
    const headers = response.headers.filter(([k]) => !k.startsWith('access-control-'));
    return { ...response, headers: [...headers, ...Object.entries(corsHeaders(cors, origin))] };
  }

  async function handle(req: IncomingMessage, requestId: string, now: number): Promise<GatewayResponse> {
    const { rawPath, rawQuery } = splitUrl(req.url ?? '/');
    let routePath = rawPath;
    if (stage !== '$default') {
      if (rawPath !== `/${stage}` && !rawPath.startsWith(`/${stage}/`)) return jsonMessage(404, 'Not Found');
      routePath = rawPath.slice(stage.length + 1) || '/';
    }
    const match = selectRoute(routes, req.method ?? 'GET', routePath);
    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return jsonMessage(413, 'Request Entity Too Large');
      throw err;
    }
    if (!match) return jsonMessage(404, 'Not Found');
    const event = buildHttpEvent(req, {
      apiId: opts.apiId, accountId: opts.accountId, stage, routeKey: match.route.routeKey, requestId,
      rawPath, rawQuery, pathParameters: match.pathParameters, body, now, localPort,
    });
    try {
      const result = await withTimeout(Promise.resolve().then(() => match.route.target.invoke(event)), timeoutMs);
      return mapLambdaResult(result);
    } catch (err) {
      if (err instanceof IntegrationTimeout) {
        console.error(`[http-gateway] ${match.route.routeKey} timed out after ${timeoutMs} ms (request ${requestId})`);
        return jsonMessage(503, 'Service Unavailable');
      }
      console.error(`[http-gateway] ${match.route.routeKey} failed (request ${requestId}):`, err);
      return jsonMessage(500, 'Internal Server Error');
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const requestId = awsId();
    // Preflights are answered by the API itself, with or without an OPTIONS route.
    if (cors && isPreflight(cors, req.method, req.headers)) {
      req.resume();
      writeResponse(res, { statusCode: 204, headers: Object.entries(preflightHeaders(cors, req.headers)), body: Buffer.alloc(0) }, requestId);
      return;
    }
    handle(req, requestId, Date.now())
      .then((response) => {
        if (response.statusCode === 413) res.setHeader('connection', 'close');
        writeResponse(res, withCors(response, req.headers.origin), requestId);
      })
      .catch((err: unknown) => {
        console.error(`[http-gateway] internal error (request ${requestId}):`, err);
        if (!res.headersSent) writeResponse(res, jsonMessage(500, 'Internal Server Error'), requestId);
        else res.destroy();
      });
  });
  localPort = await listen(server, opts.port, host);
  return {
    url: `http://${urlHost(host)}:${localPort}`,
    close: () => shutdown(server),
  };
}
