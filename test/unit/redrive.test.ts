// npm run redrive on AWS: which DLQ goes back where (from the template), and the SQS/Lambda calls it makes
// (the AWS adapter against aws-sdk-client-mock; the local path is in test/system/replay.test.ts).
import { CloudFormationClient, GetTemplateCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { redriveOnAws } from '../../bin/redrive-aws.ts';
import { redriveRoutes, type StackTemplate } from '../../bin/redrive-routes.ts';

const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

// The four ways the stack wires a DLQ (lib/features/rule-target.ts, lib/app-function.ts, lib/features/tasks.ts),
// plus an SQS source queue with a redrive policy.
const template: StackTemplate = {
  Resources: {
    CreateTicket: { Type: 'AWS::Lambda::Function', Properties: { DeadLetterConfig: { TargetArn: arn('CreateTicketAsyncDlq') }, Environment: { Variables: {} } } },
    CreateTicketAsyncDlq: { Type: 'AWS::SQS::Queue', Properties: {} },
    CallEndedRule: { Type: 'AWS::Events::Rule', Properties: { Targets: [{ Id: 'Target0', Arn: arn('CreateTicket'), DeadLetterConfig: { Arn: arn('CallEndedDlq') } }] } },
    CallEndedDlq: { Type: 'AWS::SQS::Queue', Properties: {} },
    ManageTasks: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { TASK_TARGET_ARN: arn('FireTask'), TASK_TARGET_DLQ_ARN: arn('ScheduleDlq') } } } },
    FireTask: { Type: 'AWS::Lambda::Function', Properties: {} },
    ScheduleDlq: { Type: 'AWS::SQS::Queue', Properties: {} },
    WorkQueue: { Type: 'AWS::SQS::Queue', Properties: { RedrivePolicy: { deadLetterTargetArn: arn('WorkDlq'), maxReceiveCount: 3 } } },
    WorkDlq: { Type: 'AWS::SQS::Queue', Properties: {} },
    Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
  },
};

const physical: Record<string, string> = {
  CreateTicket: 'Ringdesk-acme-CreateTicket-1',
  CreateTicketAsyncDlq: 'https://sqs.eu-central-1.amazonaws.com/1/async-dlq',
  CallEndedRule: 'Ringdesk-acme-CallEndedRule',
  CallEndedDlq: 'https://sqs.eu-central-1.amazonaws.com/1/rule-dlq',
  ManageTasks: 'Ringdesk-acme-ManageTasks-1',
  FireTask: 'Ringdesk-acme-FireTask-1',
  ScheduleDlq: 'https://sqs.eu-central-1.amazonaws.com/1/schedule-dlq',
  WorkQueue: 'https://sqs.eu-central-1.amazonaws.com/1/work',
  WorkDlq: 'https://sqs.eu-central-1.amazonaws.com/1/work-dlq',
};

describe('redrive routes from the template', () => {
  it('S5: each DLQ kind goes back to where it failed: rule target and async DLQs to the function, Scheduler DLQ to the schedule target, an SQS DLQ to its source queue', () => {
    expect(redriveRoutes(template)).toEqual([
      { queue: 'CallEndedDlq', kind: 'rule-target', target: 'CreateTicket', via: 'CallEndedRule' },
      { queue: 'CreateTicketAsyncDlq', kind: 'lambda-async', target: 'CreateTicket' },
      { queue: 'ScheduleDlq', kind: 'scheduler', target: 'FireTask' },
      { queue: 'WorkDlq', kind: 'sqs-move', source: 'WorkQueue' },
    ]);
  });

  it('ignores queues nobody dead-letters into and references that are not queues', () => {
    const routes = redriveRoutes({
      Resources: {
        Fn: { Type: 'AWS::Lambda::Function', Properties: { DeadLetterConfig: { TargetArn: 'arn:aws:sqs:eu-central-1:1:elsewhere' } } },
        Topic: { Type: 'AWS::SNS::Topic' },
        Fn2: { Type: 'AWS::Lambda::Function', Properties: { DeadLetterConfig: { TargetArn: { Ref: 'Topic' } } } },
        Plain: { Type: 'AWS::SQS::Queue' },
      },
    });
    expect(routes).toEqual([]);
    expect(redriveRoutes({})).toEqual([]);
  });
});

