// Calls whose end never arrives are finalized on a schedule (docs/call-model.md §10.2), so nothing
// stays "ringing" forever.
import { Duration } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { AppFunction } from '../app-function.ts';
import type { FeatureProps } from '../core.ts';
import { ruleToFunction } from './rule-target.ts';

export class CallSweeper extends Construct {
  readonly finalizeStaleCalls: AppFunction;

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    this.finalizeStaleCalls = new AppFunction(this, 'finalize-stale-calls', { timeout: Duration.minutes(1) })
      .bindTable(core.table, 'RW')
      .bindBus(core.bus)
      .bindTenant(config);
    ruleToFunction(this, 'Every5Minutes', {
      schedule: Schedule.rate(Duration.minutes(5)),
      target: this.finalizeStaleCalls,
      description: 'rate(5 minutes) → finalize-stale-calls',
    });
  }
}
