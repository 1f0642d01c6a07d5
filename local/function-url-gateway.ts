/**
 * Local stand-in for a Lambda Function URL (`AWS::Lambda::Url`): one port per URL, host-style like
 * AWS (`https://{url-id}.lambda-url.{region}.on.aws/` → `http://127.0.0.1:{port}/`), so the whole
 * path goes to the function. Requests become the Function URL event (payload format 2.0, route key
 * `$default`). BUFFERED URLs map the handler's result like an HTTP API; RESPONSE_STREAM URLs write
 * what the function streams as it comes, with chunked transfer encoding, paced by the socket: a
 * chunk is acknowledged to the sandbox only once the socket took it, so a slow reader slows the
 * handler down instead of filling memory. CORS is answered here, as the Lambda service does.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BodyTooLargeError, readBody, splitUrl } from './gateway/body.ts';
import { buildHttpEvent } from './gateway/http-event.ts';
import { mapLambdaResult, type GatewayResponse } from './gateway/http-response.ts';
import { corsHeaders, isPreflight, preflightHeaders, type CorsConfig } from './gateway/cors.ts';
import { listen, shutdown, urlHost } from './gateway/listen.ts';
import type { InvokeOutcome, ResponseSink } from './lambda-pool.ts';

export const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const DELIMITER = Buffer.alloc(8);
/** The prelude (status and headers) must come within this many bytes, else the response is malformed. */
const MAX_PRELUDE_BYTES = 64 * 1024;

export interface FunctionUrlTarget {
  invoke(event: APIGatewayProxyEventV2): Promise<unknown>;
  invokeStreaming(event: APIGatewayProxyEventV2, sink: ResponseSink): Promise<InvokeOutcome>;
}

export interface FunctionUrlOptions {
  port: number;
  host?: string;
  /** The URL id AWS would give (32 lowercase alphanumerics); `requestContext.apiId` and `domainPrefix`. */
  urlId: string;
  invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  cors: CorsConfig | null;
  target: FunctionUrlTarget;
  /** Request payload limit; AWS's is 6 MB. */
  maxBodyBytes?: number;
}

export interface FunctionUrlServer {
  /** With a trailing slash, as CloudFormation's `FunctionUrl` attribute. */
  url: string;
  close(): Promise<void>;
}

class MalformedStream extends Error {}

function jsonText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Writes the chunks of one streamed response: prelude parsing, backpressure, chunked encoding. */
class StreamedResponse implements ResponseSink {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private mode: 'unknown' | 'prelude' | 'body' = 'unknown';
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly extraHeaders: Record<string, string>,
  ) {
    res.once('close', () => (this.closed = true));
  }

  get started(): boolean {
    return this.res.headersSent;
  }

  async write(chunk: Buffer, contentType?: string): Promise<void> {
    if (this.closed || this.res.destroyed) throw new Error('the client closed the connection');
    if (this.mode === 'unknown') {
      if (contentType === PRELUDE_CONTENT_TYPE) this.mode = 'prelude';
      else {
        this.head(200, { 'content-type': contentType ?? 'application/octet-stream' }, []);
        this.mode = 'body';
      }
    }
    let body = chunk;
    if (this.mode === 'prelude') {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      const all = Buffer.concat(this.pending);
      const at = all.indexOf(DELIMITER);
      if (at < 0) {
        if (this.pendingBytes > MAX_PRELUDE_BYTES) throw new MalformedStream('no prelude delimiter within 64 KB');
        return;
      }
      this.pending = [];
      this.startFromPrelude(all.subarray(0, at));
      this.mode = 'body';
      body = all.subarray(at + DELIMITER.length);
    }
    if (body.length === 0) return;
    if (this.res.write(body)) return;
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        this.res.off('drain', onDrain);
        this.res.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(new Error('the client closed the connection'));
      this.res.on('drain', onDrain);
      this.res.on('close', onClose);
    });
  }

  private startFromPrelude(json: Buffer): void {
    let prelude: { statusCode?: unknown; headers?: unknown; cookies?: unknown; multiValueHeaders?: unknown };
    try {
      prelude = JSON.parse(json.toString('utf8')) as typeof prelude;
    } catch {
      throw new MalformedStream('the prelude is not JSON');
    }
    // The prelude has the shape of a buffered result; the same mapping checks it.
    const mapped = mapLambdaResult({ statusCode: prelude.statusCode ?? 200, headers: prelude.headers, multiValueHeaders: prelude.multiValueHeaders, cookies: prelude.cookies });
    this.head(mapped.statusCode, {}, mapped.headers);
  }

  private head(status: number, base: Record<string, string>, headers: Array<[string, string]>): void {
    const out: Record<string, string | string[]> = { ...base };
    for (const [k, v] of headers) {
      const prev = out[k];
      out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    // Length unknown up front: Node sends `transfer-encoding: chunked`.
    delete out['content-length'];
    delete out['transfer-encoding'];
    this.res.writeHead(status, { ...out, ...this.extraHeaders });
  }

  /** The function finished: end the body (an empty 200 when it wrote nothing at all). */
  end(): void {
    if (this.mode === 'prelude') throw new MalformedStream('the stream ended inside the prelude');
    if (!this.res.headersSent) this.head(200, { 'content-type': 'application/octet-stream' }, []);
    this.res.end();
  }
}

