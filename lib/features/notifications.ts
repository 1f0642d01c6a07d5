// Call and ticket events pushed to connected agents over the WebSocket API.
import { Construct } from 'constructs';
import { AppFunction } from '../app-function.ts';
import type { FeatureProps } from '../core.ts';
import { ruleToFunction } from './rule-target.ts';
import { consumers, patternFor } from '#shared/events/subscriptions.ts';

export class Notifications extends Construct {
  readonly notifyAgents: AppFunction;

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    this.notifyAgents = new AppFunction(this, 'notify-agents')
      .bindTable(core.table, 'RW') // RW: deletes connections the management API reports gone (410)
      .bindWebSocket(core.webSocketStage)
      .bindTenant(config);
    ruleToFunction(this, 'AgentUpdates', {
      bus: core.bus,
      eventPattern: patternFor(consumers['notify-agents']),
      target: this.notifyAgents,
      description: 'call and ticket events → notify-agents',
    });
  }
}
