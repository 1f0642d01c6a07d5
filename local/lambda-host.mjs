// Worker-thread host for one Lambda sandbox: loads the bundled handler once (cold start), then runs
// one invocation at a time, as Lambda does. Its process.env is the function's own environment.
import { finished } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

const { bundlePath, exportName, functionName, memoryMb, region, accountId } = workerData;

// While an invocation runs (one at a time per sandbox), every line the function writes to stdout or
// stderr starts with its request id; lambda-pool.ts adds the function's name (see log-lines.ts).
let currentRequestId = null;
function tagLines(stream) {
  const write = stream.write.bind(stream);
  let atLineStart = true;
  stream.write = (chunk, encoding, callback) => {
    const cb = typeof encoding === 'function' ? encoding : callback;
    const text = typeof chunk === 'string' ? (typeof encoding === 'string' && encoding !== 'utf8' && encoding !== 'utf-8' ? Buffer.from(chunk, encoding).toString('utf8') : chunk) : Buffer.from(chunk).toString('utf8');
    let out = '';
    for (const part of text.split(/(?<=\n)/)) {
      if (part === '') continue;
      if (atLineStart && currentRequestId !== null) out += `${currentRequestId} `;
      out += part;
      atLineStart = part.endsWith('\n');
    }
    return write(out, 'utf8', cb);
  };
}
tagLines(process.stdout);
tagLines(process.stderr);

function serializeError(err) {
  const e = err instanceof Error ? err : new Error(String(err));
  return { errorType: e.name, errorMessage: e.message, stack: e.stack };
}

// ---- Response streaming (Function URLs in RESPONSE_STREAM mode) ----------------------------------
// The Node.js Lambda runtime gives handlers the `awslambda` global: `streamifyResponse(handler)`
// marks a handler that takes `(event, responseStream, context)`, and `HttpResponseStream.from(stream,
// { statusCode, headers, cookies })` sets the content type Function URLs read as "JSON prelude, 8 NUL
// bytes, then the body". Each chunk written here goes to the main thread, and the stream's write
// callback waits for its acknowledgement, sent once the socket has taken the chunk: backpressure
// reaches the handler (`write()` returns false, `pipeline` pauses its source), memory stays flat.
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HIGH_WATER_MARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const DEFAULT_HIGH_WATER_MARK = 64 * 1024;

const HttpResponseStream = {
  from(underlyingStream, prelude) {
    underlyingStream.setContentType(PRELUDE_CONTENT_TYPE);
    underlyingStream.prelude = Buffer.concat([Buffer.from(JSON.stringify(prelude ?? {})), Buffer.alloc(8)]);
    return underlyingStream;
  },
};

globalThis.awslambda = {
  streamifyResponse(fn, options) {
    fn[STREAMING] = 'response';
    if (options?.highWaterMark) fn[HIGH_WATER_MARK] = options.highWaterMark;
    return fn;
  },
  HttpResponseStream,
};

/** Acknowledgements the main thread owes, per invocation: the write callbacks waiting for them. */
const pendingAcks = new Map();

function responseStream(id, highWaterMark, stats) {
  let contentType = 'application/octet-stream';
  let sent = false;
  const send = (data, callback) => {
    let payload = data;
    if (!sent && stream.prelude) payload = Buffer.concat([stream.prelude, data]);
    // A fresh exact-size copy is transferred, not cloned with whatever pool slab `data` sits in.
    const bytes = new Uint8Array(payload.length);
    bytes.set(payload);
    stats.chunks++;
    stats.bytes += data.length;
    stats.peakHeapBytes = Math.max(stats.peakHeapBytes, getHeapStatistics().used_heap_size);
    stats.peakOldSpaceBytes = Math.max(stats.peakOldSpaceBytes, oldSpaceUsed());
    pendingAcks.set(id, callback);
    parentPort.postMessage({ type: 'chunk', id, data: bytes, ...(sent ? {} : { contentType }) }, [bytes.buffer]);
    sent = true;
  };
  const stream = new Writable({
    highWaterMark,
    write(chunk, _encoding, callback) {
      stats.peakBufferedBytes = Math.max(stats.peakBufferedBytes, stream.writableLength);
      send(chunk, callback);
    },
    writev(chunks, callback) {
      stats.peakBufferedBytes = Math.max(stats.peakBufferedBytes, stream.writableLength);
      send(Buffer.concat(chunks.map((c) => c.chunk)), callback);
    },
    final(callback) {
      // Nothing written: the main thread still learns the content type (and the prelude, if any).
      if (!sent) send(Buffer.alloc(0), callback);
      else callback();
    },
  });
  stream.setContentType = (type) => {
    if (sent) throw new Error('setContentType: the response has started');
    contentType = String(type);
  };
  return stream;
}

/** Bytes in V8's old space: what outlived two young-generation collections, i.e. what a handler keeps. */
const oldSpaceUsed = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_used_size ?? 0;

async function runStreaming(id, event, context) {
  const heap = getHeapStatistics().used_heap_size;
  const old = oldSpaceUsed();
  const stats = { chunks: 0, bytes: 0, peakBufferedBytes: 0, startHeapBytes: heap, peakHeapBytes: heap, startOldSpaceBytes: old, peakOldSpaceBytes: old };
  const stream = responseStream(id, handler[HIGH_WATER_MARK] ?? DEFAULT_HIGH_WATER_MARK, stats);
  try {
    await handler(event, stream, context);
    // A handler may return before it ends the stream (or without ending it at all): the invocation
    // is complete when the stream is.
    if (!stream.writableEnded) stream.end();
    await finished(stream);
  } catch (err) {
    stream.destroy();
    throw err;
  } finally {
    pendingAcks.delete(id);
  }
  return stats;
}

let handler;
try {
  const mod = await import(pathToFileURL(bundlePath).href);
  handler = mod[exportName];
  if (typeof handler !== 'function') throw new Error(`${bundlePath} does not export ${exportName}`);
  parentPort.postMessage({ type: 'ready' });
} catch (err) {
  parentPort.postMessage({ type: 'init-error', error: serializeError(err) });
}

parentPort.on('message', async (message) => {
  if (message.type === 'ack') {
    const callback = pendingAcks.get(message.id);
    pendingAcks.delete(message.id);
    // The client went away: the write fails, so does the handler's pipeline.
    callback?.(message.error ? new Error(message.error) : undefined);
    return;
  }
  const { id, event, deadline, requestId, stream } = message;
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
  currentRequestId = requestId;
  try {
    if (handler[STREAMING] === 'response') {
      // Invoked without streaming (a BUFFERED URL, an event source), the stream is still where the
      // handler writes; Lambda then returns what it wrote as the payload. Locally only the streaming
      // path is served: a buffered invoke of a streaming handler is an error, not a silent truncation.
      if (!stream) throw new Error(`${functionName} is a streaming handler (awslambda.streamifyResponse): invoke it through a RESPONSE_STREAM function URL`);
      const stats = await runStreaming(id, event, context);
      parentPort.postMessage({ type: 'result', id, streamed: true, stats });
    } else {
      const result = await handler(event, context);
      parentPort.postMessage({ type: 'result', id, streamed: false, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
    }
  } catch (err) {
    const error = serializeError(err);
    // What the Node.js Lambda runtime logs for a failed invocation.
    process.stderr.write(`ERROR Invoke Error ${JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, stack: String(error.stack ?? '').split('\n') })}\n`);
    parentPort.postMessage({ type: 'error', id, error });
  } finally {
    currentRequestId = null;
  }
});
