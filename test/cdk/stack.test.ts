// Template assertions on the synthesized tenant stack. The demo stack is built once (bundling
// every function takes a while); the tenant-context cases run bin/app.ts itself without bundling.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { secretValues, splitTenantConfig, tenantConfigSchema, tenantSecretName } from '#shared/config.ts';
import { consumers, patternFor } from '#shared/events/subscriptions.ts';
import { routeKeyOf } from '#shared/http/route-handler.ts';
import { allRoutes } from '#shared/http/routes/index.ts';
import { repoRoot } from '../../lib/app-function.ts';
import { RingdeskStack } from '../../lib/ringdesk-stack.ts';
import { triggers } from '../../triggers/index.ts';

type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, any> };
type Resources = Record<string, Resource>;

const demoConfig = tenantConfigSchema.parse(JSON.parse(readFileSync(path.join(repoRoot, 'config/tenants/demo.json'), 'utf8')));
// Every entry point under functions/, and every trigger listed in triggers/index.ts (R4), is exactly
// one function of the stack, and nothing else is.
const triggerNames = triggers.map((t) => t.name);
const functionNames = [
  ...readdirSync(path.join(repoRoot, 'functions'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, '')),
  ...triggerNames,
].sort();
const entryOf = (name: string): string => (triggerNames.includes(name) ? `triggers/${name}.ts` : `functions/${name}.ts`);

let outdir: string;
let stack: RingdeskStack;
let template: Template;
/** ringdesk function name → [logicalId, resource] */
let functions: Map<string, [string, Resource]>;

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'ringdesk-cdk-'));
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  stack = new RingdeskStack(app, 'Ringdesk-demo', { config: demoConfig });
  template = Template.fromStack(stack);
  functions = new Map(
    Object.entries(template.findResources('AWS::Lambda::Function') as Resources)
      .filter(([, r]) => r.Metadata?.['ringdesk:function']) // not the CDK's own handlers (the console's BucketDeployment)
      .map(([id, r]) => [r.Metadata?.['ringdesk:function'], [id, r]]),
  );
}, 240_000);

const logicalIdOf = (name: string): string => functions.get(name)![0];
const propsOf = (name: string): Record<string, any> => functions.get(name)![1].Properties;
const refId = (value: any): string => value?.Ref ?? value?.['Fn::GetAtt']?.[0];
/** Every logical id referenced (Ref / GetAtt) anywhere inside a property value. */
const refsIn = (value: any): string[] =>
  value && typeof value === 'object'
    ? [refId(value), ...Object.values(value).flatMap(refsIn)].filter((id): id is string => typeof id === 'string')
    : [];

describe('table', () => {
  it('is the single table with PK/SK, GSI1, GSI2, on-demand, PITR, TTL and retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const gsi = (n: string) => ({
      IndexName: n,
      KeySchema: [{ AttributeName: `${n}PK`, KeyType: 'HASH' }, { AttributeName: `${n}SK`, KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'ALL' },
    });
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
        GlobalSecondaryIndexes: [gsi('GSI1'), gsi('GSI2')],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    });
  });
});

