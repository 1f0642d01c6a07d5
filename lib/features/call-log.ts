// The call log's facet index (L1): every Call Ended files the call under its facets, so each
// filter of GET /calls reads one keyed partition (docs/architecture.md, "Call log").
import { Construct } from 'constructs';
import { AppFunction } from '../app-function.ts';
import type { FeatureProps } from '../core.ts';
import { ruleToFunction } from './rule-target.ts';
import { consumers, patternFor } from '#shared/events/subscriptions.ts';

export class CallLog extends Construct {
  readonly indexer: AppFunction;

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    this.indexer = new AppFunction(this, 'index-call-log').bindTable(core.table, 'RW').bindTenant(config);
    ruleToFunction(this, 'CallEndedLog', {
      bus: core.bus,
      eventPattern: patternFor(consumers['index-call-log']),
      target: this.indexer,
      description: 'Call Ended → index-call-log',
    });
  }
}
