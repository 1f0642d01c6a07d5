// Where each dead-letter queue of a tenant stack sends its messages back to, read from the stack's
// template (the one deployed, or cdk.out's). The stack has four kinds of DLQ and only one of them
// can be redriven by SQS itself:
// - an SQS queue's redrive DLQ (RedrivePolicy): SQS moves the messages back (StartMessageMoveTask);
// - an EventBridge rule target's DLQ: the message body is the event the rule failed to deliver.
//   Re-putting it on the bus would deliver it to every matching rule again (and under a new id),
//   so it is handed to that rule's target function once, asynchronously — as EventBridge would;
// - a function's async-invocation DLQ (Lambda's DeadLetterConfig): the body is the event the function
//   failed on after Lambda's retries; it is invoked again with it, asynchronously;
// - the Scheduler DLQ (TASK_TARGET_DLQ_ARN of the functions that create schedules): the body is the
//   schedule's input; the schedule target (TASK_TARGET_ARN) is invoked with it.
// SQS refuses a move task for a DLQ whose source is not an SQS queue, hence the invoke path.

export type RedriveRoute =
  | { queue: string; kind: 'sqs-move'; source: string }
  | { queue: string; kind: 'rule-target' | 'lambda-async' | 'scheduler'; target: string; via?: string };

interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface StackTemplate {
  Resources?: Record<string, TemplateResource>;
}

/** `{ "Fn::GetAtt": [id, "Arn"] }` or `{ Ref: id }` → id; anything else (a literal ARN) → undefined. */
function logicalIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const getAtt = (value as Record<string, unknown>)['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  const ref = (value as Record<string, unknown>)['Ref'];
  return typeof ref === 'string' ? ref : undefined;
}

/** Every queue of the template that is some resource's dead-letter queue, with where it redrives to, sorted by queue. */
export function redriveRoutes(template: StackTemplate): RedriveRoute[] {
  const resources = template.Resources ?? {};
  const isQueue = (id: string | undefined): id is string => id !== undefined && resources[id]?.Type === 'AWS::SQS::Queue';
  const routes = new Map<string, RedriveRoute>();
  const add = (route: RedriveRoute) => {
    if (!routes.has(route.queue)) routes.set(route.queue, route);
  };

  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::SQS::Queue') {
      const policy = p['RedrivePolicy'] as Record<string, unknown> | undefined;
      const dlq = logicalIdOf(policy?.['deadLetterTargetArn']);
      if (isQueue(dlq)) add({ queue: dlq, kind: 'sqs-move', source: id });
    } else if (r.Type === 'AWS::Events::Rule') {
      for (const t of (p['Targets'] as Record<string, unknown>[] | undefined) ?? []) {
        const dlq = logicalIdOf((t['DeadLetterConfig'] as Record<string, unknown> | undefined)?.['Arn']);
        const target = logicalIdOf(t['Arn']);
        if (isQueue(dlq) && target && resources[target]?.Type === 'AWS::Lambda::Function') add({ queue: dlq, kind: 'rule-target', target, via: id });
      }
    } else if (r.Type === 'AWS::Lambda::Function') {
      const dlq = logicalIdOf((p['DeadLetterConfig'] as Record<string, unknown> | undefined)?.['TargetArn']);
      if (isQueue(dlq)) add({ queue: dlq, kind: 'lambda-async', target: id });
      const env = ((p['Environment'] as Record<string, unknown> | undefined)?.['Variables'] ?? {}) as Record<string, unknown>;
      const schedulerDlq = logicalIdOf(env['TASK_TARGET_DLQ_ARN']);
      const schedulerTarget = logicalIdOf(env['TASK_TARGET_ARN']);
      if (isQueue(schedulerDlq) && schedulerTarget) add({ queue: schedulerDlq, kind: 'scheduler', target: schedulerTarget });
    }
  }
  return [...routes.values()].sort((a, b) => a.queue.localeCompare(b.queue));
}
