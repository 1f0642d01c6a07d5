/**
 * AWS JSON 1.1 over HTTP, the protocol the SDK's EventBridge, Cognito and Secrets Manager clients
 * speak: `POST /` with `X-Amz-Target: <prefix>.<Operation>` and a JSON body; errors as
 * `x-amzn-ErrorType` plus `{"__type", "message"}`, which the SDK turns into its typed exceptions
 * (`err.name === __type`). Any SigV4 signature is accepted.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody as readLimitedBody } from './gateway/body.ts';

export const AWS_JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
const MAX_BODY_BYTES = 1024 * 1024;

/** An error the way the service reports it: `code` becomes `__type` and the SDK exception's name. */
export class AwsJsonError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  try {
    return (await readLimitedBody(req, limit)).toString('utf8');
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new AwsJsonError('ValidationException', 'Request body is too large.', 413);
    throw err;
  }
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AwsJsonError('SerializationException', 'Start of structure or map found where not expected.');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': AWS_JSON_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: AwsJsonError): void {
  sendJson(res, err.status, { __type: err.code, message: err.message }, { 'x-amzn-ErrorType': err.code });
}

/** Timestamps travel as epoch seconds (fractions allowed) in AWS JSON. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

/** The request body as an object; anything else is the SerializationException the services answer. */
export function requestObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AwsJsonError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return body as Record<string, unknown>;
}

export type AwsJsonOperations = Record<string, (body: Record<string, unknown>) => unknown>;

export interface AwsJsonService {
  /** The `X-Amz-Target` prefix before the operation name, e.g. `secretsmanager`. */
  prefix: string;
  operations: AwsJsonOperations;
  /** The service's name for an unexpected failure (`InternalErrorException`, `InternalServiceError`…). */
  internalError: string;
  /** Named in the UnknownOperationException message. */
  label: string;
}

/**
 * Answers one `POST /` of the protocol: runs the operation named by `X-Amz-Target` on the parsed
 * body and sends its result or its error.
 */
export async function answerAwsJson(req: IncomingMessage, res: ServerResponse, service: AwsJsonService): Promise<void> {
  try {
    const text = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const name = target.startsWith(`${service.prefix}.`) ? target.slice(service.prefix.length + 1) : '';
    const operation = Object.hasOwn(service.operations, name) ? service.operations[name] : undefined;
    if (req.method !== 'POST' || !operation) {
      throw new AwsJsonError('UnknownOperationException', `Operation ${target || '(none)'} is not supported by the local ${service.label}.`);
    }
    sendJson(res, 200, await operation(requestObject(parseJsonBody(text))));
  } catch (err) {
    if (res.headersSent) return;
    sendError(res, err instanceof AwsJsonError ? err : new AwsJsonError(service.internalError, err instanceof Error ? err.message : String(err), 500));
  }
}

/**
 * A required string member, or the service's validation error (`InvalidParameterException` for
 * Cognito, `ValidationException` elsewhere) in AWS's words.
 */
export function requiredString(body: Record<string, unknown>, member: string, errorCode: string): string {
  const value = body[member];
  const field = member.charAt(0).toLowerCase() + member.slice(1);
  if (value === undefined || value === null) throw new AwsJsonError(errorCode, `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  if (typeof value !== 'string') throw new AwsJsonError('SerializationException', `${member} must be a string.`);
  return value;
}

export function optionalString(body: Record<string, unknown>, member: string): string | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsJsonError('SerializationException', `${member} must be a string.`);
  return value;
}