function writeBuffered(res: ServerResponse, response: GatewayResponse, extra: Record<string, string>): void {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of response.headers) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  delete out['transfer-encoding'];
  out['content-length'] = String(response.body.length);
  res.writeHead(response.statusCode, { ...out, ...extra });
  res.end(response.body);
}

export async function startFunctionUrl(opts: FunctionUrlOptions): Promise<FunctionUrlServer> {
  const host = opts.host ?? '127.0.0.1';
  const maxBodyBytes = opts.maxBodyBytes ?? 6 * 1024 * 1024;
  let localPort = 0;

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const now = Date.now();
    const origin = req.headers.origin;
    const cors = corsHeaders(opts.cors, origin);
    const ids = { 'x-amzn-requestid': requestId };
    // CORS preflight: answered by the URL itself, the function never sees it.
    if (opts.cors && isPreflight(opts.cors, req.method, req.headers)) {
      req.resume();
      res.writeHead(200, { ...ids, ...preflightHeaders(opts.cors, req.headers), 'content-length': '0' });
      res.end();
      return;
    }
    const { rawPath, rawQuery } = splitUrl(req.url ?? '/');
    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        res.setHeader('connection', 'close');
        return jsonText(res, 413, JSON.stringify({ Message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' }), ids);
      }
      throw err;
    }
    const event = buildHttpEvent(req, {
      apiId: opts.urlId, accountId: 'anonymous', stage: '$default', routeKey: '$default', requestId,
      rawPath, rawQuery, pathParameters: undefined, body, now, localPort,
    });
    const extra = { ...ids, ...cors };

    if (opts.invokeMode === 'BUFFERED') {
      let response: GatewayResponse;
      try {
        response = mapLambdaResult(await opts.target.invoke(event));
      } catch (err) {
        console.error(`[function-url] ${opts.urlId} failed (request ${requestId}):`, err);
        return jsonText(res, 502, JSON.stringify({ Message: null }), ids);
      }
      return writeBuffered(res, response, extra);
    }

    const streamed = new StreamedResponse(res, extra);
    try {
      const outcome = await opts.target.invokeStreaming(event, streamed);
      if (outcome.streamed) streamed.end();
      else writeBuffered(res, mapLambdaResult(outcome.result), extra);
    } catch (err) {
      if (streamed.started) {
        // Headers and part of the body are out: the only honest signal left is an aborted response
        // (no terminating chunk), which clients report as an error instead of a short file.
        console.error(`[function-url] ${opts.urlId} failed mid-stream, response aborted (request ${requestId}): ${err instanceof Error ? err.message : String(err)}`);
        res.destroy();
        return;
      }
      console.error(`[function-url] ${opts.urlId} failed (request ${requestId}):`, err);
      if (!res.destroyed) jsonText(res, 502, JSON.stringify({ Message: null }), ids);
    }
  }

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    handle(req, res, requestId).catch((err: unknown) => {
      console.error(`[function-url] internal error (request ${requestId}):`, err);
      if (!res.headersSent) jsonText(res, 500, JSON.stringify({ Message: 'Internal Server Error' }));
      else res.destroy();
    });
  });
  localPort = await listen(server, opts.port, host);
  return { url: `http://${urlHost(host)}:${localPort}/`, close: () => shutdown(server) };
}
