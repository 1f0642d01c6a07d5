/** AWS JSON 1.1 wire helpers (what the SDK's EventBridge client speaks). */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './put-events.ts';
import { BodyTooLargeError, readBody as readLimitedBody } from '../gateway/body.ts';

export const CONTENT_TYPE = 'application/x-amz-json-1.1';
const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  try {
    return (await readLimitedBody(req, MAX_BODY_BYTES)).toString('utf8');
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new ApiError('ValidationException', 'Request body is too large.', 413);
    throw err;
  }
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError('SerializationException', 'Start of structure or map found where not expected.');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
  res.end(text);
}

/** AWS JSON error: `x-amzn-ErrorType` header plus `{"__type", "message"}` body. */
export function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.status, { __type: err.code, message: err.message }, { 'x-amzn-ErrorType': err.code });
}
