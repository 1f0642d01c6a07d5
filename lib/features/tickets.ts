// Ended calls become tickets (missed-call grouping, one decision per call).
import { Construct } from 'constructs';
import { AppFunction } from '../app-function.ts';
import type { FeatureProps } from '../core.ts';
import { ruleToFunction } from './rule-target.ts';
import { consumers, patternFor } from '#shared/events/subscriptions.ts';

export class Tickets extends Construct {
  readonly createCallTicket: AppFunction;

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    this.createCallTicket = new AppFunction(this, 'create-call-ticket')
      .bindTable(core.table, 'RW')
      .bindBus(core.bus)
      .bindTenant(config);
    ruleToFunction(this, 'CallEnded', {
      bus: core.bus,
      eventPattern: patternFor(consumers['create-call-ticket']),
      target: this.createCallTicket,
      description: 'Call Ended → create-call-ticket',
    });
  }
}
