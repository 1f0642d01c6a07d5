// Agent WebSocket lifecycle: `$connect` is guarded by a Lambda REQUEST authorizer (`?token=` JWT);
// connections are stored per employee (TTL 2 h) for notify-agents.
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { AppFunction, pascalCase } from '../app-function.ts';
import type { FeatureProps } from '../core.ts';

const routes = [
  { name: 'ws-connect', routeKey: '$connect' },
  { name: 'ws-disconnect', routeKey: '$disconnect' },
  { name: 'ws-default', routeKey: '$default' },
] as const;

/** Where the agent app puts its JWT: `wss://…/live?token=…` (browsers cannot set headers on a WebSocket). */
export const WS_TOKEN_IDENTITY_SOURCE = 'route.request.querystring.token';

export class AgentConnections extends Construct {
  readonly functions: Record<(typeof routes)[number]['name'] | 'ws-authorize', AppFunction>;

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    // Verifies the token before $connect runs; a missing token is refused by API Gateway itself.
    // Reads the table: a deactivated employee's unexpired token is refused (shared/http/principal.ts).
    const authorize = new AppFunction(this, 'ws-authorize').bindTable(core.table, 'RO').bindIdentity(core.identity).bindTenant(config);
    const authorizer = new WebSocketLambdaAuthorizer('WsAuthorizer', authorize, {
      identitySource: [WS_TOKEN_IDENTITY_SOURCE],
    });
    const functions: Partial<Record<string, AppFunction>> = { 'ws-authorize': authorize };
    for (const { name, routeKey } of routes) {
      const fn = new AppFunction(this, name).bindTable(core.table, 'RW').bindTenant(config);
      // ws-default answers messages (e.g. ping, subscribe) by posting back to the connection.
      if (name === 'ws-default') fn.bindWebSocket(core.webSocketStage);
      core.webSocketApi.addRoute(routeKey, {
        integration: new WebSocketLambdaIntegration(`${pascalCase(name)}Integration`, fn),
        ...(routeKey === '$connect' ? { authorizer } : {}),
      });
      functions[name] = fn;
    }
    this.functions = functions as AgentConnections['functions'];
  }
}
