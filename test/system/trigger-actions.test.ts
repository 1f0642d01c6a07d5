// Trigger rule actions end to end on the local runtime (R2, R5): the signed generic webhook (exactly
// once for three deliveries; retried with backoff through 500s; dead-lettered when the receiver stays
// down, and delivered by a replay once it is back), create_ticket (one ticket in GET /tickets), and
// the digest mode of notify (one rule_digest per window, sent when the window ends on the scheduler's
// moved clock, not repeated by redeliveries).
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call } from '#shared/domain/call.ts';
import type { Rule } from '#shared/domain/rules.ts';
import type { Ticket } from '#shared/domain/ticket.ts';
import { newLine, ruleCalls } from './rule-calls.ts';
import { api, openAgent, patchedTenantConfig, randomNumber, startHarness, waitFor, type Harness } from './harness.ts';

const SECRET = 'demo-ringdesk-secret-0123456789';
const OUTBOUND_SECRET = 'demo-outbound-secret-0123456789';

let h: Harness;
let receiver: Server;
let receiverUrl: string;
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  status: number;
}
const received: Received[] = [];
/** How the receiver answers, per path: a status, or a function of the attempt number (1-based) of that delivery id. */
const behaviour = new Map<string, (attempt: number) => number>();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      const attempt = received.filter((r) => r.path === path && r.headers['x-ringdesk-delivery'] === req.headers['x-ringdesk-delivery']).length + 1;
      const status = (behaviour.get(path) ?? (() => 200))(attempt);
      received.push({ path, headers: req.headers, body, at: Date.now(), status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(status < 300 ? '{"ok":true}' : '{"error":"unavailable"}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  h = await startHarness({ tenantConfigFile: patchedTenantConfig('triggers.json', () => undefined) });
}, 240_000);

afterAll(async () => {
  await h?.stop();
  await new Promise((r) => receiver?.close(r));
});

const { send, pbxCall, endedCall, redeliverCallEnded } = ruleCalls(() => h, SECRET);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


async function createRule(body: Record<string, unknown>): Promise<Rule> {
  const res = await send<Rule>('POST', '/rules', body);
  expect(res.status).toBe(201);
  return res.body;
}




async function answeredCall(customer: string, line: string): Promise<Call> {
  const call = pbxCall(customer, line);
  await call.ring();
  await call.answer();
  await call.end();
  return endedCall(call.id);
}

async function missedCall(customer: string, line: string): Promise<Call> {
  const call = pbxCall(customer, line);
  await call.ring();
  await call.end();
  const ended = await endedCall(call.id);
  expect(ended.outcome).toBe('missed');
  return ended;
}


const runTriggersLetters = (callId: string) =>
  h.runtime.bus.deadLetters().filter((d) => d.ruleName.includes('RunTriggers') && (d.event.detail as { call?: { id?: string } }).call?.id === callId);

/** The documented check a receiver makes: sha256=hex(HMAC-SHA256(secret, "{timestamp}.{body}")), timestamp within 5 minutes. */
function verifySignature(r: Received): void {
  const timestamp = String(r.headers['x-ringdesk-timestamp']);
  expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(300);
  const expected = `sha256=${createHmac('sha256', OUTBOUND_SECRET).update(`${timestamp}.${r.body}`).digest('hex')}`;
  expect(r.headers['x-ringdesk-signature']).toBe(expected);
}

describe('webhook action', () => {
  it('R2, R5: posts the signed body exactly once, though Call Ended is delivered three times', async () => {
    const line = newLine();
    const number = randomNumber();
    const rule = await createRule({
      name: 'post-call webhook',
      event: 'call_ended',
      conditions: { all: [{ line: [line] }, { outcome: ['answered'] }] },
      actions: [{ type: 'webhook', url: `${receiverUrl}/ok`, body: '{"number": "{call.customerNumber}", "line": "{call.line}", "agent": "{employee.fullName}"}' }],
    });
    const call = await answeredCall(number, line);
    await redeliverCallEnded(call, 2);

    const mine = () => received.filter((r) => r.path === '/ok' && r.body.includes(number));
    await waitFor('the webhook', async () => mine().length > 0);
    await sleep(2_000); // time for the redeliveries to run (and not post)
    await h.runtime.settled();
    expect(mine()).toHaveLength(1);
    const [hook] = mine();
    expect(JSON.parse(hook!.body)).toEqual({ number, line, agent: 'Anna Smirnova' });
    expect(hook!.headers['content-type']).toBe('application/json');
    expect(hook!.headers['x-ringdesk-delivery']).toBe(`${rule.id}.call.${call.id}.call_ended.0`);
    verifySignature(hook!);
    expect(runTriggersLetters(call.id)).toEqual([]);
  });

  it('R5: a receiver answering 500 twice is retried with backoff and the third attempt succeeds; nothing is dead-lettered', async () => {
    const line = newLine();
    const number = randomNumber();
    behaviour.set('/flaky', (attempt) => (attempt <= 2 ? 500 : 200));
    const rule = await createRule({
      name: 'flaky webhook',
      event: 'call_ended',
      conditions: { line: [line] },
      actions: [{ type: 'webhook', url: `${receiverUrl}/flaky` }],
    });
    const call = await answeredCall(number, line);
    const deliveryId = `${rule.id}.call.${call.id}.call_ended.0`;
    const mine = () => received.filter((r) => r.path === '/flaky' && r.headers['x-ringdesk-delivery'] === deliveryId);
    await waitFor('the successful attempt', async () => mine().some((r) => r.status === 200));
    expect(mine().map((r) => r.status)).toEqual([500, 500, 200]);
    // Backoff as configured for the local bus in tests (Lambda async retries: 100 ms, then 200 ms).
    const [a, b, c] = mine().map((r) => r.at);
    expect(b! - a!).toBeGreaterThanOrEqual(90);
    expect(c! - b!).toBeGreaterThanOrEqual(190);
    for (const r of mine()) verifySignature(r);
    // Default body: the rule, the delivery and the facts of the event.
    expect(JSON.parse(mine()[2]!.body)).toMatchObject({ ruleId: rule.id, deliveryId, facts: { event: 'call_ended', call: { id: call.id, customerNumber: number } } });

    await redeliverCallEnded(call, 2);
    await sleep(1_000);
    await h.runtime.settled();
    expect(mine()).toHaveLength(3);
    expect(runTriggersLetters(call.id)).toEqual([]);
  });

  it('R5: a receiver that stays down leaves the event in the dead-letter sink; a replay once it is back delivers it once', async () => {
    const line = newLine();
    const number = randomNumber();
    let down = true;
    behaviour.set('/down', () => (down ? 503 : 200));
    const rule = await createRule({ name: 'webhook to a dead receiver', event: 'call_ended', conditions: { line: [line] }, actions: [{ type: 'webhook', url: `${receiverUrl}/down` }] });
    const call = await answeredCall(number, line);
    const deliveryId = `${rule.id}.call.${call.id}.call_ended.0`;
    const mine = () => received.filter((r) => r.path === '/down' && r.headers['x-ringdesk-delivery'] === deliveryId);

    const [letter] = await waitFor('the dead letter', async () => {
      const l = runTriggersLetters(call.id);
      return l.length > 0 ? l : null;
    });
    expect(letter).toMatchObject({ attempts: 3, error: expect.stringContaining('answered 503'), deadLetterArn: expect.stringContaining(':sqs:') });
    expect(letter!.event['detail-type']).toBe('Call Ended');
    expect(mine().map((r) => r.status)).toEqual([503, 503, 503]);
    // What `npm run dead-letters` lists.
    const listed = (await (await fetch(`${h.info.eventsUrl}/_local/dead-letters`)).json()) as { event: { id: string } }[];
    expect(listed.map((l) => l.event.id)).toContain(letter!.event.id);

    // Nothing accepted is lost: the receiver is back and the dead letter is replayed.
    down = false;
    expect(await h.runtime.bus.replayDeadLetters()).toBeGreaterThanOrEqual(1);
    await waitFor('the replayed delivery', async () => mine().some((r) => r.status === 200));
    await h.runtime.settled();
    expect(mine().map((r) => r.status)).toEqual([503, 503, 503, 200]);
    expect(runTriggersLetters(call.id)).toEqual([]);
    // Done now: another delivery of the event posts nothing.
    await redeliverCallEnded(call, 1);
    await sleep(1_000);
    await h.runtime.settled();
    expect(mine()).toHaveLength(4);
  });
});

describe('create_ticket action', () => {
  it('R2, R5: creates exactly one ticket, visible through GET /tickets, though Call Ended is delivered three times', async () => {
    const line = newLine();
    const number = randomNumber();
    const rule = await createRule({
      name: 'ticket for long calls',
      event: 'call_ended',
      conditions: { line: [line] },
      actions: [{ type: 'create_ticket', subject: 'Follow up {call.customerNumber} ({employee.fullName})', status: 'pending' }],
    });
    const call = await answeredCall(number, line);
    await redeliverCallEnded(call, 2);
    const subject = `Follow up ${number} (Anna Smirnova)`;
    const list = async () => (await api<{ items: Ticket[] }>(h.info, '/tickets?limit=100')).body.items.filter((t) => t.subject === subject);
    await waitFor('the rule ticket', async () => (await list()).length > 0);
    await sleep(2_000);
    await h.runtime.settled();
    const tickets = await list();
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ status: 'pending', channel: 'calls', customerNumber: number, assigneeId: 'emp-101', callIds: [call.id] });
    expect((await api<Ticket>(h.info, `/tickets/${tickets[0]!.id}`)).body.id).toBe(tickets[0]!.id);
    expect(rule.actions[0]).toMatchObject({ type: 'create_ticket' });
  });
});

