// The stack's tenant and its settings, read once per container.
import { parseTenantConfig, requireEnv } from './config.ts';

export const tenantId = requireEnv('TENANT_ID');
export const tenantConfig = parseTenantConfig(process.env['TENANT_CONFIG']);
