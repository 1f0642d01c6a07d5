// The user pool's password policy: the stack sets it (lib/features/identity.ts) and the console's
// login page states it, from this one place.
export const passwordPolicy = {
  minLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: false,
} as const;