describe('redriveOnAws', () => {
  const cfn = mockClient(CloudFormationClient);
  const sqs = mockClient(SQSClient);
  const lambda = mockClient(LambdaClient);
  const clients = () => ({ cfn: new CloudFormationClient({ region: 'eu-central-1' }), sqs: new SQSClient({ region: 'eu-central-1' }), lambda: new LambdaClient({ region: 'eu-central-1' }) });
  const waiting: Record<string, number> = { CallEndedDlq: 2, CreateTicketAsyncDlq: 1, ScheduleDlq: 0, WorkDlq: 5 };
  const event = (n: number) => JSON.stringify({ id: `ev-${n}`, 'detail-type': 'Call Ended', source: 'ringdesk', detail: { n } });

  beforeEach(() => {
    cfn.reset();
    sqs.reset();
    lambda.reset();
    cfn.on(GetTemplateCommand, { StackName: 'Ringdesk-acme' }).resolves({ TemplateBody: JSON.stringify(template) });
    // Two pages, as ListStackResources pages a real stack's resources.
    const entries = Object.entries(physical).map(([LogicalResourceId, PhysicalResourceId]) => ({ LogicalResourceId, PhysicalResourceId, ResourceType: 'x', ResourceStatus: 'CREATE_COMPLETE' as const, LastUpdatedTimestamp: new Date() }));
    cfn.on(ListStackResourcesCommand, { StackName: 'Ringdesk-acme' }).resolves({ StackResourceSummaries: entries.slice(0, 4), NextToken: 'p2' });
    cfn.on(ListStackResourcesCommand, { StackName: 'Ringdesk-acme', NextToken: 'p2' }).resolves({ StackResourceSummaries: entries.slice(4) });
    for (const [id, n] of Object.entries(waiting)) {
      sqs.on(GetQueueAttributesCommand, { QueueUrl: physical[id] }).resolves({ Attributes: { QueueArn: `arn:aws:sqs:eu-central-1:1:${id}`, ApproximateNumberOfMessages: String(n) } });
    }
    sqs.on(ReceiveMessageCommand, { QueueUrl: physical['CallEndedDlq'] })
      .resolvesOnce({ Messages: [{ MessageId: 'm1', ReceiptHandle: 'r1', Body: event(1) }, { MessageId: 'm2', ReceiptHandle: 'r2', Body: event(2) }] })
      .resolves({});
    sqs.on(ReceiveMessageCommand, { QueueUrl: physical['CreateTicketAsyncDlq'] }).resolvesOnce({ Messages: [{ MessageId: 'm3', ReceiptHandle: 'r3', Body: event(3) }] }).resolves({});
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  });

  it('S5: --dry-run counts every DLQ of the stack and moves nothing', async () => {
    const reports = await redriveOnAws(clients(), 'Ringdesk-acme', { dryRun: true });
    expect(reports.map((r) => [r.queue, r.kind, r.to, r.waiting, r.redriven])).toEqual([
      ['CallEndedDlq', 'rule-target', 'Ringdesk-acme-CreateTicket-1', 2, 0],
      ['CreateTicketAsyncDlq', 'lambda-async', 'Ringdesk-acme-CreateTicket-1', 1, 0],
      ['ScheduleDlq', 'scheduler', 'Ringdesk-acme-FireTask-1', 0, 0],
      ['WorkDlq', 'sqs-move', physical['WorkQueue'], 5, 0],
    ]);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it('S5: invokes the target function asynchronously with each dead event, deletes it after, and starts a move task for an SQS DLQ', async () => {
    const reports = await redriveOnAws(clients(), 'Ringdesk-acme', { dryRun: false });
    expect(reports.map((r) => [r.queue, r.redriven, r.failed])).toEqual([
      ['CallEndedDlq', 2, 0],
      ['CreateTicketAsyncDlq', 1, 0],
      ['ScheduleDlq', 0, 0],
      ['WorkDlq', 5, 0],
    ]);
    const invokes = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invokes.map((i) => [i.FunctionName, i.InvocationType, Buffer.from(i.Payload as Uint8Array).toString()])).toEqual([
      ['Ringdesk-acme-CreateTicket-1', 'Event', event(1)],
      ['Ringdesk-acme-CreateTicket-1', 'Event', event(2)],
      ['Ringdesk-acme-CreateTicket-1', 'Event', event(3)],
    ]);
    const deletes = sqs.commandCalls(DeleteMessageBatchCommand).map((c) => [c.args[0].input.QueueUrl, c.args[0].input.Entries?.map((e) => e.ReceiptHandle)]);
    expect(deletes).toEqual([
      [physical['CallEndedDlq'], ['r1', 'r2']],
      [physical['CreateTicketAsyncDlq'], ['r3']],
    ]);
    // Not re-put on the bus (every rule would get it again): no EventBridge client is involved at all.
    expect(sqs.commandCalls(StartMessageMoveTaskCommand).map((c) => c.args[0].input)).toEqual([{ SourceArn: 'arn:aws:sqs:eu-central-1:1:WorkDlq' }]);
    expect(reports.find((r) => r.queue === 'WorkDlq')?.taskHandle).toBe('task-1');
    expect(sqs.commandCalls(ReceiveMessageCommand, { QueueUrl: physical['ScheduleDlq'] })).toHaveLength(0);
  });

  it('S5: a message whose invocation Lambda refuses stays in its queue, is counted as left, and is not tried twice in one run', async () => {
    sqs.on(ReceiveMessageCommand, { QueueUrl: physical['CallEndedDlq'] })
      .resolvesOnce({ Messages: [{ MessageId: 'm1', ReceiptHandle: 'r1', Body: event(1) }, { MessageId: 'm2', ReceiptHandle: 'r2', Body: event(2) }] })
      // The refused one is visible again: the run stops instead of looping on it.
      .resolves({ Messages: [{ MessageId: 'm2', ReceiptHandle: 'r2b', Body: event(2) }] });
    lambda.on(InvokeCommand, { Payload: Buffer.from(event(2)) }).rejects(new Error('TooManyRequestsException'));
    const reports = await redriveOnAws(clients(), 'Ringdesk-acme', { dryRun: false });
    expect(reports.find((r) => r.queue === 'CallEndedDlq')).toMatchObject({ waiting: 2, redriven: 1, failed: 1 });
    expect(sqs.commandCalls(DeleteMessageBatchCommand, { QueueUrl: physical['CallEndedDlq'] }).map((c) => c.args[0].input.Entries?.map((e) => e.ReceiptHandle))).toEqual([['r1']]);
  });

  it('fails with the logical id when a resource of the template is not deployed', async () => {
    cfn.on(ListStackResourcesCommand, { StackName: 'Ringdesk-acme' }).resolves({ StackResourceSummaries: [] });
    await expect(redriveOnAws(clients(), 'Ringdesk-acme', { dryRun: true })).rejects.toThrow(/no deployed resource CallEndedDlq/);
  });
});