describe('functions', () => {
  it('are exactly the entry points under functions/', () => {
    expect([...functions.keys()].sort()).toEqual(functionNames);
  });

  it('run pinned nodejs22.x on arm64 with the shared defaults', () => {
    // The sweeper walks batches of calls: it gets a minute, every request path keeps 10 s.
    const timeouts: Record<string, number> = { 'finalize-stale-calls': 60, 'run-triggers': 30, 'export-csv': 300 };
    for (const name of functionNames) {
      expect(propsOf(name), name).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Timeout: timeouts[name] ?? 10,
        MemorySize: 512,
        Handler: 'index.handler',
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'ringdesk' } },
      });
    }
  });

  it('never use NODEJS_LATEST', () => {
    const lambdas = stack.node.findAll().filter((c): c is LambdaFunction => c instanceof LambdaFunction);
    expect(lambdas.length).toBeGreaterThanOrEqual(functionNames.length);
    for (const fn of lambdas) expect(fn.runtime.isVariable, fn.node.path).toBe(false);
  });

  it('each have an async dead-letter queue and two async retries', () => {
    for (const name of functionNames) {
      const dlq = refId(propsOf(name).DeadLetterConfig?.TargetArn);
      expect(template.toJSON().Resources[dlq]?.Type, name).toBe('AWS::SQS::Queue');
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalIdOf(name) },
        MaximumRetryAttempts: 2,
      });
    }
  });

  it('log to their own log group kept for one month', () => {
    const groups = template.findResources('AWS::Logs::LogGroup') as Resources;
    for (const name of functionNames) {
      const group = groups[refId(propsOf(name).LoggingConfig?.LogGroup)];
      expect(group?.Properties.RetentionInDays, name).toBe(30);
    }
  });

  it('get env vars only for what they are bound to', () => {
    const bus = new Set(['ingest-webhook', 'create-call-ticket', 'finalize-stale-calls', 'rebuild-call', 'act-on-call', 'act-on-ticket', 'run-triggers']);
    const ws = new Set(['notify-agents', 'ws-default', 'manage-employees', 'act-on-call', 'act-on-ticket', 'run-triggers', 'fire-task', ...triggers.filter((t) => t.webSocket).map((t) => t.name)]);
    // Create/delete callback-task schedules (shared/services/tasks.ts).
    const scheduler = new Set(['manage-tasks', 'cancel-callback-tasks', 'run-triggers', 'ws-connect', ...triggers.filter((t) => t.scheduler).map((t) => t.name)]);
    const noTable = new Set(['get-openapi']);
    // Provider credentials (webhooks, click-to-call, rebuild), the export/cursor key, the outbound signing key.
    const secretReaders = new Set(['ingest-webhook', 'rebuild-call', 'act-on-ticket', 'export-csv', 'list-calls', 'get-call-report', 'get-helpdesk-report', 'run-triggers', 'manage-rules']);
    // The public API document needs no tenant settings (and so holds no secret).
    const noTenant = new Set(['get-openapi']);
    const [tableId] = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    const [busId] = Object.keys(template.findResources('AWS::Events::EventBus'));
    for (const name of functionNames) {
      const env = propsOf(name).Environment.Variables;
      expect(env.TABLE_NAME, name).toEqual(noTable.has(name) ? undefined : { Ref: tableId });
      expect(env.TENANT_ID, name).toBe(noTenant.has(name) ? undefined : 'demo');
      // The settings the tenant file seeds; its secrets only by the secret's name, where bound.
      if (!noTenant.has(name)) expect(JSON.parse(env.TENANT_SETTINGS), name).toEqual(splitTenantConfig(demoConfig).settings);
      expect(env.TENANT_CONFIG, name).toBeUndefined();
      expect(env.TENANT_SECRET_NAME, name).toBe(secretReaders.has(name) ? 'ringdesk/demo/secrets' : undefined);
      expect(env.EVENT_BUS_NAME, name).toEqual(bus.has(name) ? { Ref: busId } : undefined);
      expect(env.WS_MANAGEMENT_URL !== undefined, name).toBe(ws.has(name));
      for (const v of ['SCHEDULER_GROUP_NAME', 'SCHEDULER_ROLE_ARN', 'TASK_TARGET_ARN', 'TASK_TARGET_DLQ_ARN']) expect(env[v] !== undefined, `${name} ${v}`).toBe(scheduler.has(name));
    }
  });

  it('read-only functions cannot write the table', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy') as Resources);
    for (const name of ['list-calls', 'get-call', 'list-tickets', 'get-ticket', 'lookup-caller', 'get-call-report', 'get-helpdesk-report']) {
      const role = refId(propsOf(name).Role);
      const policy = policies.find((p) => p.Properties.Roles.some((r: any) => r.Ref === role));
      const actions = policy!.Properties.PolicyDocument.Statement.flatMap((s: any) => s.Action);
      expect(actions, name).toContain('dynamodb:Query');
      expect(actions, name).not.toContain('dynamodb:PutItem');
    }
  });

  it('carry the asset path of a bundled ESM handler (the local runtime loads it)', () => {
    for (const name of functionNames) {
      const metadata = functions.get(name)![1].Metadata!;
      expect(metadata['ringdesk:entry']).toBe(entryOf(name));
      expect(metadata['aws:asset:is-bundled'], name).toBe(true);
      const bundle = readFileSync(path.join(outdir, metadata['aws:asset:path'], 'index.mjs'), 'utf8');
      expect(bundle.startsWith("import { createRequire } from 'node:module'"), name).toBe(true);
      expect(existsSync(path.join(outdir, metadata['aws:asset:path'], 'index.mjs.map')), name).toBe(true);
    }
  });
});

