// Every PBX adapter end to end on the local runtime: the provider's own fixtures, really signed and
// posted over HTTP, become calls, tickets and answers (I1, T4, M1, E3, Zammad reject/dial).
// Fixtures are rewritten per test: a fresh call id and customer number (so missed-call groups never
// mix across tests, M2) and the demo employees' extensions/identities (101 anna, 102 boris).
import { describe, expect, it } from 'vitest';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { Call } from '#shared/domain/call.ts';
import type { Ticket } from '#shared/domain/ticket.ts';
import { api, callIdValue, postZammad, randomNumber, useHarness, waitFor } from './harness.ts';
import {
  loadFixture, postMango, postMegafon, postTwilio, postZadarma, rewrite, uniqueId,
  type MangoDelivery, type TwilioParams, type ZadarmaFields,
} from './provider-clients.ts';

const h = useHarness();

const LINE = '+74951234567';
type List<T> = { items: T[]; next: string | null };

async function tickets(): Promise<Ticket[]> {
  return (await api<List<Ticket>>(h.info, '/tickets?limit=200')).body.items;
}

/** The call once it has ended with an outcome. */
async function endedCall(id: string): Promise<Call> {
  return waitFor(`call ${id} ended`, async () => {
    const { status, body } = await api<Call>(h.info, `/calls/${id}`);
    return status === 200 && body.status === 'ended' && body.outcome ? body : null;
  });
}

/** T4: answered by `employee` → one closed ticket assigned to them. */
async function expectAnswered(id: string, from: string, provider: string, employee = 'emp-101'): Promise<void> {
  const call = await endedCall(id);
  expect(call).toMatchObject({ id, provider, direction: 'inbound', outcome: 'answered', answeredBy: employee, from, customerNumber: from });
  const ticket = await waitFor(`ticket of ${id}`, async () => (await tickets()).find((t) => t.callIds.includes(id)));
  expect(ticket).toMatchObject({ subject: `Incoming call from ${from}`, status: 'closed', missed: false, assigneeId: employee, customerNumber: from, callIds: [id] });
  await h.runtime.settled();
  expect((await tickets()).filter((t) => t.customerNumber === from)).toHaveLength(1);
}

/** M1: missed → one open ticket flagged missed, unassigned. */
async function expectMissed(id: string, from: string, provider: string): Promise<void> {
  const call = await endedCall(id);
  expect(call).toMatchObject({ id, provider, direction: 'inbound', outcome: 'missed', answeredBy: null, from, customerNumber: from });
  const ticket = await waitFor(`ticket of ${id}`, async () => (await tickets()).find((t) => t.callIds.includes(id)));
  expect(ticket).toMatchObject({ subject: `Missed call from ${from}`, status: 'open', missed: true, assigneeId: null, customerNumber: from, callIds: [id] });
  await h.runtime.settled();
  expect((await tickets()).filter((t) => t.customerNumber === from)).toHaveLength(1);
}

/** I1: refused with 401 and nothing recorded. */
async function expectRefused(res: Response, id: string, code: string): Promise<void> {
  expect(res.status).toBe(401);
  // One answer for every refusal (S2): the body does not say which check failed or which provider is set up.
  expect(await res.json()).toEqual({ error: code, message: 'the request is not authenticated for this webhook' });
  await h.runtime.settled();
  expect((await api(h.info, `/calls/${id}`)).status).toBe(404);
}

const digits = (e164: string) => e164.slice(1);

describe('mango', () => {
  type Fixture = { deliveries: MangoDelivery[] };

  async function deliver(name: string, fixtureEntry: string, fixtureNumber: string): Promise<{ id: string; from: string }> {
    const entry = `E${uniqueId()}`;
    const from = randomNumber();
    const { deliveries } = rewrite(loadFixture<Fixture>('mango', name), [[fixtureEntry, entry], [fixtureNumber, digits(from)]]);
    for (const d of deliveries) {
      const res = await postMango(h.info, d);
      expect(res.status, `${d.subpath} of ${name}`).toBe(200);
    }
    return { id: callIdFor('mango', entry), from };
  }

  it('T4: incoming-answered over HTTP → answered by emp-101 (ext 101), closed ticket assigned to her', async () => {
    const { id, from } = await deliver('incoming-answered', 'MToxMDA1NzU5Mzo0MDA6MTIz', '79001234567');
    await expectAnswered(id, from, 'mango');
  });

  it('M1: incoming-missed-group over HTTP → missed, one open missed-call ticket', async () => {
    const { id, from } = await deliver('incoming-missed-group', 'E-missed-1', '79001234567');
    await expectMissed(id, from, 'mango');
  });

  it('I1: a sign computed with a wrong salt is refused with 401 and records nothing', async () => {
    const fixture = loadFixture<{ rejections: { tamper: string; delivery: MangoDelivery }[] }>('mango', 'signature-failure');
    const entry = `E${uniqueId()}`;
    const delivery = rewrite(fixture.rejections.find((r) => r.tamper === 'sign')!.delivery, [['E-sig', entry]]);
    await expectRefused(await postMango(h.info, delivery, { salt: 'not-the-salt' }), callIdFor('mango', entry), 'unauthorized');
    // And a wrong vpbx_api_key (signed consistently with it) as well.
    await expectRefused(await postMango(h.info, delivery, { key: 'not-the-key' }), callIdFor('mango', entry), 'unauthorized');
  });
});

