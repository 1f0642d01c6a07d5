// The call log with filters (L1) through the whole local stack: calls come in as real webhooks, the
// log index is built by its Call Ended consumer in DynamoDB Local, and every filter of GET /calls is
// checked against the set computed from GET /calls/{id} of each call.
import { randomInt } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { Call } from '#shared/domain/call.ts';
import type { CallLogRow } from '#shared/domain/call-log.ts';
import { api, callIdValue, postRingdesk, randomNumber, useHarness } from './harness.ts';

const h = useHarness();

const SECRET = 'demo-ringdesk-secret-0123456789';
const LINE_A = '+74951234567';
const LINE_B = '+74957654321';
// Every call of this file starts in a window no other data touches.
const T0 = Date.parse('2031-05-14T08:00:00.000Z');
const at = (minutes: number, seconds = 0) => new Date(T0 + minutes * 60_000 + seconds * 1000).toISOString();
const WINDOW = { from: at(-1), to: at(60) };

type CallView = Call & { customerId?: string };
type Page = { items: CallLogRow[]; next: string | null };
type Filters = Record<string, string>;
type ErrorBody = { error: string; message: string };

async function send<T>(method: string, path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${h.info.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${h.info.tokens.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** One call as one signed batch of canonical events (`occurredAt` set, so the times are ours). */
async function call(events: Record<string, unknown>[]): Promise<string> {
  const callId = callIdValue();
  const body = { events: events.map((e, i) => ({ callId, eventId: `${callId}-${i}-${randomInt(1e9)}`, ...e })) };
  const res = await postRingdesk(h.info, body, SECRET);
  expect(res.status).toBe(200);
  return callIdFor('ringdesk', callId);
}

const qs = (f: Filters) => new URLSearchParams(f).toString();

/** Every page of a query, checking that pages never repeat a call and stay newest first. */
async function allPages(f: Filters, limit: number): Promise<{ rows: CallLogRow[]; pages: number }> {
  const rows: CallLogRow[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: { status: number; body: Page } = await api<Page>(h.info, `/calls?${qs({ ...f, limit: String(limit), ...(cursor ? { cursor } : {}) })}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    rows.push(...res.body.items);
    cursor = res.body.next;
    pages++;
    expect(pages).toBeLessThan(100);
  } while (cursor);
  const ids = rows.map((r) => r.id);
  expect(new Set(ids).size, 'no call twice').toBe(ids.length);
  const order = rows.map((r) => `${r.startedAt}#${r.id}`);
  expect(order, 'newest first').toEqual([...order].sort().reverse());
  return { rows, pages };
}

// ---- the expected set, computed from the calls themselves (GET /calls/{id}) ----

const employeesOf = (c: CallView) => new Set([...c.legs.map((l) => l.employeeId), ...c.offeredTo, c.answeredBy].filter((x): x is string => !!x));
const lineOf = (c: CallView) => (c.direction === 'inbound' ? c.to : c.direction === 'outbound' ? c.from : null);

function matches(c: CallView, f: Filters, customerPhones: string[]): boolean {
  const facetFiltered = Object.keys(f).some((k) => k !== 'from' && k !== 'to');
  if (facetFiltered && c.status !== 'ended') return false; // filters read the ended calls' facets
  if (f['from'] && Date.parse(c.startedAt) < Date.parse(f['from'])) return false;
  if (f['to'] && Date.parse(c.startedAt) >= Date.parse(f['to'])) return false;
  if (f['direction'] && c.direction !== f['direction']) return false;
  if (f['outcome'] && c.outcome !== f['outcome']) return false;
  if (f['employeeId'] && !employeesOf(c).has(f['employeeId'])) return false;
  if (f['line'] && lineOf(c) !== f['lineE164']) return false;
  if (f['number'] && c.customerNumber !== f['numberE164']) return false;
  if (f['customerId'] && !customerPhones.includes(c.customerNumber ?? '')) return false;
  if (f['hasRecording'] && !c.recordingUrl) return false;
  return true;
}

const newestFirst = (a: CallView, b: CallView) => (`${b.startedAt}#${b.id}` < `${a.startedAt}#${a.id}` ? -1 : 1);

describe('call log (L1)', () => {
  const P1 = randomNumber();
  const P2 = randomNumber();
  const P3 = randomNumber();
  const EXT = String(randomInt(5000, 9999));
  const EMP3 = `emp-log-${EXT}`;
  let customerId: string;
  const ids: Record<string, string> = {};
  const views = new Map<string, CallView>();

  async function refreshViews(): Promise<void> {
    for (const id of Object.values(ids)) {
      const res = await api<CallView>(h.info, `/calls/${id}`);
      expect(res.status).toBe(200);
      views.set(id, res.body);
    }
  }

  beforeAll(async () => {
    const customer = await send<{ id: string }>('POST', '/customers', { fullName: 'Log Customer', phones: [P1, P2] });
    expect(customer.status).toBe(201);
    customerId = customer.body.id;
    const employee = await send<{ id: string }>('POST', '/employees', { externalId: EMP3, extension: EXT, fullName: 'Vera Logova' });
    expect(employee.status).toBe(201);

    const inbound = { direction: 'inbound' };
    // Before the window: only the time range keeps it out.
    ids['early'] = await call([
      { ...inbound, event: 'offered', from: P1, to: LINE_A, agents: [{ extension: '101' }], occurredAt: at(-30) },
      { event: 'answered', agent: { extension: '101' }, occurredAt: at(-30, 5) },
      { event: 'ended', endReason: 'caller_hangup', occurredAt: at(-29) },
    ]);
    // Answered with a recording.
    ids['answeredRec'] = await call([
      { ...inbound, event: 'offered', from: P1, to: LINE_A, agents: [{ extension: '101' }], occurredAt: at(1) },
      { event: 'answered', agent: { extension: '101' }, occurredAt: at(1, 4) },
      { event: 'ended', endReason: 'caller_hangup', occurredAt: at(2) },
      { event: 'recording_available', recording: { url: 'https://rec.example/answered.mp3' }, occurredAt: at(2, 5) },
    ]);
    // Group ringing nobody answered, on the other line.
    ids['missedGroup'] = await call([
      { ...inbound, event: 'offered', from: P1, to: LINE_B, agents: [{ extension: '101' }, { extension: '102' }], occurredAt: at(2, 30) },
      { event: 'ended', endReason: 'no_answer_timeout', occurredAt: at(2, 50) },
    ]);
    // Transferred: 101 answers, hands over to the new employee, who answers too.
    ids['transfer'] = await call([
      { ...inbound, event: 'offered', from: P2, to: LINE_A, legId: 'l1', agents: [{ extension: '101' }], occurredAt: at(3) },
      { event: 'answered', legId: 'l1', agent: { extension: '101' }, occurredAt: at(3, 5) },
      { event: 'ended', legId: 'l1', agent: { extension: '101' }, endReason: 'transferred', occurredAt: at(3, 30) },
      { event: 'offered', legId: 'l2', agents: [{ extension: EXT }], occurredAt: at(3, 31) },
      { event: 'answered', legId: 'l2', agent: { extension: EXT }, occurredAt: at(3, 35) },
      { event: 'ended', endReason: 'caller_hangup', occurredAt: at(4) },
    ]);
    // Outbound from line A, answered, recorded.
    ids['outAnswered'] = await call([
      { direction: 'outbound', event: 'created', from: LINE_A, to: P3, agent: { extension: '102' }, occurredAt: at(4, 30) },
      { event: 'answered', occurredAt: at(4, 40) },
      { event: 'ended', endReason: 'callee_hangup', occurredAt: at(5) },
      { event: 'recording_available', recording: { url: 'https://rec.example/out.mp3' }, occurredAt: at(5, 10) },
    ]);
    // Outbound from line B to the customer's number, not answered.
    ids['outNoAnswer'] = await call([
      { direction: 'outbound', event: 'created', from: LINE_B, to: P1, agent: { extension: '101' }, occurredAt: at(6) },
      { event: 'ended', endReason: 'no_answer_timeout', occurredAt: at(6, 30) },
    ]);
    // IVR only: never reached an employee.
    ids['ivr'] = await call([
      { ...inbound, event: 'created', from: P3, to: LINE_B, occurredAt: at(7) },
      { event: 'ended', endReason: 'caller_hangup', occurredAt: at(7, 20) },
    ]);
    // Anonymous caller, missed.
    ids['anonymous'] = await call([
      { ...inbound, event: 'offered', from: 'anonymous', to: LINE_A, agents: [{ extension: '102' }], occurredAt: at(8) },
      { event: 'ended', endReason: 'caller_hangup', occurredAt: at(8, 20) },
    ]);
    // Internal: no line, no customer.
    ids['internal'] = await call([
      { direction: 'internal', event: 'offered', from: '101', to: '102', agents: [{ extension: '102' }], occurredAt: at(9) },
      { event: 'answered', agent: { extension: '102' }, occurredAt: at(9, 3) },
      { event: 'ended', endReason: 'caller_hangup', occurredAt: at(9, 40) },
    ]);
    // A few missed calls of strangers for the new employee, so pages have something to turn.
    for (let i = 0; i < 5; i++) {
      ids[`stranger${i}`] = await call([
        { ...inbound, event: 'offered', from: randomNumber(), to: LINE_A, agents: [{ extension: EXT }], occurredAt: at(10 + i) },
        { event: 'ended', endReason: 'no_answer_timeout', occurredAt: at(10 + i, 25) },
      ]);
    }
    // Still ringing: in the unfiltered log only.
    ids['ringing'] = await call([{ ...inbound, event: 'offered', from: P3, to: LINE_A, agents: [{ extension: '101' }], occurredAt: at(16) }]);
    await h.runtime.settled();
    await refreshViews();
  });

  it('L1: the seeded calls are what the log is tested against (outcomes, employees, lines, recordings)', () => {
    const v = (k: string) => views.get(ids[k]!)!;
    expect(v('answeredRec')).toMatchObject({ outcome: 'answered', answeredBy: 'emp-101', recordingUrl: 'https://rec.example/answered.mp3', customerId });
    expect(v('missedGroup')).toMatchObject({ outcome: 'missed', offeredTo: ['emp-101', 'emp-102'] });
    expect([...employeesOf(v('transfer'))].sort()).toEqual(['emp-101', EMP3].sort());
    expect(v('outAnswered')).toMatchObject({ direction: 'outbound', outcome: 'answered', answeredBy: 'emp-102', customerNumber: P3 });
    expect(v('outNoAnswer')).toMatchObject({ direction: 'outbound', outcome: 'not_answered', customerNumber: P1 });
    expect(v('ivr')).toMatchObject({ outcome: 'ivr_only', offeredTo: [] });
    expect(v('anonymous')).toMatchObject({ outcome: 'missed', customerNumber: null });
    expect(v('internal')).toMatchObject({ direction: 'internal', outcome: 'answered' });
    expect(v('ringing').status).toBe('ringing');
  });

  it('L1: each row shows when, direction, numbers, line, customer, employees, outcome, wait and talk time, recording', async () => {
    const { rows } = await allPages({ ...WINDOW, number: P1 }, 50);
    const row = rows.find((r) => r.id === ids['answeredRec'])!;
    const v = views.get(ids['answeredRec']!)!;
    expect(row).toEqual({
      id: v.id, startedAt: v.startedAt, endedAt: v.endedAt, direction: 'inbound', from: P1, to: LINE_A, line: LINE_A, customerNumber: P1, customerId,
      employees: ['emp-101'], answeredBy: 'emp-101', outcome: 'answered', waitSeconds: v.waitSeconds, talkSeconds: v.talkSeconds,
      recordingUrl: 'https://rec.example/answered.mp3', provider: 'ringdesk',
    });
    const transfer = (await allPages({ ...WINDOW, employeeId: EMP3 }, 50)).rows.find((r) => r.id === ids['transfer'])!;
    expect(transfer.employees).toEqual(['emp-101', EMP3]);
    expect(transfer.answeredBy).toBe('emp-101');
  });

  it('L1: every filter and combination returns exactly the matching calls, newest first, across pages', async () => {
    const national = (e164: string) => `8 ${e164.slice(2, 5)} ${e164.slice(5, 8)}-${e164.slice(8, 10)}-${e164.slice(10)}`;
    const cases: Filters[] = [
      {},
      { direction: 'inbound' },
      { direction: 'outbound' },
      { direction: 'internal' },
      { outcome: 'answered' },
      { outcome: 'missed' },
      { outcome: 'not_answered' },
      { outcome: 'ivr_only' },
      { employeeId: 'emp-101' },
      { employeeId: 'emp-102' },
      { employeeId: EMP3 },
      { line: LINE_A },
      { line: national(LINE_B) },
      { number: national(P1) },
      { number: P3 },
      { customerId: 'CUSTOMER' },
      { hasRecording: 'true' },
      { direction: 'inbound', outcome: 'missed', line: LINE_A },
      { employeeId: 'emp-101', hasRecording: 'true' },
      { employeeId: 'emp-102', direction: 'outbound' },
      { customerId: 'CUSTOMER', outcome: 'missed' },
      { customerId: 'CUSTOMER', number: P2 },
      { customerId: 'CUSTOMER', number: P3 },
      { line: LINE_B, direction: 'inbound', outcome: 'ivr_only' },
      { outcome: 'missed', from: at(2), to: at(8) },
      { employeeId: EMP3, from: at(11), to: at(13, 25) },
    ];
    const phones = [P1, P2];
    for (const raw of cases) {
      const f: Filters = { ...WINDOW, ...raw, ...(raw['customerId'] ? { customerId } : {}) };
      const expectF: Filters = { ...f, ...(f['line'] ? { lineE164: raw['line'] === LINE_A ? LINE_A : LINE_B } : {}), ...(f['number'] ? { numberE164: raw['number'] === P3 ? P3 : raw['number'] === P2 ? P2 : P1 } : {}) };
      const expected = [...views.values()].filter((c) => matches(c, expectF, phones)).sort(newestFirst).map((c) => c.id);
      const paged = await allPages(f, 2);
      expect(paged.rows.map((r) => r.id), JSON.stringify(raw)).toEqual(expected);
      const whole = await allPages(f, 200);
      expect(whole.rows.map((r) => r.id), JSON.stringify(raw)).toEqual(expected);
      if (expected.length > 2) expect(paged.pages).toBeGreaterThan(1);
    }
  });

  it('L1: without filters the log is every call, ringing ones too; limit and cursor alone page it as before', async () => {
    const { rows } = await allPages(WINDOW, 3);
    expect(rows.map((r) => r.id)).toContain(ids['ringing']);
    expect(rows.find((r) => r.id === ids['ringing'])).toMatchObject({ outcome: null, endedAt: null });
    expect(rows.map((r) => r.id)).not.toContain(ids['early']);
    const first = await api<Page>(h.info, '/calls?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    const second = await api<Page>(h.info, `/calls?limit=1&cursor=${first.body.next}`);
    expect(second.body.items[0]!.id).not.toBe(first.body.items[0]!.id);
    expect(second.body.items[0]!.startedAt <= first.body.items[0]!.startedAt).toBe(true);
  });

  // ---- the index under late, duplicated and redelivered events ----

  const logItemsOf = async (callId: string, facets: string[]) => {
    const found: Record<string, string[]> = {};
    for (const facet of facets) {
      const out = await h.ddb.send(new QueryCommand({ TableName: h.runtime.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `T#demo#LOG#${facet}` } }));
      const mine = (out.Items ?? []).filter((i) => (i['row'] as CallLogRow).id === callId).map((i) => String(i['SK']));
      if (mine.length) found[facet] = mine;
    }
    return found;
  };
  const markerOf = async (callId: string) =>
    (await h.ddb.send(new GetCommand({ TableName: h.runtime.tableName, Key: { PK: `T#demo#CALL#${callId}`, SK: 'LOG' }, ConsistentRead: true }))).Item;

  async function redeliverEnded(callView: CallView, revision: number, times: number): Promise<void> {
    const client = new EventBridgeClient({ endpoint: h.info.eventsUrl, region: h.info.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const { customerId: _ignored, ...call } = callView;
      const entry = { EventBusName: h.info.eventBusName, Source: 'ringdesk.calls', DetailType: 'Call Ended', Detail: JSON.stringify({ schemaVersion: 1, tenantId: 'demo', revision, call }) };
      const out = await client.send(new PutEventsCommand({ Entries: Array.from({ length: times }, () => entry) }));
      expect(out.FailedEntryCount).toBe(0);
    } finally {
      client.destroy();
    }
    await h.runtime.settled();
  }

  it('L1: a call whose outcome and start change through late events moves between facets, its old items deleted', async () => {
    const providerCallId = callIdValue();
    const id = callIdFor('ringdesk', providerCallId);
    const post = async (events: Record<string, unknown>[]) =>
      expect((await postRingdesk(h.info, { events: events.map((e, i) => ({ callId: providerCallId, eventId: `${providerCallId}-${e['event']}-${i}`, ...e })) }, SECRET)).status).toBe(200);
    await post([
      { direction: 'inbound', event: 'offered', from: P3, to: LINE_B, agents: [{ extension: EXT }], occurredAt: at(20) },
      { event: 'ended', endReason: 'no_answer_timeout', occurredAt: at(20, 30) },
    ]);
    await h.runtime.settled();
    const facets = ['dir:inbound', 'out:missed', 'out:answered', `emp:${EMP3}`, `line:${LINE_B}`, `num:${P3}`, 'rec:1'];
    const missedAt = `${at(20)}#${id}`;
    expect(await logItemsOf(id, facets)).toEqual({ 'dir:inbound': [missedAt], 'out:missed': [missedAt], [`emp:${EMP3}`]: [missedAt], [`line:${LINE_B}`]: [missedAt], [`num:${P3}`]: [missedAt] });
    const missedView = (await api<CallView>(h.info, `/calls/${id}`)).body;
    const missedVersion = (await h.ddb.send(new GetCommand({ TableName: h.runtime.tableName, Key: { PK: `T#demo#CALL#${id}`, SK: 'CALL' } }))).Item!['version'] as number;

    // The answer arrives late, then an even earlier event moves the start of the call.
    await post([{ event: 'answered', agent: { extension: EXT }, occurredAt: at(20, 10) }]);
    await post([{ direction: 'inbound', event: 'created', from: P3, to: LINE_B, occurredAt: at(19, 50) }]);
    await h.runtime.settled();
    const view = (await api<CallView>(h.info, `/calls/${id}`)).body;
    expect(view).toMatchObject({ outcome: 'answered', startedAt: at(19, 50) });
    const answeredAt = `${at(19, 50)}#${id}`;
    const expected = { 'dir:inbound': [answeredAt], 'out:answered': [answeredAt], [`emp:${EMP3}`]: [answeredAt], [`line:${LINE_B}`]: [answeredAt], [`num:${P3}`]: [answeredAt] };
    expect(await logItemsOf(id, facets)).toEqual(expected);
    const missed = (await allPages({ ...WINDOW, outcome: 'missed', employeeId: EMP3 }, 50)).rows.map((r) => r.id);
    expect(missed).not.toContain(id);
    const answered = (await allPages({ ...WINDOW, outcome: 'answered', number: P3 }, 50)).rows;
    expect(answered.find((r) => r.id === id)).toMatchObject({ outcome: 'answered', answeredBy: EMP3, startedAt: at(19, 50) });

    // The stale "missed" Call Ended redelivered three times changes nothing.
    const marker = await markerOf(id);
    await redeliverEnded(missedView, missedVersion, 3);
    expect(await logItemsOf(id, facets)).toEqual(expected);
    expect(await markerOf(id)).toEqual(marker);
  });

  it('L1: Call Ended redelivered three times changes nothing', async () => {
    const id = ids['answeredRec']!;
    const facets = ['dir:inbound', 'out:answered', 'emp:emp-101', `line:${LINE_A}`, `num:${P1}`, 'rec:1', 'out:missed'];
    const before = await logItemsOf(id, facets);
    expect(Object.keys(before).sort()).toEqual(facets.filter((f) => f !== 'out:missed').sort());
    const marker = await markerOf(id);
    const version = (await h.ddb.send(new GetCommand({ TableName: h.runtime.tableName, Key: { PK: `T#demo#CALL#${id}`, SK: 'CALL' } }))).Item!['version'] as number;
    expect(marker).toMatchObject({ version });
    await redeliverEnded(views.get(id)!, version, 3);
    expect(await logItemsOf(id, facets)).toEqual(before);
    expect(await markerOf(id)).toEqual(marker);
    expect((await allPages({ ...WINDOW, number: P1 }, 2)).rows.filter((r) => r.id === id)).toHaveLength(1);
    // Nothing of the log's consumer ended in a dead-letter queue.
    expect(h.runtime.bus.deadLetters().filter((d) => d.ruleName.startsWith('CallLog'))).toEqual([]);
  });

  it('L1: bad dates, an inverted range, unknown values, forged and foreign cursors get 400', async () => {
    const inbound = await api<Page>(h.info, `/calls?${qs({ ...WINDOW, direction: 'inbound', limit: '1' })}`);
    expect(inbound.body.next).toEqual(expect.any(String));
    const cursor = inbound.body.next!;
    const unfiltered = (await api<Page>(h.info, `/calls?${qs({ ...WINDOW, limit: '1' })}`)).body.next!;
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { p: string; s: string };
    const moved = Buffer.from(JSON.stringify({ ...decoded, p: `${at(59)}#c_forged` })).toString('base64url');
    const bad: Filters[] = [
      { from: 'yesterday' },
      { from: '2031-05-14' },
      { to: '2031-05-14T10:00:00' }, // no time zone
      { from: at(10), to: at(5) },
      { from: at(5), to: at(5) },
      { outcome: 'lost' },
      { direction: 'sideways' },
      { hasRecording: 'false' },
      { number: 'not-a-number' },
      { employeeId: 'T#acme#EMP' },
      { customerId: '../cus' },
      { limit: '0' },
      { limit: '201' },
      { cursor: 'bm90LWEtY3Vyc29y' },
      { cursor: 'x'.repeat(3000) },
      { ...WINDOW, direction: 'inbound', cursor: moved },
      { ...WINDOW, direction: 'outbound', cursor }, // another filter's cursor
      { ...WINDOW, cursor }, // a filtered cursor on the unfiltered log
      { ...WINDOW, direction: 'inbound', cursor: unfiltered },
      { from: at(0), to: WINDOW.to, direction: 'inbound', cursor }, // another range
    ];
    for (const f of bad) {
      const res = await api<ErrorBody>(h.info, `/calls?${qs(f)}`);
      expect(res.status, JSON.stringify(f)).toBe(400);
      expect(Object.keys(res.body).sort()).toEqual(['error', 'message']);
    }
    // The genuine cursor still works.
    const next = await api<Page>(h.info, `/calls?${qs({ ...WINDOW, direction: 'inbound', limit: '1', cursor })}`);
    expect(next.status).toBe(200);
    expect(next.body.items[0]!.id).not.toBe(inbound.body.items[0]!.id);
  });

  it('L1: a sparse filter reads at most 1,000 log items per request: a short page with a cursor, and nothing is skipped', async () => {
    // 1,100 missed calls of one employee (log items written as the indexer writes them), then one answered call, the oldest.
    const employeeId = `emp-budget-${randomInt(1e9)}`;
    const rowAt = (i: number, outcome: 'missed' | 'answered'): CallLogRow => ({
      id: `c_budget${String(i).padStart(5, '0')}`, startedAt: new Date(T0 - 86_400_000 + (2000 - i) * 1000).toISOString(), endedAt: null, direction: 'inbound',
      from: P3, to: LINE_A, line: LINE_A, customerNumber: P3, customerId: null, employees: [employeeId], answeredBy: null, outcome,
      waitSeconds: 1, talkSeconds: 0, recordingUrl: null, provider: 'ringdesk',
    });
    const rows = Array.from({ length: 1101 }, (_, i) => rowAt(i, i === 1100 ? 'answered' : 'missed'));
    for (let i = 0; i < rows.length; i += 25) {
      const puts = rows.slice(i, i + 25).map((row) => ({ PutRequest: { Item: { PK: `T#demo#LOG#emp:${employeeId}`, SK: `${row.startedAt}#${row.id}`, row } } }));
      const out = await h.ddb.send(new BatchWriteCommand({ RequestItems: { [h.runtime.tableName]: puts } }));
      expect(Object.keys(out.UnprocessedItems ?? {})).toEqual([]);
    }
    const f = { employeeId, outcome: 'answered', limit: '50' };
    const first = await api<Page>(h.info, `/calls?${qs(f)}`);
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([]);
    expect(first.body.next).toEqual(expect.any(String));
    const second = await api<Page>(h.info, `/calls?${qs({ ...f, cursor: first.body.next! })}`);
    expect(second.body.items.map((r) => r.id)).toEqual(['c_budget01100']);
    expect(second.body.next).toBeNull();
    // Unfiltered by outcome, the same partition pages normally: 1,101 rows in pages of 200.
    const { rows: all, pages } = await allPages({ employeeId }, 200);
    expect(all).toHaveLength(1101);
    expect(pages).toBe(6);
  });

  it('L1: a customer without calls has an empty log; an unknown customer is a 404', async () => {
    const other = await send<{ id: string }>('POST', '/customers', { fullName: 'Quiet Customer', phones: [randomNumber()] });
    const quiet = await api<Page>(h.info, `/calls?${qs({ customerId: other.body.id })}`);
    expect(quiet.status).toBe(200);
    expect(quiet.body).toEqual({ items: [], next: null });
    const unknown = await api<ErrorBody>(h.info, `/calls?${qs({ customerId: 'cus-does-not-exist', direction: 'inbound' })}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('customer_not_found');
  });
});
