import { safeDecode } from './body.ts';

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

export interface CompiledRoute<T> {
  routeKey: string;
  method: string; // 'ANY' for ANY and $default
  segments: Segment[] | null; // null for $default
  target: T;
}

export interface RouteMatch<T> {
  route: CompiledRoute<T>;
  pathParameters: Record<string, string> | undefined;
}

/** Parses a route key such as `POST /webhooks/{tenant}/{provider}`, `ANY /x/{proxy+}` or `$default`. */
export function compileRoute<T>(routeKey: string, target: T): CompiledRoute<T> {
  if (routeKey === '$default') return { routeKey, method: 'ANY', segments: null, target };
  const m = /^([A-Z]+) (\/.*)$/.exec(routeKey);
  if (!m) throw new Error(`invalid HTTP API route key: ${routeKey}`);
  const [, method = '', path = ''] = m;
  const parts = path.split('/').slice(1);
  const segments = parts.map((p, i): Segment => {
    const greedy = /^\{(.+)\+\}$/.exec(p);
    if (greedy) {
      if (i !== parts.length - 1) throw new Error(`greedy variable must be last: ${routeKey}`);
      return { kind: 'greedy', name: greedy[1] ?? '' };
    }
    const param = /^\{(.+)\}$/.exec(p);
    return param ? { kind: 'param', name: param[1] ?? '' } : { kind: 'literal', value: p };
  });
  return { routeKey, method, segments, target };
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (const [i, seg] of segments.entries()) {
    const part = parts[i];
    if (seg.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join('') === '') return null;
      params[seg.name] = safeDecode(rest.join('/'));
      return params;
    }
    if (part === undefined) return null;
    if (seg.kind === 'literal' && safeDecode(part) !== seg.value) return null;
    if (seg.kind === 'param') {
      if (part === '') return null;
      params[seg.name] = safeDecode(part);
    }
  }
  return parts.length === segments.length ? params : null;
}

/** How specific a segment is; `none` (the route is shorter) ranks below all. */
const RANK = { literal: 2, param: 1, greedy: 0, none: -1 } as const;

/** Negative when `a` is more specific than `b`: literal > {param} > {greedy+}, then method > ANY. */
function compareSpecificity<T>(a: CompiledRoute<T>, b: CompiledRoute<T>): number {
  const sa = a.segments ?? [];
  const sb = b.segments ?? [];
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const ra = RANK[sa[i]?.kind ?? 'none'];
    const rb = RANK[sb[i]?.kind ?? 'none'];
    if (ra !== rb) return rb - ra;
  }
  return (a.method === 'ANY' ? 1 : 0) - (b.method === 'ANY' ? 1 : 0);
}

/** Selects the route API Gateway would: most specific path, then explicit method, `$default` last. */
export function selectRoute<T>(routes: CompiledRoute<T>[], method: string, path: string): RouteMatch<T> | undefined {
  const parts = path.split('/').slice(1);
  const candidates: RouteMatch<T>[] = [];
  for (const route of routes) {
    if (!route.segments) continue;
    if (route.method !== 'ANY' && route.method !== method) continue;
    const params = matchSegments(route.segments, parts);
    if (params) candidates.push({ route, pathParameters: Object.keys(params).length ? params : undefined });
  }
  candidates.sort((a, b) => compareSpecificity(a.route, b.route));
  const best = candidates[0];
  if (best) return best;
  const fallback = routes.find((r) => r.segments === null);
  return fallback ? { route: fallback, pathParameters: undefined } : undefined;
}
