// `npm run dev`'s reload: a function whose bundle changed is swapped for a new sandbox pool while
// DynamoDB Local, the gateways and the bus keep running, so data and open WebSockets survive. Runs
// on a copy of cdk.out, where a change is simulated by pointing GET /calls/{id} at a new bundle.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callIdFor } from '#shared/domain/call-id.ts';
import { readAssembly } from '../../local/cloud-assembly.ts';
import { reloadFunctions, restartNeeded } from '../../local/reload.ts';
import { projectRoot, startTenant, type LocalInfo } from '../../local/start.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { api, callIdValue, openAgent, postZammad, randomNumber, waitFor } from './harness.ts';

const STACK = 'Ringdesk-demo';
let outDir: string;
let runtime: LocalRuntime;
let info: LocalInfo;

type Template = { Resources: Record<string, { Type: string; Metadata?: Record<string, unknown>; Properties?: Record<string, unknown> }> };
const templateFile = () => join(outDir, `${STACK}.template.json`);
const readTemplate = () => JSON.parse(readFileSync(templateFile(), 'utf8')) as Template;

/** Points the function named `name` (ringdesk:function) at a new asset folder holding `code` as index.mjs. */
function deployBundle(name: string, asset: string, code: string): string {
  mkdirSync(join(outDir, asset), { recursive: true });
  writeFileSync(join(outDir, asset, 'index.mjs'), code);
  const template = readTemplate();
  const [id, fn] = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['ringdesk:function'] === name)!;
  fn.Metadata!['aws:asset:path'] = asset;
  writeFileSync(templateFile(), JSON.stringify(template));
  return id;
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'ringdesk-dev-reload-'));
  cpSync(join(projectRoot, 'cdk.out'), outDir, { recursive: true, filter: (src) => !src.includes('bundling-temp-') });
  ({ runtime, info } = await startTenant({ skipSynth: true, tenant: 'demo', outDir, httpPort: 0, wsPort: 0, retryDelaysMs: [100, 200], logLevel: 'ERROR' }));
});
afterAll(async () => {
  await runtime?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('reloadFunctions (npm run dev)', () => {
  it('swaps a changed function in place: new code answers, data and an open WebSocket survive', async () => {
    const from = randomNumber();
    const zammadId = callIdValue();
    expect((await postZammad(info, { event: 'newCall', direction: 'in', from, to: '+74951234567', callId: zammadId, user: ['Anna Smirnova'] })).status).toBe(200);
    const callId = callIdFor('zammad', zammadId);
    await waitFor('the call', async () => (await api(info, `/calls/${callId}`)).status === 200);

    const agent = await openAgent(info, info.tokens.agents['101']!);
    agent.ws.send(JSON.stringify({ action: 'ping' }));
    await agent.next('pong');

    const functionId = deployBundle('get-call', 'asset.dev-reload-v2', "export const handler = async () => ({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'v2' });\n");
    const before = runtime.functions.get(functionId)!;
    const others = new Map([...runtime.functions].filter(([id]) => id !== functionId));
    const result = await reloadFunctions(runtime, readAssembly(outDir, STACK));
    expect(result).toMatchObject({ reloaded: ['get-call'], failed: [], restartNeeded: [] });
    expect(runtime.functions.get(functionId)).not.toBe(before);
    for (const [id, f] of others) expect(runtime.functions.get(id), `${id} untouched`).toBe(f);
    expect(runtime.model.functions.find((f) => f.logicalId === functionId)!.bundlePath).toBe(join(outDir, 'asset.dev-reload-v2', 'index.mjs'));

    const res = await fetch(`${info.httpUrl}/calls/${callId}`, { headers: { authorization: `Bearer ${info.tokens.admin}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('v2');

    // The data written before the reload is still there (list-calls, not reloaded, reads it).
    const list = await api<{ items: { id: string }[] }>(info, '/calls?limit=200');
    expect(list.status).toBe(200);
    expect(list.body.items.map((c) => c.id)).toContain(callId);

    // The WebSocket opened before the reload is still open and still served.
    expect(agent.ws.readyState).toBe(agent.ws.OPEN);
    agent.messages.length = 0;
    agent.ws.send(JSON.stringify({ action: 'ping' }));
    await agent.next('pong');

    // A new version that cannot start leaves the running one in place.
    deployBundle('get-call', 'asset.dev-reload-broken', "throw new Error('broken on purpose');\n");
    const broken = await reloadFunctions(runtime, readAssembly(outDir, STACK));
    expect(broken.reloaded).toEqual([]);
    expect(broken.failed).toEqual([{ name: 'get-call', error: expect.stringContaining('broken on purpose') }]);
    const still = await fetch(`${info.httpUrl}/calls/${callId}`, { headers: { authorization: `Bearer ${info.tokens.admin}` } });
    expect(await still.text()).toBe('v2');
    await agent.close();
  });

  it('says a restart is needed for routes, rules and tables, which it does not apply', () => {
    const template = readTemplate();
    const route = Object.values(template.Resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties?.['RouteKey'] === 'GET /calls/{id}')!;
    route.Properties!['RouteKey'] = 'GET /calls/{id}/v2';
    const rule = Object.values(template.Resources).find((r) => r.Type === 'AWS::Events::Rule')!;
    rule.Properties!['EventPattern'] = { source: ['changed'] };
    const table = Object.values(template.Resources).find((r) => r.Type === 'AWS::DynamoDB::Table')!;
    table.Properties!['BillingMode'] = 'PROVISIONED';
    writeFileSync(join(outDir, 'Changed.template.json'), JSON.stringify(template));
    const next = readAssembly(outDir, 'Changed');
    expect(restartNeeded(runtime.model, next)).toEqual(['HTTP routes', 'EventBridge rules', 'tables']);
    expect(restartNeeded(runtime.model, readAssembly(outDir, STACK))).toEqual([]);
  });
});
