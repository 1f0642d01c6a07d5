// The local Secrets Manager against the unmodified @aws-sdk/client-secrets-manager and Powertools
// Parameters' getSecret (the cold-start read of the functions): versions and staging labels,
// lookup by name or ARN, deletion, and Secrets Manager's errors.
import {
  CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ListSecretsCommand, PutSecretValueCommand,
  RestoreSecretCommand, SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSecretsManager, startSecretsManager } from '../../local/secrets-manager/server.ts';

const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';

describe('local Secrets Manager', () => {
  let sm: LocalSecretsManager;
  let client: SecretsManagerClient;
  let offsetMs = 0;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    sm = await startSecretsManager({ port: 0, region: REGION, account: ACCOUNT, clock: () => new Date(Date.now() + offsetMs), log: () => undefined });
    client = new SecretsManagerClient({ endpoint: sm.url, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    // How a function finds it: the SDK's service-specific endpoint variable, nothing in the code.
    Object.assign(process.env, { AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.url, AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  });
  afterAll(async () => {
    process.env = savedEnv;
    client?.destroy();
    await sm?.close();
  });

  const nameOf = (p: Promise<unknown>) => p.then(() => 'resolved', (err: Error) => `${err.name}: ${err.message}`);

  it('S7: a new value becomes AWSCURRENT and the one before stays readable as AWSPREVIOUS, so a rotation has two valid at once', async () => {
    const created = await client.send(new CreateSecretCommand({ Name: 'ringdesk/demo/signing-key', SecretString: 'key-1', Description: 'webhook signing key' }));
    expect(created.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:ringdesk/demo/signing-key-[A-Za-z0-9]{6}$`));
    const first = await client.send(new GetSecretValueCommand({ SecretId: 'ringdesk/demo/signing-key' }));
    expect(first).toMatchObject({ Name: 'ringdesk/demo/signing-key', SecretString: 'key-1', VersionId: created.VersionId, VersionStages: ['AWSCURRENT'] });
    expect(first.CreatedDate).toBeInstanceOf(Date);

    const put = await client.send(new PutSecretValueCommand({ SecretId: created.ARN, SecretString: 'key-2' }));
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    expect((await client.send(new GetSecretValueCommand({ SecretId: created.ARN! }))).SecretString).toBe('key-2');
    expect((await client.send(new GetSecretValueCommand({ SecretId: created.ARN!, VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('key-1');

    await client.send(new PutSecretValueCommand({ SecretId: 'ringdesk/demo/signing-key', SecretString: 'key-3' }));
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'ringdesk/demo/signing-key' }));
    const third = await client.send(new GetSecretValueCommand({ SecretId: 'ringdesk/demo/signing-key' }));
    // Two versions ago is unlabelled: no longer listed, still readable by its id.
    expect(described.VersionIdsToStages).toEqual({ [put.VersionId!]: ['AWSPREVIOUS'], [third.VersionId!]: ['AWSCURRENT'] });
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'ringdesk/demo/signing-key', VersionId: created.VersionId }))).SecretString).toBe('key-1');
    expect(described).toMatchObject({ Description: 'webhook signing key', RotationEnabled: false });

    // A partial ARN (without the random suffix) finds the secret too.
    const partial = created.ARN!.replace(/-[A-Za-z0-9]{6}$/, '');
    expect((await client.send(new GetSecretValueCommand({ SecretId: partial }))).SecretString).toBe('key-3');
  });

  it('S7: Powertools getSecret reads it through AWS_ENDPOINT_URL_SECRETS_MANAGER and caches it until maxAge or forceFetch', async () => {
    await client.send(new CreateSecretCommand({ Name: 'ringdesk/demo/providers', SecretString: JSON.stringify({ mango: { token: 'old' } }) }));
    const before = sm.requests()['GetSecretValue'] ?? 0;
    expect(await getSecret('ringdesk/demo/providers', { transform: 'json', maxAge: 300 })).toEqual({ mango: { token: 'old' } });
    expect(await getSecret('ringdesk/demo/providers', { transform: 'json', maxAge: 300 })).toEqual({ mango: { token: 'old' } });
    expect(sm.requests()['GetSecretValue']).toBe(before + 1); // the second read came from the cache

    await client.send(new PutSecretValueCommand({ SecretId: 'ringdesk/demo/providers', SecretString: JSON.stringify({ mango: { token: 'new' } }) }));
    expect(await getSecret('ringdesk/demo/providers', { transform: 'json', maxAge: 300 })).toEqual({ mango: { token: 'old' } });
    expect(await getSecret('ringdesk/demo/providers', { transform: 'json', forceFetch: true })).toEqual({ mango: { token: 'new' } });
    expect(sm.requests()['GetSecretValue']).toBe(before + 2);
  });

  it('keeps binary secrets as bytes', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await client.send(new CreateSecretCommand({ Name: 'ringdesk/demo/binary', SecretBinary: bytes }));
    const got = await client.send(new GetSecretValueCommand({ SecretId: 'ringdesk/demo/binary' }));
    expect(got.SecretString).toBeUndefined();
    expect([...(got.SecretBinary ?? [])]).toEqual([...bytes]);
  });

  it('is idempotent for a repeated ClientRequestToken and refuses to change a version', async () => {
    const token = 'a1b2c3d4-0000-4000-8000-000000000001';
    await client.send(new CreateSecretCommand({ Name: 'ringdesk/demo/idem', SecretString: 'v1' }));
    const once = await client.send(new PutSecretValueCommand({ SecretId: 'ringdesk/demo/idem', SecretString: 'v2', ClientRequestToken: token }));
    const twice = await client.send(new PutSecretValueCommand({ SecretId: 'ringdesk/demo/idem', SecretString: 'v2', ClientRequestToken: token }));
    expect(twice.VersionId).toBe(once.VersionId);
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'ringdesk/demo/idem', VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('v1');
    expect(await nameOf(client.send(new PutSecretValueCommand({ SecretId: 'ringdesk/demo/idem', SecretString: 'v3', ClientRequestToken: token })))).toBe(
      "ResourceExistsException: You can't modify an existing version, you can only create a new version.",
    );
  });

  it('lists secrets by name prefix and tag, with paging', async () => {
    await client.send(new CreateSecretCommand({ Name: 'ringdesk/acme/providers', SecretString: '{}', Tags: [{ Key: 'tenant', Value: 'acme' }] }));
    await client.send(new CreateSecretCommand({ Name: 'ringdesk/acme/signing-key', SecretString: 'k', Tags: [{ Key: 'tenant', Value: 'acme' }] }));
    const byName = await client.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['ringdesk/acme/'] }] }));
    expect(byName.SecretList?.map((s) => s.Name)).toEqual(['ringdesk/acme/providers', 'ringdesk/acme/signing-key']);
    expect(Object.values(byName.SecretList?.[0]?.SecretVersionsToStages ?? {})).toEqual([['AWSCURRENT']]);
    const byTag = await client.send(new ListSecretsCommand({ Filters: [{ Key: 'tag-value', Values: ['acme'] }, { Key: 'name', Values: ['!ringdesk/acme/sign'] }] }));
    expect(byTag.SecretList?.map((s) => s.Name)).toEqual(['ringdesk/acme/providers']);
    const page = await client.send(new ListSecretsCommand({ MaxResults: 1, Filters: [{ Key: 'name', Values: ['ringdesk/acme/'] }] }));
    expect(page.SecretList).toHaveLength(1);
    const rest = await client.send(new ListSecretsCommand({ MaxResults: 1, NextToken: page.NextToken, Filters: [{ Key: 'name', Values: ['ringdesk/acme/'] }] }));
    expect(rest.SecretList?.map((s) => s.Name)).toEqual(['ringdesk/acme/signing-key']);
    expect(rest.NextToken).toBeUndefined();
  });

  it('deletes with a recovery window (restorable, name taken) or at once (ForceDeleteWithoutRecovery)', async () => {
    await client.send(new CreateSecretCommand({ Name: 'ringdesk/demo/old', SecretString: 'x' }));
    const scheduled = await client.send(new DeleteSecretCommand({ SecretId: 'ringdesk/demo/old', RecoveryWindowInDays: 7 }));
    expect(scheduled.DeletionDate!.getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(await nameOf(client.send(new GetSecretValueCommand({ SecretId: 'ringdesk/demo/old' })))).toBe(
      "InvalidRequestException: You can't perform this operation on the secret because it was marked for deletion.",
    );
    expect(await nameOf(client.send(new CreateSecretCommand({ Name: 'ringdesk/demo/old', SecretString: 'y' })))).toMatch(/^InvalidRequestException: .*scheduled for deletion/);
    expect((await client.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['ringdesk/demo/old'] }] }))).SecretList).toEqual([]);
    expect((await client.send(new ListSecretsCommand({ IncludePlannedDeletion: true, Filters: [{ Key: 'name', Values: ['ringdesk/demo/old'] }] }))).SecretList).toHaveLength(1);
    await client.send(new RestoreSecretCommand({ SecretId: 'ringdesk/demo/old' }));
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'ringdesk/demo/old' }))).SecretString).toBe('x');

    // Once the window has passed the secret is gone and its name free.
    await client.send(new DeleteSecretCommand({ SecretId: 'ringdesk/demo/old', RecoveryWindowInDays: 7 }));
    offsetMs = 8 * 86_400_000;
    try {
      expect(await nameOf(client.send(new DescribeSecretCommand({ SecretId: 'ringdesk/demo/old' })))).toBe("ResourceNotFoundException: Secrets Manager can't find the specified secret.");
    } finally {
      offsetMs = 0;
    }

    await client.send(new CreateSecretCommand({ Name: 'ringdesk/demo/gone', SecretString: 'x' }));
    await client.send(new DeleteSecretCommand({ SecretId: 'ringdesk/demo/gone', ForceDeleteWithoutRecovery: true }));
    expect(await nameOf(client.send(new GetSecretValueCommand({ SecretId: 'ringdesk/demo/gone' })))).toBe("ResourceNotFoundException: Secrets Manager can't find the specified secret.");
    expect((await client.send(new CreateSecretCommand({ Name: 'ringdesk/demo/gone', SecretString: 'again' }))).Name).toBe('ringdesk/demo/gone');
  });

  it("answers errors with Secrets Manager's names, as the SDK surfaces them", async () => {
    await client.send(new CreateSecretCommand({ Name: 'ringdesk/demo/empty' })); // a secret with no value yet
    const errors = await Promise.all([
      nameOf(client.send(new CreateSecretCommand({ Name: 'ringdesk/demo/empty', SecretString: 'x' }))),
      nameOf(client.send(new GetSecretValueCommand({ SecretId: 'ringdesk/demo/nothing' }))),
      nameOf(client.send(new GetSecretValueCommand({ SecretId: 'ringdesk/demo/empty' }))),
      nameOf(client.send(new GetSecretValueCommand({ SecretId: 'ringdesk/demo/empty', VersionStage: 'AWSPENDING' }))),
      nameOf(client.send(new CreateSecretCommand({ Name: 'bad name!', SecretString: 'x' }))),
      nameOf(client.send(new CreateSecretCommand({ Name: 'ringdesk/demo/both', SecretString: 'x', SecretBinary: new Uint8Array([1]) }))),
      nameOf(client.send(new DeleteSecretCommand({ SecretId: 'ringdesk/demo/empty', ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 }))),
      nameOf(client.send(new DeleteSecretCommand({ SecretId: 'ringdesk/demo/empty', RecoveryWindowInDays: 3 }))),
      nameOf(client.send(new PutSecretValueCommand({ SecretId: 'ringdesk/demo/empty' }))),
    ]);
    expect(errors).toEqual([
      'ResourceExistsException: The operation failed because the secret ringdesk/demo/empty already exists.',
      "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
      "ResourceNotFoundException: Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
      "ResourceNotFoundException: Secrets Manager can't find the specified secret value for staging label: AWSPENDING",
      'InvalidParameterException: Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
      "InvalidParameterException: You can't specify both a binary secret value and a string secret value in the same secret.",
      "InvalidParameterException: You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
      'InvalidParameterException: The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
      'InvalidParameterException: You must provide either SecretString or SecretBinary.',
    ]);
  });
});
