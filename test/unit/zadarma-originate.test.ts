import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OriginateError, type HttpClient, type OriginateRequest } from '#shared/providers/originate.ts';
import { zadarmaOriginator, zadarmaQuery } from '#shared/providers/zadarma-originate.ts';

const settings = { apiKey: 'zd-key', apiSecret: 'zd-secret', apiUrl: 'https://api.zadarma.test/' };
const req: OriginateRequest = { commandId: 'cmd-1', from: { extension: '100', sipAccounts: [], phones: [] }, to: '+79161234567' };

/** Fake `http`: records the request, answers with `status`/`body` or throws. */
function fake(status: number, body: string | Error) {
  const calls: { url: string; init: Parameters<HttpClient>[1] }[] = [];
  const http: HttpClient = async (url, init) => {
    calls.push({ url, init });
    if (body instanceof Error) throw body;
    return { status, text: async () => body };
  };
  return { http, calls };
}

async function failure(p: Promise<unknown>): Promise<OriginateError> {
  try { await p; } catch (err) { if (err instanceof OriginateError) return err; throw err; }
  throw new Error('expected an OriginateError');
}

describe('zadarma click-to-call', () => {
  it('T7: GET /v1/request/callback/ with sorted params and the documented Authorization header', async () => {
    const { http, calls } = fake(200, '{"status":"success","from":100,"to":79161234567,"time":1740823200}');
    await expect(zadarmaOriginator.originate(req, settings, http)).resolves.toEqual({ commandId: 'cmd-1', providerCallId: null });
    expect(calls).toHaveLength(1);
    const { url, init } = calls[0]!;
    expect(init.method).toBe('GET');
    expect(init.body).toBeUndefined();
    expect(url).toBe('https://api.zadarma.test/v1/request/callback/?format=json&from=100&to=79161234567');
    // Recomputed as the official PHP client does it: base64(hex hmac_sha1(path . query . md5(query))).
    const query = 'format=json&from=100&to=79161234567';
    const hex = createHmac('sha1', 'zd-secret').update(`/v1/request/callback/${query}${createHash('md5').update(query).digest('hex')}`).digest('hex');
    expect(init.headers['authorization']).toBe(`zd-key:${Buffer.from(hex).toString('base64')}`);
  });

  it('T7: without an extension the employee’s phone rings first (digits only)', async () => {
    const { http, calls } = fake(200, '{"status":"success"}');
    await zadarmaOriginator.originate({ ...req, from: { extension: '', sipAccounts: [], phones: ['+7 (495) 123-45-67'] } }, settings, http);
    expect(calls[0]!.url).toContain('from=74951234567&to=79161234567');
  });

  it('T7: the query is PHP-urlencoded (RFC 1738) and key-sorted', () => {
    expect(zadarmaQuery({ to: '1', from: 'a b*~!', format: 'json' })).toBe('format=json&from=a+b%2A%7E%21&to=1');
  });

  it.each([
    ['status error', 200, '{"status":"error","message":"Wrong parameter"}', false, /Wrong parameter/],
    ['2xx that is not JSON', 200, '<html>', false, /refused/],
    ['401', 401, '{"status":"error","message":"Not authorized"}', false, /HTTP 401: Not authorized/],
    ['429', 429, '', true, /HTTP 429/],
    ['503', 503, 'busy', true, /HTTP 503: busy/],
  ] as const)('T7: %s → OriginateError (retryable %s)', async (_name, status, body, retryable, message) => {
    const err = await failure(zadarmaOriginator.originate(req, settings, fake(status, body).http));
    expect(err).toMatchObject({ retryable });
    expect(err.message).toMatch(message);
  });

  it('T7: network errors are retryable; missing settings or numbers are not and send nothing', async () => {
    expect(await failure(zadarmaOriginator.originate(req, settings, fake(0, new Error('ECONNRESET')).http))).toMatchObject({ retryable: true });
    const cases: [OriginateRequest, unknown][] = [[req, { apiKey: 'k' }], [{ ...req, to: 'abc' }, settings], [{ ...req, from: { extension: '', sipAccounts: [], phones: [] } }, settings]];
    for (const [r, s] of cases) {
      const { http, calls } = fake(200, '{"status":"success"}');
      expect(await failure(zadarmaOriginator.originate(r, s, http))).toMatchObject({ retryable: false });
      expect(calls).toHaveLength(0);
    }
  });
});
