// The tenant's editable settings (GET/PATCH /settings): one item holding the document and its
// version `v`. Until an admin first changes them the item is absent and the seed (the tenant file's
// settings, in the function environment) is version 0. Read with one GetItem per use, so a change is
// seen by every container on its next call: the item carries its own version, so a separate version
// check (versioned-cache.ts) would read this same item and then read it again on a change. What a
// container keeps is the parsed document of the version it last saw.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { applySettingsPatch, tenantSettingsSchema, type TenantSettings } from '../config.ts';
import { Conflict } from '../domain/errors.ts';
import { conditionally, ddb, tableName } from './dynamo.ts';

export const settingsKey = (t: string) => ({ PK: `T#${t}#SETTINGS`, SK: 'SETTINGS' });

export interface StoredSettings {
  version: number;
  settings: TenantSettings;
  /** When an admin last changed them; null while the seed applies. */
  updatedAt: string | null;
}

// The last document this container parsed, by version (parsing applies the defaults of fields added
// since the item was written; it is skipped while the version is unchanged).
let parsed: { tenant: string; version: number; settings: TenantSettings } | null = null;

async function read(tenant: string, seed: TenantSettings, consistent = false): Promise<StoredSettings> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: settingsKey(tenant), ConsistentRead: consistent }));
  if (!out.Item) return { version: 0, settings: seed, updatedAt: null };
  const version = out.Item['v'] as number;
  if (parsed?.tenant !== tenant || parsed.version !== version) parsed = { tenant, version, settings: tenantSettingsSchema.parse(out.Item['settings']) };
  return { version, settings: parsed.settings, updatedAt: (out.Item['updatedAt'] as string | undefined) ?? null };
}

/** The current settings; `fresh` reads strongly consistent (what an admin is about to change). */
export function currentSettings(tenant: string, seed: TenantSettings, opts: { fresh?: boolean } = {}): Promise<StoredSettings> {
  return read(tenant, seed, opts.fresh ?? false);
}

/**
 * Applies a JSON merge patch to the settings of version `expected`: Conflict when they changed since
 * (or meanwhile), Invalid when the result breaks the schema. Nothing is stored unless both hold.
 */
export async function patchSettings(tenant: string, seed: TenantSettings, expected: number, patch: unknown, now = new Date()): Promise<StoredSettings> {
  const current = await read(tenant, seed, true);
  if (current.version !== expected) throw new Conflict(`the settings are at version ${current.version}, not ${expected}: reload and apply the change again`, 'version_conflict');
  const next: StoredSettings = { version: expected + 1, settings: applySettingsPatch(current.settings, patch), updatedAt: now.toISOString() };
  const stored = await conditionally(
    ddb.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...settingsKey(tenant), v: next.version, settings: next.settings, updatedAt: next.updatedAt },
        ...(expected === 0 ? { ConditionExpression: 'attribute_not_exists(PK)' } : { ConditionExpression: 'v = :expected', ExpressionAttributeValues: { ':expected': expected } }),
      }),
    ),
  );
  if (!stored) throw new Conflict('the settings changed meanwhile: reload and apply the change again', 'version_conflict');
  return next;
}
