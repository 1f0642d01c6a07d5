// The local runtime: everything a deployed tenant stack is, on one machine, built from the cloud
// assembly. Functions run unmodified; only their SDK endpoints point at the local services.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { AssemblyModel, FunctionModel, UserPoolModel } from './cloud-assembly.ts';
import { readAssembly } from './cloud-assembly.ts';
import { createTables, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { startEventBus, type LocalEventBus } from './eventbridge/bus.ts';
import { startFunctionUrl } from './function-url-gateway.ts';
import { startHttpGateway, type HttpGateway } from './http-gateway.ts';
import { IntrinsicResolver } from './intrinsics.ts';
import { LocalFunction } from './lambda-pool.ts';
import type { LogSink } from './log-lines.ts';
import { startCognito, type LocalCognito, type UserPoolSeed } from './cognito/server.ts';
import { startScheduler, type LocalScheduler } from './scheduler/server.ts';
import { startSecretsManager, type LocalSecretsManager } from './secrets-manager/server.ts';
import { seedSecrets } from './secrets-manager/seed.ts';
import { startWsGateway, type WsGateway } from './ws-gateway.ts';

export interface RuntimeOptions {
  outDir: string;
  stackName: string;
  httpPort: number;
  wsPort: number;
  eventsPort?: number;
  /** Port of the first Lambda Function URL, the next ones counting up (default 0: any free port each). */
  functionUrlPort?: number;
  /** Port of the local EventBridge Scheduler (default: any free port). */
  schedulerPort?: number;
  /** The scheduler's clock (e.g. shifted forward in tests); default the wall clock. */
  schedulerClock?: () => Date;
  /** Port of the local Cognito (default: any free port). */
  cognitoPort?: number;
  /** The local Cognito's clock (token times; e.g. shifted back in tests to mint an expired token); default the wall clock. */
  cognitoClock?: () => Date;
  /** Port of the local Secrets Manager (default: any free port). */
  secretsPort?: number;
  /**
   * Values of the template's secrets by name, used when the local Secrets Manager does not hold the
   * secret yet (the tenant file's secrets); a secret without one gets its generated value, as on AWS.
   */
  secretValues?: Record<string, string>;
  /** Fire due one-time schedules on a timer (default true); tests may set false and call `scheduler.fireDue(now)`. */
  schedulerAutoFire?: boolean;
  persistDir?: string;
  region?: string;
  accountId?: string;
  /** Lambda async retry delays of bus deliveries (shortened in tests). */
  retryDelaysMs?: number[];
  /** Overrides POWERTOOLS_LOG_LEVEL of every function (e.g. WARN in tests). */
  logLevel?: string;
  /** Turns EMF metric output of the functions off (tests, benchmarks). */
  metricsDisabled?: boolean;
  /** Where function log lines go (default: the process's stdout/stderr). */
  functionOutput?: LogSink;
  maxConcurrency?: number;
  chaos?: { duplicate?: boolean; shuffle?: boolean };
}

export interface LocalRuntime {
  model: AssemblyModel;
  httpUrl: string;
  wsUrl: string;
  wsManagementUrl: string;
  eventsUrl: string;
  eventBusName: string;
  /** Lambda Function URLs by the function's short name (e.g. `export-csv`), each `http://127.0.0.1:{port}/`. */
  functionUrls: Record<string, string>;
  dynamodbUrl: string;
  tableName: string;
  region: string;
  dynamo: DynamoDbLocal;
  bus: LocalEventBus;
  /** Local EventBridge Scheduler (`AWS_ENDPOINT_URL_SCHEDULER`); `fireDue(now)` fires what is due. */
  scheduler: LocalScheduler;
  schedulerUrl: string;
  /** Local Cognito (`AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`) serving the template's user pools. */
  cognito: LocalCognito;
  /** Local Secrets Manager (`AWS_ENDPOINT_URL_SECRETS_MANAGER`) holding the template's secrets. */
  secretsManager: LocalSecretsManager;
  /** The template's user pools with their local ids, and their app clients by `ClientName`. */
  userPools: LocalUserPool[];
  functions: Map<string, LocalFunction>;
  /** Environment every function gets on top of its own (SDK endpoints, region, credentials). */
  awsEnv: Record<string, string>;
  outDir: string;
  stackName: string;
  /** A new (not yet warm) sandbox pool for `f` of `from` (default: the started model), wired to this runtime's services. */
  createFunction(f: FunctionModel, from?: AssemblyModel): LocalFunction;
  /**
   * Resolves once the pipeline has settled: no event pending or retrying on the bus and no
   * invocation in flight, still true after a macrotask (a finishing function may publish the next
   * event). Tests compare two reads only after this, never after a sleep.
   */
  settled(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalUserPool {
  logicalId: string;
  id: string;
  clients: Record<string, string>;
}

/** Stable AWS-like ids (`{region}_` and 9 alphanumerics for a pool, 26 lowercase alphanumerics for a client). */
function cognitoIdsFor(stackName: string, region: string, pools: UserPoolModel[]): Record<string, string> {
  const hash = (id: string) => createHash('sha256').update(`${stackName}/${id}/cognito`).digest('base64').replace(/[^A-Za-z0-9]/g, '');
  const ids: Record<string, string> = {};
  for (const p of pools) {
    ids[p.logicalId] = `${region}_${hash(p.logicalId).slice(0, 9)}`;
    for (const c of p.clients) ids[c.logicalId] = createHash('sha256').update(`${stackName}/${c.logicalId}/cognito`).digest('hex').slice(0, 26);
  }
  return ids;
}

/** CloudFormation properties → the stand-in's CreateUserPool / CreateUserPoolClient / CreateGroup / CreateResourceServer fields. */
function userPoolSeed(p: UserPoolModel, ids: Record<string, string>, resolve: (v: unknown) => unknown, stackName: string): UserPoolSeed {
  const fields = (props: Record<string, unknown>) => {
    const { UserPoolId: _pool, ...rest } = resolve(props) as Record<string, unknown>;
    return rest;
  };
  const { UserPoolName, ...pool } = fields(p.properties);
  return {
    ...pool,
    Id: ids[p.logicalId]!,
    PoolName: typeof UserPoolName === 'string' ? UserPoolName : `${stackName}-${p.logicalId}`,
    ResourceServers: p.resourceServers.map((r) => fields(r.properties) as NonNullable<UserPoolSeed['ResourceServers']>[number]),
    Clients: p.clients.map((c) => ({ ...(fields(c.properties) as { ClientName: string }), ClientId: ids[c.logicalId]! })),
    Groups: p.groups.map((g) => fields(g.properties) as NonNullable<UserPoolSeed['Groups']>[number]),
  };
}

/** Function URL ids look like AWS's (32 lowercase alphanumerics) and stay stable across restarts. */
function urlIdFor(stackName: string, logicalId: string): string {
  return createHash('sha256').update(`${stackName}/${logicalId}/url`).digest('base64').toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 32);
}

/** API ids look like AWS's (10 lowercase alphanumerics) and stay stable across restarts. */
function apiIdFor(stackName: string, logicalId: string): string {
  return createHash('sha256').update(`${stackName}/${logicalId}`).digest('hex').replace(/[^a-z0-9]/g, '').slice(0, 10);
}

export async function startLocalRuntime(opts: RuntimeOptions): Promise<LocalRuntime> {
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '000000000000';
  const model = readAssembly(opts.outDir, opts.stackName);
  const httpApi = model.apis.find((a) => a.protocol === 'HTTP');
  const wsApi = model.apis.find((a) => a.protocol === 'WEBSOCKET');
  const table = model.tables[0];
  const busModel = model.buses[0];
  if (!httpApi || !wsApi || !table || !busModel) throw new Error(`${opts.stackName}: the template needs an HTTP API, a WebSocket API, a table and an event bus`);
  const apiIds = Object.fromEntries(model.apis.map((a) => [a.logicalId, apiIdFor(opts.stackName, a.logicalId)]));
  const httpApiId = apiIdFor(opts.stackName, httpApi.logicalId);
  const wsApiId = apiIdFor(opts.stackName, wsApi.logicalId);
  // Filled once the Function URLs listen, before any function (whose environment may name one) starts.
  const localFunctionUrls: Record<string, string> = {};
  const cognitoIds = cognitoIdsFor(opts.stackName, region, model.userPools);
  const resolver = new IntrinsicResolver(model, { region, accountId, stackName: opts.stackName }, apiIds, localFunctionUrls, cognitoIds);

  const started: { close(): Promise<void> }[] = [];
  const functions = new Map<string, LocalFunction>();
  const fn = (id: string) => {
    const f = functions.get(id);
    if (!f) throw new Error(`function ${id} is not running`);
    return f;
  };
  try {
    const dynamo = await startDynamoDbLocal({ ...(opts.persistDir ? { persistDir: opts.persistDir } : {}) });
    started.push({ close: () => dynamo.stop() });
    await createTables(dynamo.directEndpoint, model.tables);
    // Closed in reverse: gateways first (their $disconnect calls still reach live functions), DynamoDB last.
    started.push({ close: async () => void (await Promise.all([...functions.values()].map((f) => f.close()))) });

    const cognito = await startCognito({
      port: opts.cognitoPort ?? 0,
      region,
      account: accountId,
      pools: model.userPools.map((p) => userPoolSeed(p, cognitoIds, (v) => resolver.resolve(v), opts.stackName)),
      ...(opts.persistDir ? { stateFile: join(opts.persistDir, 'cognito.json') } : {}),
      ...(opts.cognitoClock ? { clock: opts.cognitoClock } : {}),
    });
    started.push(cognito);
    const userPools: LocalUserPool[] = model.userPools.map((p) => ({
      logicalId: p.logicalId,
      id: cognitoIds[p.logicalId]!,
      clients: Object.fromEntries(p.clients.map((c) => [String(c.properties['ClientName'] ?? c.logicalId), cognitoIds[c.logicalId]!])),
    }));

    // Before any function starts: a function that needs the tenant's secret reads it at cold start.
    const secretsManager = await startSecretsManager({
      port: opts.secretsPort ?? 0,
      region,
      account: accountId,
      ...(opts.persistDir ? { stateFile: join(opts.persistDir, 'secrets.json') } : {}),
    });
    started.push(secretsManager);
    await seedSecrets(model.template, { endpoint: secretsManager.url, region, values: opts.secretValues ?? {} });

    const busNames = Object.fromEntries(model.buses.map((b) => [b.logicalId, b.name]));
    const bus = await startEventBus({
      port: opts.eventsPort ?? 0,
      region,
      account: accountId,
      buses: model.buses.map((b) => b.name),
      ...(opts.retryDelaysMs ? { retryDelaysMs: opts.retryDelaysMs } : {}),
      ...(opts.persistDir ? { deadLetterDir: opts.persistDir } : {}),
      ...(opts.chaos ? { chaos: opts.chaos } : {}),
      rules: model.rules.map((r) => ({
        name: r.logicalId,
        eventBusName: (r.eventBusLogicalId && busNames[r.eventBusLogicalId]) || 'default',
        ...(r.eventPattern ? { eventPattern: r.eventPattern } : {}),
        ...(r.scheduleExpression ? { scheduleExpression: r.scheduleExpression } : {}),
        targets: r.targets.map((t) => ({
          id: t.id,
          arn: `arn:aws:lambda:${region}:${accountId}:function:${t.functionId}`,
          invoke: async (event) => void (await fn(t.functionId).invoke(event)),
          ...(t.deadLetterQueueId ? { deadLetterArn: String(resolver.resolve({ 'Fn::GetAtt': [t.deadLetterQueueId, 'Arn'] })) } : {}),
        })),
      })),
    });
    started.push(bus);

    // Scheduler targets name functions by ARN (`Fn::GetAtt [fn, Arn]` → function name); the
    // logical id is accepted too, as the bus does.
    const functionByName = new Map(model.functions.flatMap((f) => [[f.functionName, f.logicalId], [f.logicalId, f.logicalId]] as [string, string][]));
    const scheduler = await startScheduler({
      port: opts.schedulerPort ?? 0,
      region,
      account: accountId,
      groups: Object.values(model.template.Resources)
        .filter((r) => r.Type === 'AWS::Scheduler::ScheduleGroup' && typeof r.Properties?.['Name'] === 'string')
        .map((r) => String(r.Properties?.['Name'])),
      resolveTarget: (arn) => {
        const m = /^arn:aws:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(arn);
        const id = m?.[1] ? functionByName.get(m[1]) : undefined;
        return id ? (payload) => fn(id).invoke(payload) : undefined;
      },
      ...(opts.retryDelaysMs ? { retryDelaysMs: opts.retryDelaysMs } : {}),
      ...(opts.persistDir ? { deadLetterDir: opts.persistDir } : {}),
      ...(opts.schedulerClock ? { clock: opts.schedulerClock } : {}),
      ...(opts.schedulerAutoFire !== undefined ? { autoFire: opts.schedulerAutoFire } : {}),
    });
    started.push(scheduler);

    const ws: WsGateway = await startWsGateway({
      port: opts.wsPort,
      apiId: wsApiId,
      region,
      accountId,
      stage: wsApi.stageName,
      routeSelectionExpression: wsApi.routeSelectionExpression ?? '$request.body.action',
      routes: wsApi.routes.map(({ routeKey, functionId, authorizer }) => ({
        routeKey,
        invoke: (event) => fn(functionId).invoke(event),
        // $connect's Lambda REQUEST authorizer from the template, run before the route as on AWS.
        ...(authorizer ? { authorizer: { identitySource: authorizer.identitySource, invoke: (event: unknown) => fn(authorizer.functionId).invoke(event) } } : {}),
      })),
    });
    started.push(ws);
    const http: HttpGateway = await startHttpGateway({
      port: opts.httpPort,
      apiId: httpApiId,
      region,
      accountId,
      stage: httpApi.stageName,
      cors: httpApi.cors,
      routes: httpApi.routes.map((r) => ({ routeKey: r.routeKey, invoke: (event) => fn(r.functionId).invoke(event) })),
    });
    started.push(http);

    // One port per Function URL, as each has a host of its own on AWS.
    const functionUrls: Record<string, string> = {};
    for (const [i, u] of model.functionUrls.entries()) {
      const target = model.functions.find((f) => f.logicalId === u.functionId);
      if (!target) throw new Error(`${opts.stackName}: Function URL ${u.logicalId} names no function of the template`);
      const server = await startFunctionUrl({
        port: opts.functionUrlPort ? opts.functionUrlPort + i : 0,
        urlId: urlIdFor(opts.stackName, u.logicalId),
        invokeMode: u.invokeMode,
        cors: u.cors,
        target: { invoke: (event) => fn(u.functionId).invoke(event), invokeStreaming: (event, sink) => fn(u.functionId).invokeStreaming(event, sink) },
      });
      started.push(server);
      localFunctionUrls[u.logicalId] = server.url;
      functionUrls[target.shortName ?? target.logicalId] = server.url;
    }

    const wsBase = new URL(ws.managementUrl).origin;
    const awsEnv: Record<string, string> = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.url,
      AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
      TZ: 'UTC',
      // Deployed functions run on nodejs22.x; the SDK's notice about a local Node 20 is noise here.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const createFunction = (f: FunctionModel, from: AssemblyModel = model): LocalFunction => {
      const r = from === model ? resolver : new IntrinsicResolver(from, { region, accountId, stackName: opts.stackName }, apiIds, localFunctionUrls, cognitoIds);
      const own = r.environment(f.environment, { apiBaseUrls: { [wsApiId]: wsBase, [httpApiId]: http.url }, cognitoUrl: cognito.url });
      const env = {
        PATH: process.env['PATH'] ?? '',
        ...own,
        ...awsEnv,
        AWS_LAMBDA_FUNCTION_NAME: f.functionName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(f.memoryMb),
        // As Lambda sets it: Powertools' logger marks the first invocation of a sandbox `cold_start`.
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        ...(opts.logLevel ? { POWERTOOLS_LOG_LEVEL: opts.logLevel, AWS_LAMBDA_LOG_LEVEL: opts.logLevel } : {}),
        // EMF metric lines are for CloudWatch; tests and benchmarks turn them off to keep output readable.
        ...(opts.metricsDisabled ? { POWERTOOLS_METRICS_DISABLED: 'true' } : {}),
      };
      return new LocalFunction(f, env, { region, accountId, maxConcurrency: opts.maxConcurrency ?? 4, ...(opts.functionOutput ? { output: opts.functionOutput } : {}) });
    };
    for (const f of model.functions) functions.set(f.logicalId, createFunction(f));
    await Promise.all([...functions.values()].map((f) => f.warm()));

    const stop = async () => {
      for (const s of started.reverse()) await s.close().catch(() => undefined);
      started.length = 0;
    };
    return {
      model,
      httpUrl: http.url.replace(/\/$/, ''),
      wsUrl: ws.url,
      wsManagementUrl: ws.managementUrl,
      eventsUrl: bus.url,
      eventBusName: busModel.name,
      functionUrls,
      dynamodbUrl: dynamo.endpoint,
      tableName: table.tableName,
      region,
      dynamo,
      bus,
      scheduler,
      schedulerUrl: scheduler.url,
      cognito,
      secretsManager,
      userPools,
      functions,
      awsEnv,
      outDir: opts.outDir,
      stackName: opts.stackName,
      createFunction,
      settled: (timeoutMs = 60_000) => settled(bus, functions, timeoutMs),
      stop,
    };
  } catch (err) {
    for (const s of started.reverse()) await s.close().catch(() => undefined);
    throw err;
  }
}

async function settled(bus: LocalEventBus, functions: Map<string, LocalFunction>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the local pipeline did not settle within ${timeoutMs} ms`)), timeoutMs);
  });
  const busy = () => bus.busy() || [...functions.values()].some((f) => f.busy());
  try {
    do {
      await Promise.race([Promise.all([bus.idle(), ...[...functions.values()].map((f) => f.settled())]), expired]);
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 10)), expired]);
    } while (busy());
  } finally {
    clearTimeout(timer);
  }
}
