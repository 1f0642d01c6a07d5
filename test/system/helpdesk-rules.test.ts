// The helpdesk rules end to end on the local runtime (T1–T9, M1–M5, N2–N4): calls come in through the
// ringdesk canonical webhook (legs, recordings, outbound), agents act through the HTTP API, click-to-call
// goes to a fake Mango API started here (the tenant settings point `providers.mango.apiUrl` at it).
import { createServer, type Server } from 'node:http';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call } from '#shared/domain/call.ts';
import type { Ticket } from '#shared/domain/ticket.ts';
import { api, openAgent, randomNumber, patchedTenantConfig, ringdeskCall, startHarness, waitFor, type Harness } from './harness.ts';

const LINE = '+74951234567';
type List<T> = { items: T[]; next: string | null };

let h: Harness;
let fake: Server;
const fakeRequests: { url: string; body: string }[] = [];
let fakeFails = false;

beforeAll(async () => {
  fake = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      fakeRequests.push({ url: req.url ?? '', body });
      if (fakeFails) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('PBX down');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: 1000 }));
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  const port = (fake.address() as { port: number }).port;
  const file = patchedTenantConfig<{ providers: { mango: { apiUrl: string } } }>('helpdesk.json', (s) => {
    s.providers.mango.apiUrl = `http://127.0.0.1:${port}/vpbx/`;
  });
  h = await startHarness({ tenantConfigFile: file });
}, 240_000);

afterAll(async () => {
  await h?.stop();
  await new Promise((r) => fake?.close(r));
});

const anna = () => h.info.tokens.agents['101']!;
const boris = () => h.info.tokens.agents['102']!;

