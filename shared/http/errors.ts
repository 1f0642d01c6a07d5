// Errors mapped to HTTP in one place; clients see `{ error, message }`, never an exception.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { Conflict, DomainError, Invalid, NotFound, UpstreamFailure } from '../domain/errors.ts';

/** The body of every error response: a stable machine code and a human message, nothing else. */
export const errorResponseSchema = z.strictObject({
  error: z.string().describe('Stable machine-readable code, e.g. `not_found`, `invalid_query`, `unauthorized`.'),
  message: z.string().describe('Human-readable explanation; never contains data of the resource.'),
});

/** An error of the HTTP layer itself (401, 403, 405, a provider webhook's refusal): it carries its status. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, code = 'bad_request') => new AppError(400, code, message);
export const unauthorized = (message = 'missing or invalid token') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'not allowed') => new AppError(403, 'forbidden', message);
export const notFound = (message = 'not found', code = 'not_found') => new AppError(404, code, message);

export function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: code, message });
}

/** The status of each domain error thrown by services and repositories. */
const domainStatuses: [abstract new (...args: never[]) => DomainError, number][] = [
  [Invalid, 400],
  [NotFound, 404],
  [Conflict, 409],
  [UpstreamFailure, 502],
];

/**
 * What the client is told about a failure: an AppError as it is, a domain error with its status;
 * null for anything else (a bug or an outage: the caller logs it and answers a bare 500).
 */
export function httpErrorOf(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (!(err instanceof DomainError)) return null;
  const status = domainStatuses.find(([type]) => err instanceof type)?.[1];
  return status === undefined ? null : new AppError(status, err.code, err.message);
}

/** The JSON response a failure gets: a known error's status and body, anything else a bare 500. */
export function errorResponse(err: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  const known = httpErrorOf(err);
  return {
    statusCode: known ? known.statusCode : 500,
    headers: { 'content-type': 'application/json', ...headers },
    body: known ? errorBody(known.code, known.message) : errorBody('internal', 'internal error'),
  };
}