describe('event rules', () => {
  /** What CloudFormation shows for a CDK pattern (`detailType` is written `detail-type`). */
  const synthesized = ({ detailType, ...rest }: Record<string, unknown>) => ({ ...rest, ...(detailType ? { 'detail-type': detailType } : {}) });
  // Each consumer's rule comes from the same constant its eventHandler accepts (shared/events/subscriptions.ts).
  const patterns: Record<string, Record<string, unknown>> = {
    ...Object.fromEntries(Object.entries(consumers).map(([name, defs]) => [name, synthesized(patternFor(defs))])),
    ...Object.fromEntries(triggers.map((t) => [t.name, synthesized(t.pattern as Record<string, unknown>)])),
  };

  it('route the tenant bus to their functions with exact patterns', () => {
    const [busId] = Object.keys(template.findResources('AWS::Events::EventBus'));
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'ringdesk-demo' });
    template.resourceCountIs('AWS::Events::Rule', Object.keys(patterns).length + 1);
    for (const [name, pattern] of Object.entries(patterns)) {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: busId },
        EventPattern: pattern,
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(name), 'Arn'] } })],
      });
    }
  });

  it('every rule on the tenant bus targets a function listed in consumers or triggers, with exactly that pattern', () => {
    const [busId] = Object.keys(template.findResources('AWS::Events::EventBus'));
    const byLogicalId = new Map([...functions].map(([name, [id]]) => [id, name]));
    const rules = Object.values(template.findResources('AWS::Events::Rule') as Resources).filter((r) => r.Properties.EventBusName?.Ref === busId);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      for (const target of rule.Properties.Targets) {
        const name = byLogicalId.get(refId(target.Arn));
        expect(name !== undefined && name in patterns, `rule targeting ${name}: not in shared/events/subscriptions.ts nor triggers/index.ts`).toBe(true);
        expect(rule.Properties.EventPattern, name).toEqual(patterns[name!]);
      }
    }
  });

  it('the sweeper runs every 5 minutes on the default bus', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      EventBusName: Match.absent(),
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf('finalize-stale-calls'), 'Arn'] } })],
    });
  });

  it('each target has a dead-letter queue and a 1 h / 8 attempts retry policy', () => {
    const resources = template.toJSON().Resources as Resources;
    for (const rule of Object.values(template.findResources('AWS::Events::Rule') as Resources)) {
      for (const target of rule.Properties.Targets) {
        expect(resources[refId(target.DeadLetterConfig?.Arn)]?.Type).toBe('AWS::SQS::Queue');
        expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 8 });
      }
    }
  });

  it('every dead-letter queue has an alarm on visible messages > 0', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm') as Resources);
    const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
    // Per function (async), per rule, the sweeper's rule and the callback-task schedules' target.
    expect(queues.length).toBe(functionNames.length + Object.keys(patterns).length + 1 + 1);
    for (const queue of queues) {
      const alarm = alarms.find((a) => a.Properties.Dimensions?.some((d: any) => refId(d.Value) === queue));
      expect(alarm?.Properties, queue).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });
});

