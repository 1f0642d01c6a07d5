// The tenant stack as something to deploy and run on AWS: the console on S3 + CloudFront with its
// config.json, alarms to SNS, the dashboard, API throttling, the machine-token domain, the outputs a
// deploy guide names, and two tenants side by side. Synthesized without bundling (fast); the console
// build itself is exercised by bundleConsole.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { tenantConfigSchema, type TenantConfig } from '#shared/config.ts';
import { consumers } from '#shared/events/subscriptions.ts';
import { repoRoot } from '../../lib/app-function.ts';
import { bundleConsole } from '../../lib/features/console-hosting.ts';
import { RingdeskStack } from '../../lib/ringdesk-stack.ts';
import { triggers } from '../../triggers/index.ts';

type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, any> };
type Resources = Record<string, Resource>;

const demoJson = JSON.parse(readFileSync(path.join(repoRoot, 'config/tenants/demo.json'), 'utf8'));
const demoConfig = tenantConfigSchema.parse(demoJson);
// A second tenant with an alarm address, its own limits and fewer providers.
const acmeConfig = tenantConfigSchema.parse({
  ...demoJson,
  tenant: 'acme',
  providers: { mango: demoJson.providers.mango },
  operations: { alarmEmail: 'ops@acme.example', throttle: { http: { rateLimit: 20, burstLimit: 40 }, webSocket: { rateLimit: 5, burstLimit: 10 } } },
});

let outdir: string;
let demo: Template;
let acme: Template;
let demoStack: RingdeskStack;

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'ringdesk-ops-'));
  // Both tenants in one app: construct ids, assets and names must not collide.
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  demoStack = new RingdeskStack(app, 'Ringdesk-demo', { config: demoConfig });
  const acmeStack = new RingdeskStack(app, 'Ringdesk-acme', { config: acmeConfig });
  demo = Template.fromStack(demoStack);
  acme = Template.fromStack(acmeStack);
}, 120_000);

