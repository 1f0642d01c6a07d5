// The one accessor of the tenant's secrets (signing keys, provider credentials): a Secrets Manager
// secret whose name the stack binds (TENANT_SECRET_NAME), read with Powertools Parameters. Importing
// this module reads it at cold start, so a missing or malformed secret fails the init, not a request.
//
// Cached for MAX_AGE_SECONDS: a value set with `npm run secrets -- set` (a rotation) reaches every
// warm container within 5 minutes without a redeploy, while a busy container asks Secrets Manager
// at most once per 5 minutes. Callers that see a credential refused (a webhook signature that no
// longer matches) may ask once for a `fresh` read instead of waiting.
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { requireEnv, tenantSecretsSchema, type TenantSecrets } from './config.ts';

export const MAX_AGE_SECONDS = 300;
/** A forced re-read at most this often per container, whatever callers ask. */
const MIN_FRESH_INTERVAL_MS = 10_000;

const secretName = requireEnv('TENANT_SECRET_NAME');
let parsed: { raw: string; value: TenantSecrets } | null = null;
let lastForced = 0;

export async function tenantSecrets(opts: { fresh?: boolean; now?: number } = {}): Promise<TenantSecrets> {
  const now = opts.now ?? Date.now();
  const forceFetch = opts.fresh === true && now - lastForced >= MIN_FRESH_INTERVAL_MS;
  if (forceFetch) lastForced = now;
  const raw = await getSecret<string>(secretName, { maxAge: MAX_AGE_SECONDS, forceFetch });
  if (typeof raw !== 'string') throw new Error(`secret ${secretName} has no string value`);
  if (parsed?.raw !== raw) {
    const result = tenantSecretsSchema.safeParse(JSON.parse(raw));
    // Never the value itself in the message: only which fields are wrong.
    if (!result.success) throw new Error(`secret ${secretName} is not valid: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`).join('; ')}`);
    parsed = { raw, value: result.data };
  }
  return parsed.value;
}

await tenantSecrets();