describe('callback tasks (R2, N6)', () => {
  it('have a schedule group, a role Scheduler assumes to invoke fire-task, and a schedule DLQ it may send to', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'ringdesk-demo-tasks' });
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })]) } },
    }) as Resources;
    const [roleId] = Object.keys(roles);
    expect(roleId).toBeDefined();
    const policies = Object.values(template.findResources('AWS::IAM::Policy') as Resources).filter((p) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const fireTask = logicalIdOf('fire-task');
    expect(statements.some((st: any) => [st.Action].flat().includes('lambda:InvokeFunction') && refsIn(st.Resource).includes(fireTask))).toBe(true);
    const dlqArn = propsOf('manage-tasks').Environment.Variables.TASK_TARGET_DLQ_ARN;
    expect(statements.some((st: any) => [st.Action].flat().includes('sqs:SendMessage') && refsIn(st.Resource).includes(refId(dlqArn)))).toBe(true);
    for (const name of ['manage-tasks', 'cancel-callback-tasks']) {
      const env = propsOf(name).Environment.Variables;
      expect(refId(env.SCHEDULER_ROLE_ARN), name).toBe(roleId);
      expect(refId(env.TASK_TARGET_ARN), name).toBe(fireTask);
      expect(template.toJSON().Resources[refId(env.TASK_TARGET_DLQ_ARN)]?.Type, name).toBe('AWS::SQS::Queue');
      const role = refId(propsOf(name).Role);
      const actions = Object.values(template.findResources('AWS::IAM::Policy') as Resources)
        .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === role))
        .flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((st: any) => [st.Action].flat()));
      expect(actions, name).toEqual(expect.arrayContaining(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'iam:PassRole']));
    }
  });
});

describe('trigger Lambdas (R4)', () => {
  it('each trigger in triggers/index.ts has its function, a rule on the tenant bus with its pattern, and a DLQ', () => {
    expect(triggers.length).toBeGreaterThan(0);
    const [busId] = Object.keys(template.findResources('AWS::Events::EventBus'));
    const resources = template.toJSON().Resources as Resources;
    const rules = Object.values(template.findResources('AWS::Events::Rule') as Resources);
    for (const t of triggers) {
      expect(functions.has(t.name), t.name).toBe(true);
      expect(functions.get(t.name)![1].Metadata!['ringdesk:entry']).toBe(`triggers/${t.name}.ts`);
      const rule = rules.find((r) => r.Properties.Targets.some((x: any) => refId(x.Arn) === logicalIdOf(t.name)));
      expect(rule, t.name).toBeDefined();
      expect(rule!.Properties.EventBusName).toEqual({ Ref: busId });
      const { detailType, ...rest } = t.pattern as Record<string, unknown>;
      expect(rule!.Properties.EventPattern).toEqual({ ...rest, ...(detailType ? { 'detail-type': detailType } : {}) });
      expect(resources[refId(rule!.Properties.Targets[0].DeadLetterConfig?.Arn)]?.Type, t.name).toBe('AWS::SQS::Queue');
    }
  });
});

