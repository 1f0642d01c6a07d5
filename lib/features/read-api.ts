// Read side of the HTTP API for agents and admins (bearer JWT checked in the handler).
import { HttpMethod, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { AppFunction, pascalCase } from '../app-function.ts';
import { getCallRoute, getTicketRoute, listCallsRoute, listTicketsRoute } from '#shared/http/routes/core.ts';
import type { FeatureProps } from '../core.ts';

// Paths come from the route specs (shared/http/routes/core.ts), the same ones the handlers and the OpenAPI document use.
const routes = [
  { name: 'list-calls', path: listCallsRoute.path },
  { name: 'get-call', path: getCallRoute.path },
  { name: 'list-tickets', path: listTicketsRoute.path },
  { name: 'get-ticket', path: getTicketRoute.path },
] as const;

export class ReadApi extends Construct {
  readonly functions: Record<(typeof routes)[number]['name'], AppFunction>;

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    const functions: Partial<Record<string, AppFunction>> = {};
    for (const { name, path } of routes) {
      const fn = new AppFunction(this, name).bindTable(core.table, 'RO').bindIdentity(core.identity).bindTenant(config);
      const integration = new HttpLambdaIntegration(`${pascalCase(name)}Integration`, fn, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      });
      core.httpApi.addRoutes({ path, methods: [HttpMethod.GET], integration });
      functions[name] = fn;
    }
    this.functions = functions as ReadApi['functions'];
  }
}
