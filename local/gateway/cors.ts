// CORS as API Gateway HTTP APIs (`CorsConfiguration`) and Lambda Function URLs (`Cors`) apply it: the
// service answers preflights itself and sets the configured headers on responses; the function's own
// CORS headers are ignored. Both take the same six settings.

/** `CorsConfiguration` of an `AWS::ApiGatewayV2::Api`, `Cors` of an `AWS::Lambda::Url`. */
export interface CorsConfig {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number | null;
  allowCredentials: boolean;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** The template's CORS block, or null when there is none. */
export function parseCors(c: Record<string, unknown> | undefined): CorsConfig | null {
  if (!c) return null;
  return {
    allowOrigins: strings(c['AllowOrigins']),
    allowMethods: strings(c['AllowMethods']).map((m) => m.toUpperCase()),
    allowHeaders: strings(c['AllowHeaders']).map((h) => h.toLowerCase()),
    exposeHeaders: strings(c['ExposeHeaders']).map((h) => h.toLowerCase()),
    maxAge: typeof c['MaxAge'] === 'number' ? c['MaxAge'] : null,
    allowCredentials: c['AllowCredentials'] === true,
  };
}

/** `*`, an exact origin, or a scheme wildcard (`https://*`) as HTTP APIs accept. */
function originAllowed(cors: CorsConfig, origin: string): boolean {
  return cors.allowOrigins.some((o) => o === '*' || o === origin || (o.endsWith('://*') && origin.startsWith(o.slice(0, -1))));
}

/** The CORS response headers for a request's Origin, or none when it is not allowed. */
export function corsHeaders(cors: CorsConfig | null, origin: string | undefined): Record<string, string> {
  if (!cors || !origin || !originAllowed(cors, origin)) return {};
  const any = cors.allowOrigins.includes('*');
  return {
    'access-control-allow-origin': any && !cors.allowCredentials ? '*' : origin,
    ...(cors.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
    ...(cors.exposeHeaders.length ? { 'access-control-expose-headers': cors.exposeHeaders.join(',') } : {}),
    ...(any && !cors.allowCredentials ? {} : { vary: 'Origin' }),
  };
}

/** A preflight is an OPTIONS request with Origin and Access-Control-Request-Method. */
export function isPreflight(cors: CorsConfig | null, method: string | undefined, headers: Record<string, string | string[] | undefined>): boolean {
  return cors !== null && method === 'OPTIONS' && typeof headers['origin'] === 'string' && headers['access-control-request-method'] !== undefined;
}

/** The headers of the answer to a preflight: none when the origin or the method is not allowed. */
export function preflightHeaders(cors: CorsConfig, headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const base = corsHeaders(cors, headers['origin'] as string);
  const method = String(headers['access-control-request-method']).toUpperCase();
  if (Object.keys(base).length === 0 || !(cors.allowMethods.includes('*') || cors.allowMethods.includes(method))) return {};
  return {
    ...base,
    'access-control-allow-methods': cors.allowMethods.join(','),
    ...(cors.allowHeaders.length ? { 'access-control-allow-headers': cors.allowHeaders.join(',') } : {}),
    ...(cors.maxAge !== null ? { 'access-control-max-age': String(cors.maxAge) } : {}),
  };
}
