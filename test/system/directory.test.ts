// Employees and customers through the local runtime (E1–E3, N1): the admin API, uniqueness races,
// call attribution, customer search, merge, linking callers to customers, lookup, pop-up fields.
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { Call } from '#shared/domain/call.ts';
import type { Customer, Employee } from '#shared/domain/directory.ts';
import type { LocalInfo } from '../../local/start.ts';
import { callIdValue, openAgent, postRingdesk, postZammad, randomNumber, startHarness, waitFor, type Harness } from './harness.ts';
import { employeeToken } from './tokens.ts';

type Res<T> = { status: number; body: T };
type ErrorBody = { error: string; message: string };
type Page<T> = { items: T[]; next: string | null };
type CallView = Call & { customerId?: string };

async function send<T = unknown>(info: LocalInfo, method: string, path: string, body?: unknown, token: string = info.tokens.admin): Promise<Res<T>> {
  const res = await fetch(`${info.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** A word no other test uses, so searches see only their own customers. */
const word = (prefix: string) => `${prefix}${randomInt(0, 1e9).toString(36)}`.toLowerCase();
const ext = () => String(randomInt(2000, 99_999));
const LINE = '+74951234567';
const RINGDESK_SECRET = 'demo-ringdesk-secret-0123456789';

describe('directory (demo tenant)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const post = <T>(path: string, body?: unknown, token?: string) => send<T>(h.info, 'POST', path, body, token);
  const patch = <T>(path: string, body: unknown, token?: string) => send<T>(h.info, 'PATCH', path, body, token);
  const get = <T>(path: string, token?: string) => send<T>(h.info, 'GET', path, undefined, token);
  const agentToken = () => h.info.tokens.agents['101']!;

  /** A complete inbound call that rang at `agent` and was answered by it, via the canonical webhook. */
  async function answeredCall(from: string, agent: Record<string, string>): Promise<string> {
    const callId = callIdValue();
    const events = [
      { callId, event: 'offered', eventId: `${callId}-1`, direction: 'inbound', from, to: LINE, agents: [agent] },
      { callId, event: 'answered', eventId: `${callId}-2`, agent },
      { callId, event: 'ended', eventId: `${callId}-3`, endReason: 'caller_hangup' },
    ];
    expect((await postRingdesk(h.info, { events }, RINGDESK_SECRET)).status).toBe(200);
    return callIdFor('ringdesk', callId);
  }

  async function missedCall(from: string): Promise<string> {
    const callId = callIdValue();
    await postZammad(h.info, { event: 'newCall', direction: 'in', from, to: LINE, callId, user: ['Anna Smirnova'] });
    await postZammad(h.info, { event: 'hangup', direction: 'in', from, to: LINE, callId, cause: 'noAnswer' });
    const id = callIdFor('zammad', callId);
    await waitFor(`call ${id} ended`, async () => (await get<CallView>(`/calls/${id}`)).body.status === 'ended');
    return id;
  }

  describe('employees (E1)', () => {
    it('E1: concurrent creates of the same extension: exactly one wins, the others get 409 naming the extension', async () => {
      const extension = ext();
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => post<Employee | ErrorBody>('/employees', { extension, fullName: `Racer ${i} ${word('r')}` })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      const losers = results.filter((r) => r.status !== 201);
      expect(losers).toHaveLength(7);
      for (const r of losers) {
        expect(r.status).toBe(409);
        expect(r.body).toMatchObject({ error: 'conflict' });
        expect((r.body as ErrorBody).message).toContain('extension');
      }
      const { body: page } = await get<Page<Employee>>('/employees?limit=200');
      expect(page.items.filter((e) => e.extension === extension)).toHaveLength(1);
    });

    it('E1: SIP accounts, phones and emails are unique per tenant; PATCH releases removed ones and claims new ones atomically', async () => {
      const sip = word('sip');
      const phone = randomNumber();
      const email = `${word('mail')}@corp.example`;
      const a = await post<Employee>('/employees', { extension: ext(), fullName: 'Alpha One', sipAccounts: [sip], phones: [phone], email, externalId: word('ext-') });
      expect(a.status).toBe(201);
      expect(a.body.phones).toEqual([phone]);
      const bBase = { extension: ext(), fullName: 'Beta Two' };
      const sipClash = await post<ErrorBody>('/employees', { ...bBase, sipAccounts: [`sip:${sip.toUpperCase()}`] });
      expect([sipClash.status, sipClash.body.message]).toEqual([409, expect.stringContaining('sipAccounts')]);
      // Same number, national spelling: still the same E.164 number.
      const phoneClash = await post<ErrorBody>('/employees', { ...bBase, phones: [`8${phone.slice(2)}`] });
      expect([phoneClash.status, phoneClash.body.message]).toEqual([409, expect.stringContaining('phones')]);
      const emailClash = await post<ErrorBody>('/employees', { ...bBase, email: email.toUpperCase() });
      expect([emailClash.status, emailClash.body.message]).toEqual([409, expect.stringContaining('email')]);
      const idClash = await post<ErrorBody>('/employees', { ...bBase, externalId: a.body.id });
      expect([idClash.status, idClash.body.message]).toEqual([409, expect.stringContaining('id')]);

      // A drops the phone: B may take it; A takes a new SIP account, the old one is free for B.
      const sip2 = word('sip');
      const changed = await patch<Employee>(`/employees/${a.body.id}`, { phones: [], sipAccounts: [sip2] });
      expect(changed.status).toBe(200);
      const b = await post<Employee>('/employees', { ...bBase, phones: [phone], sipAccounts: [sip] });
      expect(b.status).toBe(201);
      const takeExt = await patch<ErrorBody>(`/employees/${b.body.id}`, { extension: a.body.extension });
      expect([takeExt.status, takeExt.body.message]).toEqual([409, expect.stringContaining('extension')]);
      // B's failed change claimed nothing: its own keys are untouched.
      expect((await get<Employee>(`/employees/${b.body.id}`)).body).toEqual(b.body);
      // A deactivated frees its extension.
      const off = await post<Employee>(`/employees/${a.body.id}/deactivate`);
      expect(off.body).toMatchObject({ id: a.body.id, active: false });
      expect((await patch<Employee>(`/employees/${b.body.id}`, { extension: a.body.extension })).status).toBe(200);
      // Reactivating A now conflicts on the extension B holds.
      const back = await patch<ErrorBody>(`/employees/${a.body.id}`, { active: true });
      expect([back.status, back.body.message]).toEqual([409, expect.stringContaining('extension')]);
    });

    it('E1: agents may read the directory but not change it; 404 for an unknown employee; 400 for a bad phone', async () => {
      expect((await get<Page<Employee>>('/employees', agentToken())).status).toBe(200);
      expect((await post('/employees', { extension: ext(), fullName: 'Nope' }, agentToken())).status).toBe(403);
      expect((await patch('/employees/emp-101', { fullName: 'Nope' }, agentToken())).status).toBe(403);
      expect((await get('/employees/nobody-here')).status).toBe(404);
      const bad = await post<ErrorBody>('/employees', { extension: ext(), fullName: 'Bad Phone', phones: ['not a number'] });
      expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining('phones')]);
      const anon = await fetch(`${h.info.httpUrl}/employees`);
      expect(anon.status).toBe(401);
    });

    it('E1: a call is attributed to the employee created through the API by extension, SIP account, phone, email and name', async () => {
      const e = {
        extension: ext(),
        fullName: `Gamma ${word('g')}`,
        sipAccounts: [`${word('gsip')}@pbx.example`],
        phones: [randomNumber()],
        email: `${word('gm')}@corp.example`,
      };
      const created = await post<Employee>('/employees', e);
      expect(created.status).toBe(201);
      const refs: Record<string, string>[] = [{ extension: e.extension }, { sip: `sip:${e.sipAccounts[0]};transport=udp` }, { phone: e.phones[0]! }, { email: e.email.toUpperCase() }, { name: e.fullName }];
      for (const agent of refs) {
        const id = await answeredCall(randomNumber(), agent);
        const call = await waitFor(`call ${id}`, async () => {
          const r = await get<CallView>(`/calls/${id}`);
          return r.status === 200 && r.body.status === 'ended' ? r.body : null;
        });
        expect(call.answeredBy, JSON.stringify(agent)).toBe(created.body.id);
      }
    });
  });

  describe('customers (E2)', () => {
    it('E2: search finds a customer by name, email, company, phone, note and custom field, without Scan', async () => {
      const [first, last, company, noteWord, custom, mailbox] = [word('ann'), word('kuz'), word('firm'), word('remark'), word('dx'), word('box')];
      const phone = randomNumber();
      const c = await post<Customer>('/customers', {
        fullName: `${first} ${last}`,
        email: `${mailbox}@mail.example`,
        company: `${company} Trading`,
        phones: [`8${phone.slice(2)}`],
        note: `prefers mornings, ${noteWord}`,
        customFields: { contract: `${custom}-4471` },
      });
      expect(c.status).toBe(201);
      expect(c.body.phones).toEqual([phone]);
      const search = async (q: string) => (await get<Page<Customer>>(`/customers?q=${encodeURIComponent(q)}`, agentToken())).body.items.map((x) => x.id);
      const queries = [first, `${last.slice(0, 5)} ${first.slice(0, 3)}`, `${mailbox}@mail.example`, company.toUpperCase(), phone, `8 ${phone.slice(2, 5)} ${phone.slice(5)}`, noteWord, custom];
      for (const q of queries) expect(await search(q), q).toEqual([c.body.id]);
      expect(await search(phone.slice(-4))).toContain(c.body.id); // the last digits may be shared
      expect(await search(`${first} ${word('nobody')}`)).toEqual([]);
      expect((await get<ErrorBody>('/customers?q=x')).status).toBe(400);

      // A changed name is found by the new words only: the index follows every write.
      const renamed = word('renamed');
      expect((await patch<Customer>(`/customers/${c.body.id}`, { fullName: `${renamed} ${last}` })).status).toBe(200);
      expect(await search(renamed)).toEqual([c.body.id]);
      expect(await search(first)).toEqual([]);
      expect(await search(`${mailbox}@mail.example`)).toEqual([c.body.id]); // the email did not change
    });

    it('E2: phones are unique per tenant (409 naming the phone); unknown customers are 404', async () => {
      const phone = randomNumber();
      expect((await post<Customer>('/customers', { fullName: 'Owner', phones: [phone] })).status).toBe(201);
      const clash = await post<ErrorBody>('/customers', { fullName: 'Second', phones: [phone] });
      expect([clash.status, clash.body.error, clash.body.message]).toEqual([409, 'conflict', expect.stringContaining('phones')]);
      const other = await post<Customer>('/customers', { fullName: 'Third' });
      const patchClash = await patch<ErrorBody>(`/customers/${other.body.id}`, { phones: [phone] });
      expect(patchClash.status).toBe(409);
      expect((await get('/customers/no-such-customer')).status).toBe(404);
    });

    it('E2: merge moves phones, emails and fields; the merged-away id resolves to the survivor', async () => {
      const [pA, pB] = [randomNumber(), randomNumber()];
      const [nameA, nameB, fieldB] = [word('merge'), word('merged'), word('vip')];
      const a = (await post<Customer>('/customers', { fullName: nameA, phones: [pA], email: `${nameA}@a.example`, customFields: { tier: 'gold' } })).body;
      const b = (await post<Customer>('/customers', { fullName: nameB, phones: [pB], email: `${nameB}@b.example`, company: 'B Corp', customFields: { tier: 'silver', badge: fieldB } })).body;
      const callFromB = await missedCall(pB);
      await waitFor('call from B linked to B', async () => (await get<CallView>(`/calls/${callFromB}`)).body.customerId === b.id);

      const merged = await post<Customer>(`/customers/${a.id}/merge`, { from: b.id });
      expect(merged.status).toBe(200);
      expect(merged.body).toMatchObject({ id: a.id, fullName: nameA, email: `${nameA}@a.example`, company: 'B Corp', emails: [`${nameB}@b.example`], customFields: { tier: 'gold', badge: fieldB } });
      expect(merged.body.phones.sort()).toEqual([pA, pB].sort());
      expect((await get<Customer>(`/customers/${b.id}`)).body.id).toBe(a.id);
      const search = async (q: string) => (await get<Page<Customer>>(`/customers?q=${encodeURIComponent(q)}`)).body.items.map((x) => x.id);
      expect(await search(`${nameB}@b.example`)).toEqual([a.id]);
      expect(await search(fieldB)).toEqual([a.id]);
      expect(await search(pB)).toEqual([a.id]);
      expect(await search(nameB)).toEqual([a.id]); // through B's email, which moved to A
      await waitFor('call from B relinked to A', async () => (await get<CallView>(`/calls/${callFromB}`)).body.customerId === a.id);
      const again = await post<ErrorBody>(`/customers/${a.id}/merge`, { from: b.id });
      expect(again.status).toBe(409);
    });

    it('E2: linking the caller to a customer adds the number and links the past calls from it; later calls are linked too', async () => {
      const number = randomNumber();
      const past = [await missedCall(number), await missedCall(number)];
      const c = (await post<Customer>('/customers', { fullName: word('linked') })).body;
      const linked = await post<{ customer: Customer; linkedCalls: number }>(`/calls/${past[1]}/customer`, { customerId: c.id }, agentToken());
      expect(linked.status).toBe(200);
      expect(linked.body.customer.phones).toEqual([number]);
      expect(linked.body.linkedCalls).toBeGreaterThanOrEqual(1);
      for (const id of past) await waitFor(`call ${id} linked`, async () => (await get<CallView>(`/calls/${id}`)).body.customerId === c.id);
      const later = await missedCall(number);
      await waitFor('later call linked', async () => (await get<CallView>(`/calls/${later}`)).body.customerId === c.id);
      // The number now belongs to this customer: another one cannot take it by linking.
      const other = (await post<Customer>('/customers', { fullName: word('other') })).body;
      expect((await post<ErrorBody>(`/calls/${later}/customer`, { customerId: other.id })).status).toBe(409);
      expect((await post<ErrorBody>('/calls/c_nope/customer', { customerId: c.id })).status).toBe(404);
    });

    it('E2: a customer created with a phone number gains the past calls from it', async () => {
      const number = randomNumber();
      const id = await missedCall(number);
      const c = (await post<Customer>('/customers', { fullName: word('later'), phones: [number] })).body;
      await waitFor('past call linked', async () => (await get<CallView>(`/calls/${id}`)).body.customerId === c.id);
    });
  });

  describe('lookup (E3)', () => {
    it('E3: GET /lookup answers the customer card and the responsible manager of a number', async () => {
      const manager = (await post<Employee>('/employees', { extension: ext(), fullName: `Manager ${word('m')}` })).body;
      const phone = randomNumber();
      const c = (await post<Customer>('/customers', { fullName: 'Known Caller', email: 'known@caller.example', company: 'Known Ltd', phones: [phone], responsibleEmployeeId: manager.id })).body;
      const r = await get<{ customer: unknown; responsible: unknown }>(`/lookup?phone=${encodeURIComponent(`8 ${phone.slice(2)}`)}`, agentToken());
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        customer: { id: c.id, fullName: 'Known Caller', email: 'known@caller.example', company: 'Known Ltd' },
        responsible: { id: manager.id, extension: manager.extension, fullName: manager.fullName },
      });
      expect((await get(`/lookup?phone=${encodeURIComponent(randomNumber())}`)).body).toEqual({ customer: null, responsible: null });
      // A deactivated manager is nobody's responsible any more.
      await post(`/employees/${manager.id}/deactivate`);
      expect((await get<{ responsible: unknown }>(`/lookup?phone=${encodeURIComponent(phone)}`)).body.responsible).toBeNull();
      expect((await fetch(`${h.info.httpUrl}/lookup?phone=1`)).status).toBe(401);
      expect((await post<ErrorBody>('/customers', { fullName: 'X', responsibleEmployeeId: 'nobody' })).status).toBe(400);
    });
  });
});

describe('pop-up fields (N1) on a tenant that chose its own', () => {
  let h: Harness;
  const configFile = fileURLToPath(new URL('../fixtures/tenants/popup.json', import.meta.url));
  beforeAll(async () => {
    h = await startHarness({ tenantConfigFile: configFile });
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('N1: the pop-up and the lookup show exactly the configured fields, custom fields included', async () => {
    const { readFileSync } = await import('node:fs');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as { popupFields: string[] };
    expect(config.popupFields).toEqual(['fullName', 'custom:contract', 'custom:tier', 'phones']);
    const post = <T>(path: string, body: unknown) => send<T>(h.info, 'POST', path, body);
    const agent = (await post<Employee>('/employees', { extension: '201', fullName: 'Popup Agent', externalId: 'emp-201' })).body;
    const phone = randomNumber();
    const c = (await post<Customer>('/customers', { fullName: 'Card Holder', email: 'hidden@example.com', company: 'Hidden', phones: [phone], customFields: { contract: 'C-1', other: 'hidden' } })).body;
    const token = await employeeToken(h.info, agent.id, 'agent');
    const socket = await openAgent(h.info, token);
    const callId = callIdValue();
    await postZammad(h.info, { event: 'newCall', direction: 'in', from: phone, to: LINE, callId, user: ['Popup Agent'] });
    const popup = await socket.next('incoming_call', (m) => (m['call'] as Call).id === callIdFor('zammad', callId));
    const card = { id: c.id, fullName: 'Card Holder', customFields: { contract: 'C-1', tier: null }, phones: [phone] };
    expect(popup['customer']).toEqual(card);
    expect((await send(h.info, 'GET', `/lookup?phone=${encodeURIComponent(phone)}`, undefined, token)).body).toEqual({ customer: card, responsible: null });
    await socket.close();
  });
});
