/**
 * EventBridge event-pattern matching with the semantics of aws/event-ruler (what EventBridge uses):
 * the event and the pattern are both flattened to dotted paths, arrays in the event contribute each
 * element, several fields and `$or` blocks are AND-ed, several matchers in one array are OR-ed.
 */
import { matchesLeaf } from './pattern-leaf.ts';

export { validatePattern } from './pattern-validate.ts';

interface CompiledPattern {
  fields: Array<{ path: string; matchers: unknown[] }>;
  ors: CompiledPattern[][];
}

type Flat = Map<string, unknown[]>;

export function matchesPattern(pattern: unknown, event: unknown): boolean {
  const p = typeof pattern === 'string' ? (JSON.parse(pattern) as unknown) : pattern;
  const e = typeof event === 'string' ? (JSON.parse(event) as unknown) : event;
  if (!isObject(p)) return false;
  return matchCompiled(compilePattern(p), flattenEvent(e));
}

/** Returns a reusable matcher for one pattern (compiles it once). */
export function compileMatcher(pattern: unknown): (event: unknown) => boolean {
  const compiled = compilePattern(pattern);
  return (event) => matchCompiled(compiled, flattenEvent(event));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

export function compilePattern(pattern: unknown, prefix = ''): CompiledPattern {
  const out: CompiledPattern = { fields: [], ors: [] };
  if (!isObject(pattern)) return out;
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(value)) {
      out.ors.push(value.map((alt) => compilePattern(alt, prefix)));
    } else if (Array.isArray(value)) {
      out.fields.push({ path: join(prefix, key), matchers: value });
    } else if (isObject(value)) {
      const nested = compilePattern(value, join(prefix, key));
      out.fields.push(...nested.fields);
      out.ors.push(...nested.ors);
    }
  }
  return out;
}

/** Leaf values of an event by dotted path; array elements (at any depth) all land on the same path. */
export function flattenEvent(event: unknown): Flat {
  const flat: Flat = new Map();
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, path);
    } else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) visit(child, join(path, key));
    } else if (path !== '') {
      const list = flat.get(path);
      if (list) list.push(value);
      else flat.set(path, [value]);
    }
  };
  visit(event, '');
  return flat;
}

function matchCompiled(pattern: CompiledPattern, flat: Flat): boolean {
  for (const { path, matchers } of pattern.fields) {
    const values = flat.get(path) ?? [];
    if (!matchers.some((m) => matchesLeaf(m, values))) return false;
  }
  return pattern.ors.every((alternatives) => alternatives.some((alt) => matchCompiled(alt, flat)));
}
