// One Lambda for several routes, each with its own typed routeHandler: picks by the event's route key.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { RouteSpec } from './api.ts';
import { json } from './middleware.ts';
import { routeKeyOf } from './route-handler.ts';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export function dispatch(routes: readonly (readonly [RouteSpec, Handler])[]): Handler {
  const byKey = new Map(routes.map(([spec, h]) => [routeKeyOf(spec), h]));
  return async (event, context) => {
    const h = byKey.get(event.routeKey);
    // A route wired to this function without a handler is a deployment bug, not the caller's.
    if (!h) return json(500, { error: 'internal', message: `no handler for route ${event.routeKey}` });
    return h(event, context);
  };
}