describe('notify digest mode', () => {
  it('R2, R5: missed calls within the window reach the manager as one rule_digest when the window ends; redeliveries add nothing', async () => {
    const line = newLine();
    const numbers = [randomNumber(), randomNumber(), randomNumber()];
    const rule = await createRule({
      name: 'missed calls digest for Boris',
      event: 'missed_call',
      conditions: { line: [line] },
      actions: [{ type: 'notify', employeeIds: ['emp-102'], digestMinutes: 15, text: 'missed {call.customerNumber}' }],
    });
    const boris = await openAgent(h.info, h.info.tokens.agents['102']!);
    const digests = () => boris.messages.filter((m) => m['type'] === 'rule_digest' && m['ruleId'] === rule.id);
    const pk = `T#demo#DIGEST#${rule.id}#0#emp-102`;
    const lines = async () =>
      (await h.ddb.send(new QueryCommand({ TableName: h.runtime.tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :l)', ExpressionAttributeValues: { ':pk': pk, ':l': 'LINE#' } }))).Items ?? [];
    const digestSchedules = () => h.runtime.scheduler.schedules().filter((s) => s.Name.startsWith('digest-demo-') && (s.Target.Input ?? '').includes(rule.id));
    try {
      const calls: Call[] = [];
      for (const n of numbers) calls.push(await missedCall(n, line));
      await waitFor('three digest lines', async () => (await lines()).length === 3);
      // Redelivered events before the window ends: still three lines, one window, one flush schedule.
      for (const c of calls) await redeliverCallEnded(c, 2);
      await sleep(1_000);
      await h.runtime.settled();
      expect(await lines()).toHaveLength(3);
      expect(digestSchedules()).toHaveLength(1);
      expect(digests()).toEqual([]); // nothing is sent while the window is open

      // The window ends 15 minutes after the first call, on the scheduler's moved clock.
      expect(await h.runtime.scheduler.fireDue(new Date(Date.now() + 10 * 60_000))).not.toContain(digestSchedules()[0]!.Name);
      expect(digests()).toEqual([]);
      await h.runtime.scheduler.fireDue(new Date(Date.now() + 16 * 60_000));
      const digest = await boris.next('rule_digest', (m) => m['ruleId'] === rule.id);
      expect(digest).toMatchObject({ ruleName: 'missed calls digest for Boris', event: 'missed_call' });
      const items = digest['items'] as { text: string; callId: string; at: string }[];
      expect(items.map((i) => i.text).sort()).toEqual(numbers.map((n) => `missed ${n}`).sort());
      expect(items.map((i) => i.callId).sort()).toEqual(calls.map((c) => c.id).sort());
      expect(items.map((i) => i.at)).toEqual(items.map((i) => i.at).sort()); // in event order
      expect(digest['text']).toBe(items.map((i) => i.text).join('\n'));

      // Redeliveries after the flush neither open a window nor send a second digest.
      for (const c of calls) await redeliverCallEnded(c, 2);
      await sleep(1_000);
      await h.runtime.settled();
      expect(digestSchedules()).toEqual([]);
      await h.runtime.scheduler.fireDue(new Date(Date.now() + 60 * 60_000));
      await sleep(300);
      expect(digests()).toHaveLength(1);
      expect(await lines()).toEqual([]);

      // A later missed call opens the next window; it is reported when that window ends, with no further call.
      const last = randomNumber();
      await missedCall(last, line);
      await waitFor('the next window', async () => digestSchedules().length === 1);
      await h.runtime.scheduler.fireDue(new Date(Date.now() + 16 * 60_000));
      await waitFor('the second digest', async () => digests().length === 2);
      expect((digests()[1]!['items'] as { text: string }[]).map((i) => i.text)).toEqual([`missed ${last}`]);
      expect(h.runtime.scheduler.deadLetters()).toEqual([]);
    } finally {
      await boris.close();
    }
  });
});
