// S4 over a full run: every line the functions write (at DEBUG, the most they ever write) while five
// PBX providers' calls, pop-ups, tickets, a customer, notes, a callback task, a trigger rule and a CSV
// export go through the local stack is collected, and none carries a whole phone number of the run in
// any common spelling (+7…, 7…, 8…, digits only, with spaces, dashes or brackets) nor a customer's name.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { Call } from '#shared/domain/call.ts';
import type { Ticket } from '#shared/domain/ticket.ts';
import type { LogSink } from '../../local/log-lines.ts';
import { api, callIdValue, openAgent, postZammad, randomNumber, ringdeskCall, startHarness, waitFor, type Harness } from './harness.ts';
import { loadFixture, postMango, postMegafon, postTwilio, postZadarma, rewrite, uniqueId, type MangoDelivery, type TwilioParams, type ZadarmaFields } from './provider-clients.ts';

const LINE = '+74951234567';
type List<T> = { items: T[]; next: string | null };

const lines: string[] = [];
const sink: LogSink = { stdout: (l) => void lines.push(l), stderr: (l) => void lines.push(l) };
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ logLevel: 'DEBUG', functionOutput: sink });
});
afterAll(async () => {
  await h?.stop();
});

/** The national significant number (10 digits for +7): what every spelling of the number contains. */
const nsn = (e164: string) => e164.slice(2);
/** Digits joined across the separators people write numbers with: "8 (916) 123-45-67" → "89161234567". */
const joinDigits = (line: string) => line.replace(/(?<=\d)[\s\-().\u00a0]+(?=\d)/g, '');

async function endedCall(id: string): Promise<Call> {
  return waitFor(`call ${id} ended`, async () => {
    const { status, body } = await api<Call>(h.info, `/calls/${id}`);
    return status === 200 && body.status === 'ended' && body.outcome ? body : null;
  }, 20_000);
}

async function ticketOf(id: string): Promise<Ticket> {
  return waitFor(`ticket of ${id}`, async () => (await api<List<Ticket>>(h.info, '/tickets?limit=200')).body.items.find((t) => t.callIds.includes(id)), 20_000);
}

