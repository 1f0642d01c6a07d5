// GET /openapi.json (public): the API's OpenAPI 3.1 document, generated from the route specs at cold start.
import { json } from '#shared/http/middleware.ts';
import { openApiDocument } from '#shared/http/openapi.ts';
import { routeHandler } from '#shared/http/route-handler.ts';
import { openApiRoute } from '#shared/http/routes/core.ts';

const document = openApiDocument();

export const handler = routeHandler(openApiRoute, async () => json(200, document, { 'cache-control': 'public, max-age=300' }));
