/**
 * Lambda REQUEST authorizer of a WebSocket `$connect` route, run the way API Gateway runs it:
 * every identity source must have a value or the handshake gets 401 without invoking the
 * function; the function gets the REQUEST authorizer event; `Error('Unauthorized')` → 401, any
 * other error or a malformed result → 500, a policy that does not allow `execute-api:Invoke` on
 * the method ARN → 403; otherwise `{ ...context, principalId }` becomes `requestContext.authorizer`
 * of every event of the connection. WebSocket APIs do not cache authorizer results.
 */
import type { connectEvent } from './ws-events.ts';

export interface WsAuthorizer {
  invoke(event: unknown): Promise<unknown>;
  /** `route.request.querystring.X`, `route.request.header.X`, `stageVariables.X`, `context.X` */
  identitySource: string[];
}

type ConnectEvent = ReturnType<typeof connectEvent>;

export type AuthorizerOutcome =
  | { ok: true; authorizer: Record<string, unknown> }
  | { ok: false; status: 401 | 403 | 500; body: string; reason: string };

const SOURCE = /^(route\.request\.querystring|route\.request\.header|stageVariables|context)\.([A-Za-z0-9._-]+)$/;

const deny = (status: 401 | 403 | 500, reason: string): AuthorizerOutcome => ({
  ok: false,
  status,
  body: JSON.stringify({ message: status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Internal server error' }),
  reason,
});

/** Throws on an identity source API Gateway would not accept (a configuration error, found at start). */
export function checkIdentitySources(sources: string[]): void {
  if (sources.length === 0) throw new Error('a REQUEST authorizer needs at least one identity source');
  for (const s of sources) if (!SOURCE.test(s)) throw new Error(`unsupported identity source: ${s}`);
}

function identityValue(source: string, event: ConnectEvent, stageVariables: Record<string, string>): unknown {
  const [, kind, name = ''] = SOURCE.exec(source) ?? [];
  switch (kind) {
    case 'route.request.querystring':
      return event.queryStringParameters?.[name];
    case 'route.request.header': {
      const key = Object.keys(event.headers).find((h) => h.toLowerCase() === name.toLowerCase());
      return key === undefined ? undefined : event.headers[key];
    }
    case 'stageVariables':
      return stageVariables[name];
    case 'context':
      return name.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), event.requestContext);
    default:
      return undefined;
  }
}

/** The event API Gateway sends a WebSocket REQUEST authorizer: the `$connect` request, no body. */
export function authorizerEvent(event: ConnectEvent, methodArn: string, stageVariables: Record<string, string> = {}) {
  return {
    type: 'REQUEST' as const,
    methodArn,
    headers: { ...event.headers },
    multiValueHeaders: { ...event.multiValueHeaders },
    ...(event.queryStringParameters ? { queryStringParameters: { ...event.queryStringParameters } } : {}),
    ...(event.multiValueQueryStringParameters ? { multiValueQueryStringParameters: { ...event.multiValueQueryStringParameters } } : {}),
    stageVariables: { ...stageVariables },
    requestContext: { ...event.requestContext },
  };
}

/** IAM-style wildcard match (`*` any run, `?` one character). */
function glob(pattern: string, value: string, ignoreCase = false): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, ignoreCase ? 'i' : '').test(value);
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Allow / Deny of the returned policy for `execute-api:Invoke` on the method ARN; undefined when malformed. */
function evaluatePolicy(policy: unknown, methodArn: string): 'Allow' | 'Deny' | undefined {
  if (typeof policy !== 'object' || policy === null) return undefined;
  const statements = list((policy as { Statement?: unknown }).Statement);
  if (statements.length === 0) return undefined;
  let allowed = false;
  for (const st of statements) {
    if (typeof st !== 'object' || st === null) return undefined;
    const { Effect, Action, Resource } = st as { Effect?: unknown; Action?: unknown; Resource?: unknown };
    if (Effect !== 'Allow' && Effect !== 'Deny') return undefined;
    const actions = list(Action);
    const resources = list(Resource);
    if (![...actions, ...resources].every((x) => typeof x === 'string')) return undefined;
    const applies = (actions as string[]).some((a) => glob(a, 'execute-api:Invoke', true)) && (resources as string[]).some((r) => glob(r, methodArn));
    if (!applies) continue;
    if (Effect === 'Deny') return 'Deny'; // an explicit deny wins over any allow
    allowed = true;
  }
  return allowed ? 'Allow' : 'Deny';
}

/** Validates an authorizer's return value into the `requestContext.authorizer` object, or a refusal. */
export function authorizerDecision(result: unknown, methodArn: string): AuthorizerOutcome {
  if (typeof result !== 'object' || result === null) return deny(500, 'authorizer returned no object');
  const { principalId, policyDocument, context } = result as { principalId?: unknown; policyDocument?: unknown; context?: unknown };
  if (typeof principalId !== 'string') return deny(500, 'authorizer result has no principalId');
  if (context !== undefined && context !== null) {
    if (typeof context !== 'object' || Array.isArray(context)) return deny(500, 'authorizer context is not an object');
    for (const [k, v] of Object.entries(context)) {
      if (!['string', 'number', 'boolean'].includes(typeof v)) return deny(500, `authorizer context value ${k} is not a string, number or boolean`);
    }
  }
  const effect = evaluatePolicy(policyDocument, methodArn);
  if (effect === undefined) return deny(500, 'authorizer policyDocument is malformed');
  if (effect === 'Deny') return deny(403, `policy does not allow execute-api:Invoke on ${methodArn}`);
  return { ok: true, authorizer: { ...((context as Record<string, unknown> | null | undefined) ?? {}), principalId } };
}

/** Runs the authorizer for one `$connect` request. */
export async function authorize(authorizer: WsAuthorizer, event: ConnectEvent, methodArn: string): Promise<AuthorizerOutcome> {
  const stageVariables: Record<string, string> = {};
  const missing = authorizer.identitySource.find((s) => {
    const v = identityValue(s, event, stageVariables);
    return v === undefined || v === null || v === '';
  });
  if (missing) return deny(401, `identity source ${missing} is missing`);
  let result: unknown;
  try {
    result = await authorizer.invoke(authorizerEvent(event, methodArn, stageVariables));
  } catch (err) {
    if (typeof err === 'object' && err !== null && (err as { message?: unknown }).message === 'Unauthorized') return deny(401, 'authorizer: Unauthorized');
    console.error(`[ws-gateway] authorizer failed (connection ${event.requestContext.connectionId}):`, err);
    return deny(500, 'authorizer failed');
  }
  const decision = authorizerDecision(result, methodArn);
  if (!decision.ok && decision.status === 500) console.error(`[ws-gateway] authorizer result rejected (connection ${event.requestContext.connectionId}): ${decision.reason}`);
  return decision;
}