describe('logs (S4)', () => {
  it('S4: over calls of every provider, pop-ups, tickets, customers, tasks, triggers and an export, no log line carries a whole phone number or a customer name', async () => {
    const numbers: string[] = [];
    const fresh = () => {
      const n = randomNumber();
      numbers.push(n);
      return n;
    };
    const names: string[] = ['Ivan Petrov']; // the demo customer behind +79161234567
    numbers.push('+79161234567');

    // A customer of this run, then a trigger rule on calls (run-triggers has work to do) and an agent online.
    const known = fresh();
    const fullName = `Evdokia Log${uniqueId().slice(-6)}ova`;
    names.push(fullName);
    const created = await api<{ id: string }>(h.info, '/customers', null);
    expect(created.status).toBe(401); // nothing without a token (the request itself is logged)
    const customer = await fetch(`${h.info.httpUrl}/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.info.tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fullName, phones: [known], email: 'evdokia@example.com', company: 'Log Test LLC', note: `call back on ${known}` }),
    });
    expect(customer.status).toBe(201);
    // A trigger rule on every call of the run: its actions render the customer's name and number.
    const rule = await fetch(`${h.info.httpUrl}/rules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.info.tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'S4 follow-up',
        event: 'call_ended',
        conditions: { all: [{ line: [LINE] }] },
        actions: [
          { type: 'notify', involved: true, text: 'Call from {customer.fullName}, {call.customerNumber}' },
          { type: 'create_task', dueInMinutes: 30 },
          { type: 'create_ticket', subject: 'Follow up {customer.fullName} at {call.customerNumber}' },
          { type: 'sms', text: 'Thank you, {customer.fullName}' }, // no SMS webhook in the demo tenant: skipped with a warning
        ],
      }),
    });
    expect(rule.status).toBe(201);
    const anna = await openAgent(h.info, h.info.tokens.agents['101']!);

    // Zammad: the known customer, spelled the way Russian PBXs send it; answered by Anna after a pop-up.
    const zammadId = callIdValue();
    const spelled = `8 ${nsn(known).slice(0, 3)} ${nsn(known).slice(3, 6)}-${nsn(known).slice(6, 8)}-${nsn(known).slice(8)}`;
    await postZammad(h.info, { event: 'newCall', direction: 'in', from: spelled, to: LINE, callId: zammadId, user: ['Anna Smirnova'] });
    const popup = await anna.next('incoming_call', (m) => (m['call'] as Call).id === callIdFor('zammad', zammadId));
    expect(popup['customer']).toMatchObject({ fullName });
    await postZammad(h.info, { event: 'answer', direction: 'in', from: spelled, to: LINE, callId: zammadId, answeringNumber: '101' });
    await postZammad(h.info, { event: 'hangup', direction: 'in', from: spelled, to: LINE, callId: zammadId, cause: 'normalClearing' });
    const zammadCall = callIdFor('zammad', zammadId);
    // And Ivan Petrov (seeded), missed.
    const ivanId = callIdValue();
    await postZammad(h.info, { event: 'newCall', direction: 'in', from: '+79161234567', to: LINE, callId: ivanId, user: ['Anna Smirnova'] });
    await postZammad(h.info, { event: 'hangup', direction: 'in', from: '+79161234567', to: LINE, callId: ivanId, cause: 'noAnswer' });

    // Mango, Zadarma, Twilio, MegaFon: each provider's own fixture, a fresh number each.
    const mangoEntry = `E${uniqueId()}`;
    const mangoFrom = fresh();
    for (const d of rewrite(loadFixture<{ deliveries: MangoDelivery[] }>('mango', 'incoming-answered'), [['MToxMDA1NzU5Mzo0MDA6MTIz', mangoEntry], ['79001234567', mangoFrom.slice(1)]]).deliveries) {
      expect((await postMango(h.info, d)).status).toBe(200);
    }
    const zadarmaId = `in_${uniqueId()}`;
    const zadarmaFrom = fresh();
    const EXT: Record<string, string> = { '100': '101', '101': '102' };
    for (const { fields } of rewrite(loadFixture<{ requests: { fields: ZadarmaFields }[] }>('zadarma', 'incoming-missed'), [['in_missed1', zadarmaId], ['79161234567', zadarmaFrom.slice(1)]]).requests) {
      expect((await postZadarma(h.info, fields['internal'] ? { ...fields, internal: EXT[fields['internal']] ?? fields['internal'] } : fields)).status).toBe(200);
    }
    const sidSuffix = uniqueId();
    const twilioFrom = fresh();
    const twilio = rewrite(loadFixture<{ deliveries: { subpath: string; params: TwilioParams }[] }>('twilio', 'incoming-answered'), [
      [/"(CA[PC]\d+[A-Z]?)"/g, `"$1${sidSuffix}"`],
      ['+79161234567', twilioFrom],
      ['client:alice', 'client:anna'],
      ['sip:bob@', 'sip:boris@'],
    ]);
    for (const d of twilio.deliveries) expect((await postTwilio(h.info, d.subpath, d.params)).status).toBeLessThan(300);
    const megafonId = `${Date.now()}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    const megafonFrom = fresh();
    for (const d of rewrite(loadFixture<{ deliveries: { body: string }[] }>('megafon', 'incoming-answered'), [
      ['callid=28181504645339936', `callid=${megafonId}`],
      ['phone=79161234567', `phone=${megafonFrom.slice(1)}`],
      ['phone=89161234567', `phone=8${megafonFrom.slice(2)}`],
    ]).deliveries) {
      expect((await postMegafon(h.info, d.body)).status).toBe(200);
    }
    // ringdesk's own webhook: an answered call with a recording.
    const own = ringdeskCall(h.info, 'inbound', fresh(), LINE);
    await own.ring();
    await own.answer('101');
    await own.record('https://recordings.example/r1.mp3');
    await own.end();

    // What goes wrong is logged too: a wrong token, a body that is not JSON, an event the schema refuses,
    // and an event on the bus that every consumer rejects (retried, then dead-lettered).
    const wrong = fresh();
    const zammadUrl = h.info.webhooks['zammad']!;
    const badToken = zammadUrl.replace(/\/[^/]+$/, '/not-the-token-0123456789');
    expect((await fetch(badToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'newCall', direction: 'in', from: wrong, to: LINE, callId: callIdValue() }) })).status).toBe(401);
    const refused = [
      await fetch(zammadUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"event":"newCall","from":"${wrong}",` }),
      await postZammad(h.info, { event: 'newCall', direction: 'sideways', from: wrong, to: LINE, callId: callIdValue(), user: [fullName] }),
    ];
    expect(refused.map((r) => Math.floor(r.status / 100))).toEqual([4, 4]);
    const bus = new EventBridgeClient({ endpoint: h.info.eventsUrl, region: h.info.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await bus.send(new PutEventsCommand({ Entries: [{ EventBusName: h.info.eventBusName, Source: 'ringdesk.calls', DetailType: 'Call Ended', Detail: JSON.stringify({ schemaVersion: 1, call: { from: wrong, customerName: fullName } }) }] }));
    bus.destroy();

    const ids = [zammadCall, callIdFor('zammad', ivanId), callIdFor('mango', mangoEntry), callIdFor('zadarma', zadarmaId), callIdFor('twilio', `CAP1${sidSuffix}`), callIdFor('megafon', megafonId), own.id];
    for (const id of ids) await endedCall(id);

    // Tickets: a status change and a note naming the customer and the number; a callback task; lookups.
    const ticket = await ticketOf(zammadCall);
    const agent = { authorization: `Bearer ${h.info.tokens.agents['101']!}`, 'content-type': 'application/json' };
    expect((await fetch(`${h.info.httpUrl}/tickets/${ticket.id}/messages`, { method: 'POST', headers: agent, body: JSON.stringify({ body: `${fullName} asks to call ${known}` }) })).status).toBe(201);
    expect((await fetch(`${h.info.httpUrl}/tickets/${ticket.id}`, { method: 'PATCH', headers: agent, body: JSON.stringify({ status: 'open' }) })).status).toBe(200);
    const task = await fetch(`${h.info.httpUrl}/tasks`, {
      method: 'POST',
      headers: agent,
      body: JSON.stringify({ number: spelled, dueInMinutes: 60, callId: zammadCall }),
    });
    expect(task.status).toBe(201);
    expect((await api(h.info, `/customers?q=${encodeURIComponent(known)}`)).status).toBe(200);
    expect((await api(h.info, `/customers?q=${encodeURIComponent(fullName)}`)).status).toBe(200);
    expect((await api(h.info, `/calls/${zammadCall}`)).status).toBe(200);

    // The CSV export (Function URL, streaming) of the run's calls.
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const exported = await fetch(`${h.info.httpUrl}/calls?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&format=csv`, { headers: { authorization: `Bearer ${h.info.tokens.admin}` } });
    expect(exported.status).toBe(200);
    expect(await exported.text()).toContain(nsn(known)); // the export does carry the numbers: it is data, not a log
    await anna.close();
    await h.runtime.settled();

    // The run really logged (at DEBUG), from the functions of every step above.
    const writers = new Set(lines.map((l) => /^\[([a-z-]+)/.exec(l)?.[1]));
    expect(lines.length).toBeGreaterThan(50);
    for (const fn of ['ingest-webhook', 'notify-agents', 'create-call-ticket', 'run-triggers', 'manage-customers', 'act-on-ticket', 'manage-tasks', 'export-csv']) {
      expect([...writers], fn).toContain(fn);
    }
    // The detector itself finds a number however it is spelled.
    for (const spelling of [known, known.slice(1), `8${nsn(known)}`, spelled, `+7 (${nsn(known).slice(0, 3)}) ${nsn(known).slice(3, 6)}-${nsn(known).slice(6)}`]) {
      expect(joinDigits(`{"from":"${spelling}"}`), spelling).toContain(nsn(known));
    }
    expect(joinDigits(`{"from":"${'*'.repeat(8)}${known.slice(-4)}"}`)).not.toContain(nsn(known));
    const leaks: string[] = [];
    for (const line of lines) {
      const joined = joinDigits(line);
      for (const n of numbers) if (joined.includes(nsn(n))) leaks.push(`${n}: ${line.slice(0, 300)}`);
      for (const name of names) if (line.toLowerCase().includes(name.toLowerCase())) leaks.push(`${name}: ${line.slice(0, 300)}`);
    }
    expect(leaks).toEqual([]);
  });
});
