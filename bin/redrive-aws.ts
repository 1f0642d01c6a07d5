// Redrive on AWS: finds the tenant stack's dead-letter queues from its deployed template and
// resources, counts what waits in each and sends it back where redriveRoutes says it came from.
import { type CloudFormationClient, GetTemplateCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, StartMessageMoveTaskCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { redriveRoutes, type RedriveRoute, type StackTemplate } from './redrive-routes.ts';

export interface RedriveClients {
  cfn: CloudFormationClient;
  sqs: SQSClient;
  lambda: LambdaClient;
}

/** One dead-letter queue (or local dead-letter list) and what the redrive did with it. */
export interface RedriveReport {
  /** The queue's logical id (AWS) or `bus` / `scheduler` (local). */
  queue: string;
  kind: RedriveRoute['kind'] | 'local-bus' | 'local-scheduler';
  /** Where the messages go back to: a function, a queue, or the rule/target they failed at. */
  to: string;
  /** Messages waiting before the redrive (SQS's approximate count on AWS). */
  waiting: number;
  /** Handed back (invoked, re-queued) — 0 on a dry run. */
  redriven: number;
  /** Could not be handed back (left in the queue). */
  failed: number;
  /** SQS message move task, for `sqs-move` queues. */
  taskHandle?: string;
}

export interface RedriveOptions {
  dryRun: boolean;
  /** Seconds a received message stays invisible while it is handed back (default 60). */
  visibilitySeconds?: number;
}

async function stackResources(cfn: CloudFormationClient, stackName: string): Promise<Map<string, string>> {
  const physical = new Map<string, string>();
  let NextToken: string | undefined;
  do {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: stackName, ...(NextToken ? { NextToken } : {}) }));
    for (const r of page.StackResourceSummaries ?? []) if (r.LogicalResourceId && r.PhysicalResourceId) physical.set(r.LogicalResourceId, r.PhysicalResourceId);
    NextToken = page.NextToken;
  } while (NextToken);
  return physical;
}

async function deployedTemplate(cfn: CloudFormationClient, stackName: string): Promise<StackTemplate> {
  const { TemplateBody } = await cfn.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }));
  try {
    return JSON.parse(TemplateBody ?? '{}') as StackTemplate;
  } catch {
    throw new Error(`${stackName}: its template is not JSON (was it deployed from this project with cdk deploy?)`);
  }
}

export async function redriveOnAws(clients: RedriveClients, stackName: string, opts: RedriveOptions): Promise<RedriveReport[]> {
  const [template, physical] = await Promise.all([deployedTemplate(clients.cfn, stackName), stackResources(clients.cfn, stackName)]);
  const named = (logicalId: string): string => {
    const id = physical.get(logicalId);
    if (!id) throw new Error(`${stackName} has no deployed resource ${logicalId} (is the stack still being created or updated?)`);
    return id;
  };
  const reports: RedriveReport[] = [];
  for (const route of redriveRoutes(template)) {
    const queueUrl = named(route.queue);
    const { Attributes = {} } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] }));
    const waiting = Number(Attributes.ApproximateNumberOfMessages ?? 0);
    const to = route.kind === 'sqs-move' ? named(route.source) : named(route.target);
    const report: RedriveReport = { queue: route.queue, kind: route.kind, to, waiting, redriven: 0, failed: 0 };
    reports.push(report);
    if (opts.dryRun || waiting === 0) continue;
    if (route.kind === 'sqs-move') {
      // No DestinationArn: SQS moves the messages back to the queue(s) they were dead-lettered from.
      const task = await clients.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: Attributes.QueueArn }));
      report.redriven = waiting;
      if (task.TaskHandle) report.taskHandle = task.TaskHandle;
      continue;
    }
    await handBack(clients, queueUrl, to, report, opts.visibilitySeconds ?? 60);
  }
  return reports;
}

/**
 * Receives the queue's messages and invokes `functionName` asynchronously with each body (the event
 * as EventBridge, Lambda or Scheduler would have delivered it); deletes a message once Lambda accepted
 * its invocation. A message whose invocation is refused stays and becomes visible again later.
 */
async function handBack(clients: RedriveClients, queueUrl: string, functionName: string, report: RedriveReport, visibilitySeconds: number): Promise<void> {
  const seen = new Set<string>();
  for (;;) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: visibilitySeconds }),
    );
    // Stop on an empty receive, or when only messages already tried come back (a refused one, visible again).
    const fresh = Messages.filter((m) => m.MessageId && !seen.has(m.MessageId));
    if (fresh.length === 0) return;
    const done: { Id: string; ReceiptHandle: string }[] = [];
    for (const m of fresh) {
      seen.add(m.MessageId as string);
      try {
        const out = await clients.lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(m.Body ?? '{}') }));
        if (out.StatusCode !== 202) throw new Error(`status ${out.StatusCode}`);
        done.push({ Id: String(done.length), ReceiptHandle: m.ReceiptHandle as string });
        report.redriven += 1;
      } catch {
        report.failed += 1;
      }
    }
    // A message invoked but not deleted is handed back again by the next redrive: consumers are idempotent (at-least-once).
    if (done.length > 0) await clients.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: done }));
  }
}