async function send<T = Ticket>(method: string, path: string, body: unknown, token = anna()): Promise<{ status: number; body: T }> {
  const res = await fetch(`${h.info.httpUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

const pbxCall = (direction: 'inbound' | 'outbound', customer: string) => ringdeskCall(h.info, direction, customer, LINE);

async function tickets(): Promise<Ticket[]> {
  return (await api<List<Ticket>>(h.info, '/tickets?limit=200')).body.items;
}
const ticketsOf = async (number: string) => (await tickets()).filter((t) => t.customerNumber === number);
const holding = async (callId: string) => (await tickets()).filter((t) => t.callIds.includes(callId));
const getTicket = async (id: string) => (await api<Ticket>(h.info, `/tickets/${id}`)).body;
const until = (what: string, id: string, ok: (t: Ticket) => boolean) => waitFor(what, async () => { const t = await getTicket(id); return ok(t) ? t : null; });

async function missedCall(from: string): Promise<{ id: string; ticket: Ticket }> {
  const c = pbxCall('inbound', from);
  await c.ring('101');
  await c.end('no_answer_timeout');
  const ticket = await waitFor('missed-call ticket', async () => (await holding(c.id))[0]);
  return { id: c.id, ticket };
}

async function answeredCall(from: string, ext = '101') {
  const c = pbxCall('inbound', from);
  await c.ring(ext);
  await c.answer(ext);
  return c;
}

async function settled(callId: string): Promise<void> {
  await waitFor(`call ${callId} ended`, async () => (await api<Call>(h.info, `/calls/${callId}`)).body.status === 'ended');
  await h.runtime.settled();
}

describe('tickets from answered calls (T)', () => {
  it('T1: a ticket created during the call gets the call message and the recording, and is pending at the end', async () => {
    const from = randomNumber();
    const c = await answeredCall(from);
    const made = await send('POST', `/calls/${c.id}/ticket`, { subject: 'Refund for order 42', summary: 'Wants a refund' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ subject: 'Refund for order 42', status: 'open', assigneeId: 'emp-101', callIds: [c.id] });
    await c.end();
    await c.record('https://rec.example/t1.mp3');
    const t = await until('pending with recording', made.body.id, (x) => x.status === 'pending' && x.messages[0]?.recordingUrl === 'https://rec.example/t1.mp3');
    expect(t.messages).toEqual([expect.objectContaining({ kind: 'call', callId: c.id, authorId: 'emp-101', body: 'Wants a refund' })]);
    await settled(c.id);
    expect((await holding(c.id)).map((x) => x.id)).toEqual([made.body.id]);
  });

  it('T1: a ticket created after the call takes the call from its automatic ticket', async () => {
    const from = randomNumber();
    const c = await answeredCall(from);
    await c.end();
    const auto = await waitFor('T4 ticket', async () => (await holding(c.id))[0]);
    const made = await send('POST', `/calls/${c.id}/ticket`, { subject: 'Follow-up', summary: 'Call back tomorrow' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ status: 'pending', callIds: [c.id] });
    expect((await api(h.info, `/tickets/${auto.id}`)).status).toBe(404);
    expect((await holding(c.id)).map((x) => x.id)).toEqual([made.body.id]);
  });

  it('T2: a call linked to an existing ticket adds a message with summary and recording; the ticket becomes pending', async () => {
    const from = randomNumber();
    const first = await answeredCall(from);
    await first.end();
    const existing = await waitFor('earlier ticket', async () => (await holding(first.id))[0]);
    expect(existing.status).toBe('closed');
    const c = await answeredCall(from, '102');
    const linked = await send('POST', `/calls/${c.id}/link`, { ticketId: existing.id, summary: 'Asked about the delivery' }, boris());
    expect(linked.status).toBe(200);
    await c.end();
    await c.record('https://rec.example/t2.mp3');
    const t = await until('linked and pending', existing.id, (x) => x.status === 'pending' && x.messages.some((m) => m.callId === c.id && m.recordingUrl));
    expect(t.messages.find((m) => m.callId === c.id)).toMatchObject({ authorId: 'emp-102', body: 'Asked about the delivery', recordingUrl: 'https://rec.example/t2.mp3' });
    await settled(c.id);
    expect((await holding(c.id)).map((x) => x.id)).toEqual([existing.id]);
    expect((await send('POST', `/calls/${c.id}/link`, { ticketId: 'does-not-exist', summary: '' })).status).toBe(404);
  });

  it('T3: only the create page opened → "Incoming call from {n}", open, first message empty with the recording', async () => {
    const from = randomNumber();
    const c = await answeredCall(from);
    expect((await send('POST', `/calls/${c.id}/ticket-draft`, undefined)).status).toBe(202);
    await c.end();
    await c.record('https://rec.example/t3.mp3');
    const t = await waitFor('T3 ticket', async () => (await holding(c.id)).find((x) => x.messages[0]?.recordingUrl));
    expect(t).toMatchObject({ subject: `Incoming call from ${from}`, status: 'open', assigneeId: 'emp-101', missedState: null });
    expect(t.messages).toEqual([expect.objectContaining({ body: '', recordingUrl: 'https://rec.example/t3.mp3' })]);
  });

  it('T4: nothing done → closed ticket, assignee the answerer', async () => {
    const from = randomNumber();
    const c = await answeredCall(from, '102');
    await c.end();
    const t = await waitFor('T4 ticket', async () => (await holding(c.id))[0]);
    expect(t).toMatchObject({ subject: `Incoming call from ${from}`, status: 'closed', assigneeId: 'emp-102', missed: false, missedState: null });
  });

  it('T5: a transferred call gives each leg its own ticket; the leg only transferred on is closed', async () => {
    const from = randomNumber();
    const c = await answeredCall(from, '101');
    await c.ring('102');
    await c.answer('102');
    expect((await send('POST', `/calls/${c.id}/ticket-draft`, undefined, boris())).status).toBe(202);
    await c.end();
    const both = await waitFor('two leg tickets', async () => { const ts = await holding(c.id); return ts.length === 2 ? ts : null; });
    expect(both.find((t) => t.assigneeId === 'emp-101')).toMatchObject({ status: 'closed' });
    expect(both.find((t) => t.assigneeId === 'emp-102')).toMatchObject({ status: 'open' });
    await settled(c.id);
    expect(await holding(c.id)).toHaveLength(2);
  });

  it('T6: creating a ticket for an unknown caller creates the customer with the number; a known number keeps its customer', async () => {
    const from = randomNumber();
    const c = await answeredCall(from);
    const made = await send('POST', `/calls/${c.id}/ticket`, { subject: 'New customer', summary: '' });
    expect(made.body.customerId).toEqual(expect.any(String));
    const phone = await h.ddb.send(new GetCommand({ TableName: h.runtime.tableName, Key: { PK: `T#demo#PHONE#${from}`, SK: 'PHONE' } }));
    expect(phone.Item?.['customerId']).toBe(made.body.customerId);
    const known = await answeredCall('+79161234567');
    expect((await send('POST', `/calls/${known.id}/ticket`, { subject: 'Ivan again', summary: '' })).body.customerId).toBe('cus-ivan-petrov');
  });

  it('T7: a call from the ticket: answered → message with summary and recording, pending; not answered → a call attempt, status unchanged', async () => {
    const from = randomNumber();
    const first = await answeredCall(from);
    await first.end();
    const ticket = await waitFor('ticket', async () => (await holding(first.id))[0]);
    const dialed = await send<{ commandId: string; provider: string; number: string }>('POST', `/tickets/${ticket.id}/call`, {});
    expect(dialed.status).toBe(202);
    expect(dialed.body).toMatchObject({ provider: 'mango', number: from });
    expect(fakeRequests.at(-1)!.url).toBe('/vpbx/commands/callback');
    expect(decodeURIComponent(fakeRequests.at(-1)!.body)).toContain(`"to_number":"${from.slice(1)}"`);

    const out = pbxCall('outbound', from);
    await out.dial('101');
    await out.answer();
    await out.end();
    await until('callback message', ticket.id, (x) => x.status === 'pending' && x.callIds.includes(out.id));
    // The summary comes later, through the link endpoint; the recording after the end.
    expect((await send('POST', `/calls/${out.id}/link`, { ticketId: ticket.id, summary: 'Confirmed the order' })).status).toBe(200);
    await out.record('https://rec.example/t7.mp3');
    const t = await until('summary and recording', ticket.id, (x) => x.messages.some((m) => m.callId === out.id && m.recordingUrl));
    expect(t.messages.filter((m) => m.callId === out.id)).toEqual([expect.objectContaining({ kind: 'call', authorId: 'emp-101', body: 'Confirmed the order', recordingUrl: 'https://rec.example/t7.mp3' })]);
    await settled(out.id);
    expect((await holding(out.id)).map((x) => x.id)).toEqual([ticket.id]);

    // Not answered: a call-attempt message, the status stays.
    expect((await send('PATCH', `/tickets/${ticket.id}`, { status: 'open' })).body.status).toBe('open');
    await send('POST', `/tickets/${ticket.id}/call`, {});
    const attempt = pbxCall('outbound', from);
    await attempt.dial('101');
    await attempt.end('no_answer_timeout');
    const after = await until('attempt message', ticket.id, (x) => x.callIds.includes(attempt.id));
    expect(after.status).toBe('open');
    expect(after.messages.find((m) => m.callId === attempt.id)).toMatchObject({ kind: 'call_attempt', authorId: 'emp-101' });
  });

  it('T8: an outgoing softphone call with nothing done → closed "Outgoing call to {n}", assignee the employee', async () => {
    const to = randomNumber();
    const out = pbxCall('outbound', to);
    await out.dial('102');
    await out.answer();
    await out.end();
    const t = await waitFor('T8 ticket', async () => (await holding(out.id))[0]);
    expect(t).toMatchObject({ subject: `Outgoing call to ${to}`, status: 'closed', assigneeId: 'emp-102' });
  });

  it('T9: a call that never reached an employee makes no ticket (I5)', async () => {
    const from = randomNumber();
    const c = pbxCall('inbound', from);
    await c.answer();
    await c.end('routing_end');
    await settled(c.id);
    expect(await ticketsOf(from)).toEqual([]);
  });
});

