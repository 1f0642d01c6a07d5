// Raw deliveries are archived with a TTL, and a call can be rebuilt from them (issue: delivery semantics).
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { Call } from '#shared/domain/call.ts';
import { api, callIdValue, postZammad, randomNumber, useHarness, waitFor } from './harness.ts';

const h = useHarness();

const LINE = '+74951234567';

async function post(path: string, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${h.info.httpUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('raw deliveries and rebuild', () => {
  it('I3: every verified delivery is kept as received, with a retention TTL', async () => {
    const zammadId = callIdValue();
    const from = randomNumber();
    await postZammad(h.info, { event: 'newCall', direction: 'in', from, to: LINE, callId: zammadId, user: ['Anna Smirnova'] }, 'form');
    await postZammad(h.info, { event: 'hangup', direction: 'in', from, to: LINE, callId: zammadId, cause: 'cancel' });
    const id = callIdFor('zammad', zammadId);
    const raw = await waitFor('two raw deliveries', async () => {
      const out = await h.ddb.send(new QueryCommand({ TableName: h.runtime.tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :r)', ExpressionAttributeValues: { ':pk': `T#demo#CALL#${id}`, ':r': 'RAW#' } }));
      return out.Items?.length === 2 ? out.Items : null;
    });
    const bodies = raw.map((i) => Buffer.from((i['request'] as { rawBody: string }).rawBody, 'base64').toString('utf8'));
    expect(bodies[0]).toContain('event=newCall');
    expect(JSON.parse(bodies[1]!)).toMatchObject({ event: 'hangup', callId: zammadId });
    const days = ((raw[0]!['expiresAt'] as number) - Date.now() / 1000) / 86_400;
    expect(days).toBeGreaterThan(89);
    expect(days).toBeLessThan(91);
  });

  it('I3: a call is rebuilt from its deliveries to exactly the call they make', async () => {
    const zammadId = callIdValue();
    const from = randomNumber();
    await postZammad(h.info, { event: 'newCall', direction: 'in', from, to: LINE, callId: zammadId, user: ['Anna Smirnova', 'Boris Ivanov'] });
    await postZammad(h.info, { event: 'answer', direction: 'in', from, to: LINE, callId: zammadId, answeringNumber: '101' });
    await postZammad(h.info, { event: 'hangup', direction: 'in', from, to: LINE, callId: zammadId, cause: 'normalClearing' });
    const id = callIdFor('zammad', zammadId);
    const original = await waitFor('call ended', async () => {
      const c = (await api<Call>(h.info, `/calls/${id}`)).body;
      return c.status === 'ended' ? c : null;
    });
    await h.runtime.bus.idle();

    // Damage the stored call as a buggy adapter would have: only its first event survived.
    const key = { PK: `T#demo#CALL#${id}`, SK: 'CALL' };
    const item = (await h.ddb.send(new GetCommand({ TableName: h.runtime.tableName, Key: key }))).Item!;
    const damaged = { ...item, events: (item['events'] as unknown[]).slice(0, 1), call: { ...original, status: 'ringing', outcome: null, endedAt: null }, version: (item['version'] as number) + 1 };
    await h.ddb.send(new PutCommand({ TableName: h.runtime.tableName, Item: damaged }));
    expect((await api<Call>(h.info, `/calls/${id}`)).body.status).toBe('ringing');

    const agent = await post(`/calls/${id}/rebuild`, h.info.tokens.agents['101']!);
    expect(agent.status).toBe(403);
    const rebuilt = await post(`/calls/${id}/rebuild`, h.info.tokens.admin);
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body).toMatchObject({ callId: id, deliveries: 3, refused: [] });
    expect((await api<Call>(h.info, `/calls/${id}`)).body).toEqual(original);
    expect((await post('/calls/c_doesnotexist/rebuild', h.info.tokens.admin)).status).toBe(404);
  });
});
