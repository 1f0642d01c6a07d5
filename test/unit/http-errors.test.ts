// Domain errors meet HTTP in one place: each kind has one status, its code reaches the client as `error`,
// and anything unexpected is a bare 500 that echoes nothing.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { logger } from '#shared/adapters/logger.ts';
import { Conflict, Invalid, NotFound, UpstreamFailure } from '#shared/domain/errors.ts';
import { AppError, httpErrorOf } from '#shared/http/errors.ts';
import { httpHandler } from '#shared/http/middleware.ts';

describe('httpErrorOf', () => {
  it('gives every domain error its status and keeps its code and message', () => {
    const cases: [Error, number, string][] = [
      [new Invalid('invalid cursor', 'invalid_cursor'), 400, 'invalid_cursor'],
      [new Invalid('q: give at least two letters', 'invalid_query'), 400, 'invalid_query'],
      [new NotFound('no customer with this id', 'customer_not_found'), 404, 'customer_not_found'],
      [new NotFound('call not found'), 404, 'not_found'],
      [new Conflict('phones: +79161234567 already belongs to another customer'), 409, 'conflict'],
      [new UpstreamFailure('no click-to-call provider', 'click_to_call_unavailable'), 502, 'click_to_call_unavailable'],
      [new AppError(405, 'method_not_allowed', 'exports are read with GET'), 405, 'method_not_allowed'],
    ];
    for (const [err, status, code] of cases) expect(httpErrorOf(err)).toMatchObject({ statusCode: status, code, message: err.message });
  });

  it('knows nothing of other errors', () => {
    expect(httpErrorOf(new Error('ECONNRESET'))).toBeNull();
    expect(httpErrorOf('thrown string')).toBeNull();
  });
});

describe('httpHandler', () => {
  const event = { requestContext: { requestId: 'r1' }, routeKey: 'GET /calls' } as unknown as APIGatewayProxyEventV2;
  const run = async (err: unknown) => (await httpHandler(async () => Promise.reject(err))(event, {} as Context)) as APIGatewayProxyStructuredResultV2;

  it('answers a domain error thrown by a service with its status and `{ error, message }`', async () => {
    const res = await run(new NotFound('no customer with this id', 'customer_not_found'));
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(String(res.body))).toEqual({ error: 'customer_not_found', message: 'no customer with this id' });
    expect((await run(new UpstreamFailure('mango: 503', 'click_to_call_failed'))).statusCode).toBe(502);
  });

  it('answers anything else with a 500 that does not echo the exception, and logs it', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const res = await run(new Error('secret table name'));
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(String(res.body))).toEqual({ error: 'internal', message: 'internal error' });
    expect(logged).toHaveBeenCalledOnce();
    logged.mockRestore();
  });
});
