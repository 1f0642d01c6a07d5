// Reads the synthesized CloudFormation template (cdk.out) into what the local runtime serves.
// The CDK app stays the single source of truth: nothing here is a hand-kept list of routes or rules.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCors, type CorsConfig } from './gateway/cors.ts';

type Json = unknown;
export interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
  Metadata?: Record<string, Json>;
}
export interface Template {
  Resources: Record<string, Resource>;
}

export interface LocalEnvironment {
  region: string;
  accountId: string;
  stackName: string;
}

export interface TableModel {
  logicalId: string;
  tableName: string;
  properties: Record<string, Json>;
}
export interface FunctionModel {
  logicalId: string;
  functionName: string;
  bundlePath: string;
  exportName: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, Json>;
  /** The function's short name (`ringdesk:function` metadata, e.g. `notify-agents`), when the template has it. */
  shortName?: string;
}
/** A Lambda REQUEST authorizer (`AWS::ApiGatewayV2::Authorizer`) guarding a WebSocket `$connect` route. */
export interface AuthorizerModel {
  functionId: string;
  /** e.g. `route.request.querystring.token`, `route.request.header.Auth` */
  identitySource: string[];
}
export interface RouteModel {
  routeKey: string;
  functionId: string;
  /** Set on a WebSocket `$connect` route with `AuthorizationType: CUSTOM`; null otherwise. */
  authorizer: AuthorizerModel | null;
}
export interface ApiModel {
  logicalId: string;
  protocol: 'HTTP' | 'WEBSOCKET';
  routeSelectionExpression: string | null;
  stageName: string;
  routes: RouteModel[];
  /** `CorsConfiguration` of an HTTP API: the gateway answers preflights and sets the headers. */
  cors: CorsConfig | null;
}
export interface RuleModel {
  logicalId: string;
  eventBusLogicalId: string | null;
  eventPattern: Record<string, unknown> | undefined;
  scheduleExpression: string | undefined;
  targets: { id: string; functionId: string; deadLetterQueueId: string | null }[];
}
/** A Lambda Function URL (`AWS::Lambda::Url`): served locally on a port of its own. */
export interface FunctionUrlModel {
  logicalId: string;
  functionId: string;
  invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  cors: CorsConfig | null;
}
/** A Cognito user pool (`AWS::Cognito::UserPool`) with the clients, groups and resource servers that name it; properties as in the template, intrinsics unresolved. */
export interface UserPoolModel {
  logicalId: string;
  properties: Record<string, Json>;
  clients: { logicalId: string; properties: Record<string, Json> }[];
  groups: { logicalId: string; properties: Record<string, Json> }[];
  resourceServers: { logicalId: string; properties: Record<string, Json> }[];
}
export interface AssemblyModel {
  template: Template;
  stackName: string;
  tables: TableModel[];
  functions: FunctionModel[];
  apis: ApiModel[];
  buses: { logicalId: string; name: string }[];
  rules: RuleModel[];
  queues: { logicalId: string; name: string }[];
  functionUrls: FunctionUrlModel[];
  userPools: UserPoolModel[];
}

const refOf = (v: Json): string | null => (v && typeof v === 'object' && 'Ref' in v ? String((v as { Ref: string }).Ref) : null);
const getAttOf = (v: Json): string | null => {
  if (v && typeof v === 'object' && 'Fn::GetAtt' in v) {
    const g = (v as { 'Fn::GetAtt': [string, string] | string })['Fn::GetAtt'];
    return Array.isArray(g) ? g[0] : g.split('.')[0] ?? null;
  }
  return null;
};
/** Finds the first logical id referenced anywhere inside an intrinsic (`integrations/${Ref}` joins etc.). */
function referencedIds(v: Json, out: string[] = []): string[] {
  const r = refOf(v) ?? getAttOf(v);
  if (r) out.push(r);
  else if (Array.isArray(v)) for (const x of v) referencedIds(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) referencedIds(x, out);
  return out;
}

