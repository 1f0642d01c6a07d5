import { describe, expect, it } from 'vitest';
import { OriginateError, type HttpClient, type OriginateRequest } from '#shared/providers/originate.ts';
import { twilioAgentAddress, twilioOriginator } from '#shared/providers/twilio-originate.ts';

const settings = { authToken: 'tw-token', accountSid: 'ACdemo', callerId: '+74951234567', publicBaseUrl: 'https://pbx.example.org/', apiUrl: 'https://api.twilio.test/', tenant: 'demo' };
const req: OriginateRequest = { commandId: 'cmd-1', from: { extension: '101', sipAccounts: ['alice'], phones: ['+79031110101'] }, to: '+79161234567' };

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

describe('twilio click-to-call', () => {
  it('T7: POST /Calls.json with basic auth; rings client:{sip}, dials the customer; returns the CallSid', async () => {
    const { http, calls } = fake(201, '{"sid":"CA0123","status":"queued"}');
    await expect(twilioOriginator.originate(req, settings, http)).resolves.toEqual({ commandId: 'cmd-1', providerCallId: 'CA0123' });
    const { url, init } = calls[0]!;
    expect(url).toBe('https://api.twilio.test/2010-04-01/Accounts/ACdemo/Calls.json');
    expect(init.method).toBe('POST');
    expect(init.headers['authorization']).toBe(`Basic ${Buffer.from('ACdemo:tw-token').toString('base64')}`);
    expect(init.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(init.body);
    expect(form.get('To')).toBe('client:alice');
    expect(form.get('From')).toBe('+74951234567');
    expect(form.get('StatusCallback')).toBe('https://pbx.example.org/webhooks/demo/twilio');
    expect(form.getAll('StatusCallbackEvent')).toEqual(['initiated', 'ringing', 'answered', 'completed']);
    expect(form.get('Twiml')).toBe(
      '<Response><Dial callerId="+74951234567" action="https://pbx.example.org/webhooks/demo/twilio/dial-action">'
      + '<Number statusCallback="https://pbx.example.org/webhooks/demo/twilio" statusCallbackEvent="initiated ringing answered completed">+79161234567</Number></Dial></Response>',
    );
  });

  it('T7: whom to ring: SIP URI as is, else client:{sip}, else client:{extension}, else the phone', () => {
    expect(twilioAgentAddress({ extension: '101', sipAccounts: ['sip:alice@demo.sip.twilio.com'], phones: [] })).toBe('sip:alice@demo.sip.twilio.com');
    expect(twilioAgentAddress({ extension: '101', sipAccounts: [], phones: ['+7903'] })).toBe('client:101');
    expect(twilioAgentAddress({ extension: ' ', sipAccounts: [], phones: ['+79031110101'] })).toBe('+79031110101');
    expect(twilioAgentAddress({ extension: '', sipAccounts: [], phones: [] })).toBeNull();
  });

  it('T7: TwiML values are XML-escaped', async () => {
    const { http, calls } = fake(201, '{"sid":"CA1"}');
    await twilioOriginator.originate(req, { ...settings, callerId: '"+1"<x>&' }, http);
    expect(new URLSearchParams(calls[0]!.init.body).get('Twiml')).toContain('callerId="&#34;+1&#34;&#60;x&#62;&#38;"');
  });

  it.each([
    ['429 rate limited', 429, '{"code":20429,"message":"Too Many Requests"}', true],
    ['500', 500, 'oops', true],
    ['400 invalid number', 400, '{"code":21217,"message":"Phone number does not appear to be valid","status":400}', false],
    ['401 bad credentials', 401, '{"code":20003,"message":"Authenticate"}', false],
    ['2xx without a sid', 201, '{"status":"queued"}', false],
    ['2xx not JSON', 200, '<html>', false],
  ])('T7: %s → OriginateError (retryable %s)', async (_name, status, body, retryable) => {
    const err = await failure(twilioOriginator.originate(req, settings, fake(status, body).http));
    expect(err.retryable).toBe(retryable);
    expect(err.message).toMatch(/twilio/);
  });

  it('T7: network errors are retryable', async () => {
    expect((await failure(twilioOriginator.originate(req, settings, fake(0, new Error('ECONNRESET')).http))).retryable).toBe(true);
  });

  it('T7: not configured, no agent address or a bad number → not retryable, no request', async () => {
    const { http, calls } = fake(201, '{"sid":"CA1"}');
    const cases: [OriginateRequest, unknown][] = [
      [req, { authToken: 'x' }],
      [req, { ...settings, callerId: undefined }],
      [{ ...req, from: { extension: '', sipAccounts: [], phones: [] } }, settings],
      [{ ...req, to: 'client:bob' }, settings],
    ];
    for (const [r, s] of cases) expect((await failure(twilioOriginator.originate(r, s, http))).retryable).toBe(false);
    expect(calls).toHaveLength(0);
  });
});