const resourcesOf = (t: Template) => t.toJSON().Resources as Resources;
const onlyOf = (t: Template, type: string): [string, Resource] => {
  const found = Object.entries(t.findResources(type) as Resources);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
const refId = (value: any): string => value?.Ref ?? value?.['Fn::GetAtt']?.[0];

describe('console hosting (S3 + CloudFront with OAC)', () => {
  it('the bucket is private, encrypted and refuses plain HTTP', () => {
    const [bucketId, bucket] = onlyOf(demo, 'AWS::S3::Bucket');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    const [, policy] = onlyOf(demo, 'AWS::S3::BucketPolicy');
    expect(refId(policy.Properties.Bucket)).toBe(bucketId);
    const statements = policy.Properties.PolicyDocument.Statement as any[];
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    // Only CloudFront, and only for this distribution (OAC's SourceArn condition).
    const [distributionId] = onlyOf(demo, 'AWS::CloudFront::Distribution');
    const allow = statements.filter((s) => s.Effect === 'Allow');
    expect(allow).toHaveLength(1);
    expect(allow[0]).toMatchObject({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' });
    expect(JSON.stringify(allow[0].Condition)).toContain(distributionId);
  });

  it('CloudFront reads it through origin access control (no OAI), HTTPS only, with the SPA fallback', () => {
    const [oacId, oac] = onlyOf(demo, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    demo.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    const [, distribution] = onlyOf(demo, 'AWS::CloudFront::Distribution');
    const cfg = distribution.Properties.DistributionConfig;
    expect(cfg.DefaultRootObject).toBe('index.html');
    expect(cfg.Origins).toHaveLength(1);
    expect(refId(cfg.Origins[0].OriginAccessControlId)).toBe(oacId);
    expect(cfg.Origins[0].S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(cfg.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(cfg.CustomErrorResponses).toEqual([
      { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
      { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
    ]);
  });

  it('the build and a generated config.json are deployed to the bucket, invalidating the distribution', () => {
    const [, deployment] = onlyOf(demo, 'Custom::CDKBucketDeployment');
    const [bucketId] = onlyOf(demo, 'AWS::S3::Bucket');
    const [distributionId] = onlyOf(demo, 'AWS::CloudFront::Distribution');
    expect(refId(deployment.Properties.DestinationBucketName)).toBe(bucketId);
    expect(refId(deployment.Properties.DistributionId)).toBe(distributionId);
    expect(deployment.Properties.DistributionPaths).toEqual(['/*']);
    expect(deployment.Properties.Prune).toBe(true);
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2); // the build, config.json
    expect(deployment.Properties.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
  });

  it('config.json has the ConsoleConfig shape: API and WebSocket URLs, tenant, locale, the Cognito login', () => {
    const resources = resourcesOf(demo);
    const [, deployment] = onlyOf(demo, 'Custom::CDKBucketDeployment');
    // The jsonData source is staged as a directory holding config.json, its deploy-time values as markers.
    const dir = (deployment.Properties.SourceObjectKeys as string[])
      .map((key) => path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`))
      .find((d) => existsSync(path.join(d, 'config.json')));
    expect(dir, 'staged config.json').toBeDefined();
    const text = readFileSync(path.join(dir!, 'config.json'), 'utf8');
    const markers = Object.assign({}, ...deployment.Properties.SourceMarkers) as Record<string, any>;
    // A marker stands for a JSON string the deployment writes (`"` + intrinsic + `"`): here, the intrinsic as text.
    const parsed = JSON.parse(text.replace(/<<marker:[^>]+>>/g, (m) => JSON.stringify(JSON.stringify(markers[m]))));
    const intrinsicOf = (v: string) => JSON.parse(v); // a marker's intrinsic, as JSON
    expect(Object.keys(parsed).sort()).toEqual(['apiUrl', 'auth', 'locale', 'tenant', 'wsUrl']);
    expect(parsed.tenant).toBe('demo');
    expect(parsed.locale).toBe(demoConfig.locale);
    expect(Object.keys(parsed.auth).sort()).toEqual(['clientId', 'mode', 'region', 'userPoolId']);
    expect(parsed.auth.mode).toBe('cognito');
    const poolId = refId(intrinsicOf(parsed.auth.userPoolId)['Fn::Join'][1][1]);
    expect(resources[poolId]?.Type).toBe('AWS::Cognito::UserPool');
    const [consoleClientId] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Cognito::UserPoolClient' && r.Properties.ClientName === 'console')!;
    expect(JSON.stringify(intrinsicOf(parsed.auth.clientId))).toContain(consoleClientId);
    expect(JSON.stringify(intrinsicOf(parsed.auth.region))).toContain('AWS::Region');
    const [httpApiId] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Api' && r.Properties.ProtocolType === 'HTTP')!;
    const [wsApiId] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Api' && r.Properties.ProtocolType === 'WEBSOCKET')!;
    expect(JSON.stringify(intrinsicOf(parsed.apiUrl))).toContain(httpApiId);
    expect(JSON.stringify(intrinsicOf(parsed.wsUrl))).toMatch(new RegExp(`wss://.*${wsApiId}.*/live`));
    // The same object the construct holds (typed as shared/console-config.ts ConsoleConfig).
    expect(demoStack.resolve(demoStack.consoleHosting.config.auth)).toEqual({
      mode: 'cognito',
      region: { Ref: 'AWS::Region' },
      userPoolId: { Ref: poolId },
      clientId: { Ref: consoleClientId },
    });
  });

  it('bundleConsole builds web/ into the asset directory on a clean tree (no web/dist needed), without the build manifest', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ringdesk-console-asset-'));
    bundleConsole(out, { forceBuild: true });
    expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('<script type="module"');
    expect(readdirSync(path.join(out, 'assets')).some((f) => f.endsWith('.js'))).toBe(true);
    expect(existsSync(path.join(out, '.vite'))).toBe(false);
  }, 120_000);
});

describe('alarms go to the tenant SNS topic', () => {
  it('every alarm notifies the one topic when it fires and when it clears', () => {
    for (const t of [demo, acme]) {
      const [topicId] = onlyOf(t, 'AWS::SNS::Topic');
      const alarms = Object.entries(t.findResources('AWS::CloudWatch::Alarm') as Resources);
      expect(alarms.length).toBe(Object.keys(t.findResources('AWS::SQS::Queue')).length); // one per dead-letter queue
      for (const [id, alarm] of alarms) {
        expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topicId }]);
        expect(alarm.Properties.OKActions, id).toEqual([{ Ref: topicId }]);
      }
    }
  });

  it('the topic refuses plain HTTP publishers', () => {
    const [topicId] = onlyOf(demo, 'AWS::SNS::Topic');
    const [, policy] = onlyOf(demo, 'AWS::SNS::TopicPolicy');
    expect(policy.Properties.Topics).toEqual([{ Ref: topicId }]);
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('operations.alarmEmail subscribes that address; without it nobody is subscribed', () => {
    const [topicId] = onlyOf(acme, 'AWS::SNS::Topic');
    acme.resourceCountIs('AWS::SNS::Subscription', 1);
    acme.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@acme.example', TopicArn: { Ref: topicId } });
    demo.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('a malformed alarm address is refused by the settings schema', () => {
    const result = tenantConfigSchema.safeParse({ ...demoJson, operations: { alarmEmail: 'not-an-address' } });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('alarmEmail');
  });
});

describe('dashboard', () => {
  /** The dashboard body with every intrinsic replaced by the logical id or pseudo parameter it names. */
  function dashboardOf(t: Template): { name: any; widgets: { properties: { title: string; metrics: any[][] } }[] } {
    const [, dashboard] = onlyOf(t, 'AWS::CloudWatch::Dashboard');
    const body = dashboard.Properties.DashboardBody;
    const text = typeof body === 'string' ? body : (body['Fn::Join'][1] as any[]).map((p) => (typeof p === 'string' ? p : `{${refId(p)}}`)).join('');
    return { name: dashboard.Properties.DashboardName, ...JSON.parse(text) };
  }
  const metricsIn = (w: { properties: { metrics: any[][] } }) => w.properties.metrics;
  /** `[namespace, metricName, dim, value, ...]` rows (expressions are `[{expression}]`). */
  const named = (rows: any[][], metricName: string) => rows.filter((r) => typeof r[0] === 'string' && r[1] === metricName);

  it('is named per tenant and region, and shows webhooks/s, pop-up latency, consumer errors, dead letters and throttles', () => {
    const { name, widgets } = dashboardOf(demo);
    expect(name).toEqual({ 'Fn::Join': ['', ['ringdesk-demo-', { Ref: 'AWS::Region' }]] });
    const titles = widgets.map((w) => w.properties.title);
    expect(titles).toEqual(['Webhooks per second', 'Pop-up latency, p95 (ms)', 'Consumer errors', 'Dead letters waiting', 'Lambda throttles', 'API client errors (throttled requests answer 429)']);
    // A graph holds at most 100 metrics and expressions.
    for (const w of widgets) expect(metricsIn(w).length, w.properties.title).toBeLessThanOrEqual(100);
  });

  it('webhooks/s is the WebhooksAccepted metric ingest-webhook emits, for this tenant only', () => {
    const { widgets } = dashboardOf(demo);
    const rows = metricsIn(widgets.find((w) => w.properties.title === 'Webhooks per second')!);
    expect(rows.some((r) => r[0]?.expression === 'w / PERIOD(w)')).toBe(true);
    const [metric] = named(rows, 'WebhooksAccepted');
    expect(metric?.slice(0, 6)).toEqual(['ringdesk', 'WebhooksAccepted', 'service', 'ringdesk', 'tenant', 'demo']);
    expect(readFileSync(path.join(repoRoot, 'functions/ingest-webhook.ts'), 'utf8')).toContain("addMetric('WebhooksAccepted'");
    // The tenant dimension comes from shared/adapters/metrics.ts.
    expect(readFileSync(path.join(repoRoot, 'shared/adapters/metrics.ts'), 'utf8')).toMatch(/defaultDimensions: \{ tenant \}/);
  });

  it('pop-up latency stacks ingest-webhook, the bus and notify-agents; errors, dead letters and throttles cover every consumer, queue and function', () => {
    const resources = resourcesOf(demo);
    const fnIdOf = (name: string) => Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['ringdesk:function'] === name)![0];
    const { widgets } = dashboardOf(demo);
    const byTitle = (t: string) => metricsIn(widgets.find((w) => w.properties.title === t)!);
    const latency = byTitle('Pop-up latency, p95 (ms)');
    expect(named(latency, 'Duration').map((r) => r[3])).toEqual([`{${fnIdOf('ingest-webhook')}}`, `{${fnIdOf('notify-agents')}}`]);
    const [busId] = onlyOf(demo, 'AWS::Events::EventBus');
    expect(named(latency, 'IngestionToInvocationStartLatency')[0]?.slice(0, 4)).toEqual(['AWS/Events', 'IngestionToInvocationStartLatency', 'EventBusName', `{${busId}}`]);

    const consumerNames = [...Object.keys(consumers), ...triggers.map((t) => t.name)];
    expect(named(byTitle('Consumer errors'), 'Errors').map((r) => r[3]).sort()).toEqual(consumerNames.map((n) => `{${fnIdOf(n)}}`).sort());
    const queues = Object.keys(demo.findResources('AWS::SQS::Queue'));
    expect(named(byTitle('Dead letters waiting'), 'ApproximateNumberOfMessagesVisible').map((r) => r[3]).sort()).toEqual(queues.map((q) => `{${q}}`).sort());
    const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['ringdesk:function']);
    expect(named(byTitle('Lambda throttles'), 'Throttles')).toHaveLength(functions.length);
  });
});

describe('API throttling', () => {
  const stageOf = (t: Template, stageName: string) =>
    Object.values(t.findResources('AWS::ApiGatewayV2::Stage') as Resources).find((s) => s.Properties.StageName === stageName)!.Properties;

  it('both API stages have default route limits (HTTP 100/s burst 200, WebSocket 50/s burst 100)', () => {
    expect(stageOf(demo, '$default').DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 });
    expect(stageOf(demo, 'live').DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
  });

  it('operations.throttle in the tenant settings sets them', () => {
    expect(stageOf(acme, '$default').DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    expect(stageOf(acme, 'live').DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
  });

  it('limits must be positive', () => {
    expect(tenantConfigSchema.safeParse({ ...demoJson, operations: { throttle: { http: { rateLimit: 0 } } } }).success).toBe(false);
  });
});

describe('machine tokens (client credentials)', () => {
  it('the user pool has a Cognito domain named by tenant and the stack\'s own id, and its token endpoint is an output', () => {
    const [poolId] = onlyOf(demo, 'AWS::Cognito::UserPool');
    const [domainId, domain] = onlyOf(demo, 'AWS::Cognito::UserPoolDomain');
    expect(domain.Properties.UserPoolId).toEqual({ Ref: poolId });
    const parts = domain.Properties.Domain['Fn::Join'][1];
    expect(parts[0]).toBe('ringdesk-demo-');
    expect(JSON.stringify(parts[1])).toContain('AWS::StackId');
    const endpoint = JSON.stringify(demo.toJSON().Outputs.MachineTokenEndpoint.Value);
    expect(endpoint).toContain(domainId);
    expect(endpoint).toContain('.amazoncognito.com/oauth2/token');
  });

  it('a tenant id with a word Cognito reserves still gives a valid prefix', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new RingdeskStack(app, 'Ringdesk-awsome', { config: { ...demoConfig, tenant: 'awsome' } as TenantConfig });
    const [, domain] = onlyOf(Template.fromStack(stack), 'AWS::Cognito::UserPoolDomain');
    expect(domain.Properties.Domain['Fn::Join'][1][0]).toBe('ringdesk-xome-');
  });
});

describe('outputs for the deploy guide', () => {
  it('console URL, WebSocket URL, user pool and console client, token endpoint, and a webhook URL per configured provider', () => {
    const outputs = demo.toJSON().Outputs as Record<string, { Value: any }>;
    const [distributionId] = onlyOf(demo, 'AWS::CloudFront::Distribution');
    expect(outputs.ConsoleUrl!.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] });
    for (const key of ['WebSocketUrl', 'UserPoolId', 'ConsoleClientId', 'MachineClientId', 'MachineTokenEndpoint', 'HttpUrl']) expect(outputs[key], key).toBeDefined();
    const providers = Object.keys(demoConfig.providers);
    expect(Object.keys(outputs).filter((k) => k.startsWith('WebhookUrl')).sort()).toEqual(providers.map((p) => `WebhookUrl${p[0]!.toUpperCase()}${p.slice(1)}`).sort());
    const [httpApiId] = Object.entries(resourcesOf(demo)).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Api' && r.Properties.ProtocolType === 'HTTP')!;
    expect(outputs.WebhookUrlMango!.Value).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [httpApiId, 'ApiEndpoint'] }, '/webhooks/demo/mango']] });
    // Only the configured providers; no provider secret in any output.
    expect(Object.keys(acme.toJSON().Outputs).filter((k) => k.startsWith('WebhookUrl'))).toEqual(['WebhookUrlMango']);
    const outputsText = JSON.stringify(outputs);
    for (const secret of [demoConfig.providers.zammad?.token, demoConfig.providers.mango?.apiSalt, demoConfig.authSecret]) {
      if (secret) expect(outputsText).not.toContain(secret);
    }
  });
});

describe('two tenants side by side', () => {
  // Names unique only inside a parent resource (a pool's groups and clients, a role's inline policy) or
  // references to another resource are not physical names of their own.
  const scoped = new Set([
    'AWS::ApiGatewayV2::Stage.StageName', 'AWS::ApiGatewayV2::Authorizer.Name', 'AWS::Cognito::UserPoolClient.ClientName', 'AWS::Cognito::UserPoolGroup.GroupName',
    'AWS::Cognito::UserPoolResourceServer.Name', 'AWS::IAM::Policy.PolicyName', 'AWS::CloudWatch::Alarm.MetricName', 'AWS::SNS::Topic.DisplayName',
  ]);
  /** type.property → [logical id, value] of every physical name the template sets (CloudFormation generates the rest). */
  function physicalNames(t: Template): [string, string, unknown][] {
    const names: [string, string, unknown][] = [];
    for (const [id, r] of Object.entries(resourcesOf(t))) {
      const candidates = Object.entries(r.Properties ?? {}).filter(([k]) => k === 'Name' || k === 'Domain' || k.endsWith('Name'));
      if (r.Type === 'AWS::CloudFront::OriginAccessControl') candidates.push(['OriginAccessControlConfig.Name', r.Properties.OriginAccessControlConfig.Name]);
      for (const [k, v] of candidates) {
        const isReference = typeof v === 'object' && v !== null && refId(v) !== undefined && Object.keys(v).length === 1;
        if (!scoped.has(`${r.Type}.${k}`) && !isReference) names.push([`${r.Type}.${k}`, id, v]);
      }
    }
    return names;
  }

  it('no physical resource name of one tenant equals the other\'s', () => {
    const demoNames = physicalNames(demo);
    const acmeNames = new Set(physicalNames(acme).map(([, , v]) => JSON.stringify(v)));
    // What the check covers (names set by the stack): the bus, the schedule group, the pool and its domain, the APIs, the dashboard, the OAC.
    const kinds = new Set(demoNames.map(([k]) => k));
    for (const kind of [
      'AWS::Events::EventBus.Name', 'AWS::Scheduler::ScheduleGroup.Name', 'AWS::Cognito::UserPool.UserPoolName', 'AWS::Cognito::UserPoolDomain.Domain',
      'AWS::ApiGatewayV2::Api.Name', 'AWS::CloudWatch::Dashboard.DashboardName', 'AWS::CloudFront::OriginAccessControl.OriginAccessControlConfig.Name',
    ]) {
      expect(kinds.has(kind), kind).toBe(true);
    }
    const collisions = demoNames.filter(([, , v]) => acmeNames.has(JSON.stringify(v)));
    expect(collisions).toEqual([]);
    // Tables, buckets, queues, topics, functions and log groups get names CloudFormation derives from the stack name.
    for (const type of ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::Lambda::Function', 'AWS::Logs::LogGroup']) {
      for (const [id, r] of Object.entries(demo.findResources(type) as Resources)) {
        const explicit = Object.keys(r.Properties ?? {}).filter((k) => /^(TableName|BucketName|QueueName|TopicName|FunctionName|LogGroupName)$/.test(k));
        expect(explicit, `${type} ${id}`).toEqual([]);
      }
    }
  });

  it('each stack names its resources after its own tenant', () => {
    demo.hasResourceProperties('AWS::Events::EventBus', { Name: 'ringdesk-demo' });
    acme.hasResourceProperties('AWS::Events::EventBus', { Name: 'ringdesk-acme' });
    acme.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'ringdesk-acme-tasks' });
    acme.hasResourceProperties('AWS::Cognito::UserPool', Match.objectLike({ UserPoolName: 'ringdesk-acme' }));
  });
});
