import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mangoOriginator } from '#shared/providers/mango-originate.ts';
import { OriginateError, type HttpClient, type OriginateRequest } from '#shared/providers/originate.ts';

const settings = { apiKey: 'key-abc', apiSalt: 'salt-xyz', apiUrl: 'https://app.mango-office.ru/vpbx/' };
const request: OriginateRequest = { commandId: 'cmd-01J', from: { extension: '101', sipAccounts: ['sip:anna@vpbx1.mangosip.ru'], phones: [] }, to: '+7 916 123-45-67' };

interface Captured { url: string; method: string; headers: Record<string, string>; body?: string }
function fakeHttp(status: number, text = '{"result":1000}'): { http: HttpClient; calls: Captured[] } {
  const calls: Captured[] = [];
  const http: HttpClient = async (url, init) => {
    calls.push({ url, ...init });
    return { status, text: async () => text };
  };
  return { http, calls };
}

async function failure(p: Promise<unknown>): Promise<OriginateError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof OriginateError) return err;
    throw err;
  }
  throw new Error('expected an OriginateError');
}

describe('mango click-to-call (commands/callback)', () => {
  it('T7: POSTs a signed form to {apiUrl}commands/callback and returns our command id', async () => {
    const { http, calls } = fakeHttp(200);
    await expect(mangoOriginator.originate(request, settings, http)).resolves.toEqual({ commandId: 'cmd-01J', providerCallId: null });
    expect(mangoOriginator.provider).toBe('mango');
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call).toMatchObject({ url: 'https://app.mango-office.ru/vpbx/commands/callback', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const form = new URLSearchParams(call!.body);
    expect([...form.keys()].sort()).toEqual(['json', 'sign', 'vpbx_api_key']);
    const json = form.get('json')!;
    expect(JSON.parse(json)).toEqual({ command_id: 'cmd-01J', from: { extension: '101' }, to_number: '79161234567' });
    expect(form.get('vpbx_api_key')).toBe('key-abc');
    expect(form.get('sign')).toBe(createHash('sha256').update(`key-abc${json}salt-xyz`).digest('hex'));
  });

  it('T7: apiUrl without a trailing slash and the default apiUrl both work', async () => {
    const a = fakeHttp(200);
    await mangoOriginator.originate(request, { ...settings, apiUrl: 'https://mango.test/vpbx' }, a.http);
    expect(a.calls[0]!.url).toBe('https://mango.test/vpbx/commands/callback');
    const b = fakeHttp(200, '');
    await mangoOriginator.originate(request, { apiKey: 'k', apiSalt: 's' }, b.http);
    expect(b.calls[0]!.url).toBe('https://app.mango-office.ru/vpbx/commands/callback');
  });

  it.each([
    [500, '{"result":5003}', true],
    [503, 'Service Unavailable', true],
    [429, '', true],
    [400, '{"result":3100}', false],
    [401, '{"result":3101}', false],
    [200, '{"result":3100}', false], // bad parameters
    [200, '{"result":2240}', false], // no funds
    [200, '{"result":5001}', true], // Mango overloaded
  ] as const)('T7: HTTP %i %s → OriginateError, retryable=%s', async (status, text, retryable) => {
    const err = await failure(mangoOriginator.originate(request, settings, fakeHttp(status, text).http));
    expect(err.retryable).toBe(retryable);
    expect(err.status).toBe(status);
  });

  it('T7: a network error is retryable', async () => {
    const http: HttpClient = async () => { throw new Error('ECONNRESET'); };
    const err = await failure(mangoOriginator.originate(request, settings, http));
    expect(err).toMatchObject({ retryable: true });
    expect(err.message).toContain('ECONNRESET');
  });

  it('T7: unconfigured provider, employee without extension, number without digits → not retryable, nothing sent', async () => {
    const { http, calls } = fakeHttp(200);
    expect(await failure(mangoOriginator.originate(request, undefined, http))).toMatchObject({ retryable: false });
    expect(await failure(mangoOriginator.originate(request, { apiKey: 'k' }, http))).toMatchObject({ retryable: false });
    expect(await failure(mangoOriginator.originate({ ...request, from: { ...request.from, extension: ' ' } }, settings, http))).toMatchObject({ retryable: false });
    expect(await failure(mangoOriginator.originate({ ...request, to: 'anonymous' }, settings, http))).toMatchObject({ retryable: false });
    expect(calls).toHaveLength(0);
  });
});
