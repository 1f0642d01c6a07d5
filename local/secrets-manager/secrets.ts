/**
 * Secrets Manager's operations over plain state: secrets with versions and staging labels
 * (AWSCURRENT / AWSPREVIOUS move on each new value), lookup by name or (partial) ARN, scheduled or
 * immediate deletion, and Secrets Manager's error names and messages.
 */
import { randomUUID } from 'node:crypto';
import { AwsJsonError, epochSeconds, optionalString, requiredString } from '../aws-json.ts';
import { randomText } from '../gateway/ids.ts';

export interface SecretVersion {
  VersionId: string;
  SecretString?: string;
  /** Base64, as the wire carries it. */
  SecretBinary?: string;
  CreatedDate: number;
  stages: string[];
}

export interface SecretRecord {
  ARN: string;
  Name: string;
  Description?: string;
  KmsKeyId?: string;
  Tags: Array<{ Key: string; Value: string }>;
  CreatedDate: number;
  LastChangedDate: number;
  LastAccessedDate?: number;
  /** Set while a deletion is scheduled: when the secret goes for good. */
  DeletedDate?: number;
  /** Oldest first. */
  versions: SecretVersion[];
}

export interface SecretsState {
  /** By name. */
  secrets: Record<string, SecretRecord>;
}

export interface SecretsContext {
  state: SecretsState;
  region: string;
  account: string;
  now(): number;
}

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
const DAY_MS = 86_400_000;
const MAX_VALUE_BYTES = 65_536;
const MAX_VERSIONS = 100;
const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const ARN_SUFFIX = /-[A-Za-z0-9]{6}$/;

const required = (body: Record<string, unknown>, member: string) => requiredString(body, member, 'ValidationException');
const invalidParameter = (message: string) => new AwsJsonError('InvalidParameterException', message);
const notFound = (message = "Secrets Manager can't find the specified secret.") => new AwsJsonError('ResourceNotFoundException', message);

/** Drops secrets whose recovery window has passed, as Secrets Manager deletes them then. */
function purge(ctx: SecretsContext): void {
  for (const [name, s] of Object.entries(ctx.state.secrets)) {
    if (s.DeletedDate !== undefined && s.DeletedDate <= ctx.now()) delete ctx.state.secrets[name];
  }
}

/** By name, full ARN, or partial ARN (the ARN without its random six-character suffix). */
function find(ctx: SecretsContext, secretId: string): SecretRecord {
  purge(ctx);
  const byName = Object.hasOwn(ctx.state.secrets, secretId) ? ctx.state.secrets[secretId] : undefined;
  const secret = byName ?? Object.values(ctx.state.secrets).find((s) => s.ARN === secretId || s.ARN.replace(ARN_SUFFIX, '') === secretId);
  if (!secret) throw notFound();
  return secret;
}

function usable(ctx: SecretsContext, secretId: string): SecretRecord {
  const secret = find(ctx, secretId);
  if (secret.DeletedDate !== undefined) throw new AwsJsonError('InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion.");
  return secret;
}

type SecretValue = Pick<SecretVersion, 'SecretString' | 'SecretBinary'>;

/** The value of a CreateSecret / PutSecretValue: at most one of SecretString and SecretBinary. */
function secretValue(body: Record<string, unknown>): SecretValue | undefined {
  const text = optionalString(body, 'SecretString');
  const binary = optionalString(body, 'SecretBinary');
  if (text !== undefined && binary !== undefined) throw invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.");
  const value: SecretValue | undefined = text !== undefined ? { SecretString: text } : binary !== undefined ? { SecretBinary: binary } : undefined;
  const bytes = text !== undefined ? Buffer.byteLength(text) : Buffer.from(binary ?? '', 'base64').length;
  if (bytes > MAX_VALUE_BYTES) throw invalidParameter(`The secret value exceeds the maximum size of ${MAX_VALUE_BYTES} bytes.`);
  return value;
}

function versionId(body: Record<string, unknown>): string {
  const token = optionalString(body, 'ClientRequestToken') ?? randomUUID();
  if (token.length < 32 || token.length > 64) throw new AwsJsonError('ValidationException', "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length between 32 and 64");
  return token;
}

/** Puts `stages` on `version`, taking them off every other version; AWSCURRENT's old holder becomes AWSPREVIOUS. */
function moveStages(secret: SecretRecord, version: SecretVersion, stages: string[]): void {
  for (const stage of stages) {
    const holder = secret.versions.find((v) => v !== version && v.stages.includes(stage));
    if (!holder) continue;
    holder.stages = holder.stages.filter((s) => s !== stage);
    if (stage === CURRENT) {
      for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== PREVIOUS);
      holder.stages.push(PREVIOUS);
    }
  }
  version.stages = [...new Set([...version.stages, ...stages])];
  // Like Secrets Manager, forget unlabelled versions once there are too many.
  while (secret.versions.length > MAX_VERSIONS) {
    const stale = secret.versions.findIndex((v) => v.stages.length === 0);
    if (stale < 0) break;
    secret.versions.splice(stale, 1);
  }
}

