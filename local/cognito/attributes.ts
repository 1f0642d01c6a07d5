/** User attributes against a pool's schema, their wire form, and ListUsers' `Filter` expressions. */
import { AwsJsonError } from '../aws-json.ts';
import type { SchemaAttribute, UserRecord } from './types.ts';

/** Cognito's standard attributes that a request may set (`sub` is Cognito's own). */
export const STANDARD_ATTRIBUTES = new Set([
  'address', 'birthdate', 'email', 'email_verified', 'family_name', 'gender', 'given_name', 'locale', 'middle_name', 'name',
  'nickname', 'phone_number', 'phone_number_verified', 'picture', 'preferred_username', 'profile', 'updated_at', 'website', 'zoneinfo',
]);

const EMAIL = /^[^\s@]+@[^\s@]+$/;
export const isEmail = (value: string) => EMAIL.test(value);

export type AttributeList = Array<{ Name: string; Value: string }>;

/** `[{Name, Value}]` from a request → a map, validated against the pool's schema. */
export function attributesFromRequest(list: unknown, custom: SchemaAttribute[], opts: { updating: boolean }): Record<string, string> {
  if (list === undefined) return {};
  if (!Array.isArray(list)) throw new AwsJsonError('InvalidParameterException', 'UserAttributes must be a list of {Name, Value}.');
  const out: Record<string, string> = {};
  for (const item of list as Array<Record<string, unknown>>) {
    const name = item?.['Name'];
    const value = item?.['Value'] ?? '';
    if (typeof name !== 'string' || typeof value !== 'string') throw new AwsJsonError('InvalidParameterException', 'Every user attribute needs a Name and a string Value.');
    if (name === 'sub') throw schemaError(`${name}: Attribute cannot be updated. (changing an immutable attribute)`);
    if (name.startsWith('custom:')) {
      const declared = custom.find((a) => `custom:${a.Name}` === name);
      if (!declared) throw schemaError(`Type for attribute {${name}} could not be determined`);
      if (opts.updating && !declared.Mutable) throw schemaError(`${name}: Attribute cannot be updated. (changing an immutable attribute)`);
      if (declared.AttributeDataType === 'Number' && value !== '' && !Number.isFinite(Number(value))) throw schemaError(`${name}: Number expected.`);
    } else if (!STANDARD_ATTRIBUTES.has(name)) {
      throw schemaError(`${name}: Attribute does not exist in the schema.`);
    }
    if (name === 'email' && !EMAIL.test(value)) throw new AwsJsonError('InvalidParameterException', 'Invalid email address format.');
    out[name] = value;
  }
  return out;
}

function schemaError(detail: string): AwsJsonError {
  return new AwsJsonError('InvalidParameterException', `Attributes did not conform to the schema: ${detail}`);
}

export function attributeList(attributes: Record<string, string>, only?: string[]): AttributeList {
  return Object.entries(attributes)
    .filter(([name]) => !only || only.includes(name))
    .map(([Name, Value]) => ({ Name, Value }));
}

/** One parsed ListUsers filter: `name = "value"` (equals) or `name ^= "value"` (starts with). */
export interface UserFilter {
  attribute: string;
  prefix: boolean;
  value: string;
}

const FILTERABLE = new Set(['username', 'email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username', 'cognito:user_status', 'status', 'sub']);

export function parseUserFilter(filter: unknown): UserFilter | undefined {
  if (filter === undefined || filter === '') return undefined;
  const m = typeof filter === 'string' ? /^\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter) : null;
  if (!m) throw new AwsJsonError('InvalidParameterException', 'Error while parsing filter.');
  const [, attribute = '', operator, value = ''] = m;
  if (!FILTERABLE.has(attribute)) throw new AwsJsonError('InvalidParameterException', `Invalid search attribute: ${attribute}`);
  return { attribute, prefix: operator === '^=', value: value.replace(/\\(.)/g, '$1') };
}

export function matchesUserFilter(user: UserRecord, f: UserFilter, caseSensitive: boolean): boolean {
  const actual =
    f.attribute === 'username' ? user.Username
    : f.attribute === 'cognito:user_status' ? user.UserStatus
    : f.attribute === 'status' ? (user.Enabled ? 'Enabled' : 'Disabled')
    : user.Attributes[f.attribute];
  if (actual === undefined) return false;
  const fold = (s: string) => (caseSensitive ? s : s.toLowerCase());
  return f.prefix ? fold(actual).startsWith(fold(f.value)) : fold(actual) === fold(f.value);
}
