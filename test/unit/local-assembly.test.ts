// The local runtime's view of the synthesized stack: readAssembly (cdk.out → routes, rules, functions)
// and IntrinsicResolver (CloudFormation intrinsics → local values). No network.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAssembly, type AssemblyModel } from '../../local/cloud-assembly.ts';
import { IntrinsicResolver } from '../../local/intrinsics.ts';
import { routeKeyOf } from '#shared/http/route-handler.ts';
import { allRoutes } from '#shared/http/routes/index.ts';
import { projectRoot, synth } from '../../local/start.ts';

const outDir = join(projectRoot, 'cdk.out');
const stackName = 'Ringdesk-demo';
const env = { region: 'eu-central-1', accountId: '111122223333', stackName };

let model: AssemblyModel;

beforeAll(() => {
  if (!existsSync(join(outDir, `${stackName}.template.json`))) synth({ tenant: 'demo' });
  model = readAssembly(outDir, stackName);
}, 180_000);

const byPrefix = <T extends { logicalId: string }>(items: T[], prefix: string): T => {
  const found = items.filter((x) => x.logicalId.startsWith(prefix));
  expect(found, `exactly one ${prefix}*`).toHaveLength(1);
  return found[0]!;
};

describe('readAssembly on the synthesized demo stack', () => {
  it('finds the app functions, each with an existing bundle and a handler export', () => {
    expect(model.stackName).toBe(stackName);
    // Every Node.js Lambda of the template that has an asset is an app function; the CDK's Python
    // deploy-time handler (BucketDeployment of the console) is not.
    type Fn = { Metadata?: Record<string, unknown>; Properties?: Record<string, unknown> };
    const lambdas = Object.entries(model.template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function' && (r as Fn).Metadata?.['aws:asset:path']);
    const withAsset = lambdas.filter(([, r]) => String((r as Fn).Properties?.['Runtime']).startsWith('nodejs'));
    expect(withAsset.length).toBeGreaterThanOrEqual(10);
    expect(lambdas.some(([id, r]) => id.startsWith('CustomCDKBucketDeployment') && String((r as Fn).Properties?.['Runtime']).startsWith('python'))).toBe(true);
    expect(model.functions.map((f) => f.logicalId).sort()).toEqual(withAsset.map(([id]) => id).sort());
    for (const f of model.functions) {
      expect(existsSync(f.bundlePath), `${f.logicalId}: ${f.bundlePath}`).toBe(true);
      expect(f.bundlePath.startsWith(outDir)).toBe(true);
      expect(f.bundlePath).toMatch(/\.(mjs|js|cjs)$/);
      expect(f.exportName).toBe('handler');
      expect(f.timeoutSeconds).toBeGreaterThan(0);
      expect(f.memoryMb).toBeGreaterThanOrEqual(128);
      // Every function but the public API document (get-openapi) runs with the tenant's settings.
      if (!f.logicalId.startsWith('ApiDocsGetOpenapi')) expect(f.environment['TENANT_ID'], f.logicalId).toBe('demo');
    }
  });

  it('maps every HTTP route to a function', () => {
    const http = model.apis.find((a) => a.protocol === 'HTTP');
    expect(http).toBeDefined();
    expect(http!.stageName).toBe('$default');
    const routes = Object.fromEntries(http!.routes.map((r) => [r.routeKey, r.functionId]));
    // The template's routes are exactly the registered route specs (shared/http/routes/index.ts): a route
    // wired in CDK but not registered would escape the OpenAPI document and the authorization suite.
    const expected = allRoutes.map(routeKeyOf);
    expect(Object.keys(routes).sort()).toEqual([...expected].sort());
    const functionIds = new Set(model.functions.map((f) => f.logicalId));
    for (const key of expected) expect(functionIds.has(routes[key]!), `${key} → ${routes[key]}`).toBe(true);
    // All webhook routes go to the one ingest function; every other core route has a function of its own.
    expect(routes['POST /webhooks/{tenant}/{provider}']).toBe(routes['POST /webhooks/{tenant}/{provider}/{path+}']);
    expect(routes['POST /webhooks/{tenant}/{provider}']).toMatch(/^PbxIngestIngestWebhook/);
    const core = ['GET /calls', 'GET /calls/{id}', 'GET /tickets', 'GET /tickets/{id}', 'POST /calls/{id}/rebuild', 'GET /openapi.json'];
    expect(new Set(core.map((k) => routes[k])).size).toBe(core.length);
    expect(routes['GET /tickets/{id}']).toMatch(/^ReadApiGetTicket/);
  });

  it("reads the HTTP API's CorsConfiguration: the console on another origin may call every method", () => {
    const http = model.apis.find((a) => a.protocol === 'HTTP')!;
    expect(http.cors).toMatchObject({ allowOrigins: ['*'], allowHeaders: ['authorization', 'content-type'] });
    expect(http.cors!.allowMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE']));
    expect(model.apis.find((a) => a.protocol === 'WEBSOCKET')!.cors).toBeNull();
  });

  it('reads the WebSocket API: $connect/$disconnect/$default on stage live', () => {
    const ws = model.apis.find((a) => a.protocol === 'WEBSOCKET');
    expect(ws).toBeDefined();
    expect(ws!.stageName).toBe('live');
    expect(ws!.routeSelectionExpression).toBe('$request.body.action');
    const routes = Object.fromEntries(ws!.routes.map((r) => [r.routeKey, r.functionId]));
    expect(Object.keys(routes).sort()).toEqual(['$connect', '$default', '$disconnect']);
    expect(routes['$connect']).toMatch(/^AgentConnectionsWsConnect/);
    expect(routes['$disconnect']).toMatch(/^AgentConnectionsWsDisconnect/);
    expect(routes['$default']).toMatch(/^AgentConnectionsWsDefault/);
    // $connect carries its Lambda REQUEST authorizer; the other routes none.
    const authorizers = Object.fromEntries(ws!.routes.map((r) => [r.routeKey, r.authorizer]));
    expect(authorizers['$connect']).toEqual({ functionId: expect.stringMatching(/^AgentConnectionsWsAuthorize/), identitySource: ['route.request.querystring.token'] });
    expect(model.functions.map((f) => f.logicalId)).toContain(authorizers['$connect']!.functionId);
    expect(authorizers['$disconnect']).toBeNull();
    expect(authorizers['$default']).toBeNull();
  });

  it('reads the table, the bus and the rules with their patterns, function targets and DLQs', () => {
    expect(model.tables).toHaveLength(1);
    expect(model.tables[0]!.properties['KeySchema']).toBeDefined();
    expect(model.buses).toEqual([{ logicalId: expect.stringMatching(/^CoreBus/), name: 'ringdesk-demo' }]);
    expect(model.rules.length).toBeGreaterThanOrEqual(2);
    const queueIds = new Set(model.queues.map((q) => q.logicalId));
    const functionIds = new Set(model.functions.map((f) => f.logicalId));
    for (const rule of model.rules) {
      if (rule.scheduleExpression) {
        // Scheduled rules live on the default bus and have no pattern.
        expect(rule.eventBusLogicalId).toBeNull();
        expect(rule.eventPattern).toBeUndefined();
        expect(rule.scheduleExpression).toBe('rate(5 minutes)');
        expect(rule.targets).toHaveLength(1);
        continue;
      }
      expect(rule.eventBusLogicalId).toBe(model.buses[0]!.logicalId);
      expect(rule.eventPattern, rule.logicalId).toEqual(expect.objectContaining({ source: expect.any(Array), 'detail-type': expect.any(Array) }));
      expect(rule.targets.length).toBeGreaterThan(0);
      for (const t of rule.targets) {
        expect(functionIds.has(t.functionId)).toBe(true);
        expect(t.deadLetterQueueId).not.toBeNull();
        expect(queueIds.has(t.deadLetterQueueId!)).toBe(true);
      }
    }
    const tickets = byPrefix(model.rules, 'TicketsCallEndedRule');
    expect(tickets.eventPattern).toEqual({ source: ['ringdesk.calls'], 'detail-type': ['Call Ended'] });
    expect(tickets.targets[0]!.functionId).toMatch(/^TicketsCreateCallTicket/);
    expect(tickets.targets[0]!.deadLetterQueueId).toMatch(/^TicketsCallEndedDlq/);
    const notify = byPrefix(model.rules, 'NotificationsAgentUpdatesRule');
    expect(notify.targets[0]!.functionId).toMatch(/^NotificationsNotifyAgents/);
  });
});

describe('IntrinsicResolver on the synthesized demo stack', () => {
  const wsBase = 'http://127.0.0.1:45678';
  const httpBase = 'http://127.0.0.1:45679';

  function resolverAndIds() {
    const ws = model.apis.find((a) => a.protocol === 'WEBSOCKET')!;
    const http = model.apis.find((a) => a.protocol === 'HTTP')!;
    const apiIds = { [ws.logicalId]: 'wsapi00001', [http.logicalId]: 'httpapi001' };
    // Function URLs are served on their own ports; the runtime passes them in once they listen.
    const functionUrls = Object.fromEntries(model.functionUrls.map((u, i) => [u.logicalId, `http://127.0.0.1:${3002 + i}/`]));
    return { resolver: new IntrinsicResolver(model, env, apiIds, functionUrls), apiBaseUrls: { wsapi00001: wsBase, httpapi001: httpBase }, functionUrls };
  }

  it("rewrites the notify function's WS_MANAGEMENT_URL to the local gateway and resolves TABLE_NAME", () => {
    const { resolver, apiBaseUrls } = resolverAndIds();
    const notify = byPrefix(model.functions, 'NotificationsNotifyAgents');
    // The raw value is an intrinsic, so this is really the resolver at work.
    expect(typeof notify.environment['WS_MANAGEMENT_URL']).toBe('object');
    const vars = resolver.environment(notify.environment, { apiBaseUrls });
    expect(vars['WS_MANAGEMENT_URL']).toBe(`${wsBase}/live`);
    expect(vars['TABLE_NAME']).toBe(model.tables[0]!.tableName);
    expect(vars['TENANT_ID']).toBe('demo');
    expect(JSON.parse(vars['TENANT_SETTINGS']!)).toMatchObject({ popupFields: ['fullName', 'email', 'company'] });
    expect(vars['TENANT_CONFIG']).toBeUndefined();
    // Without the local base URL it is the AWS endpoint of that API id.
    expect(resolver.resolve(notify.environment['WS_MANAGEMENT_URL'])).toBe('https://wsapi00001.execute-api.eu-central-1.amazonaws.com/live');
  });

  it('resolves EVENT_BUS_NAME to the bus name and EXPORT_URL to the local function URL', () => {
    const { resolver, apiBaseUrls, functionUrls } = resolverAndIds();
    const ingest = byPrefix(model.functions, 'PbxIngestIngestWebhook');
    expect(ingest.environment['EVENT_BUS_NAME']).toEqual({ Ref: model.buses[0]!.logicalId });
    const vars = resolver.environment(ingest.environment, { apiBaseUrls });
    expect(vars['EVENT_BUS_NAME']).toBe('ringdesk-demo');
    expect(vars['TABLE_NAME']).toBe(model.tables[0]!.tableName);
    const listCalls = byPrefix(model.functions, 'ReadApiListCalls');
    expect(resolver.environment(listCalls.environment, { apiBaseUrls })['EXPORT_URL']).toBe(functionUrls[model.functionUrls[0]!.logicalId]);
    // No function environment keeps an unresolved intrinsic.
    for (const f of model.functions) {
      for (const [k, v] of Object.entries(resolver.environment(f.environment, { apiBaseUrls }))) {
        expect(v, `${f.logicalId}.${k}`).not.toMatch(/\[object Object\]|"Ref"|Fn::/);
      }
    }
  });

  it('gives the DLQ of a rule target an SQS ARN', () => {
    const { resolver } = resolverAndIds();
    const tickets = byPrefix(model.rules, 'TicketsCallEndedRule');
    const dlq = tickets.targets[0]!.deadLetterQueueId!;
    expect(resolver.resolve({ 'Fn::GetAtt': [dlq, 'Arn'] })).toBe(`arn:aws:sqs:eu-central-1:111122223333:${stackName}-${dlq}`);
  });
});

describe('readAssembly and IntrinsicResolver on a hand-written template', () => {
  let dir: string;
  let small: AssemblyModel;
  let r: IntrinsicResolver;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ringdesk-assembly-'));
    mkdirSync(join(dir, 'asset.fn'));
    writeFileSync(join(dir, 'asset.fn', 'main.mjs'), 'export const run = async () => ({});\n');
    const template = {
      Resources: {
        Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'things', KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }] } },
        Unnamed: { Type: 'AWS::DynamoDB::Table', Properties: {} },
        Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'my-bus' } },
        Dlq: { Type: 'AWS::SQS::Queue', Properties: {} },
        Fn: {
          Type: 'AWS::Lambda::Function',
          Metadata: { 'aws:asset:path': 'asset.fn' },
          Properties: { Handler: 'main.run', Timeout: 7, MemorySize: 256, Environment: { Variables: { T: { Ref: 'Table' } } } },
        },
        Inline: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Code: { ZipFile: 'x' } } },
        Rule: {
          Type: 'AWS::Events::Rule',
          Properties: {
            EventBusName: { Ref: 'Bus' },
            EventPattern: { source: ['x'] },
            Targets: [{ Id: 'T0', Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } }],
          },
        },
        Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'HTTP' } },
      },
    };
    writeFileSync(join(dir, 'Small.template.json'), JSON.stringify(template));
    small = readAssembly(dir, 'Small');
    r = new IntrinsicResolver(small, { region: 'eu-west-1', accountId: '123456789012', stackName: 'Small' }, { Api: 'abcde12345' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads functions (asset only), tables, buses, queues and rules', () => {
    expect(small.functions).toEqual([
      { logicalId: 'Fn', functionName: 'Small-Fn', bundlePath: join(dir, 'asset.fn', 'main.mjs'), exportName: 'run', timeoutSeconds: 7, memoryMb: 256, environment: { T: { Ref: 'Table' } } },
    ]);
    expect(small.tables.map((t) => t.tableName)).toEqual(['things', 'Small-Unnamed']);
    expect(small.buses).toEqual([{ logicalId: 'Bus', name: 'my-bus' }]);
    expect(small.queues).toEqual([{ logicalId: 'Dlq', name: 'Small-Dlq' }]);
    expect(small.rules).toEqual([
      { logicalId: 'Rule', eventBusLogicalId: 'Bus', eventPattern: { source: ['x'] }, scheduleExpression: undefined, targets: [{ id: 'T0', functionId: 'Fn', deadLetterQueueId: 'Dlq' }] },
    ]);
  });

  it('Ref: resources and pseudo parameters', () => {
    expect(r.resolve({ Ref: 'Table' })).toBe('things');
    expect(r.resolve({ Ref: 'Bus' })).toBe('my-bus');
    expect(r.resolve({ Ref: 'Fn' })).toBe('Small-Fn');
    expect(r.resolve({ Ref: 'Api' })).toBe('abcde12345');
    expect(r.resolve({ Ref: 'Dlq' })).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/Small-Dlq');
    expect(r.resolve({ Ref: 'AWS::Region' })).toBe('eu-west-1');
    expect(r.resolve({ Ref: 'AWS::AccountId' })).toBe('123456789012');
    expect(r.resolve({ Ref: 'AWS::StackName' })).toBe('Small');
  });

  it('Fn::GetAtt Arn of a table, bus, function and queue (array and dotted forms)', () => {
    expect(r.resolve({ 'Fn::GetAtt': ['Table', 'Arn'] })).toBe('arn:aws:dynamodb:eu-west-1:123456789012:table/things');
    expect(r.resolve({ 'Fn::GetAtt': 'Bus.Arn' })).toBe('arn:aws:events:eu-west-1:123456789012:event-bus/my-bus');
    expect(r.resolve({ 'Fn::GetAtt': ['Fn', 'Arn'] })).toBe('arn:aws:lambda:eu-west-1:123456789012:function:Small-Fn');
    expect(r.resolve({ 'Fn::GetAtt': ['Dlq', 'Arn'] })).toBe('arn:aws:sqs:eu-west-1:123456789012:Small-Dlq');
    expect(r.resolve({ 'Fn::GetAtt': ['Api', 'ApiEndpoint'] })).toBe('https://abcde12345.execute-api.eu-west-1.amazonaws.com');
  });

  it('Fn::Join, Fn::Sub (plain, attribute, variable map, escaped), Fn::Select over Fn::Split', () => {
    expect(r.resolve({ 'Fn::Join': ['/', ['a', { Ref: 'Table' }, { 'Fn::GetAtt': ['Bus', 'Name'] }]] })).toBe('a/things/my-bus');
    expect(r.resolve({ 'Fn::Join': ['', []] })).toBe('');
    // biome-ignore-start lint/suspicious/noTemplateCurlyInString: Fn::Sub's own ${…} syntax, not a template literal
    expect(r.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${Table}' })).toBe('arn:aws:x:eu-west-1:123456789012:things');
    expect(r.resolve({ 'Fn::Sub': '${Fn.Arn}/live' })).toBe('arn:aws:lambda:eu-west-1:123456789012:function:Small-Fn/live');
    expect(r.resolve({ 'Fn::Sub': ['https://${Host}/${Table}', { Host: { 'Fn::Join': ['.', ['api', { Ref: 'AWS::URLSuffix' }]] } }] })).toBe('https://api.amazonaws.com/things');
    // `${!Literal}` is CloudFormation's escape: it renders as `${Literal}`.
    expect(r.resolve({ 'Fn::Sub': 'keep ${!Literal} and ${Table}' })).toBe('keep ${Literal} and things');
    // biome-ignore-end lint/suspicious/noTemplateCurlyInString: end of the Fn::Sub cases
    expect(r.resolve({ 'Fn::Select': [1, ['a', { Ref: 'Bus' }, 'c']] })).toBe('my-bus');
    expect(r.resolve({ 'Fn::Select': [2, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Table', 'Arn'] }] }] })).toBe('dynamodb');
    // Nested inside plain objects and arrays.
    expect(r.resolve({ list: [{ Ref: 'Table' }, 3], nested: { b: { Ref: 'Bus' } } })).toEqual({ list: ['things', 3], nested: { b: 'my-bus' } });
  });

  it('environment() rewrites only the URLs of local APIs', () => {
    const vars = r.environment(
      {
        URL: { 'Fn::Join': ['', ['https://', { Ref: 'Api' }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/prod/x']] },
        OTHER: 'https://zzzzz99999.execute-api.eu-west-1.amazonaws.com/prod',
        N: 5,
      },
      { apiBaseUrls: { abcde12345: 'http://127.0.0.1:9999' } },
    );
    expect(vars).toEqual({ URL: 'http://127.0.0.1:9999/prod/x', OTHER: 'https://zzzzz99999.execute-api.eu-west-1.amazonaws.com/prod', N: '5' });
  });

  it('fails clearly on a missing template or a missing bundle', () => {
    expect(() => readAssembly(dir, 'Nope')).toThrow(/no synthesized template .*Nope\.template\.json/);
    const broken = mkdtempSync(join(tmpdir(), 'ringdesk-assembly-broken-'));
    try {
      writeFileSync(
        join(broken, 'B.template.json'),
        JSON.stringify({ Resources: { Fn: { Type: 'AWS::Lambda::Function', Metadata: { 'aws:asset:path': 'asset.gone' }, Properties: { Handler: 'index.handler' } } } }),
      );
      expect(() => readAssembly(broken, 'B')).toThrow(/function Fn: no bundle index\.mjs/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
