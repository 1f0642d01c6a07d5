// Callback tasks (R2, N6): `GET/POST /tasks`, one-time EventBridge Scheduler schedules that invoke
// fire-task when a task falls due, and a `Call Ended` consumer that cancels the callbacks owed to a
// customer who got through first. Other features create tasks via shared/services/tasks.ts after
// `fn.bindScheduler(Tasks.of(this).scheduling)` (Tasks is created before them in the stack).
// fire-task is the target of every one-time schedule of the tenant (shared/adapters/schedules.ts):
// callback tasks, reminders owed to an employee who was offline, digest flushes of trigger rules.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HttpMethod, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { taskRoutes } from '#shared/http/routes/tasks.ts';
import { alarmWhenNotEmpty, AppFunction, type SchedulerBinding } from '../app-function.ts';
import type { FeatureProps } from '../core.ts';
import { AgentConnections } from './agent-connections.ts';
import { ruleToFunction } from './rule-target.ts';
import { consumers, patternFor } from '#shared/events/subscriptions.ts';

export const TASKS_CONSTRUCT_ID = 'Tasks';

export class Tasks extends Construct {
  /** The one Tasks construct of the stack (created under the stack with id `Tasks`). */
  static of(scope: IConstruct): Tasks {
    const found = Stack.of(scope).node.tryFindChild(TASKS_CONSTRUCT_ID);
    if (!(found instanceof Tasks)) throw new Error(`no ${TASKS_CONSTRUCT_ID} construct in ${Stack.of(scope).stackName}: create it before the features that schedule tasks`);
    return found;
  }

  readonly scheduling: SchedulerBinding;
  readonly fireTask: AppFunction;
  readonly manageTasks: AppFunction;
  readonly cancelCallbackTasks: AppFunction;

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    const group = new ScheduleGroup(this, 'ScheduleGroup', { scheduleGroupName: `ringdesk-${config.tenant}-tasks`, removalPolicy: RemovalPolicy.DESTROY });
    this.fireTask = new AppFunction(this, 'fire-task').bindTable(core.table, 'RW').bindWebSocket(core.webSocketStage).bindTenant(config);
    const role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      description: 'EventBridge Scheduler invokes fire-task for callback tasks',
    });
    this.fireTask.grantInvoke(role);
    // Invocations Scheduler could not make after its retries (the schedule target's DeadLetterConfig).
    const deadLetterQueue = new Queue(this, 'ScheduleDlq', { retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED });
    deadLetterQueue.grantSendMessages(role);
    alarmWhenNotEmpty(this, 'ScheduleDlqAlarm', deadLetterQueue);
    this.scheduling = { group, role, target: this.fireTask, deadLetterQueue };

    this.manageTasks = new AppFunction(this, 'manage-tasks').bindTable(core.table, 'RW').bindScheduler(this.scheduling).bindIdentity(core.identity).bindTenant(config);
    const integration = new HttpLambdaIntegration('ManageTasksIntegration', this.manageTasks, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 });
    for (const route of taskRoutes) core.httpApi.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });

    // N6: a reminder that fell due while its employee was offline is delivered when they connect;
    // $connect cannot post to its own connection, so ws-connect schedules the delivery.
    const connections = Stack.of(this).node.tryFindChild('AgentConnections');
    if (!(connections instanceof AgentConnections)) throw new Error('Tasks needs the AgentConnections construct (created before it in the stack)');
    connections.functions['ws-connect'].bindScheduler(this.scheduling);

    this.cancelCallbackTasks = new AppFunction(this, 'cancel-callback-tasks').bindTable(core.table, 'RW').bindScheduler(this.scheduling).bindTenant(config);
    ruleToFunction(this, 'AnsweredCalls', {
      bus: core.bus,
      eventPattern: patternFor(consumers['cancel-callback-tasks']),
      target: this.cancelCallbackTasks,
      description: 'Call Ended (answered) → cancel-callback-tasks',
    });
  }
}
