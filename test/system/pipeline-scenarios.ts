// The call pipeline end to end on the local runtime: webhook → call → EventBridge → tickets / pop-ups.
// Registered twice: as is (pipeline.test.ts) and with every event duplicated and shuffled (pipeline-chaos.test.ts).
import { readFileSync } from 'node:fs';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { Call } from '#shared/domain/call.ts';
import type { Ticket } from '#shared/domain/ticket.ts';
import { api, callIdValue, openAgent, postRingdesk, postZammad, randomNumber, startHarness, waitFor, type Harness } from './harness.ts';
import { otherTenantToken } from './tokens.ts';

export function pipelineScenarios(options: Parameters<typeof startHarness>[0] = {}): void {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(options);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const LINE = '+74951234567';
  type List<T> = { items: T[]; next: string | null };

  async function missedCall(from: string, user: string[] = ['Anna Smirnova']): Promise<string> {
    const callId = callIdValue();
    expect((await postZammad(h.info, { event: 'newCall', direction: 'in', from, to: LINE, callId, user }, 'form')).status).toBe(200);
    expect((await postZammad(h.info, { event: 'hangup', direction: 'in', from, to: LINE, call_id: callId, cause: 'noAnswer' }, 'form')).status).toBe(200);
    return callIdFor('zammad', callId);
  }

  async function answeredCall(from: string, answeringNumber = '101'): Promise<{ zammadId: string; id: string }> {
    const callId = callIdValue();
    await postZammad(h.info, { event: 'newCall', direction: 'in', from, to: LINE, callId, user: ['Anna Smirnova', 'Boris Ivanov'] });
    await postZammad(h.info, { event: 'answer', direction: 'in', from, to: LINE, callId, answeringNumber });
    await postZammad(h.info, { event: 'hangup', direction: 'in', from, to: LINE, callId, cause: 'normalClearing' });
    return { zammadId: callId, id: callIdFor('zammad', callId) };
  }

  async function ticketsOf(number: string, status?: string): Promise<Ticket[]> {
    const q = status ? `?status=${status}&limit=200` : '?limit=200';
    const { body } = await api<List<Ticket>>(h.info, `/tickets${q}`);
    return body.items.filter((t) => t.customerNumber === number);
  }

  async function ticketOfCall(callId: string): Promise<Ticket> {
    return waitFor(`ticket of ${callId}`, async () => (await api<List<Ticket>>(h.info, '/tickets?limit=200')).body.items.find((t) => t.callIds.includes(callId)));
  }

  describe('pop-ups (N1, N5)', () => {
    it('N1: the employee the call rings at gets incoming_call with the customer card; N5: nobody else does', async () => {
      const anna = await openAgent(h.info, h.info.tokens.agents['101']!);
      const boris = await openAgent(h.info, h.info.tokens.agents['102']!);
      const callId = callIdValue();
      await postZammad(h.info, { event: 'newCall', direction: 'in', from: '8 916 123-45-67', to: LINE, callId, user: ['Anna Smirnova'] });
      const popup = await anna.next('incoming_call', (m) => (m['call'] as Call).id === callIdFor('zammad', callId));
      expect(popup['call']).toMatchObject({ id: callIdFor('zammad', callId), from: '+79161234567', to: LINE, direction: 'inbound' });
      expect(popup['customer']).toEqual({ id: 'cus-ivan-petrov', fullName: 'Ivan Petrov', email: 'ivan@example.com', company: 'Romashka LLC' });
      await postZammad(h.info, { event: 'hangup', direction: 'in', from: '89161234567', to: LINE, callId, cause: 'cancel' });
      await anna.next('call_ended', (m) => (m['call'] as Call).id === callIdFor('zammad', callId));
      await h.runtime.settled();
      expect(boris.messages.filter((m) => JSON.stringify(m).includes(callIdFor('zammad', callId)))).toEqual([]);
      await Promise.all([anna.close(), boris.close()]);
    });

    it('N2: an unknown number pops up with no customer and the actions to link or create', async () => {
      const boris = await openAgent(h.info, h.info.tokens.agents['102']!);
      const callId = callIdValue();
      const from = randomNumber();
      await postZammad(h.info, { event: 'newCall', direction: 'in', from, to: LINE, callId, user: 'Boris Ivanov' });
      const popup = await boris.next('incoming_call', (m) => (m['call'] as Call).id === callIdFor('zammad', callId));
      expect(popup['customer']).toBeNull();
      expect(popup['actions']).toEqual(['link_customer', 'create_ticket']);
      await boris.close();
    });

    it('N5: a token of another tenant or a bad token cannot connect', async () => {
      const bad = new WebSocket(`${h.info.wsUrl}?token=not-a-jwt`);
      const status = await new Promise<number>((resolve) => bad.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
      expect(status).toBe(401);
      const none = new WebSocket(h.info.wsUrl);
      expect(await new Promise<number>((resolve) => none.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)))).toBe(401);
    });

    it('N5: a token of another tenant\'s user pool (same claims) gets 401 from the $connect authorizer', async () => {
      const acme = await otherTenantToken(h.info, 'emp-101', 'agent');
      const stats = (prefix: string) => [...h.runtime.functions.values()].find((f) => f.model.logicalId.startsWith(prefix))!.stats.invocations;
      const [authorized, connected] = [stats('AgentConnectionsWsAuthorize'), stats('AgentConnectionsWsConnect')];
      const ws = new WebSocket(`${h.info.wsUrl}?token=${encodeURIComponent(acme)}`);
      const status = await new Promise<number>((resolve, reject) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => reject(new Error('a token of another tenant connected')));
      });
      expect(status).toBe(401);
      // Refused by the authorizer: $connect never ran.
      expect(stats('AgentConnectionsWsAuthorize')).toBe(authorized + 1);
      expect(stats('AgentConnectionsWsConnect')).toBe(connected);
    });

    it('answers ping with pong on the $default route', async () => {
      const anna = await openAgent(h.info, h.info.tokens.agents['101']!);
      anna.ws.send(JSON.stringify({ action: 'ping' }));
      expect((await anna.next('pong'))['type']).toBe('pong');
      await anna.close();
    });

    it('N5: removes a stale connection when @connections answers 410, but keeps one whose $connect may still be completing', async () => {
      const table = h.runtime.tableName;
      const key = (id: string) => ({ PK: 'T#demo#EMPCONN#emp-102', SK: `CONN#${id}` });
      const expiresAt = Math.floor(Date.now() / 1000) + 3600;
      // Both are unknown to the gateway (410). The old one is dead; the fresh one could be a $connect in flight.
      const stale = 'c3RhbGUtY29ubj0=';
      const fresh = 'ZnJlc2gtY29ubj0=';
      await h.ddb.send(new PutCommand({ TableName: table, Item: { ...key(stale), connectionId: stale, connectedAt: new Date(Date.now() - 10 * 60_000).toISOString(), expiresAt } }));
      await h.ddb.send(new PutCommand({ TableName: table, Item: { ...key(fresh), connectionId: fresh, connectedAt: new Date().toISOString(), expiresAt } }));
      const callId = callIdValue();
      await postZammad(h.info, { event: 'newCall', direction: 'in', from: randomNumber(), to: LINE, callId, user: ['Boris Ivanov'] });
      await waitFor('stale connection removed', async () => !(await h.ddb.send(new GetCommand({ TableName: table, Key: key(stale) }))).Item);
      await h.runtime.settled();
      expect((await h.ddb.send(new GetCommand({ TableName: table, Key: key(fresh) }))).Item).toMatchObject({ connectionId: fresh });
      await h.ddb.send(new DeleteCommand({ TableName: table, Key: key(fresh) }));
    });
  });

  describe('tickets from calls (I5, T4, T9, M1, M2, M5)', () => {
    it('M1: a missed call yields one open ticket flagged missed, "Missed call from {E.164}"', async () => {
      const from = randomNumber();
      const id = await missedCall(from);
      const ticket = await ticketOfCall(id);
      expect(ticket).toMatchObject({ subject: `Missed call from ${from}`, status: 'open', missed: true, assigneeId: null, callIds: [id], channel: 'calls' });
      const { body: call } = await api<Call>(h.info, `/calls/${id}`);
      expect(call).toMatchObject({ provider: 'zammad', direction: 'inbound', outcome: 'missed', from, to: LINE, offeredTo: ['emp-101'] });
    });

    it('M2: a second missed call from the number groups into the open missed-call ticket', async () => {
      const from = randomNumber();
      const first = await missedCall(from);
      const ticket = await ticketOfCall(first);
      const second = await missedCall(from, ['Boris Ivanov']);
      const grouped = await waitFor('second call grouped', async () => {
        const t = (await api<Ticket>(h.info, `/tickets/${ticket.id}`)).body;
        return t.callIds.length === 2 ? t : null;
      });
      expect(grouped.callIds).toEqual([first, second]);
      expect(grouped.messages).toHaveLength(2);
      expect(await ticketsOf(from)).toHaveLength(1);
    });

    it('M2: after an answered conversation the next missed call opens a new missed-call ticket', async () => {
      const from = randomNumber();
      const first = await missedCall(from);
      const missedTicket = await ticketOfCall(first);
      const answered = await answeredCall(from);
      await ticketOfCall(answered.id);
      const later = await missedCall(from);
      const newTicket = await ticketOfCall(later);
      expect(newTicket.id).not.toBe(missedTicket.id);
      expect(newTicket.missed).toBe(true);
      expect((await api<Ticket>(h.info, `/tickets/${missedTicket.id}`)).body.callIds).toEqual([first]);
    });

    it('T4: an answered call with no agent action yields a closed ticket assigned to the answerer', async () => {
      const from = randomNumber();
      const { id } = await answeredCall(from, '102');
      const ticket = await ticketOfCall(id);
      expect(ticket).toMatchObject({ subject: `Incoming call from ${from}`, status: 'closed', missed: false, assigneeId: 'emp-102', callIds: [id] });
      const { body: call } = await api<Call>(h.info, `/calls/${id}`);
      expect(call).toMatchObject({ outcome: 'answered', answeredBy: 'emp-102' });
      expect(call.legs.map((l) => l.employeeId)).toContain('emp-102');
    });

    it('I5, T9: an IVR-only call is logged but yields no ticket', async () => {
      const from = randomNumber();
      const callId = callIdValue();
      await postZammad(h.info, { event: 'newCall', direction: 'in', from, to: LINE, callId });
      await postZammad(h.info, { event: 'hangup', direction: 'in', from, to: LINE, callId, cause: 'normalClearing' });
      const id = callIdFor('zammad', callId);
      const call = await waitFor('call ended', async () => {
        const c = (await api<Call>(h.info, `/calls/${id}`)).body;
        return c.status === 'ended' ? c : null;
      });
      expect(call.outcome).toBe('ivr_only');
      await h.runtime.settled();
      expect(await ticketsOf(from)).toEqual([]);
    });

    it('I3: a duplicated hangup changes nothing', async () => {
      const from = randomNumber();
      const id = await missedCall(from);
      const ticket = await ticketOfCall(id);
      await h.runtime.settled();
      const before = (await api<Call>(h.info, `/calls/${id}`)).body;
      const puts = h.runtime.bus.stats().entries;
      const zammadId = before.providerCallId;
      const res = await postZammad(h.info, { event: 'hangup', direction: 'in', from, to: LINE, call_id: zammadId, cause: 'noAnswer' }, 'form');
      expect(res.status).toBe(200);
      await h.runtime.settled();
      expect(h.runtime.bus.stats().entries).toBe(puts);
      expect((await api<Call>(h.info, `/calls/${id}`)).body).toEqual(before);
      expect(await ticketsOf(from)).toEqual([ticket]);
    });

    it('M5: missed calls from one number arriving at once give one ticket', async () => {
      const from = randomNumber();
      const ids = await Promise.all(Array.from({ length: 10 }, () => missedCall(from)));
      const ticket = await waitFor('all calls grouped', async () => {
        const ts = await ticketsOf(from);
        return ts.length === 1 && ts[0]!.callIds.length === ids.length ? ts[0] : null;
      }, 20_000);
      expect([...ticket.callIds].sort()).toEqual([...ids].sort());
      await h.runtime.settled();
      expect(await ticketsOf(from)).toHaveLength(1);
    });
  });

  describe('ingest edges (I1, I2, S2)', () => {
    it('I1: a wrong Zammad token gets 401 and nothing is stored', async () => {
      const callId = callIdValue();
      const url = h.info.webhooks['zammad']!.replace(/\/[^/]+$/, '/wrong-token-0000000000');
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'newCall', direction: 'in', from: randomNumber(), to: LINE, callId }) });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      expect((await api(h.info, `/calls/${callIdFor('zammad', callId)}`)).status).toBe(404);
    });

    it('I2: malformed bodies get 400 with a JSON error and nothing is stored', async () => {
      const res = await fetch(h.info.webhooks['zammad']!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"event":"newCall",' });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: expect.any(String) });
      const missing = await postZammad(h.info, { event: 'newCall', direction: 'in', to: LINE });
      expect(missing.status).toBe(400);
    });

    it('I2: a well-formed unknown event kind is acknowledged and ignored', async () => {
      const callId = callIdValue();
      const res = await postZammad(h.info, { event: 'transferStarted', direction: 'in', from: randomNumber(), to: LINE, callId });
      expect(res.status).toBe(200);
      expect((await api(h.info, `/calls/${callIdFor('zammad', callId)}`)).status).toBe(404);
    });

    it('S2: an unknown tenant or provider gets 404', async () => {
      const body = JSON.stringify({ event: 'newCall', direction: 'in', from: randomNumber(), to: LINE, callId: callIdValue() });
      const otherTenant = h.info.webhooks['zammad']!.replace('/webhooks/demo/', '/webhooks/acme/');
      const r1 = await fetch(otherTenant, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(r1.status).toBe(404);
      expect(await r1.json()).toMatchObject({ error: 'unknown_tenant' });
      const r2 = await fetch(`${h.info.httpUrl}/webhooks/demo/nopbx`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(r2.status).toBe(404);
    });

    it('I1: the ringdesk canonical webhook records a signed call and refuses a bad signature', async () => {
      const secret = 'demo-ringdesk-secret-0123456789';
      const callId = callIdValue();
      const from = randomNumber();
      const events = [
        { callId, event: 'offered', eventId: `${callId}-1`, direction: 'inbound', from, to: LINE, agents: [{ extension: '101' }] },
        { callId, event: 'answered', eventId: `${callId}-2`, agent: { extension: '101' } },
        { callId, event: 'ended', eventId: `${callId}-3`, endReason: 'caller_hangup' },
      ];
      expect((await postRingdesk(h.info, { events }, 'not-the-secret-000000')).status).toBe(401);
      expect((await api(h.info, `/calls/${callIdFor('ringdesk', callId)}`)).status).toBe(404);
      expect((await postRingdesk(h.info, { events }, secret)).status).toBe(200);
      const ticket = await ticketOfCall(callIdFor('ringdesk', callId));
      expect(ticket).toMatchObject({ status: 'closed', assigneeId: 'emp-101' });
    });
  });

  describe('read API (S3)', () => {
    it('S3: reads need a valid bearer token', async () => {
      expect((await api(h.info, '/calls', null)).status).toBe(401);
      expect((await api(h.info, '/tickets', 'x.y.z')).status).toBe(401);
    });

    it('S1, N5: a token of another tenant\'s user pool, with the same claims, reads nothing', async () => {
      const acme = await otherTenantToken(h.info, 'emp-101', 'admin');
      for (const path of ['/calls', '/tickets', '/tickets?status=open']) {
        const res = await api<{ error: string }>(h.info, path, acme);
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('unauthorized');
      }
    });

    it('L1: lists calls newest first with a working cursor, and rejects bad queries', async () => {
      await missedCall(randomNumber());
      await missedCall(randomNumber());
      const page1 = await api<List<Call>>(h.info, '/calls?limit=1');
      expect(page1.status).toBe(200);
      expect(page1.body.items).toHaveLength(1);
      expect(page1.body.next).toEqual(expect.any(String));
      const page2 = await api<List<Call>>(h.info, `/calls?limit=1&cursor=${page1.body.next}`);
      expect(page2.body.items).toHaveLength(1);
      expect(page2.body.items[0]!.id).not.toBe(page1.body.items[0]!.id);
      expect(page2.body.items[0]!.startedAt <= page1.body.items[0]!.startedAt).toBe(true);
      expect((await api(h.info, '/calls?limit=100000')).status).toBe(400);
      expect((await api(h.info, '/calls?cursor=bm90LWEta2V5')).status).toBe(400);
      expect((await api(h.info, '/tickets?status=lost')).status).toBe(400);
      expect((await api(h.info, '/tickets/does-not-exist')).status).toBe(404);
    });

    it('filters tickets by status', async () => {
      const from = randomNumber();
      const id = await missedCall(from);
      const ticket = await ticketOfCall(id);
      const open = await api<List<Ticket>>(h.info, '/tickets?status=open&limit=200');
      expect(open.body.items.map((t) => t.id)).toContain(ticket.id);
      expect(open.body.items.every((t) => t.status === 'open')).toBe(true);
      const closed = await api<List<Ticket>>(h.info, '/tickets?status=closed&limit=200');
      expect(closed.body.items.map((t) => t.id)).not.toContain(ticket.id);
    });
  });
}
