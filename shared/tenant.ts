// The stack's tenant and the accessors of its settings. `tenantSettings()` reads the editable
// settings (one GetItem per use, settings-repo.ts: a change applies on the next call);
// `tenantConfig()` joins them with the secrets for code that needs both (provider adapters, rules).
// Both load their adapters on first use, so a function that only needs the tenant id (ws-authorize)
// needs no table and no secret.
import { joinTenantConfig, requireEnv, tenantSettingsSchema, type TenantConfig, type TenantSettings } from './config.ts';

export const tenantId = requireEnv('TENANT_ID');

// The tenant file's settings, bound by the stack: what applies until an admin first changes them.
const seedJson = process.env['TENANT_SETTINGS'];
const seed: TenantSettings | null = seedJson ? tenantSettingsSchema.parse(JSON.parse(seedJson)) : null;

export function settingsSeed(): TenantSettings {
  if (!seed) throw new Error('environment variable TENANT_SETTINGS is not set');
  return seed;
}

export async function tenantSettings(): Promise<TenantSettings> {
  const { currentSettings } = await import('./adapters/settings-repo.ts');
  return (await currentSettings(tenantId, settingsSeed())).settings;
}

export async function tenantConfig(opts: { freshSecrets?: boolean } = {}): Promise<TenantConfig> {
  const { tenantSecrets } = await import('./tenant-secrets.ts');
  const [settings, secrets] = await Promise.all([tenantSettings(), tenantSecrets(opts.freshSecrets ? { fresh: true } : {})]);
  return joinTenantConfig(tenantId, settings, secrets);
}