describe('missed calls (M)', () => {
  it('M1: a missed call opens "Missed call from {n}", open, flagged missed', async () => {
    const from = randomNumber();
    const { id, ticket } = await missedCall(from);
    expect(ticket).toMatchObject({ subject: `Missed call from ${from}`, status: 'open', missed: true, missedState: 'missed', callbackAttempts: 0, callIds: [id] });
  });

  it('M2: further missed calls group until an answered conversation; then a new missed-call ticket', async () => {
    const from = randomNumber();
    const first = await missedCall(from);
    const second = await missedCall(from);
    expect(second.ticket.id).toBe(first.ticket.id);
    const talk = await answeredCall(from);
    await talk.end();
    await settled(talk.id);
    const third = await missedCall(from);
    expect(third.ticket.id).not.toBe(first.ticket.id);
  });

  it('M3: an answered outgoing call with a recording added to a missed-call ticket turns it resolved, with callback timing', async () => {
    const from = randomNumber();
    const { ticket } = await missedCall(from);
    await send('POST', `/tickets/${ticket.id}/call`, {});
    const out = pbxCall('outbound', from);
    await out.dial('101');
    await out.answer();
    await out.end();
    const noRecording = await until('callback filed', ticket.id, (x) => x.callIds.includes(out.id));
    expect(noRecording.missedState).toBe('missed');
    await out.record('https://rec.example/m3.mp3');
    const t = await until('resolved', ticket.id, (x) => x.missedState === 'resolved');
    expect(t).toMatchObject({ missed: true, callbackAttempts: 1, firstCallbackAt: expect.any(String), timeToCallbackSeconds: expect.any(Number) });
  });

  it('M4a: the customer calls again, the agent creates a new ticket → the missed-call ticket closes', async () => {
    const from = randomNumber();
    const { ticket } = await missedCall(from);
    const c = await answeredCall(from);
    await send('POST', `/calls/${c.id}/ticket`, { subject: 'New issue', summary: '' });
    await c.end();
    await until('missed-call ticket closed', ticket.id, (x) => x.status === 'closed');
  });

  it('M4b: the customer calls again, the agent adds the call to the missed-call ticket → pending at the end', async () => {
    const from = randomNumber();
    const { ticket } = await missedCall(from);
    const c = await answeredCall(from);
    await send('POST', `/calls/${c.id}/link`, { ticketId: ticket.id, summary: 'Called back himself' });
    expect((await getTicket(ticket.id)).status).toBe('open');
    await c.end();
    await until('pending', ticket.id, (x) => x.status === 'pending');
  });

  it('M4c: the agent calls back from the missed-call ticket and the customer answers → pending at the end', async () => {
    const from = randomNumber();
    const { ticket } = await missedCall(from);
    await send('POST', `/tickets/${ticket.id}/call`, {});
    const out = pbxCall('outbound', from);
    await out.dial('101');
    await out.answer();
    await out.end();
    const t = await until('pending', ticket.id, (x) => x.status === 'pending');
    expect(t.callbackAttempts).toBe(1);
  });

  it('M4d: softphone callback, the agent creates a new ticket → the missed-call ticket closes', async () => {
    const from = randomNumber();
    const { ticket } = await missedCall(from);
    const out = pbxCall('outbound', from);
    await out.dial('101');
    await out.answer();
    await send('POST', `/calls/${out.id}/ticket`, { subject: 'Callback', summary: '' });
    await out.end();
    await until('missed-call ticket closed', ticket.id, (x) => x.status === 'closed');
  });

  it('M4e: softphone callback, the agent adds the call to the missed-call ticket → pending at the end', async () => {
    const from = randomNumber();
    const { ticket } = await missedCall(from);
    const out = pbxCall('outbound', from);
    await out.dial('102');
    await out.answer();
    await send('POST', `/calls/${out.id}/link`, { ticketId: ticket.id, summary: 'Sorted' }, boris());
    await out.end();
    await until('pending', ticket.id, (x) => x.status === 'pending' && x.callIds.includes(out.id));
  });

  it('M4f: the agent calls back and the customer does not answer → stays open, one attempt recorded', async () => {
    const from = randomNumber();
    const { ticket } = await missedCall(from);
    await send('POST', `/tickets/${ticket.id}/call`, {});
    const out = pbxCall('outbound', from);
    await out.dial('101');
    await out.end('no_answer_timeout');
    const t = await until('attempt filed', ticket.id, (x) => x.callIds.includes(out.id));
    expect(t).toMatchObject({ status: 'open', missedState: 'missed', callbackAttempts: 1, firstCallbackAt: null });
  });

  it('M5: 20 concurrent missed calls from one number → one ticket', async () => {
    const from = randomNumber();
    const calls = Array.from({ length: 20 }, () => pbxCall('inbound', from));
    await Promise.all(calls.map(async (c) => { await c.ring('101'); await c.end('no_answer_timeout'); }));
    const t = await waitFor('all grouped', async () => { const ts = await ticketsOf(from); return ts.length === 1 && ts[0]!.callIds.length === 20 ? ts[0] : null; }, 30_000);
    expect([...t.callIds].sort()).toEqual(calls.map((c) => c.id).sort());
    await h.runtime.settled();
    expect(await ticketsOf(from)).toHaveLength(1);
  });
});

