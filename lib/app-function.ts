// The one Lambda construct: runtime, bundling, logs and failure handling are decided here once,
// and `bind*` grant IAM and set the env var together, so a handler never sees a resource it
// has no permission for.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, type CfnFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { splitTenantConfig, type TenantConfig } from '#shared/config.ts';
import type { TenantSecret } from './core.ts';
import type { Identity } from './features/identity.ts';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** CFN metadata keys the local runtime may use to name a function and find its source. */
export const FUNCTION_NAME_METADATA = 'ringdesk:function';
export const FUNCTION_ENTRY_METADATA = 'ringdesk:entry';

export type TableAccess = 'RO' | 'RW';

export type AppFunctionProps = Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture'> & {
  /** Source file relative to the repo root, when it is not `functions/{name}.ts` (e.g. `triggers/{name}.ts`). */
  entry?: string;
};

/** What a function needs to create and delete one-time schedules of callback tasks (lib/features/tasks.ts). */
export interface SchedulerBinding {
  group: IScheduleGroup;
  /** The role EventBridge Scheduler assumes to invoke the target. */
  role: IRole;
  /** What the schedules invoke (fire-task). */
  target: IFunction;
  /** Where Scheduler puts an invocation that failed every retry. */
  deadLetterQueue: IQueue;
}

export class AppFunction extends NodejsFunction {
  /** Events that failed every async attempt (Lambda's own retries) land here. */
  readonly asyncFailures: IQueue;
  /** The verb-noun name (`notify-agents`): the file under functions/ or triggers/. */
  readonly shortName: string;

  /** @param name verb-noun file name under functions/, e.g. `list-calls`. */
  constructor(scope: Construct, name: string, { entry: entryOverride, ...props }: AppFunctionProps = {}) {
    const id = pascalCase(name);
    // Created here rather than by Lambda so retention and removal are ours, not "never expire".
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const asyncFailures = new Queue(scope, `${id}AsyncDlq`, { retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED });
    const entry = entryOverride ?? `functions/${name}.ts`;
    super(scope, id, {
      entry: path.join(repoRoot, entry),
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X, // pinned: NODEJS_LATEST would change under us on a CDK upgrade
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(10),
      memorySize: 512,
      logGroup,
      deadLetterQueue: asyncFailures,
      retryAttempts: 2,
      ...props,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'ringdesk',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        // CJS dependencies bundled into ESM still call require(); give them one.
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        sourceMap: true,
        sourcesContent: false,
        minify: true,
        logLevel: LogLevel.WARNING,
        externalModules: [], // bundle the SDK v3 versions we pin instead of the runtime's copy
        ...props.bundling,
      },
    });
    this.asyncFailures = asyncFailures;
    this.shortName = name;
    alarmWhenNotEmpty(scope, `${id}AsyncDlqAlarm`, asyncFailures);
    const cfn = this.node.defaultChild as CfnFunction;
    cfn.addMetadata(FUNCTION_NAME_METADATA, name);
    cfn.addMetadata(FUNCTION_ENTRY_METADATA, entry);
  }

  bindTable(table: ITable, access: TableAccess): this {
    if (access === 'RW') table.grantReadWriteData(this);
    else table.grantReadData(this);
    this.addEnvironment('TABLE_NAME', table.tableName);
    return this;
  }

  bindBus(bus: IEventBus): this {
    bus.grantPutEventsTo(this);
    this.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    return this;
  }

  bindWebSocket(stage: WebSocketStage): this {
    stage.grantManagementApiAccess(this);
    this.addEnvironment('WS_MANAGEMENT_URL', stage.callbackUrl);
    return this;
  }

  /** Create/get/delete schedules in the group, pass the Scheduler role, and the env shared/services/tasks.ts reads. */
  bindScheduler({ group, role, target, deadLetterQueue }: SchedulerBinding): this {
    group.grantWriteSchedules(this);
    group.grantReadSchedules(this);
    group.grantDeleteSchedules(this);
    role.grantPassRole(this.grantPrincipal);
    this.addEnvironment('SCHEDULER_GROUP_NAME', group.scheduleGroupName);
    this.addEnvironment('SCHEDULER_ROLE_ARN', role.roleArn);
    this.addEnvironment('TASK_TARGET_ARN', target.functionArn);
    this.addEnvironment('TASK_TARGET_DLQ_ARN', deadLetterQueue.queueArn);
    return this;
  }

  /** What shared/http/auth.ts verifies bearer tokens against: the pool's issuer and its two app clients. */
  bindIdentity(identity: Identity): this {
    this.addEnvironment('COGNITO_ISSUER', identity.issuer);
    this.addEnvironment('COGNITO_USER_POOL_ID', identity.userPool.userPoolId);
    this.addEnvironment('COGNITO_CONSOLE_CLIENT_ID', identity.consoleClient.userPoolClientId);
    this.addEnvironment('COGNITO_MACHINE_CLIENT_ID', identity.machineClient.userPoolClientId);
    return this;
  }

  /**
   * The tenant id and the settings the tenant file seeds (non-secret; what applies until an admin
   * changes them through PATCH /settings). The secrets are never here: see `bindSecrets`.
   */
  bindTenant(config: TenantConfig): this {
    this.addEnvironment('TENANT_ID', config.tenant);
    this.addEnvironment('TENANT_SETTINGS', JSON.stringify(splitTenantConfig(config).settings));
    return this;
  }

  /** Read access to the tenant's secret and its name, which shared/tenant-secrets.ts reads at cold start. */
  bindSecrets(secret: TenantSecret): this {
    secret.grantRead(this);
    this.addEnvironment('TENANT_SECRET_NAME', secret.name);
    return this;
  }
}

/** Any message in a dead-letter queue is a lost event or invocation: alarm on the first one. */
export function alarmWhenNotEmpty(scope: Construct, id: string, queue: IQueue): Alarm {
  return queue
    .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' })
    .createAlarm(scope, id, {
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `Messages waiting in dead-letter queue ${queue.node.path}`,
    });
}

export function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
