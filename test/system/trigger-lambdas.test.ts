// Trigger Lambdas (R4): triggers/vip-caller-notifies-supervisors.ts, run by the local runtime straight
// from the synthesized template. A VIP customer rings in → every supervisor (admin) gets `vip_call`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Customer, Employee } from '#shared/domain/directory.ts';
import { projectRoot } from '../../local/start.ts';
import { callIdValue, openAgent, postZammad, randomNumber, useHarness } from './harness.ts';
import { employeeToken } from './tokens.ts';

const h = useHarness();
const LINE = '+74951234567';

async function post<T>(p: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${h.info.httpUrl}${p}`, { method: 'POST', headers: { authorization: `Bearer ${h.info.tokens.admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

const ext = () => String(600 + Math.floor(Math.random() * 300));

describe('trigger Lambdas (R4)', () => {
  it('R4: the trigger runs from the template: a VIP caller rings → supervisors get vip_call, agents do not', async () => {
    expect(h.runtime.model.functions.some((f) => f.shortName === 'vip-caller-notifies-supervisors')).toBe(true);
    const supervisor = await post<Employee>('/employees', { extension: ext(), fullName: `Supervisor ${Date.now()}`, accessLevel: 'admin' });
    expect(supervisor.status).toBe(201);
    const token = await employeeToken(h.info, supervisor.body.id, 'admin');

    const vipNumber = randomNumber();
    const vip = await post<Customer>('/customers', { fullName: `Very Important ${Date.now()}`, phones: [vipNumber], customFields: { tag: 'vip' } });
    expect(vip.status).toBe(201);
    const plainNumber = randomNumber();
    expect((await post<Customer>('/customers', { fullName: `Regular ${Date.now()}`, phones: [plainNumber], customFields: { tag: 'regular' } })).status).toBe(201);

    const sup = await openAgent(h.info, token);
    const agent = await openAgent(h.info, h.info.tokens.agents['101']!);
    try {
      // A regular customer first: nothing for supervisors.
      await postZammad(h.info, { event: 'newCall', direction: 'in', from: plainNumber, to: LINE, callId: callIdValue(), user: ['Anna Smirnova'] });
      await postZammad(h.info, { event: 'newCall', direction: 'in', from: vipNumber, to: LINE, callId: callIdValue(), user: ['Anna Smirnova'] });
      const msg = await sup.next('vip_call');
      expect(msg['customer']).toMatchObject({ id: vip.body.id, customFields: { tag: 'vip' } });
      expect(msg['call']).toMatchObject({ customerNumber: vipNumber });
      await agent.next('incoming_call', (m) => (m['call'] as { from: string }).from === vipNumber); // the agent got their pop-up…
      await new Promise((r) => setTimeout(r, 300));
      expect(agent.messages.some((m) => m['type'] === 'vip_call')).toBe(false); // …but no vip_call
      expect(sup.messages.filter((m) => m['type'] === 'vip_call')).toHaveLength(1); // not for the regular caller
      expect(h.runtime.bus.deadLetters().filter((d) => d.ruleName.includes('VipCaller'))).toEqual([]);
    } finally {
      await sup.close();
      await agent.close();
    }
  });
});