describe('ticket list filters', () => {
  it('M1, T2: GET /tickets filters by missed flag, number (any spelling) and customer, page by page', async () => {
    const from = randomNumber();
    const { ticket: missed } = await missedCall(from);
    const c = await answeredCall(from);
    const made = await send('POST', `/calls/${c.id}/ticket`, { subject: 'Second issue', summary: '' });
    expect(made.status).toBe(201);
    await c.end();
    const list = async (q: string) => (await api<List<Ticket>>(h.info, `/tickets?${q}`)).body;
    const spelled = `8 ${from.slice(2, 5)} ${from.slice(5, 8)}-${from.slice(8)}`; // the national spelling of the +7 number
    const byNumber = await list(`number=${encodeURIComponent(spelled)}&limit=200`);
    expect(byNumber.items.map((t) => t.id).sort()).toEqual([missed.id, made.body.id].sort());
    expect((await list(`number=${encodeURIComponent(from)}&missed=true&limit=200`)).items.map((t) => t.id)).toEqual([missed.id]);
    expect((await list(`number=${encodeURIComponent(from)}&missed=false&limit=200`)).items.map((t) => t.id)).toEqual([made.body.id]);
    const customerId = made.body.customerId!;
    expect((await list(`customerId=${customerId}&limit=200`)).items.map((t) => t.id)).toContain(made.body.id);
    // One per page: the cursor goes on after the last ticket returned, newest first, nothing twice.
    const page1 = await list(`number=${encodeURIComponent(from)}&limit=1`);
    expect(page1.items.map((t) => t.id)).toEqual([made.body.id]);
    const page2 = await list(`number=${encodeURIComponent(from)}&limit=1&cursor=${page1.next}`);
    expect(page2.items.map((t) => t.id)).toEqual([missed.id]);
    expect((await api(h.info, '/tickets?number=not-a-number')).status).toBe(400);
    expect((await list('missed=true&limit=200')).items.every((t) => t.missed)).toBe(true);
  });
});

