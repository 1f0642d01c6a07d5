// Agents' helpdesk actions over HTTP (T1–T3, T6, T7, N4): file a call, link it, call the customer from a
// ticket, change status, add notes. Route specs in shared/http/routes/helpdesk.ts.
import { HttpMethod, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import type { RouteSpec } from '#shared/http/api.ts';
import { callActionRoutes, ticketActionRoutes } from '#shared/http/routes/helpdesk.ts';
import { AppFunction, pascalCase } from '../app-function.ts';
import type { FeatureProps } from '../core.ts';

/** `secrets`: the function calls a provider's API (click-to-call) with the tenant's credentials. */
const functions: { name: string; routes: RouteSpec[]; secrets?: boolean }[] = [
  { name: 'act-on-call', routes: callActionRoutes },
  { name: 'act-on-ticket', routes: ticketActionRoutes, secrets: true },
];

export class Helpdesk extends Construct {
  readonly functions: Record<string, AppFunction> = {};

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    for (const { name, routes, secrets } of functions) {
      // RW table, the bus (ticket events) and the WebSocket (agent_action / call_dialing pushes).
      const fn = new AppFunction(this, name).bindTable(core.table, 'RW').bindBus(core.bus).bindWebSocket(core.webSocketStage).bindIdentity(core.identity).bindTenant(config);
      if (secrets) fn.bindSecrets(core.secret);
      const integration = new HttpLambdaIntegration(`${pascalCase(name)}Integration`, fn, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 });
      for (const route of routes) core.httpApi.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
      this.functions[name] = fn;
    }
  }
}