function addVersion(ctx: SecretsContext, secret: SecretRecord, id: string, value: SecretValue, stages: string[]): SecretVersion {
  const existing = secret.versions.find((v) => v.VersionId === id);
  if (existing) {
    if (existing.SecretString !== value.SecretString || existing.SecretBinary !== value.SecretBinary) {
      throw new AwsJsonError('ResourceExistsException', "You can't modify an existing version, you can only create a new version.");
    }
    return existing; // the same request again: idempotent
  }
  const version: SecretVersion = { VersionId: id, ...value, CreatedDate: ctx.now(), stages: [] };
  secret.versions.push(version);
  moveStages(secret, version, stages);
  secret.LastChangedDate = ctx.now();
  return version;
}

export function createSecret(ctx: SecretsContext, body: Record<string, unknown>): Record<string, unknown> {
  const name = required(body, 'Name');
  if (!NAME.test(name)) throw invalidParameter('Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!');
  const value = secretValue(body);
  const id = versionId(body);
  purge(ctx);
  const existing = Object.hasOwn(ctx.state.secrets, name) ? ctx.state.secrets[name] : undefined;
  if (existing?.DeletedDate !== undefined) throw new AwsJsonError('InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion.");
  if (existing) throw new AwsJsonError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
  const now = ctx.now();
  const secret: SecretRecord = {
    ARN: `arn:aws:secretsmanager:${ctx.region}:${ctx.account}:secret:${name}-${randomText('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 6)}`,
    Name: name,
    Tags: (body['Tags'] as SecretRecord['Tags'] | undefined) ?? [],
    CreatedDate: now,
    LastChangedDate: now,
    versions: [],
  };
  const description = optionalString(body, 'Description');
  if (description !== undefined) secret.Description = description;
  const kmsKeyId = optionalString(body, 'KmsKeyId');
  if (kmsKeyId !== undefined) secret.KmsKeyId = kmsKeyId;
  ctx.state.secrets[name] = secret;
  if (value) addVersion(ctx, secret, id, value, [CURRENT]);
  return { ARN: secret.ARN, Name: name, ...(value ? { VersionId: id } : {}) };
}

export function getSecretValue(ctx: SecretsContext, body: Record<string, unknown>): Record<string, unknown> {
  const secret = usable(ctx, required(body, 'SecretId'));
  const id = optionalString(body, 'VersionId');
  const stage = optionalString(body, 'VersionStage');
  let version: SecretVersion | undefined;
  if (id !== undefined) {
    version = secret.versions.find((v) => v.VersionId === id);
    if (!version) throw notFound(`Secrets Manager can't find the specified secret value for VersionId: ${id}`);
    if (stage !== undefined && !version.stages.includes(stage)) throw invalidParameter('You provided a VersionStage that is not associated to the provided VersionId.');
  } else {
    const label = stage ?? CURRENT;
    version = secret.versions.find((v) => v.stages.includes(label));
    if (!version) throw notFound(`Secrets Manager can't find the specified secret value for staging label: ${label}`);
  }
  secret.LastAccessedDate = Math.floor(ctx.now() / DAY_MS) * DAY_MS; // Secrets Manager keeps the day only
  return {
    ARN: secret.ARN,
    Name: secret.Name,
    VersionId: version.VersionId,
    ...(version.SecretString !== undefined ? { SecretString: version.SecretString } : { SecretBinary: version.SecretBinary }),
    VersionStages: version.stages,
    CreatedDate: epochSeconds(version.CreatedDate),
  };
}

export function putSecretValue(ctx: SecretsContext, body: Record<string, unknown>): Record<string, unknown> {
  const secret = usable(ctx, required(body, 'SecretId'));
  const value = secretValue(body);
  if (!value) throw invalidParameter('You must provide either SecretString or SecretBinary.');
  const stages = (body['VersionStages'] as string[] | undefined) ?? [CURRENT];
  if (!Array.isArray(stages) || stages.length === 0 || stages.length > 20) throw invalidParameter('VersionStages must list 1 to 20 staging labels.');
  const version = addVersion(ctx, secret, versionId(body), value, stages);
  return { ARN: secret.ARN, Name: secret.Name, VersionId: version.VersionId, VersionStages: version.stages };
}

function versionsToStages(secret: SecretRecord): Record<string, string[]> {
  return Object.fromEntries(secret.versions.filter((v) => v.stages.length > 0).map((v) => [v.VersionId, v.stages]));
}

function dates(secret: SecretRecord): Record<string, number> {
  return {
    CreatedDate: epochSeconds(secret.CreatedDate),
    LastChangedDate: epochSeconds(secret.LastChangedDate),
    ...(secret.LastAccessedDate !== undefined ? { LastAccessedDate: epochSeconds(secret.LastAccessedDate) } : {}),
    ...(secret.DeletedDate !== undefined ? { DeletedDate: epochSeconds(secret.DeletedDate) } : {}),
  };
}

export function describeSecret(ctx: SecretsContext, body: Record<string, unknown>): Record<string, unknown> {
  const secret = find(ctx, required(body, 'SecretId'));
  return {
    ARN: secret.ARN,
    Name: secret.Name,
    ...(secret.Description !== undefined ? { Description: secret.Description } : {}),
    ...(secret.KmsKeyId !== undefined ? { KmsKeyId: secret.KmsKeyId } : {}),
    RotationEnabled: false,
    ...dates(secret),
    Tags: secret.Tags,
    VersionIdsToStages: versionsToStages(secret),
  };
}

type Filter = { Key: string; Values: string[] };

function matchesFilter(secret: SecretRecord, filter: Filter): boolean {
  const fields: Record<string, string[]> = {
    name: [secret.Name],
    description: secret.Description !== undefined ? [secret.Description] : [],
    'tag-key': secret.Tags.map((t) => t.Key),
    'tag-value': secret.Tags.map((t) => t.Value),
  };
  const candidates = filter.Key === 'all' ? Object.values(fields).flat() : (fields[filter.Key] ?? []);
  // Values match by prefix; a leading `!` negates one. Any positive value may match, no negated one may.
  const positive = filter.Values.filter((v) => !v.startsWith('!'));
  const negative = filter.Values.filter((v) => v.startsWith('!')).map((v) => v.slice(1));
  const hit = (prefix: string) => candidates.some((c) => c.startsWith(prefix));
  return (positive.length === 0 || positive.some(hit)) && !negative.some(hit);
}

export function listSecrets(ctx: SecretsContext, body: Record<string, unknown>): Record<string, unknown> {
  purge(ctx);
  const max = (body['MaxResults'] as number | undefined) ?? 100;
  if (!Number.isInteger(max) || max < 1 || max > 100) throw new AwsJsonError('ValidationException', "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100");
  const filters = (body['Filters'] as Filter[] | undefined) ?? [];
  const known = new Set(['name', 'description', 'tag-key', 'tag-value', 'all']);
  const unknown = filters.find((f) => !known.has(f.Key));
  if (unknown) throw invalidParameter(`The local Secrets Manager filters by name, description, tag-key, tag-value and all, not ${unknown.Key}.`);
  const order = body['SortOrder'] === 'desc' ? -1 : 1;
  const matching = Object.values(ctx.state.secrets)
    .filter((s) => (body['IncludePlannedDeletion'] === true || s.DeletedDate === undefined) && filters.every((f) => matchesFilter(s, f)))
    .sort((a, b) => order * (a.CreatedDate - b.CreatedDate) || a.Name.localeCompare(b.Name));
  const start = typeof body['NextToken'] === 'string' ? Number.parseInt(Buffer.from(body['NextToken'], 'base64url').toString(), 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('Invalid NextToken.');
  const page = matching.slice(start, start + max);
  return {
    SecretList: page.map((s) => ({
      ARN: s.ARN,
      Name: s.Name,
      ...(s.Description !== undefined ? { Description: s.Description } : {}),
      ...dates(s),
      Tags: s.Tags,
      SecretVersionsToStages: versionsToStages(s),
    })),
    ...(start + max < matching.length ? { NextToken: Buffer.from(String(start + max)).toString('base64url') } : {}),
  };
}

export function deleteSecret(ctx: SecretsContext, body: Record<string, unknown>): Record<string, unknown> {
  const secret = find(ctx, required(body, 'SecretId'));
  const force = body['ForceDeleteWithoutRecovery'] === true;
  const window = body['RecoveryWindowInDays'] as number | undefined;
  if (force && window !== undefined) throw invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
  if (window !== undefined && (!Number.isInteger(window) || window < 7 || window > 30)) throw invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
  if (force) {
    delete ctx.state.secrets[secret.Name];
    return { ARN: secret.ARN, Name: secret.Name, DeletionDate: epochSeconds(ctx.now()) };
  }
  if (secret.DeletedDate !== undefined) throw new AwsJsonError('InvalidRequestException', "You can't perform this operation on the secret because it was already scheduled for deletion.");
  secret.DeletedDate = ctx.now() + (window ?? 30) * DAY_MS;
  return { ARN: secret.ARN, Name: secret.Name, DeletionDate: epochSeconds(secret.DeletedDate) };
}

export function restoreSecret(ctx: SecretsContext, body: Record<string, unknown>): Record<string, unknown> {
  const secret = find(ctx, required(body, 'SecretId'));
  delete secret.DeletedDate;
  return { ARN: secret.ARN, Name: secret.Name };
}
