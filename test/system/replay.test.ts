// Raw deliveries are archived with a TTL, and a call can be rebuilt from them (issue: delivery semantics);
// dead letters of the bus and the Scheduler go back with `npm run redrive -- --local`.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../local/start.ts';
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

describe('npm run redrive -- --local', () => {
  const local = { accessKeyId: 'local', secretAccessKey: 'local' };
  const redrive = async (...args: string[]): Promise<{ dryRun: boolean; waiting: number; redriven: number; failed: number; queues: { queue: string; kind: string; to: string; waiting: number; redriven: number }[] }> => {
    const info = join(mkdtempSync(join(tmpdir(), 'ringdesk-redrive-')), 'local.json');
    writeFileSync(info, JSON.stringify(h.info));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bin/redrive.ts', '--local', '--json', '--info', info, ...args], { cwd: projectRoot });
    return JSON.parse(stdout);
  };

  it('S5: counts the bus\'s and the Scheduler\'s dead letters on --dry-run, then delivers each again to the target it failed at, with fresh retries', async () => {
    // A Call Ended without its fields: the tickets consumer rejects it every time (as in the chaos test).
    const bus = new EventBridgeClient({ endpoint: h.info.eventsUrl, region: h.info.region, credentials: local });
    const put = await bus.send(new PutEventsCommand({ Entries: [{ EventBusName: h.info.eventBusName, Source: 'ringdesk.calls', DetailType: 'Call Ended', Detail: '{"schemaVersion":1}' }] }));
    bus.destroy();
    const eventId = put.Entries?.[0]?.EventId ?? '';
    // A schedule whose job belongs to another tenant: fire-task refuses it every time.
    const fireTaskFn = h.runtime.model.functions.find((f) => f.shortName === 'fire-task');
    expect(fireTaskFn).toBeDefined();
    const fireTask = `arn:aws:lambda:${h.info.region}:000000000000:function:${fireTaskFn?.functionName}`;
    const scheduler = new SchedulerClient({ endpoint: h.info.schedulerUrl, region: h.info.region, credentials: local });
    const at = new Date(Date.now() + 60_000).toISOString().slice(0, 19);
    const name = `redrive-${randomNumber().slice(-8)}`;
    await scheduler.send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: 'ringdesk-demo-tasks',
        ScheduleExpression: `at(${at})`,
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: fireTask, RoleArn: 'arn:aws:iam::000000000000:role/scheduler', Input: JSON.stringify({ tenant: 'other', taskId: 'tk_1' }), RetryPolicy: { MaximumRetryAttempts: 1 } },
      }),
    );
    scheduler.destroy();
    await h.runtime.scheduler.fireDue(new Date(Date.now() + 120_000));
    await h.runtime.settled();
    const busLetters = () => h.runtime.bus.deadLetters().filter((d) => d.event.id === eventId);
    const schedulerLetters = () => h.runtime.scheduler.deadLetters().filter((d) => d.scheduleName === name);
    expect(busLetters().length).toBeGreaterThanOrEqual(1);
    expect(schedulerLetters()).toHaveLength(1);
    const firstAt = schedulerLetters()[0]!.at;
    const busTotal = h.runtime.bus.deadLetters().length;
    const schedulerTotal = h.runtime.scheduler.deadLetters().length;

    const dry = await redrive('--dry-run');
    expect(dry).toMatchObject({ dryRun: true, waiting: busTotal + schedulerTotal, redriven: 0 });
    const ticketsRule = h.runtime.model.rules.find((r) => r.logicalId.startsWith('TicketsCallEndedRule'))!.logicalId;
    expect(dry.queues).toContainEqual(expect.objectContaining({ queue: 'bus', kind: 'local-bus', to: `${ticketsRule}/Target0` }));
    expect(dry.queues).toContainEqual(expect.objectContaining({ queue: 'scheduler', kind: 'local-scheduler', to: fireTask }));
    expect(h.runtime.bus.deadLetters()).toHaveLength(busTotal); // a dry run moves nothing
    expect(h.runtime.scheduler.deadLetters()).toHaveLength(schedulerTotal);

    const failuresBefore = h.runtime.bus.stats().failures;
    const run = await redrive();
    expect(run).toMatchObject({ dryRun: false, waiting: busTotal + schedulerTotal, redriven: busTotal + schedulerTotal, failed: 0 });
    // Delivered again to the same target with fresh retries; still invalid, so dead-lettered anew.
    await h.runtime.settled();
    await h.runtime.scheduler.idle();
    expect(h.runtime.bus.stats().failures - failuresBefore).toBe(busTotal * 3);
    expect(busLetters().every((d) => d.attempts === 3)).toBe(true);
    expect(schedulerLetters()).toHaveLength(1);
    // Handed back as an async invocation (as on AWS): Lambda's two retries, not the schedule's RetryPolicy.
    expect(schedulerLetters()[0]).toMatchObject({ attempts: 3, targetArn: fireTask, input: { tenant: 'other', taskId: 'tk_1' } });
    expect(schedulerLetters()[0]!.at > firstAt).toBe(true);
  });
});