describe('APIs', () => {
  /** route key → ringdesk function name, following Route → Integration → function ARN. */
  function routesOf(apiProtocol: 'HTTP' | 'WEBSOCKET'): Record<string, string> {
    const resources = template.toJSON().Resources as Resources;
    const [apiId] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Api' && r.Properties.ProtocolType === apiProtocol)!;
    const byLogicalId = new Map([...functions].map(([name, [id]]) => [id, name]));
    const routes: Record<string, string> = {};
    for (const route of Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.ApiId.Ref === apiId)) {
      const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref;
      const integration = resources[integrationId]!.Properties;
      routes[route.Properties.RouteKey] = refsIn(integration.IntegrationUri).map((id) => byLogicalId.get(id)).find(Boolean)!;
    }
    return routes;
  }

  it('HTTP routes have exact route keys and targets, payload 2.0', () => {
    expect(routesOf('HTTP')).toEqual({
      'POST /webhooks/{tenant}/{provider}': 'ingest-webhook',
      'GET /webhooks/{tenant}/{provider}': 'ingest-webhook',
      'POST /webhooks/{tenant}/{provider}/{path+}': 'ingest-webhook',
      'GET /webhooks/{tenant}/{provider}/{path+}': 'ingest-webhook',
      'POST /calls/{id}/rebuild': 'rebuild-call',
      'GET /calls': 'list-calls',
      'GET /calls/{id}': 'get-call',
      'GET /tickets': 'list-tickets',
      'GET /tickets/{id}': 'get-ticket',
      'GET /openapi.json': 'get-openapi',
      'POST /employees': 'manage-employees',
      'GET /employees': 'manage-employees',
      'GET /employees/{id}': 'manage-employees',
      'PATCH /employees/{id}': 'manage-employees',
      'POST /employees/{id}/deactivate': 'manage-employees',
      'POST /customers': 'manage-customers',
      'GET /customers': 'manage-customers',
      'GET /customers/{id}': 'manage-customers',
      'PATCH /customers/{id}': 'manage-customers',
      'POST /customers/{id}/merge': 'manage-customers',
      'POST /calls/{id}/customer': 'link-call-customer',
      'GET /lookup': 'lookup-caller',
      'GET /me/calls': 'lookup-caller',
      'POST /calls/{id}/ticket-draft': 'act-on-call',
      'POST /calls/{id}/ticket': 'act-on-call',
      'POST /calls/{id}/link': 'act-on-call',
      'POST /tickets/{id}/call': 'act-on-ticket',
      'PATCH /tickets/{id}': 'act-on-ticket',
      'POST /tickets/{id}/messages': 'act-on-ticket',
      'GET /rules': 'manage-rules',
      'POST /rules': 'manage-rules',
      'GET /rules/{id}': 'manage-rules',
      'PUT /rules/{id}': 'manage-rules',
      'DELETE /rules/{id}': 'manage-rules',
      'POST /rules/{id}/dry-run': 'manage-rules',
      'GET /settings': 'manage-rules',
      'PATCH /settings': 'manage-rules',
      'GET /tasks': 'manage-tasks',
      'POST /tasks': 'manage-tasks',
      'GET /reports/calls': 'get-call-report',
      'GET /reports/helpdesk': 'get-helpdesk-report',
    });
    template.allResourcesProperties('AWS::ApiGatewayV2::Integration', Match.objectLike({ IntegrationType: 'AWS_PROXY' }));
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { PayloadFormatVersion: '2.0' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({ AllowMethods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] }),
    });
  });

  it('WebSocket routes $connect/$disconnect/$default on stage live', () => {
    expect(routesOf('WEBSOCKET')).toEqual({ $connect: 'ws-connect', $disconnect: 'ws-disconnect', $default: 'ws-default' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'live', AutoDeploy: true });
  });

  it('WebSocket $connect is guarded by the ws-authorize Lambda REQUEST authorizer (?token=)', () => {
    const resources = template.toJSON().Resources as Resources;
    const authorizers = Object.entries(template.findResources('AWS::ApiGatewayV2::Authorizer') as Resources);
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0]!;
    const [wsApiId] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Api' && r.Properties.ProtocolType === 'WEBSOCKET')!;
    expect(authorizer.Properties).toMatchObject({
      ApiId: { Ref: wsApiId },
      AuthorizerType: 'REQUEST',
      IdentitySource: ['route.request.querystring.token'],
    });
    expect(refsIn(authorizer.Properties.AuthorizerUri)).toContain(logicalIdOf('ws-authorize'));
    const routes = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.ApiId.Ref === wsApiId);
    const connect = routes.find((r) => r.Properties.RouteKey === '$connect')!;
    expect(connect.Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
    // Only $connect can have an authorizer; the other routes run on the authorized connection.
    for (const r of routes.filter((x) => x !== connect)) expect(r.Properties.AuthorizationType ?? 'NONE', r.Properties.RouteKey).toBe('NONE');
    // API Gateway may invoke the authorizer function.
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [logicalIdOf('ws-authorize'), 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
  });

  it('outputs the endpoints and names', () => {
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual([
      'ConsoleClientId', 'ConsoleUrl', 'EventBusName', 'ExportUrl', 'HttpUrl', 'MachineClientId', 'MachineTokenEndpoint', 'TableName', 'UserPoolId', 'UserPoolIssuer',
      'WebSocketUrl', 'WebhookUrlMango', 'WebhookUrlMegafon', 'WebhookUrlRingdesk', 'WebhookUrlTwilio', 'WebhookUrlZadarma', 'WebhookUrlZammad', 'WsManagementUrl',
    ]);
  });

  it('S3: exactly the functions that check a bearer token are bound to the user pool (issuer and both clients)', () => {
    const [poolId] = Object.keys(template.findResources('AWS::Cognito::UserPool'));
    const clients = template.findResources('AWS::Cognito::UserPoolClient') as Resources;
    const clientId = (name: string) => Object.entries(clients).find(([, c]) => c.Properties.ClientName === name)![0];
    const http = routesOf('HTTP');
    const guarded = new Set(allRoutes.filter((r) => r.roles.length > 0).map((r) => http[routeKeyOf(r)]!));
    for (const name of ['ws-authorize', 'export-csv']) guarded.add(name);
    for (const name of functionNames) {
      const env = propsOf(name).Environment.Variables;
      if (!guarded.has(name)) {
        expect(Object.keys(env).filter((k) => k.startsWith('COGNITO_')), name).toEqual([]);
        continue;
      }
      expect(env.COGNITO_ISSUER, name).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [poolId, 'ProviderURL'] }]] });
      expect(env.COGNITO_USER_POOL_ID, name).toEqual({ Ref: poolId });
      expect(env.COGNITO_CONSOLE_CLIENT_ID, name).toEqual({ Ref: clientId('console') });
      expect(env.COGNITO_MACHINE_CLIENT_ID, name).toEqual({ Ref: clientId('integrations') });
    }
  });
});

