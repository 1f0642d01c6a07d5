// Domain errors mapped to HTTP in one place; clients see `{ error, message }`, never an exception.
import { z } from 'zod';

/** The body of every error response: a stable machine code and a human message, nothing else. */
export const errorResponseSchema = z.strictObject({
  error: z.string().describe('Stable machine-readable code, e.g. `not_found`, `invalid_query`, `unauthorized`.'),
  message: z.string().describe('Human-readable explanation; never contains data of the resource.'),
});

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