describe('agent notifications (N)', () => {
  it('N2: an unknown number pops up with the actions; creating a ticket creates the customer from the number', async () => {
    const ws = await openAgent(h.info, anna());
    const from = randomNumber();
    const c = pbxCall('inbound', from);
    await c.ring('101');
    const popup = await ws.next('incoming_call', (m) => (m['call'] as Call).id === c.id);
    expect(popup['customer']).toBeNull();
    expect(popup['actions']).toEqual(['link_customer', 'create_ticket']);
    await c.answer('101');
    const made = await send('POST', `/calls/${c.id}/ticket`, { subject: 'From the pop-up', summary: '' });
    expect(made.body.customerId).toEqual(expect.any(String));
    await ws.next('agent_action', (m) => m['ticketId'] === made.body.id);
    await c.end();
    await ws.close();
  });

  it('N3: the agent gets call_answered, ticket_created, call_ended and ticket_updated (recording attached)', async () => {
    const ws = await openAgent(h.info, anna());
    const from = randomNumber();
    const c = await answeredCall(from);
    await ws.next('call_answered', (m) => (m['call'] as Call).id === c.id);
    const made = await send('POST', `/calls/${c.id}/ticket`, { subject: 'Live', summary: '' });
    await ws.next('ticket_created', (m) => (m['ticket'] as Ticket).id === made.body.id);
    await c.end();
    await ws.next('call_ended', (m) => (m['call'] as Call).id === c.id);
    await ws.next('ticket_updated', (m) => (m['ticket'] as Ticket).id === made.body.id && (m['ticket'] as Ticket).status === 'pending');
    await ws.close();
  });

  it('N3, M1, M2: a missed-call ticket (no assignee) is pushed to the employees its call rang at, and only to them', async () => {
    const annaWs = await openAgent(h.info, anna());
    const borisWs = await openAgent(h.info, boris());
    try {
      const from = randomNumber();
      const first = await missedCall(from);
      expect(first.ticket.assigneeId).toBeNull();
      await annaWs.next('ticket_created', (m) => (m['ticket'] as Ticket).id === first.ticket.id);
      const again = pbxCall('inbound', from);
      await again.ring('101');
      await again.end('no_answer_timeout');
      await annaWs.next('ticket_updated', (m) => (m['ticket'] as Ticket).id === first.ticket.id);
      await h.runtime.settled();
      expect(borisWs.messages.some((m) => (m['type'] === 'ticket_created' || m['type'] === 'ticket_updated') && (m['ticket'] as Ticket).id === first.ticket.id)).toBe(false);
    } finally {
      await annaWs.close();
      await borisWs.close();
    }
  });

  it('N4: click-to-call pushes a dialing block for the ticket; a failing PBX API gives 502', async () => {
    const ws = await openAgent(h.info, anna());
    const { ticket } = await missedCall(randomNumber());
    const ok = await send<{ commandId: string }>('POST', `/tickets/${ticket.id}/call`, {});
    const dialing = await ws.next('call_dialing', (m) => m['ticketId'] === ticket.id);
    expect(dialing).toMatchObject({ commandId: ok.body.commandId, subject: ticket.subject, provider: 'mango' });
    fakeFails = true;
    try {
      const failed = await send<{ error: string; message: string }>('POST', `/tickets/${ticket.id}/call`, {});
      expect(failed.status).toBe(502);
      expect(failed.body).toMatchObject({ error: 'click_to_call_failed', message: expect.stringContaining('503') });
    } finally {
      fakeFails = false;
    }
    expect((await send('POST', '/tickets/does-not-exist/call', {})).status).toBe(404);
    expect((await send('POST', `/tickets/${ticket.id}/messages`, { body: 'Left a voicemail' })).status).toBe(201);
    await ws.close();
  });
});