describe('identity (S3)', () => {
  it('one user pool: email sign-in, no self sign-up, invitation with a temporary password, password policy, custom:employeeId, retained', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        UserPoolName: 'ringdesk-demo',
        UsernameAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
        AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true, InviteMessageTemplate: Match.objectLike({ EmailMessage: Match.stringLikeRegexp('\\{####\\}') }) }),
        Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: false, TemporaryPasswordValidityDays: 7 } },
        Schema: Match.arrayWith([Match.objectLike({ Name: 'employeeId', AttributeDataType: 'String', Mutable: true })]),
      }),
    });
  });

  it('the access levels are its groups', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup') as Resources).map((g) => [g.Properties.GroupName, g.Properties.Precedence]);
    expect(groups.sort()).toEqual([['admin', 1], ['agent', 3], ['analyst', 2]]);
  });

  it('the console client is public (no secret) with USER_PASSWORD_AUTH and refresh, and hides whether a user exists', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'console',
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AllowedOAuthFlows: Match.absent(),
    });
  });

  it('integrations get a confidential client with client credentials and only the ringdesk/read scope', () => {
    const [serverId] = Object.keys(template.findResources('AWS::Cognito::UserPoolResourceServer'));
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', { Identifier: 'ringdesk', Scopes: [Match.objectLike({ ScopeName: 'read' })] });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'integrations',
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [{ 'Fn::Join': ['', [{ Ref: serverId }, '/read']] }],
    });
  });
});