describe('zadarma', () => {
  type Fixture = { requests: { fields: ZadarmaFields; secret?: string }[] };
  /** The fixtures ring extensions 100 and 101; the demo tenant's are 101 (Anna) and 102 (Boris). */
  const EXTENSIONS: Record<string, string> = { '100': '101', '101': '102' };

  async function deliver(name: string, fixtureCallId: string): Promise<{ id: string; from: string }> {
    const pbxCallId = `in_${uniqueId()}`;
    const from = randomNumber();
    const { requests } = rewrite(loadFixture<Fixture>('zadarma', name), [[fixtureCallId, pbxCallId], ['79161234567', digits(from)]]);
    for (const { fields } of requests) {
      const mapped = fields['internal'] ? { ...fields, internal: EXTENSIONS[fields['internal']] ?? fields['internal'] } : fields;
      const res = await postZadarma(h.info, mapped);
      expect(res.status, `${fields['event']} of ${name}`).toBe(200);
    }
    return { id: callIdFor('zadarma', pbxCallId), from };
  }

  it('T4: incoming-answered over HTTP → answered by emp-101 (ext 101), closed ticket assigned to her', async () => {
    const { id, from } = await deliver('incoming-answered', 'in_0892e63c5b4b5f2a9d7e1c3b8a6f4d2e0c1b9a87');
    await expectAnswered(id, from, 'zadarma');
  });

  it('M1: incoming-missed over HTTP → missed, one open missed-call ticket', async () => {
    const { id, from } = await deliver('incoming-missed', 'in_missed1');
    await expectMissed(id, from, 'zadarma');
  });

  it('I1: a Signature made with another secret is refused with 401 and records nothing', async () => {
    const fixture = loadFixture<Fixture>('zadarma', 'signature-failure');
    const pbxCallId = `in_${uniqueId()}`;
    const forged = rewrite(fixture.requests.find((r) => r.secret)!, [['in_sig1', pbxCallId]]);
    await expectRefused(await postZadarma(h.info, forged.fields, { secret: forged.secret! }), callIdFor('zadarma', pbxCallId), 'unauthorized');
    await expectRefused(await postZadarma(h.info, forged.fields, { signature: 'Zm9vYmFy' }), callIdFor('zadarma', pbxCallId), 'unauthorized');
  });

  it('I1: answers the zd_echo URL check with the echo as text/plain', async () => {
    const res = await fetch(`${h.info.webhooks['zadarma']!}?zd_echo=abc`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('abc');
  });
});

describe('twilio', () => {
  type Fixture = { deliveries: { subpath: string; params: TwilioParams }[] };
  const TWIML = /^<\?xml[^>]*\?>\s*<Response\s*\/?>/;

  /** Fresh CallSids, the demo's customer number and identities (`client:alice` → anna, `sip:bob@` → boris). */
  async function deliver(name: string, parentSid: string): Promise<{ id: string; from: string }> {
    const suffix = uniqueId();
    const from = randomNumber();
    const { deliveries } = rewrite(loadFixture<Fixture>('twilio', name), [
      [/"(CA[PC]\d+[A-Z]?)"/g, `"$1${suffix}"`],
      ['+79161234567', from],
      ['client:alice', 'client:anna'],
      ['sip:bob@', 'sip:boris@'],
    ]);
    for (const d of deliveries) {
      const res = await postTwilio(h.info, d.subpath, d.params);
      if (d.subpath === 'dial-action') {
        // The Dial action's answer is TwiML that ends the call after <Dial>.
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
        expect(await res.text()).toMatch(TWIML);
      } else {
        expect(res.status, `${d.params['CallSid']} ${d.params['CallStatus']} of ${name}`).toBe(204);
      }
    }
    return { id: callIdFor('twilio', `${parentSid}${suffix}`), from };
  }

  it('T4: incoming-answered over HTTP → answered by emp-101 (client:anna), closed ticket assigned to her', async () => {
    const { id, from } = await deliver('incoming-answered', 'CAP1');
    await expectAnswered(id, from, 'twilio');
  });

  it('M1: incoming-missed over HTTP → missed, one open missed-call ticket', async () => {
    const { id, from } = await deliver('incoming-missed', 'CAP2');
    await expectMissed(id, from, 'twilio');
  });

  it('I1: parameters changed after signing, or a bad signature, are refused with 401 and record nothing', async () => {
    const fixture = loadFixture<{ deliveries: { subpath: string; params: TwilioParams; tamper?: TwilioParams; signature?: string }[] }>('twilio', 'signature-failure');
    const sid = `CAP${uniqueId()}`;
    const { deliveries } = rewrite(fixture, [[/"CAP5"/g, `"${sid}"`], [/"CAC5"/g, `"CAC${uniqueId()}"`]]);
    const forged = deliveries.find((d) => d.tamper && d.subpath === '')!;
    await expectRefused(await postTwilio(h.info, forged.subpath, forged.params, { tamper: forged.tamper! }), callIdFor('twilio', sid), 'unauthorized');
    const action = deliveries.find((d) => d.subpath === 'dial-action')!;
    await expectRefused(await postTwilio(h.info, action.subpath, action.params, { tamper: action.tamper! }), callIdFor('twilio', sid), 'unauthorized');
    const parent = deliveries.find((d) => d.signature)!;
    await expectRefused(await postTwilio(h.info, parent.subpath, parent.params, { token: 'not-the-auth-token' }), callIdFor('twilio', sid), 'unauthorized');
  });

  it('I1: the <Dial action> callback is answered 200 text/xml with TwiML', async () => {
    const sid = `CAP${uniqueId()}`;
    const res = await postTwilio(h.info, 'dial-action', {
      AccountSid: 'ACdemo', ApiVersion: '2010-04-01', CallSid: sid, Direction: 'inbound', From: randomNumber(), To: LINE, CallStatus: 'in-progress', DialCallStatus: 'no-answer', DialCallDuration: '0', DialBridged: 'false',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await res.text()).toMatch(TWIML);
  });
});

describe('megafon', () => {
  type Fixture = { deliveries: { body: string }[] };

  async function deliver(name: string): Promise<{ id: string; from: string }> {
    const callid = `${Date.now()}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    const from = randomNumber();
    const { deliveries } = rewrite(loadFixture<Fixture>('megafon', name), [
      ['callid=28181504645339936', `callid=${callid}`],
      ['phone=79161234567', `phone=${digits(from)}`],
      ['phone=89161234567', `phone=8${digits(from).slice(1)}`],
    ]);
    for (const d of deliveries) {
      const res = await postMegafon(h.info, d.body);
      expect(res.status, `${d.body} of ${name}`).toBe(200);
    }
    return { id: callIdFor('megafon', callid), from };
  }

  it('T4: incoming-answered over HTTP → answered by emp-101 (ext 101), closed ticket assigned to her', async () => {
    const { id, from } = await deliver('incoming-answered');
    await expectAnswered(id, from, 'megafon');
  });

  it('M1: incoming-missed over HTTP → missed, one open missed-call ticket', async () => {
    const { id, from } = await deliver('incoming-missed');
    await expectMissed(id, from, 'megafon');
  });

  it('I1: a wrong crm_token is refused with 401 and records nothing', async () => {
    const callid = `${Date.now()}`;
    const { deliveries } = rewrite(loadFixture<Fixture>('megafon', 'bad-token'), [['callid=28181504645339936', `callid=${callid}`]]);
    await expectRefused(await postMegafon(h.info, deliveries[0]!.body), callIdFor('megafon', callid), 'unauthorized');
    await expectRefused(await postMegafon(h.info, `cmd=event&type=INCOMING&direction=in&phone=79161234567&ext=101&callid=${callid}`, 'not-the-token'), callIdFor('megafon', callid), 'unauthorized');
  });

  it("E3: cmd=contact for Ivan Petrov's number names his responsible employee's extension 101", async () => {
    const res = await postMegafon(h.info, `cmd=contact&phone=89161234567&callid=${Date.now()}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ responsible: '101' });
    // An unknown number has nobody responsible: an empty answer, the PBX routes as usual.
    const unknown = await postMegafon(h.info, `cmd=contact&phone=${digits(randomNumber())}`);
    expect(await unknown.json()).toEqual({});
  });
});

