// Webhooks of one call arriving out of order: the call first looks missed, then its answer arrives.
// The ticket must end as if the webhooks had come in order (I3 with T4, M1, M2).
import { describe, expect, it } from 'vitest';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { Ticket } from '#shared/domain/ticket.ts';
import { api, callIdValue, postZammad, randomNumber, useHarness, waitFor } from './harness.ts';

const h = useHarness();

const LINE = '+74951234567';
type List<T> = { items: T[]; next: string | null };

async function ticketsOf(number: string): Promise<Ticket[]> {
  return (await api<List<Ticket>>(h.info, '/tickets?limit=200')).body.items.filter((t) => t.customerNumber === number);
}

async function ringAndHangUp(from: string, zammadId: string): Promise<void> {
  await postZammad(h.info, { event: 'hangup', direction: 'in', from, to: LINE, callId: zammadId, cause: 'normalClearing' });
  await postZammad(h.info, { event: 'newCall', direction: 'in', from, to: LINE, callId: zammadId, user: ['Anna Smirnova', 'Boris Ivanov'] });
}

describe('late answer events', () => {
  it('I3, T4: a call that looked missed until its answer arrived ends with one closed ticket for the answerer', async () => {
    const from = randomNumber();
    const zammadId = callIdValue();
    const id = callIdFor('zammad', zammadId);
    await ringAndHangUp(from, zammadId);
    const missed = await waitFor('missed-call ticket', async () => (await ticketsOf(from)).find((t) => t.missed));
    expect(missed.callIds).toEqual([id]);

    await postZammad(h.info, { event: 'answer', direction: 'in', from, to: LINE, callId: zammadId, answeringNumber: '102' });
    const ticket = await waitFor('ticket converted', async () => (await ticketsOf(from)).find((t) => t.status === 'closed'));
    expect(ticket).toMatchObject({ id: missed.id, subject: `Incoming call from ${from}`, status: 'closed', missed: false, assigneeId: 'emp-102', callIds: [id] });
    await h.runtime.settled();
    expect(await ticketsOf(from)).toHaveLength(1);

    // M2: the converted ticket is no missed-call group any more: the next missed call opens a new one.
    const next = callIdValue();
    await postZammad(h.info, { event: 'newCall', direction: 'in', from, to: LINE, callId: next, user: ['Anna Smirnova'] });
    await postZammad(h.info, { event: 'hangup', direction: 'in', from, to: LINE, callId: next, cause: 'noAnswer' });
    const fresh = await waitFor('new missed-call ticket', async () => (await ticketsOf(from)).find((t) => t.missed && t.status === 'open'));
    expect(fresh.callIds).toEqual([callIdFor('zammad', next)]);
  });

  it('I3, M2: a call grouped into a missed-call ticket leaves it for its own ticket when its answer arrives', async () => {
    const from = randomNumber();
    const first = callIdValue();
    await postZammad(h.info, { event: 'newCall', direction: 'in', from, to: LINE, callId: first, user: ['Anna Smirnova'] });
    await postZammad(h.info, { event: 'hangup', direction: 'in', from, to: LINE, callId: first, cause: 'noAnswer' });
    const group = await waitFor('missed-call ticket', async () => (await ticketsOf(from)).find((t) => t.missed));

    const second = callIdValue();
    await ringAndHangUp(from, second);
    await waitFor('second call grouped', async () => ((await api<Ticket>(h.info, `/tickets/${group.id}`)).body.callIds.length === 2 ? true : null));
    await postZammad(h.info, { event: 'answer', direction: 'in', from, to: LINE, callId: second, answeringNumber: '101' });

    const own = await waitFor('answered ticket', async () => (await ticketsOf(from)).find((t) => t.status === 'closed'));
    expect(own).toMatchObject({ missed: false, assigneeId: 'emp-101', callIds: [callIdFor('zammad', second)] });
    const left = (await api<Ticket>(h.info, `/tickets/${group.id}`)).body;
    expect(left).toMatchObject({ status: 'open', missed: true, callIds: [callIdFor('zammad', first)] });
    expect(left.messages.map((m) => m.callId)).toEqual([callIdFor('zammad', first)]);
  });
});
