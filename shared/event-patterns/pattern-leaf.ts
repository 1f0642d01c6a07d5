/** One leaf matcher (an element of a pattern array) against the leaf values found at its path. */
import { ipInCidr, wildcardRegExp } from './pattern-text.ts';

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function lower(s: string): string {
  return s.toLowerCase();
}

/** `values` are the leaf values (never objects) at the path; empty when the path is missing. */
export function matchesLeaf(matcher: unknown, values: unknown[]): boolean {
  if (!isObject(matcher)) return values.some((v) => equalsExact(matcher, v));
  const [op, arg] = Object.entries(matcher)[0] ?? [];
  switch (op) {
    case 'exists':
      return arg === true ? values.length > 0 : arg === false && values.length === 0;
    case 'anything-but':
      return values.length > 0 && values.some((v) => !excludedBy(arg, v));
    case 'numeric':
      return values.some((v) => typeof v === 'number' && inNumericRange(arg, v));
    default:
      return op !== undefined && values.some((v) => typeof v === 'string' && matchesString(op, arg, v));
  }
}

function equalsExact(expected: unknown, value: unknown): boolean {
  return expected === value;
}

/** String-only operators: prefix, suffix, equals-ignore-case, wildcard, cidr. */
function matchesString(op: string, arg: unknown, value: string): boolean {
  switch (op) {
    case 'prefix':
      if (isObject(arg)) {
        const s = arg['equals-ignore-case'];
        return typeof s === 'string' && lower(value).startsWith(lower(s));
      }
      return typeof arg === 'string' && value.startsWith(arg);
    case 'suffix':
      if (isObject(arg)) {
        const s = arg['equals-ignore-case'];
        return typeof s === 'string' && lower(value).endsWith(lower(s));
      }
      return typeof arg === 'string' && value.endsWith(arg);
    case 'equals-ignore-case':
      return typeof arg === 'string' && lower(value) === lower(arg);
    case 'wildcard':
      return typeof arg === 'string' && wildcardRegExp(arg).test(value);
    case 'cidr':
      return typeof arg === 'string' && ipInCidr(arg, value);
    default:
      return false;
  }
}

/** True when `value` is one of the values an `anything-but` excludes (null is never excluded). */
function excludedBy(arg: unknown, value: unknown): boolean {
  if (value === null) return false;
  if (!isObject(arg)) return asList(arg).some((x) => x === value);
  if (typeof value !== 'string') return false;
  const [op, inner] = Object.entries(arg)[0] ?? [];
  if (op === undefined) return false;
  return asList(inner).some((x) => matchesString(op, x, value));
}

const OPS: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function inNumericRange(spec: unknown, value: number): boolean {
  if (!Array.isArray(spec)) return false;
  for (let i = 0; i + 1 < spec.length; i += 2) {
    const test = OPS[String(spec[i])];
    const bound = spec[i + 1];
    if (!test || typeof bound !== 'number' || !test(value, bound)) return false;
  }
  return spec.length > 0;
}
