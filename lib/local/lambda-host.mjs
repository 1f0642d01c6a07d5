// Worker-thread host for one Lambda sandbox: loads the bundled handler once (cold start), then runs
// one invocation at a time, as Lambda does. Its process.env is the function's own environment.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

const { bundlePath, exportName, functionName, memoryMb, region, accountId } = workerData;

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
  try {
    const result = await handler(event, context);
    parentPort.postMessage({ type: 'result', id, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
  } catch (err) {
    parentPort.postMessage({ type: 'error', id, error: serializeError(err) });
  }
});
