/**
 * Creates the template's secrets (`AWS::SecretsManager::Secret` with a `Name`) in the local Secrets
 * Manager, as CloudFormation would on the first deploy: with the value given (locally, the tenant
 * file's secrets) or else generated from `GenerateSecretString`. A secret that is already there
 * (a persisted local state, a value set with `npm run secrets -- set --local`) is kept.
 */
import { randomInt } from 'node:crypto';
import { CreateSecretCommand, DescribeSecretCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Template } from '../cloud-assembly.ts';

interface GenerateSecretString {
  SecretStringTemplate?: string;
  GenerateStringKey?: string;
  PasswordLength?: number;
  ExcludePunctuation?: boolean;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** What Secrets Manager would generate (the same shape; the randomness is local). */
export function generatedSecret(spec: GenerateSecretString): string {
  const chars = spec.ExcludePunctuation ? LETTERS : LETTERS + PUNCTUATION;
  const password = Array.from({ length: spec.PasswordLength ?? 32 }, () => chars[randomInt(chars.length)]).join('');
  if (!spec.SecretStringTemplate || !spec.GenerateStringKey) return password;
  return JSON.stringify({ ...(JSON.parse(spec.SecretStringTemplate) as object), [spec.GenerateStringKey]: password });
}

export async function seedSecrets(template: Template, opts: { endpoint: string; region: string; values: Record<string, string> }): Promise<void> {
  const client = new SecretsManagerClient({ endpoint: opts.endpoint, region: opts.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type !== 'AWS::SecretsManager::Secret') continue;
      const props = resource.Properties ?? {};
      const name = props['Name'];
      if (typeof name !== 'string') continue; // an unnamed secret has no local name to read it by
      try {
        await client.send(new DescribeSecretCommand({ SecretId: name }));
        continue;
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
      }
      const value = opts.values[name] ?? (props['SecretString'] as string | undefined) ?? generatedSecret((props['GenerateSecretString'] as GenerateSecretString | undefined) ?? {});
      await client.send(new CreateSecretCommand({ Name: name, SecretString: value, ...(typeof props['Description'] === 'string' ? { Description: props['Description'] } : {}) }));
    }
  } finally {
    client.destroy();
  }
}
