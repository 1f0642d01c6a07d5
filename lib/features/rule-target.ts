// Every EventBridge rule delivers to its function the same way: bounded retries, then a
// dead-letter queue with an alarm, so an undeliverable event is visible instead of dropped.
import { Duration, Stack } from 'aws-cdk-lib';
import { Rule, type CfnRule, type EventPattern, type IEventBus, type Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { alarmWhenNotEmpty } from '../app-function.ts';
import { validatePattern } from '#shared/event-patterns/pattern-validate.ts';

export interface RuleToFunctionProps {
  /** The tenant bus for event rules; scheduled rules live on the account's default bus. */
  bus?: IEventBus;
  eventPattern?: EventPattern;
  schedule?: Schedule;
  target: IFunction;
  description?: string;
}

/** Creates `{id}Rule`, `{id}Dlq` and `{id}DlqAlarm` in `scope`. */
export function ruleToFunction(scope: Construct, id: string, props: RuleToFunctionProps): { rule: Rule; deadLetterQueue: Queue } {
  const deadLetterQueue = new Queue(scope, `${id}Dlq`, { retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED });
  const rule = new Rule(scope, `${id}Rule`, {
    ...(props.bus ? { eventBus: props.bus } : {}),
    ...(props.eventPattern ? { eventPattern: props.eventPattern } : {}),
    ...(props.schedule ? { schedule: props.schedule } : {}),
    description: props.description,
    targets: [
      new LambdaFunction(props.target, {
        deadLetterQueue,
        maxEventAge: Duration.hours(1),
        retryAttempts: 8,
      }),
    ],
  });
  // Reject at synth what EventBridge would reject at deploy (the local bus uses the same validator).
  if (props.eventPattern) {
    rule.node.addValidation({
      validate: () => validatePattern(Stack.of(rule).resolve((rule.node.defaultChild as CfnRule).eventPattern)).map((e) => `event pattern of ${rule.node.path}: ${e}`),
    });
  }
  alarmWhenNotEmpty(scope, `${id}DlqAlarm`, deadLetterQueue);
  return { rule, deadLetterQueue };
}
