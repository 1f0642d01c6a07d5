// Declarative trigger rules end to end on the local runtime (R1–R3, R5): the admin API, a post-call SMS
// (MANGO OFFICE "automatic actions") posted to a fake outbound SMS gateway started here exactly once
// even when Call Ended is delivered three times, the dry run explaining a rule that does not match,
// and a missed call from a new number that creates the customer and a 30-minute callback task.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureOf, type Rule } from '#shared/domain/rules.ts';
import { newLine, ruleCalls } from './rule-calls.ts';
import { api, openAgent, randomNumber, patchedTenantConfig, startHarness, waitFor, type Harness } from './harness.ts';

const SECRET = 'demo-ringdesk-secret-0123456789';
const OUTBOUND_SECRET = 'demo-outbound-secret-0123456789';

let h: Harness;
let fake: Server;
const received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  fake = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"queued":true}');
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  const port = (fake.address() as { port: number }).port;
  const file = patchedTenantConfig<{ outbound: Record<string, string> }>('triggers.json', (s) => {
    s.outbound['smsWebhookUrl'] = `http://127.0.0.1:${port}/sms`;
    s.outbound['emailWebhookUrl'] = `http://127.0.0.1:${port}/email`;
  });
  h = await startHarness({ tenantConfigFile: file });
}, 240_000);

afterAll(async () => {
  await h?.stop();
  await new Promise((r) => fake?.close(r));
});

const { send, pbxCall, endedCall, redeliverCallEnded } = ruleCalls(() => h, SECRET);
const anna = () => h.info.tokens.agents['101']!;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rules admin API', () => {
  it('R2: admins create, list, read, replace and delete rules; agents get 403', async () => {
    const body = { name: 'notify on new calls', event: 'new_call', conditions: { customer: 'unknown' }, actions: [{ type: 'notify', involved: true }] };
    expect((await send('POST', '/rules', body, anna())).status).toBe(403);
    expect((await send('GET', '/rules', undefined, anna())).status).toBe(403);
    const created = await send<Rule>('POST', '/rules', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...body, enabled: true, id: expect.any(String) });
    expect((await send('GET', `/rules/${created.body.id}`, undefined, anna())).status).toBe(403);
    expect((await send<{ items: Rule[] }>('GET', '/rules', undefined)).body.items.map((r) => r.id)).toContain(created.body.id);
    const replaced = await send<Rule>('PUT', `/rules/${created.body.id}`, { ...body, enabled: false });
    expect(replaced).toMatchObject({ status: 200, body: { id: created.body.id, enabled: false, createdAt: created.body.createdAt } });
    expect((await send<Rule>('GET', `/rules/${created.body.id}`, undefined)).body.enabled).toBe(false);
    expect((await send('DELETE', `/rules/${created.body.id}`, undefined, anna())).status).toBe(403);
    expect((await send('DELETE', `/rules/${created.body.id}`, undefined)).status).toBe(200);
    expect((await send('GET', `/rules/${created.body.id}`, undefined)).status).toBe(404);
    expect((await send('POST', '/rules', { ...body, conditions: { colour: 'red' } })).status).toBe(400);
  });
});

describe('post-call SMS (MANGO OFFICE automatic actions)', () => {
  it('R3, R5: posts the rendered template to the outbound SMS webhook exactly once, though Call Ended arrives three times', async () => {
    const line = newLine();
    const number = randomNumber();
    expect((await send('POST', '/customers', { fullName: 'Olga Sidorova', phones: [number] }, anna())).status).toBe(201);
    const rule = await send<Rule>('POST', '/rules', {
      name: 'thank you SMS',
      event: 'call_ended',
      conditions: { all: [{ line: [line] }, { outcome: ['answered'] }] },
      actions: [{ type: 'sms', text: 'Thank you for calling, {customer.fullName}! {employee.fullName} will follow up from {call.to}.' }],
    });
    expect(rule.status).toBe(201);

    const call = pbxCall(number, line);
    await call.ring();
    await call.answer();
    await call.end();
    const ended = await endedCall(call.id);
    await redeliverCallEnded(ended, 2);

    const mine = () => received.filter((r) => r.url === '/sms' && r.body.includes(number));
    await waitFor('the SMS', async () => mine().length > 0);
    await sleep(2_000); // time for the redeliveries to run (and not post)
    expect(mine()).toHaveLength(1);
    const [sms] = mine();
    expect(JSON.parse(sms!.body)).toMatchObject({
      channel: 'sms',
      to: number,
      text: `Thank you for calling, Olga Sidorova! Anna Smirnova will follow up from ${line}.`,
      ruleId: rule.body.id,
    });
    const timestamp = String(sms!.headers['x-ringdesk-timestamp']);
    expect(sms!.headers['x-ringdesk-signature']).toBe(signatureOf(OUTBOUND_SECRET, timestamp, sms!.body));
    expect(sms!.headers['x-ringdesk-delivery']).toBe(`${rule.body.id}.call.${call.id}.call_ended.0`);
  });
});

