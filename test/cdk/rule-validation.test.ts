// Invalid event patterns fail `cdk synth` with a clear message, as EventBridge would fail the deploy.
import { App, Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { ruleToFunction } from '../../lib/features/rule-target.ts';

function synthWith(eventPattern: Record<string, unknown>): () => void {
  const app = new App();
  const stack = new Stack(app, 'PatternCheck');
  const bus = new EventBus(stack, 'Bus');
  const target = LambdaFunction.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:us-east-1:000000000000:function:x');
  ruleToFunction(stack, 'Check', { bus, target, eventPattern: eventPattern as never });
  return () => app.synth();
}

describe('rule pattern validation at synth', () => {
  it('accepts a valid pattern', () => {
    expect(synthWith({ source: ['ringdesk.calls'], detail: { call: { outcome: [{ 'anything-but': 'answered' }] } } })).not.toThrow();
  });

  it('rejects an invalid numeric matcher, naming the rule', () => {
    expect(synthWith({ source: ['ringdesk.calls'], detail: { talkSeconds: [{ numeric: ['>', 'thirty'] }] } })).toThrow(/PatternCheck\/CheckRule.*numeric/s);
  });

  it('rejects an unknown operator', () => {
    expect(synthWith({ source: ['ringdesk.calls'], detail: { x: [{ 'starts-with': 'a' }] } })).toThrow(/event pattern of PatternCheck\/CheckRule/);
  });
});
