// Domain errors mapped to HTTP in one place; clients see `{ error, message }`, never an exception.
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
