// Worker-thread host for one Lambda sandbox: loads the bundled handler once (cold start), then runs
// one invocation at a time, as Lambda does. Its process.env is the function's own environment.
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

let handler;
try {
  const mod = await import(pathToFileURL(bundlePath).href);
  handler = mod[exportName];
  if (typeof handler !== 'function') throw new Error(`${bundlePath} does not export ${exportName}`);
  parentPort.postMessage({ type: 'ready' });
} catch (err) {
  parentPort.postMessage({ type: 'init-error', error: serializeError(err) });
}

parentPort.on('message', async ({ id, event, deadline, requestId }) => {
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
    const result = await handler(event, context);
    parentPort.postMessage({ type: 'result', id, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
  } catch (err) {
    const error = serializeError(err);
    // What the Node.js Lambda runtime logs for a failed invocation.
    process.stderr.write(`ERROR Invoke Error ${JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, stack: String(error.stack ?? '').split('\n') })}\n`);
    parentPort.postMessage({ type: 'error', id, error });
  } finally {
    currentRequestId = null;
  }
});
