// A tenant's secret in the local Secrets Manager, and the environment a function reading it through
// shared/tenant-secrets.ts (Powertools getSecret, the unmodified SDK client) gets.
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { tenantSecretName, type TenantSecrets } from '#shared/config.ts';
import { startSecretsManager, type LocalSecretsManager } from '../../local/secrets-manager/server.ts';

const REGION = 'us-east-1';

export async function startTenantSecret(tenant: string, secrets: TenantSecrets): Promise<{ env: Record<string, string>; manager: LocalSecretsManager; close(): Promise<void> }> {
  const manager = await startSecretsManager({ port: 0, region: REGION, account: '000000000000', log: () => undefined });
  const client = new SecretsManagerClient({ endpoint: manager.url, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await client.send(new CreateSecretCommand({ Name: tenantSecretName(tenant), SecretString: JSON.stringify(secrets) }));
  client.destroy();
  const env = {
    TENANT_SECRET_NAME: tenantSecretName(tenant),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: manager.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
  return { env, manager, close: () => manager.close() };
}
