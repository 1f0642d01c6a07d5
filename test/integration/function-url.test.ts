// Lambda Function URLs on the local runtime: real sockets, real worker sandboxes, handlers written
// the way AWS documents them (`awslambda.streamifyResponse`, `awslambda.HttpResponseStream.from`).
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CorsConfig } from '../../local/gateway/cors.ts';
import { startFunctionUrl } from '../../local/function-url-gateway.ts';
import { LocalFunction } from '../../local/lambda-pool.ts';

const dir = mkdtempSync(join(tmpdir(), 'ringdesk-function-url-'));
const bundle = join(dir, 'index.mjs');
const CHUNK = 64 * 1024;
writeFileSync(
  bundle,
  `
import { once } from 'node:events';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const echo = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 200, headers: { 'content-type': 'application/json' } });
  stream.end(JSON.stringify(event));
});

export const slow = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 201, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-kind': 'slow' }, cookies: ['a=1; Path=/'],
  });
  stream.write('first\\n');
  await sleep(600);
  stream.write('finished-at:' + Date.now() + '\\n');
  stream.end();
});

// ${CHUNK}-byte records "index:producedAtMs:" padded with dots, written as a well-behaved producer
// does: wait for 'drain' whenever write() says the stream is full.
export const big = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.setContentType('application/octet-stream');
  const n = Number(event.queryStringParameters?.n ?? 8);
  for (let i = 0; i < n; i++) {
    const record = Buffer.alloc(${CHUNK}, '.');
    record.write(i + ':' + Date.now() + ':');
    if (!responseStream.write(record)) await once(responseStream, 'drain');
  }
  responseStream.end();
});

export const failsMidStream = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 200, headers: { 'content-type': 'text/csv' } });
  stream.write('a,b\\r\\n1,2\\r\\n');
  await sleep(50);
  throw new Error('the table went away');
});

export const failsFirst = awslambda.streamifyResponse(async () => {
  throw new Error('before any byte');
});

export const hangsAfterFirstChunk = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.write('started');
  await sleep(60_000);
});

export const writesUntilClosed = awslambda.streamifyResponse(async (event, responseStream) => {
  try {
    for (;;) {
      if (!responseStream.write(Buffer.alloc(${CHUNK}, 'x'))) await once(responseStream, 'drain');
    }
  } catch (err) {
    console.log('stopped: ' + err.message);
    throw err;
  }
});

export const returnsWithoutEnd = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.setContentType('text/plain');
  responseStream.write('no explicit end');
});

export const buffered = async (event) => ({ statusCode: 202, headers: { 'content-type': 'text/plain', 'x-path': event.rawPath }, body: 'buffered ' + (event.queryStringParameters?.q ?? '') });
`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

function sandbox(exportName: string, timeoutSeconds = 10): LocalFunction {
  const fn = new LocalFunction(
    { logicalId: exportName, functionName: `test-${exportName}`, bundlePath: bundle, exportName, timeoutSeconds, memoryMb: 128, environment: {} },
    { PATH: process.env['PATH'] ?? '' },
    { region: 'eu-central-1', accountId: '123456789012', maxConcurrency: 1, output: { stdout: () => {}, stderr: () => {} } },
  );
  closers.push(() => fn.close());
  return fn;
}

async function serve(fn: LocalFunction, opts: { invokeMode?: 'BUFFERED' | 'RESPONSE_STREAM'; cors?: CorsConfig } = {}) {
  const url = await startFunctionUrl({
    port: 0,
    urlId: 'abcdefghijklmnopqrstuvwxyz012345',
    invokeMode: opts.invokeMode ?? 'RESPONSE_STREAM',
    cors: opts.cors ?? null,
    target: { invoke: (e) => fn.invoke(e), invokeStreaming: (e, sink) => fn.invokeStreaming(e, sink) },
  });
  closers.push(url.close);
  return url.url;
}

interface Received {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Arrival time of each chunk the client read. */
  arrivals: { at: number; bytes: number }[];
  /** False when the response was cut off (no terminating chunk). */
  complete: boolean;
}

/** GETs `url`; `pauseMs` keeps the socket unread that long after the headers (a slow reader). */
function get(url: string, opts: { headers?: Record<string, string>; method?: string; pauseMs?: number; onResume?: () => void } = {}): Promise<Received> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      const arrivals: Received['arrivals'] = [];
      let settled = false;
      const done = (complete: boolean) => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), arrivals, complete });
      };
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        arrivals.push({ at: Date.now(), bytes: c.length });
      });
      res.on('end', () => done(res.complete));
      res.on('error', () => done(false));
      res.on('close', () => done(res.complete));
      if (opts.pauseMs) {
        res.pause();
        setTimeout(() => {
          opts.onResume?.();
          res.resume();
        }, opts.pauseMs);
      }
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Function URL — RESPONSE_STREAM', () => {
  it('sends the Function URL event (payload 2.0, route $default, whole path and query)', async () => {
    const url = await serve(sandbox('echo'));
    const res = await get(`${url}calls?from=2026-11-01T00%3A00%3A00Z&bom=true`, { headers: { authorization: 'Bearer x' } });
    expect(res.status).toBe(200);
    const event = JSON.parse(res.body.toString('utf8'));
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/calls',
      rawQueryString: 'from=2026-11-01T00%3A00%3A00Z&bom=true',
      queryStringParameters: { from: '2026-11-01T00:00:00Z', bom: 'true' },
      headers: { authorization: 'Bearer x' },
      isBase64Encoded: false,
      requestContext: { apiId: 'abcdefghijklmnopqrstuvwxyz012345', routeKey: '$default', stage: '$default', http: { method: 'GET', path: '/calls' } },
    });
    expect(event.pathParameters).toBeUndefined();
    expect(res.headers['x-amzn-requestid']).toBe(event.requestContext.requestId);
  });

  it('delivers the first chunk before the handler finishes, with the status, headers and cookies of the prelude', async () => {
    const url = await serve(sandbox('slow'));
    const res = await get(`${url}x`);
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['x-kind']).toBe('slow');
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/']);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.complete).toBe(true);
    const text = res.body.toString('utf8');
    expect(text.startsWith('first\n')).toBe(true);
    const finishedAt = Number(/finished-at:(\d+)/.exec(text)![1]);
    // The first line was read at least half a second before the handler wrote its last one.
    expect(finishedAt - res.arrivals[0]!.at).toBeGreaterThan(450);
  });

  it('paces the handler by the reader: a paused client keeps the sandbox from producing ahead (backpressure)', async () => {
    const fn = sandbox('big');
    const url = await serve(fn);
    const records = 768; // 48 MB
    let resumedAt = 0;
    const res = await get(`${url}?n=${records}`, { pauseMs: 1500, onResume: () => (resumedAt = Date.now()) });
    expect(res.complete).toBe(true);
    expect(res.body.length).toBe(records * CHUNK);
    const producedAt = Array.from({ length: records }, (_, i) => {
      const [index, at] = res.body.subarray(i * CHUNK, i * CHUNK + 40).toString('latin1').split(':');
      expect(Number(index)).toBe(i);
      return Number(at);
    });
    // While nobody read, only what fits in the socket buffers was produced (Linux loopback: a few
    // MB), not the 48 MB a producer without backpressure writes in well under 1.5 s.
    const aheadBytes = producedAt.filter((t) => t < resumedAt).length * CHUNK;
    expect(aheadBytes).toBeLessThan(16 * 1024 * 1024);
    expect(producedAt.at(-1)!).toBeGreaterThanOrEqual(resumedAt);
    // In the sandbox, the stream never held more than its high-water mark plus the chunk in flight.
    expect(fn.stats.lastStream).toMatchObject({ chunks: records, bytes: records * CHUNK });
    expect(fn.stats.lastStream!.peakBufferedBytes).toBeLessThanOrEqual(2 * CHUNK);
  });

  it('aborts the response when the handler fails after the first byte (no terminating chunk)', async () => {
    const url = await serve(sandbox('failsMidStream'));
    const res = await get(url);
    expect(res.status).toBe(200);
    expect(res.body.toString('utf8')).toBe('a,b\r\n1,2\r\n');
    expect(res.complete).toBe(false);
  });

  it('answers 502 when the handler fails before any byte', async () => {
    const url = await serve(sandbox('failsFirst'));
    const res = await get(url);
    expect(res.status).toBe(502);
    expect(res.complete).toBe(true);
  });

  it("cuts the response off at the function's timeout", async () => {
    const url = await serve(sandbox('hangsAfterFirstChunk', 1));
    const started = Date.now();
    const res = await get(url);
    expect(res.body.toString('utf8')).toBe('started');
    expect(res.complete).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails the handler’s writes when the client goes away, so the invocation ends', async () => {
    const fn = sandbox('writesUntilClosed');
    const url = await serve(fn);
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(url, (res) => res.once('data', () => req.destroy()));
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.on('timeout', reject);
      req.end();
    });
    await Promise.race([fn.settled(), new Promise((_, reject) => setTimeout(() => reject(new Error('the invocation kept running')), 5_000))]);
    expect(fn.stats.errors).toBe(1);
  });

  it('ends the response when the handler returns without ending the stream', async () => {
    const url = await serve(sandbox('returnsWithoutEnd'));
    const res = await get(url);
    expect(res).toMatchObject({ status: 200, complete: true });
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.body.toString('utf8')).toBe('no explicit end');
  });

  it('maps the result of a handler that does not stream like a buffered response', async () => {
    const url = await serve(sandbox('buffered'));
    const res = await get(`${url}p?q=1`);
    expect(res).toMatchObject({ status: 202, complete: true });
    expect(res.headers['x-path']).toBe('/p');
    expect(res.body.toString('utf8')).toBe('buffered 1');
  });
});

describe('Function URL — BUFFERED and CORS', () => {
  const cors: CorsConfig = { allowOrigins: ['*'], allowMethods: ['GET'], allowHeaders: ['authorization'], exposeHeaders: ['content-disposition'], maxAge: 3600, allowCredentials: false };

  it('returns the whole result with a content-length', async () => {
    const url = await serve(sandbox('buffered'), { invokeMode: 'BUFFERED' });
    const res = await get(`${url}p?q=2`);
    expect(res).toMatchObject({ status: 202, complete: true });
    expect(res.headers['content-length']).toBe(String('buffered 2'.length));
    expect(res.body.toString('utf8')).toBe('buffered 2');
  });

  it('answers the CORS preflight itself and adds the CORS headers to responses', async () => {
    const fn = sandbox('buffered');
    const url = await serve(fn, { invokeMode: 'BUFFERED', cors });
    const preflight = await get(url, { method: 'OPTIONS', headers: { origin: 'https://desk.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(preflight.status).toBe(200);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'authorization',
      'access-control-max-age': '3600',
    });
    expect(fn.stats.invocations).toBe(0);
    const res = await get(url, { headers: { origin: 'https://desk.example' } });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toBe('content-disposition');
  });
});
