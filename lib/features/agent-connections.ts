// Agent WebSocket lifecycle: connections are stored per employee (TTL 2 h) for notify-agents.
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { AppFunction, pascalCase } from '../app-function.ts';
import type { FeatureProps } from '../core.ts';

const routes = [
  { name: 'ws-connect', routeKey: '$connect' },
  { name: 'ws-disconnect', routeKey: '$disconnect' },
  { name: 'ws-default', routeKey: '$default' },
] as const;

export class AgentConnections extends Construct {
  readonly functions: Record<(typeof routes)[number]['name'], AppFunction>;

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    const functions: Partial<Record<string, AppFunction>> = {};
    for (const { name, routeKey } of routes) {
      const fn = new AppFunction(this, name).bindTable(core.table, 'RW').bindTenant(config);
      // ws-default answers messages (e.g. ping, subscribe) by posting back to the connection.
      if (name === 'ws-default') fn.bindWebSocket(core.webSocketStage);
      core.webSocketApi.addRoute(routeKey, {
        integration: new WebSocketLambdaIntegration(`${pascalCase(name)}Integration`, fn),
      });
      functions[name] = fn;
    }
    this.functions = functions as AgentConnections['functions'];
  }
}