describe('zammad answers', () => {
  it('I5: rejects a newCall from a blocked number with busy; the call ends rejected_blocked and opens no ticket', async () => {
    const BLOCKED = '+79990000000';
    const callId = callIdValue();
    const id = callIdFor('zammad', callId);
    const res = await postZammad(h.info, { event: 'newCall', direction: 'in', from: BLOCKED, to: LINE, callId, user: ['Anna Smirnova'] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ action: 'reject', reason: 'busy' });
    expect((await postZammad(h.info, { event: 'hangup', direction: 'in', from: BLOCKED, to: LINE, callId, cause: 'busy' })).status).toBe(200);

    const call = await endedCall(id);
    expect(call).toMatchObject({ provider: 'zammad', direction: 'inbound', outcome: 'rejected_blocked', answeredBy: null, from: BLOCKED });
    await h.runtime.settled();
    const all = await tickets();
    expect(all.filter((t) => t.callIds.includes(id) || t.customerNumber === BLOCKED)).toEqual([]);
  });

  it('answers an outgoing newCall to a +7 number with dial and the caller ID of the +7 rule', async () => {
    const to = randomNumber();
    const callId = callIdValue();
    const res = await postZammad(h.info, { event: 'newCall', direction: 'out', from: '101', to, callId, user: ['Anna Smirnova'] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ action: 'dial', caller_id: '+74951234567', number: to });
    const { status, body } = await api<Call>(h.info, `/calls/${callIdFor('zammad', callId)}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ direction: 'outbound', to });
  });
});
