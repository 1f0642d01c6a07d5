/**
 * Validation of EventBridge event patterns: rejects what EventBridge (aws/event-ruler) rejects.
 * Returns human-readable problems, empty when the pattern is valid.
 */
import { parseCidr, wildcardProblem } from './pattern-text.ts';

type Obj = Record<string, unknown>;

const NUMERIC_OPS = new Set(['=', '<', '<=', '>', '>=']);
const ANYTHING_BUT_OPS = new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']);

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function validatePattern(pattern: unknown): string[] {
  let parsed = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern) as unknown;
    } catch {
      return ['event pattern is not valid JSON'];
    }
  }
  if (!isObject(parsed)) return ['event pattern must be a JSON object'];
  const problems: string[] = [];
  validateObject(parsed, '', problems);
  return problems;
}

function validateObject(obj: Obj, path: string, problems: string[]): void {
  const keys = Object.keys(obj);
  if (keys.length === 0) problems.push(`${where(path)}empty objects are not allowed`);
  for (const key of keys) {
    const value = obj[key];
    const child = path === '' ? key : `${path}.${key}`;
    if (key === '$or') validateOr(value, path, problems);
    else if (Array.isArray(value)) validateLeaf(value, child, problems);
    else if (isObject(value)) validateObject(value, child, problems);
    else problems.push(`${where(child)}value must be an array or an object, got ${JSON.stringify(value)}`);
  }
}

function validateOr(value: unknown, path: string, problems: string[]): void {
  if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) {
    problems.push(`${where(path)}"$or" must be an array of at least 2 objects`);
    return;
  }
  for (const alt of value) validateObject(alt, path, problems);
}

function validateLeaf(list: unknown[], path: string, problems: string[]): void {
  if (list.length === 0) problems.push(`${where(path)}empty arrays are not allowed`);
  for (const item of list) {
    if (Array.isArray(item)) problems.push(`${where(path)}arrays are not allowed inside arrays`);
    else if (isObject(item)) {
      const problem = operatorProblem(item);
      if (problem) problems.push(`${where(path)}${problem}`);
    }
  }
}

function operatorProblem(matcher: Obj): string | undefined {
  const entries = Object.entries(matcher);
  if (entries.length !== 1) return `a match object must have exactly one operator, got ${JSON.stringify(matcher)}`;
  const [op, arg] = entries[0] as [string, unknown];
  switch (op) {
    case 'exists':
      return typeof arg === 'boolean' ? undefined : '"exists" must be true or false';
    case 'prefix':
    case 'suffix':
      if (typeof arg === 'string') return undefined;
      if (isObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') return undefined;
      return `"${op}" must be a string or {"equals-ignore-case": string}`;
    case 'equals-ignore-case':
      return typeof arg === 'string' ? undefined : '"equals-ignore-case" must be a string';
    case 'wildcard':
      return typeof arg === 'string' ? wildcardProblem(arg) : '"wildcard" must be a string';
    case 'cidr':
      return typeof arg === 'string' && parseCidr(arg) ? undefined : `"cidr" must be a valid IPv4 or IPv6 CIDR, got ${JSON.stringify(arg)}`;
    case 'numeric':
      return numericProblem(arg);
    case 'anything-but':
      return anythingButProblem(arg);
    default:
      return `unrecognized match type "${op}"`;
  }
}

function numericProblem(spec: unknown): string | undefined {
  const bad = (why: string): string => `"numeric" ${why}: ${JSON.stringify(spec)}`;
  if (!Array.isArray(spec) || (spec.length !== 2 && spec.length !== 4)) return bad('must be [op, number] or [lowOp, number, highOp, number]');
  for (let i = 0; i < spec.length; i += 2) {
    if (!NUMERIC_OPS.has(String(spec[i]))) return bad(`has an unrecognized operator ${JSON.stringify(spec[i])}`);
    const n = spec[i + 1];
    if (typeof n !== 'number' || !Number.isFinite(n)) return bad('values must be numbers');
  }
  if (spec.length === 4) {
    const [lowOp, low, highOp, high] = spec as [string, number, string, number];
    if (lowOp !== '>' && lowOp !== '>=') return bad('range must start with ">" or ">="');
    if (highOp !== '<' && highOp !== '<=') return bad('range must end with "<" or "<="');
    if (!(low < high)) return bad('bottom must be less than top');
  }
  return undefined;
}

function anythingButProblem(arg: unknown): string | undefined {
  if (typeof arg === 'string' || (typeof arg === 'number' && Number.isFinite(arg))) return undefined;
  if (Array.isArray(arg)) {
    if (arg.length === 0) return '"anything-but" list must not be empty';
    const ok = arg.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)));
    return ok ? undefined : '"anything-but" list may only hold strings and numbers';
  }
  if (isObject(arg)) {
    const entries = Object.entries(arg);
    const [op, inner] = entries[0] ?? [];
    if (entries.length !== 1 || op === undefined || !ANYTHING_BUT_OPS.has(op)) {
      return `"anything-but" object must hold exactly one of ${[...ANYTHING_BUT_OPS].join(', ')}`;
    }
    const values = Array.isArray(inner) ? inner : [inner];
    if (values.length === 0 || !values.every((v) => typeof v === 'string')) return `"anything-but"/"${op}" must be a string or a list of strings`;
    if (op === 'wildcard') return values.map((v) => wildcardProblem(v as string)).find((p) => p !== undefined);
    return undefined;
  }
  return '"anything-but" must be a string, a number, a list of them, or an object';
}

function where(path: string): string {
  return path === '' ? '' : `${path}: `;
}
