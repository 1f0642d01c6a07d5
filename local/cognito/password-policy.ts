/** A user pool's password policy: Cognito's defaults, its checks and messages, and temporary passwords. */
import { randomInt } from 'node:crypto';
import type { PasswordPolicy } from './types.ts';

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  TemporaryPasswordValidityDays: 7,
};

/** The characters Cognito counts as symbols (a space counts too, inside a password). */
const SYMBOLS = '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- ';

/** Why `password` breaks the policy, in Cognito's words, or undefined when it conforms. */
export function policyViolation(policy: PasswordPolicy, password: string): string | undefined {
  const why = (reason: string) => `Password did not conform with policy: ${reason}`;
  if (password.length < policy.MinimumLength) return why('Password not long enough');
  if (policy.RequireUppercase && !/[A-Z]/.test(password)) return why('Password must have uppercase characters');
  if (policy.RequireLowercase && !/[a-z]/.test(password)) return why('Password must have lowercase characters');
  if (policy.RequireNumbers && !/[0-9]/.test(password)) return why('Password must have numeric characters');
  if (policy.RequireSymbols && ![...password].some((c) => SYMBOLS.includes(c))) return why('Password must have symbol characters');
  return undefined;
}

/** The shape every password parameter must have before any policy applies (no edge whitespace, ≤ 256). */
export function passwordShapeViolation(password: string, field: string): string | undefined {
  if (password.length > 256) return `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to 256`;
  if (!/^\S(.*\S)?$/s.test(password)) return `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$`;
  return undefined;
}

/** A temporary password that satisfies the policy (one of each class, then random letters and digits). */
export function temporaryPassword(policy: PasswordPolicy): string {
  const pick = (set: string) => set.charAt(randomInt(set.length));
  const lower = 'abcdefghijkmnopqrstuvwxyz';
  const upper = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const digits = '23456789';
  const chars = [pick(lower), pick(upper), pick(digits), pick('!#%&*+=?@^')];
  while (chars.length < Math.max(12, policy.MinimumLength)) chars.push(pick(lower + upper + digits));
  // Fisher–Yates: the fixed classes at the front end up anywhere.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    const [a = '', b = ''] = [chars[i], chars[j]];
    chars[i] = b;
    chars[j] = a;
  }
  return chars.join('');
}