describe('dry run', () => {
  it('R2: explains which conditions of a non-matching rule did not hold, and runs nothing', async () => {
    const line = newLine();
    const number = randomNumber();
    const call = pbxCall(number, line);
    await call.ring();
    await call.answer();
    await call.end();
    await endedCall(call.id);
    const rule = await send<Rule>('POST', '/rules', {
      name: 'known customers, long calls',
      event: 'call_ended',
      conditions: { all: [{ customer: 'known' }, { talkSeconds: { gte: 3600 } }, { line: [line] }] },
      actions: [{ type: 'sms', text: 'hello' }],
    });
    const before = received.length;
    const dry = await send<{ matched: boolean; eventMatched: boolean; conditions: { path: string; held: boolean; detail: string }[]; actions: string[] }>('POST', `/rules/${rule.body.id}/dry-run`, { callId: call.id });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ matched: false, eventMatched: true, actions: [] });
    expect(dry.body.conditions).toEqual([
      { path: 'conditions', held: false, detail: '1 of 3 held, all needed' },
      { path: 'conditions.all[0]', held: false, detail: `no customer has number ${number}` },
      { path: 'conditions.all[1]', held: false, detail: expect.stringMatching(/^talk time \d+ s; expected ≥ 3600$/) },
      { path: 'conditions.all[2]', held: true, detail: `the line is ${line}; expected one of ${line}` },
    ]);
    expect((await send('POST', `/rules/${rule.body.id}/dry-run`, { callId: 'no-such-call' })).status).toBe(404);
    await send('DELETE', `/rules/${rule.body.id}`, undefined);
    await sleep(500);
    expect(received.length).toBe(before);
  });
});

describe('missed call from a new number', () => {
  it('R2, R5: creates the customer and asks for a 30-minute callback task, once for three deliveries', async () => {
    const line = newLine();
    const number = randomNumber();
    const rule = await send<Rule>('POST', '/rules', {
      name: 'new missed callers',
      event: 'missed_call',
      conditions: { all: [{ customer: 'unknown' }, { line: [line] }] },
      actions: [{ type: 'create_customer', fullName: 'Caller {call.customerNumber}' }, { type: 'create_task', dueInMinutes: 30 }],
    });
    expect(rule.status).toBe(201);
    const call = pbxCall(number, line);
    await call.ring();
    await call.end();
    const ended = await endedCall(call.id);
    expect(ended.outcome).toBe('missed');
    await redeliverCallEnded(ended, 2);

    const customer = await waitFor('the customer', async () => {
      const r = await api<{ items: { id: string; fullName: string; phones: string[] }[] }>(h.info, `/customers?q=${encodeURIComponent(number)}`, anna());
      return r.body.items[0];
    });
    expect(customer).toMatchObject({ fullName: `Caller ${number}`, phones: [number] });
    type Task = { number: string; dueAt: string; createdAt: string; ruleId: string; employeeId: string | null };
    const tasks = await waitFor('the callback task', async () => {
      const r = await api<{ items: Task[] }>(h.info, '/tasks?limit=100', anna());
      const t = r.body.items?.filter((x) => x.number === number) ?? [];
      return t.length > 0 ? t : null;
    });
    await sleep(2_000);
    const after = (await api<{ items: Task[] }>(h.info, '/tasks?limit=100', anna())).body.items.filter((x) => x.number === number);
    expect(after).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ ruleId: rule.body.id, employeeId: 'emp-101' });
    expect(Date.parse(tasks[0]!.dueAt) - Date.parse(tasks[0]!.createdAt)).toBe(30 * 60_000);
    const all = await api<{ items: unknown[] }>(h.info, `/customers?q=${encodeURIComponent(number)}`, anna());
    expect(all.body.items).toHaveLength(1);

    // N6: on a shortened clock the reminder reaches the employee's WebSocket when due, not before.
    const annaWs = await openAgent(h.info, anna());
    const isThis = (m: Record<string, unknown>) => (m['task'] as Task | undefined)?.number === number;
    await h.runtime.scheduler.fireDue(new Date(Date.now() + 29 * 60_000));
    await h.runtime.settled();
    expect(annaWs.messages.some((m) => m['type'] === 'task_due' && isThis(m))).toBe(false);
    await h.runtime.scheduler.fireDue(new Date(Date.now() + 31 * 60_000));
    const due = await annaWs.next('task_due', isThis);
    expect(due['task']).toMatchObject({ number, ruleId: rule.body.id });
    await annaWs.close();
  });

  it('R2, N6: the callback task a missed call made is cancelled when the customer gets through first, and never pushed', async () => {
    const line = newLine();
    const number = randomNumber();
    const rule = await send<Rule>('POST', '/rules', {
      name: 'call back missed callers',
      event: 'missed_call',
      conditions: { all: [{ line: [line] }] },
      actions: [{ type: 'create_task', dueInMinutes: 30 }],
    });
    expect(rule.status).toBe(201);
    const missed = pbxCall(number, line);
    await missed.ring();
    await missed.end();
    type Task = { id: string; number: string; status: string };
    await waitFor('the callback task', async () => (await api<{ items: Task[] }>(h.info, '/tasks?limit=100', anna())).body.items?.find((t) => t.number === number));

    // The customer calls again and Anna answers before the task falls due.
    const answered = pbxCall(number, line);
    await answered.ring();
    await answered.answer();
    await answered.end('caller_hangup');
    const cancelled = await waitFor('task cancelled', async () => (await api<{ items: Task[] }>(h.info, '/tasks?limit=100', anna())).body.items?.find((t) => t.number === number && t.status === 'cancelled'));
    expect(cancelled.status).toBe('cancelled');

    const annaWs = await openAgent(h.info, anna());
    await h.runtime.scheduler.fireDue(new Date(Date.now() + 31 * 60_000));
    await h.runtime.settled();
    await new Promise((r) => setTimeout(r, 300));
    expect(annaWs.messages.some((m) => m['type'] === 'task_due' && (m['task'] as Task | undefined)?.number === number)).toBe(false);
    await annaWs.close();
  });
});
