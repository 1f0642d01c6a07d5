// Calls whose end never arrives are finalized by the scheduled sweeper, with outcome and ticket.
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { Call, CanonicalEvent } from '#shared/domain/call.ts';
import { reduceCall } from '#shared/domain/reduce-call.ts';
import type { Ticket } from '#shared/domain/ticket.ts';
import { api, callIdValue, postZammad, randomNumber, useHarness, waitFor } from './harness.ts';

const h = useHarness();

const LINE = '+74951234567';

/** Runs the sweeper as its schedule would, at `time`. */
async function sweepAt(time: Date): Promise<{ finalized: number; failed: number }> {
  const fn = [...h.runtime.functions.values()].find((f) => f.model.logicalId.startsWith('CallSweeperFinalizeStaleCalls'));
  if (!fn) throw new Error('sweeper function not in the template');
  const event = { version: '0', id: 'sweep', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000', time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'), region: 'us-east-1', resources: [], detail: {} };
  return (await fn.invoke(event)) as { finalized: number; failed: number };
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

  it('M1: a call that stopped ringing is finalized even behind more than a batch of long conversations, and a damaged call does not stop the run', async () => {
    // The calls are written with the repository the functions use, so the index keys are exactly theirs.
    Object.assign(process.env, { ...h.runtime.awsEnv, TABLE_NAME: h.runtime.tableName });
    const { saveCallRecord } = await import('#shared/adapters/calls-repo.ts');
    const tenant = 'demo';
    const now = Date.now();
    const ctx = { tenantId: tenant, country: 'RU', matchEmployee: () => null };
    const event = (id: string, type: CanonicalEvent['type'], at: number): CanonicalEvent => ({
      key: `${id}|${type}`, provider: 'zammad', providerCallId: id, providerEventType: type, type, occurredAt: new Date(at).toISOString(),
      occurredAtSource: 'provider', direction: 'inbound', from: randomNumber(), to: LINE, ...(type === 'answered' ? { agent: { extension: '101' } } : {}),
    });
    // 201 conversations of three hours (talking timeout 240 min: not stale), all older than the ringing call.
    const talking = Array.from({ length: 201 }, (_, i) => callIdValue() + i);
    await Promise.all(talking.map(async (pid) => {
      const id = callIdFor('zammad', pid);
      const events = [event(pid, 'created', now - 180 * 60_000), event(pid, 'answered', now - 179 * 60_000)];
      expect(await saveCallRecord(tenant, reduceCall(events, ctx, id), events, [], 0)).toBe(true);
    }));
    const ringingPid = callIdValue();
    const ringingId = callIdFor('zammad', ringingPid);
    const ringing = [event(ringingPid, 'created', now - 20 * 60_000)];
    expect(await saveCallRecord(tenant, reduceCall(ringing, ctx, ringingId), ringing, [], 0)).toBe(true);
    // A damaged open call (no legs): reading its last activity throws.
    const brokenPid = callIdValue();
    const brokenId = callIdFor('zammad', brokenPid);
    const brokenEvents = [event(brokenPid, 'created', now - 30 * 60_000)];
    expect(await saveCallRecord(tenant, reduceCall(brokenEvents, ctx, brokenId), brokenEvents, [], 0)).toBe(true);
    const brokenKey = { PK: `T#${tenant}#CALL#${brokenId}`, SK: 'CALL' };
    await h.ddb.send(new UpdateCommand({ TableName: h.runtime.tableName, Key: brokenKey, UpdateExpression: 'SET #c.legs = :null', ExpressionAttributeNames: { '#c': 'call' }, ExpressionAttributeValues: { ':null': null } }));

    try {
      const result = await sweepAt(new Date(now));
      expect(result.failed).toBe(1);
      expect(result.finalized).toBeGreaterThanOrEqual(1);
      expect((await api<Call>(h.info, `/calls/${ringingId}`)).body).toMatchObject({ status: 'ended', rawReason: expect.stringContaining('sweeper') });
      expect((await api<Call>(h.info, `/calls/${callIdFor('zammad', talking[0]!)}`)).body.status).toBe('answered');
    } finally {
      await h.ddb.send(new DeleteCommand({ TableName: h.runtime.tableName, Key: brokenKey }));
    }
  });
});