export function readAssembly(outDir: string, stackName: string): AssemblyModel {
  const file = join(outDir, `${stackName}.template.json`);
  if (!existsSync(file)) throw new Error(`no synthesized template at ${file}: run \`npm run synth\` first`);
  const template = JSON.parse(readFileSync(file, 'utf8')) as Template;
  const entries = Object.entries(template.Resources);
  const ofType = (t: string) => entries.filter(([, r]) => r.Type === t);
  const props = (r: Resource) => r.Properties ?? {};

  const tables = ofType('AWS::DynamoDB::Table').map(([id, r]) => ({
    logicalId: id,
    tableName: (props(r)['TableName'] as string | undefined) ?? `${stackName}-${id}`,
    properties: props(r),
  }));

  const functions = ofType('AWS::Lambda::Function').flatMap(([id, r]) => {
    const asset = r.Metadata?.['aws:asset:path'] as string | undefined;
    const handler = String(props(r)['Handler'] ?? 'index.handler');
    if (!asset) return []; // inline CDK helper functions (custom resources) are not part of the app
    // Deploy-time helpers of the CDK in other languages (BucketDeployment's Python handler copying the
    // console to S3) are not part of the app either: locally the console server does their job.
    if (!String(props(r)['Runtime'] ?? 'nodejs').startsWith('nodejs')) return [];
    const [file, exportName = 'handler'] = handler.split(/\.(?=[^.]+$)/);
    const dir = join(outDir, asset);
    const bundlePath = ['.mjs', '.js', '.cjs'].map((ext) => join(dir, `${file}${ext}`)).find(existsSync);
    if (!bundlePath) throw new Error(`function ${id}: no bundle ${file}.mjs in ${dir}`);
    const env = ((props(r)['Environment'] as { Variables?: Record<string, Json> } | undefined)?.Variables ?? {}) as Record<string, Json>;
    return [
      {
        logicalId: id,
        functionName: (props(r)['FunctionName'] as string | undefined) ?? `${stackName}-${id}`,
        bundlePath,
        exportName,
        timeoutSeconds: Number(props(r)['Timeout'] ?? 3),
        memoryMb: Number(props(r)['MemorySize'] ?? 128),
        environment: env,
        // lib/app-function.ts FUNCTION_NAME_METADATA (not imported: the runtime does not load the CDK)
        ...(typeof r.Metadata?.['ringdesk:function'] === 'string' ? { shortName: r.Metadata['ringdesk:function'] } : {}),
      },
    ];
  });
  const functionIds = new Set(functions.map((f) => f.logicalId));
  const functionOf = (v: Json) => referencedIds(v).find((x) => functionIds.has(x)) ?? null;

  const integrations = new Map(ofType('AWS::ApiGatewayV2::Integration').map(([id, r]) => [id, functionOf(props(r)['IntegrationUri'])]));
  const authorizers = new Map(ofType('AWS::ApiGatewayV2::Authorizer').map(([id, r]) => [id, props(r)]));
  /** The authorizer of a route, failing closed: a CUSTOM route whose authorizer cannot be run locally is an error. */
  const authorizerOf = (protocol: unknown, rt: Record<string, Json>): AuthorizerModel | null => {
    if (rt['AuthorizationType'] !== 'CUSTOM') return null;
    const where = `route ${String(rt['RouteKey'])}`;
    if (protocol !== 'WEBSOCKET' || rt['RouteKey'] !== '$connect') {
      throw new Error(`${where}: CUSTOM authorization is only supported on a WebSocket $connect route locally`);
    }
    const authorizerId = refOf(rt['AuthorizerId']);
    const a = authorizerId ? authorizers.get(authorizerId) : undefined;
    if (!a) throw new Error(`${where}: AuthorizerId ${JSON.stringify(rt['AuthorizerId'])} is not an AWS::ApiGatewayV2::Authorizer of the template`);
    if (a['AuthorizerType'] !== 'REQUEST') throw new Error(`${where}: authorizer ${authorizerId} has type ${String(a['AuthorizerType'])}, only REQUEST is supported`);
    const functionId = functionOf(a['AuthorizerUri']);
    if (!functionId) throw new Error(`${where}: authorizer ${authorizerId} does not invoke an app function`);
    const identitySource = a['IdentitySource'];
    if (!Array.isArray(identitySource) || !identitySource.every((x): x is string => typeof x === 'string')) {
      throw new Error(`${where}: authorizer ${authorizerId} has no IdentitySource list`);
    }
    return { functionId, identitySource };
  };
  const stages = ofType('AWS::ApiGatewayV2::Stage');
  const routes = ofType('AWS::ApiGatewayV2::Route');
  const apis: ApiModel[] = ofType('AWS::ApiGatewayV2::Api').map(([id, r]) => {
    const stage = stages.find(([, s]) => refOf(props(s)['ApiId']) === id);
    return {
      logicalId: id,
      protocol: props(r)['ProtocolType'] as 'HTTP' | 'WEBSOCKET',
      routeSelectionExpression: (props(r)['RouteSelectionExpression'] as string | undefined) ?? null,
      stageName: stage ? String(props(stage[1])['StageName']) : '$default',
      cors: parseCors(props(r)['CorsConfiguration'] as Record<string, Json> | undefined),
      routes: routes
        .filter(([, rt]) => refOf(props(rt)['ApiId']) === id)
        .flatMap(([, rt]) => {
          const integrationId = referencedIds(props(rt)['Target']).find((x) => integrations.has(x));
          const functionId = integrationId ? integrations.get(integrationId) : null;
          if (!functionId) return [];
          return [{ routeKey: String(props(rt)['RouteKey']), functionId, authorizer: authorizerOf(props(r)['ProtocolType'], props(rt)) }];
        }),
    };
  });

  const buses = ofType('AWS::Events::EventBus').map(([id, r]) => ({ logicalId: id, name: String(props(r)['Name']) }));
  const queues = ofType('AWS::SQS::Queue').map(([id, r]) => ({ logicalId: id, name: (props(r)['QueueName'] as string | undefined) ?? `${stackName}-${id}` }));
  const queueIds = new Set(queues.map((q) => q.logicalId));
  const rules = ofType('AWS::Events::Rule').map(([id, r]) => {
    const p = props(r);
    const targets = ((p['Targets'] as Record<string, Json>[] | undefined) ?? []).flatMap((t) => {
      const functionId = functionOf(t['Arn']);
      if (!functionId) return [];
      const dlq = referencedIds((t['DeadLetterConfig'] as Record<string, Json> | undefined)?.['Arn']).find((x) => queueIds.has(x)) ?? null;
      return [{ id: String(t['Id']), functionId, deadLetterQueueId: dlq }];
    });
    return {
      logicalId: id,
      eventBusLogicalId: refOf(p['EventBusName']) ?? getAttOf(p['EventBusName']),
      eventPattern: p['EventPattern'] as Record<string, unknown> | undefined,
      scheduleExpression: p['ScheduleExpression'] as string | undefined,
      targets,
    };
  });

  const functionUrls: FunctionUrlModel[] = ofType('AWS::Lambda::Url').map(([id, r]) => {
    const p = props(r);
    const where = `function URL ${id}`;
    const functionId = functionOf(p['TargetFunctionArn']);
    if (!functionId) throw new Error(`${where}: TargetFunctionArn does not name an app function of the template`);
    if (p['Qualifier'] !== undefined) throw new Error(`${where}: a Qualifier (alias) is not supported locally`);
    // Fail closed: an IAM-authorized URL would be served without SigV4 checks.
    if (p['AuthType'] !== 'NONE') throw new Error(`${where}: AuthType ${String(p['AuthType'])} is not supported locally (only NONE; the function authenticates)`);
    const mode = p['InvokeMode'] ?? 'BUFFERED';
    if (mode !== 'BUFFERED' && mode !== 'RESPONSE_STREAM') throw new Error(`${where}: unknown InvokeMode ${String(mode)}`);
    const cors = parseCors(p['Cors'] as Record<string, Json> | undefined);
    return { logicalId: id, functionId, invokeMode: mode, cors };
  });

  const ofPool = (t: string, poolId: string) =>
    ofType(t)
      .filter(([, r]) => refOf(props(r)['UserPoolId']) === poolId)
      .map(([id, r]) => ({ logicalId: id, properties: props(r) }));
  const userPools: UserPoolModel[] = ofType('AWS::Cognito::UserPool').map(([id, r]) => ({
    logicalId: id,
    properties: props(r),
    clients: ofPool('AWS::Cognito::UserPoolClient', id),
    groups: ofPool('AWS::Cognito::UserPoolGroup', id),
    resourceServers: ofPool('AWS::Cognito::UserPoolResourceServer', id),
  }));

  return { template, stackName, tables, functions, apis, buses, rules, queues, functionUrls, userPools };
}