describe('tenant secrets', () => {
  /** Every file under `dir` (the template, the asset manifests, every bundled function). */
  const filesUnder = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = path.join(dir, f);
      return statSync(p).isDirectory() ? filesUnder(p) : [p];
    });

  it('S7: no secret of the tenant file is anywhere in the synthesized template or assets (cdk.out)', () => {
    const secrets = secretValues(splitTenantConfig(demoConfig).secrets);
    expect(secrets).toContain(demoConfig.authSecret);
    expect(secrets.length).toBeGreaterThanOrEqual(9);
    const files = filesUnder(outdir);
    expect(files.some((f) => f.endsWith('Ringdesk-demo.template.json'))).toBe(true);
    expect(files.filter((f) => f.endsWith('.mjs')).length).toBeGreaterThanOrEqual(functionNames.length);
    const leaks = files.flatMap((f) => {
      const text = readFileSync(f, 'latin1');
      return secrets.filter((secret) => text.includes(secret)).map((secret) => `${path.relative(outdir, f)} holds ${secret.slice(0, 4)}…`);
    });
    expect(leaks).toEqual([]);
  });

  it('S7: one secret per tenant, named after it, its signing key generated by Secrets Manager; readers get read access only', () => {
    const secrets = template.findResources('AWS::SecretsManager::Secret') as Resources;
    expect(Object.keys(secrets)).toHaveLength(1);
    const [secretId, secret] = Object.entries(secrets)[0]!;
    expect(secret.Properties.Name).toBe(tenantSecretName('demo'));
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(secret.Properties.GenerateSecretString).toMatchObject({ GenerateStringKey: 'authSecret', PasswordLength: 48 });
    const policies = Object.values(template.findResources('AWS::IAM::Policy') as Resources);
    const readers = policies.filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes(`"Ref":"${secretId}"`));
    for (const p of readers) {
      const actions = p.Properties.PolicyDocument.Statement.filter((st: any) => refsIn(st.Resource).includes(secretId)).flatMap((st: any) => [st.Action].flat());
      expect(actions.sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    }
    expect(readers.length).toBe(9);
  });
});

describe('bin/app.ts tenant selection', () => {
  /** Runs the CDK app as the CLI would (context via CDK_CONTEXT_JSON), without bundling. */
  function synthApp(context: Record<string, unknown>) {
    const out = mkdtempSync(path.join(tmpdir(), 'ringdesk-app-'));
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_OUTDIR: out,
        CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }),
      },
    });
    return { ...result, out };
  }

  it('tenant context changes the stack name, bus name and TENANT_ID', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ringdesk-tenant-')), 'acme.json');
    writeFileSync(file, JSON.stringify({ ...demoConfig, tenant: 'acme' }));
    const { status, stderr, out } = synthApp({ tenant: 'acme', tenantConfig: file });
    expect(stderr).not.toContain('ringdesk:');
    expect(status).toBe(0);
    const acme = Template.fromJSON(JSON.parse(readFileSync(path.join(out, 'Ringdesk-acme.template.json'), 'utf8')));
    acme.hasResourceProperties('AWS::Events::EventBus', { Name: 'ringdesk-acme' });
    acme.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TENANT_ID: 'acme' }) },
    });
  }, 60_000);

  it('explains how to create a missing tenant file', () => {
    const { status, stderr } = synthApp({ tenant: 'nobody' });
    expect(status).not.toBe(0);
    expect(stderr).toContain('cp config/tenants/demo.json config/tenants/nobody.json');
  }, 60_000);

  it('rejects a settings file for another tenant', () => {
    const { status, stderr } = synthApp({ tenant: 'acme', tenantConfig: path.join(repoRoot, 'config/tenants/demo.json') });
    expect(status).not.toBe(0);
    expect(stderr).toContain('is for tenant "demo"');
  }, 60_000);

  it('rejects settings with an unknown time zone, naming the field and the zone', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ringdesk-tenant-')), 'acme.json');
    writeFileSync(file, JSON.stringify({ ...demoConfig, tenant: 'acme', timeZone: 'Europe/Atlantis' }));
    const { status, stderr } = synthApp({ tenant: 'acme', tenantConfig: file });
    expect(status).not.toBe(0);
    expect(stderr).toContain('invalid tenant settings');
    expect(stderr).toContain('unknown time zone "Europe/Atlantis"');
    expect(stderr).toContain('at timeZone');
  }, 60_000);
});
