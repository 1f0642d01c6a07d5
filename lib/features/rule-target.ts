// Every EventBridge rule delivers to its function the same way: bounded retries, then a
// dead-letter queue with an alarm, so an undeliverable event is visible instead of dropped.
import { Duration } from 'aws-cdk-lib';
import { Rule, type EventPattern, type IEventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { alarmWhenNotEmpty } from '../app-function.ts';

export interface RuleToFunctionProps {
  bus: IEventBus;
  eventPattern: EventPattern;
  target: IFunction;
  description?: string;
}

/** Creates `{id}Rule`, `{id}Dlq` and `{id}DlqAlarm` in `scope`. */
export function ruleToFunction(scope: Construct, id: string, props: RuleToFunctionProps): { rule: Rule; deadLetterQueue: Queue } {
  const deadLetterQueue = new Queue(scope, `${id}Dlq`, { retentionPeriod: Duration.days(14) });
  const rule = new Rule(scope, `${id}Rule`, {
    eventBus: props.bus,
    eventPattern: props.eventPattern,
    description: props.description,
    targets: [
      new LambdaFunction(props.target, {
        deadLetterQueue,
        maxEventAge: Duration.hours(1),
        retryAttempts: 8,
      }),
    ],
  });
  alarmWhenNotEmpty(scope, `${id}DlqAlarm`, deadLetterQueue);
  return { rule, deadLetterQueue };
}
