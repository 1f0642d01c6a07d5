// Options every AWS SDK client of the functions is built with. Without them a stalled connection
// holds an invocation until the function's own timeout, and the SDK's retries never get their turn;
// bounded connect and request times turn a stall into a retryable error while the invocation has time
// left. Generous enough for DynamoDB Local on a loaded machine.
export const sdkClientOptions = {
  // throwOnRequestTimeout: without it the handler only logs a warning when requestTimeout passes.
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
} as const;
