// Calls whose end never arrives are finalized by the scheduled sweeper, with outcome and ticket.
import { describe, expect, it } from 'vitest';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { Call } from '#shared/domain/call.ts';
import type { Ticket } from '#shared/domain/ticket.ts';
import { api, callIdValue, postZammad, randomNumber, useHarness, waitFor } from './harness.ts';

const h = useHarness();

const LINE = '+74951234567';

/** Runs the sweeper as its schedule would, at `time`. */
async function sweepAt(time: Date): Promise<{ finalized: number }> {
  const fn = [...h.runtime.functions.values()].find((f) => f.model.logicalId.startsWith('CallSweeperFinalizeStaleCalls'));
  if (!fn) throw new Error('sweeper function not in the template');
  const event = { version: '0', id: 'sweep', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000', time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'), region: 'us-east-1', resources: [], detail: {} };
  return (await fn.invoke(event)) as { finalized: number };
}

async function ticketOf(callId: string): Promise<Ticket> {
  return waitFor(`ticket of ${callId}`, async () => (await api<{ items: Ticket[] }>(h.info, '/tickets?limit=200')).body.items.find((t) => t.callIds.includes(callId)));
}

describe('stale-call sweeper', () => {
  it('M1: a call left ringing (no hangup ever came) becomes a missed call with its ticket once the ringing timeout passed', async () => {
    const from = randomNumber();
    const zammadId = callIdValue();
    await postZammad(h.info, { event: 'newCall', direction: 'in', from, to: LINE, callId: zammadId, user: ['Anna Smirnova'] });
    const id = callIdFor('zammad', zammadId);
    await waitFor('call recorded', async () => (await api(h.info, `/calls/${id}`)).status === 200);

    expect((await sweepAt(new Date(Date.now() + 60_000))).finalized).toBe(0);
    expect((await api<Call>(h.info, `/calls/${id}`)).body.status).toBe('ringing');

    const result = await sweepAt(new Date(Date.now() + 16 * 60_000));
    expect(result.finalized).toBeGreaterThanOrEqual(1);
    const call = (await api<Call>(h.info, `/calls/${id}`)).body;
    expect(call).toMatchObject({ status: 'ended', outcome: 'missed', endReason: 'unknown' });
    expect(call.rawReason).toContain('sweeper');
    expect(await ticketOf(id)).toMatchObject({ missed: true, status: 'open', subject: `Missed call from ${from}` });
  });

  it('T4: a call left in conversation is finalized after the talking timeout as answered', async () => {
    const from = randomNumber();
    const zammadId = callIdValue();
    await postZammad(h.info, { event: 'newCall', direction: 'in', from, to: LINE, callId: zammadId, user: ['Boris Ivanov'] });
    await postZammad(h.info, { event: 'answer', direction: 'in', from, to: LINE, callId: zammadId, answeringNumber: '102' });
    const id = callIdFor('zammad', zammadId);
    await waitFor('call answered', async () => (await api<Call>(h.info, `/calls/${id}`)).body.status === 'answered');

    await sweepAt(new Date(Date.now() + 60 * 60_000));
    expect((await api<Call>(h.info, `/calls/${id}`)).body.status).toBe('answered');
    await sweepAt(new Date(Date.now() + 241 * 60_000));
    expect((await api<Call>(h.info, `/calls/${id}`)).body).toMatchObject({ status: 'ended', outcome: 'answered', answeredBy: 'emp-102' });
    expect(await ticketOf(id)).toMatchObject({ status: 'closed', assigneeId: 'emp-102' });
  });
});
