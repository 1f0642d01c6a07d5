// `npm run secrets -- set --tenant NAME providers.zammad.token=… [outbound.secret=…] [--local | --region R]`
// writes values into the tenant's secret (`ringdesk/NAME/secrets`, created by the stack); `unset`
// removes keys; `list` shows which keys are set (never a value). The paths are those of the tenant
// file (shared/config.ts tenantSecretsSchema); the result is validated before it is stored.
// Target: AWS (credentials and region from the environment or --region) unless --local, or unless no
// region is configured and the local stack (.ringdesk/local.json, `npm start`) serves that tenant.
// Running functions pick a new value up within 5 minutes (shared/tenant-secrets.ts), no redeploy.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { prototypeKeyIn, tenantIdSchema, tenantSecretName, tenantSecretsSchema } from '#shared/config.ts';
import { projectRoot, type LocalInfo } from '../local/start.ts';

const USAGE =
  'usage: npm run secrets -- set --tenant NAME PATH=VALUE… | unset --tenant NAME PATH… | list --tenant NAME  [--local | --region REGION]\n' +
  '  e.g. npm run secrets -- set --tenant acme providers.zammad.token=… providers.mango.apiKey=… providers.mango.apiSalt=…';

function fail(message: string): never {
  console.error(`secrets: ${message}`);
  process.exit(1);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: 'string' },
    local: { type: 'boolean', default: false },
    region: { type: 'string' },
    info: { type: 'string', default: join(projectRoot, '.ringdesk/local.json') },
  },
});

const [command, ...args] = positionals;
if (command !== 'set' && command !== 'unset' && command !== 'list') fail(USAGE);
const tenant = tenantIdSchema.safeParse(values.tenant);
if (!tenant.success) fail(`--tenant NAME is required (${z.prettifyError(tenant.error)})`);
const secretId = tenantSecretName(tenant.data);

function localInfo(): LocalInfo | null {
  if (!existsSync(values.info)) return null;
  try {
    return JSON.parse(readFileSync(values.info, 'utf8')) as LocalInfo;
  } catch {
    return null;
  }
}

function clientFor(): { client: SecretsManagerClient; target: string } {
  const info = localInfo();
  const regionConfigured = Boolean(values.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? process.env['AWS_PROFILE']);
  const local = values.local || (!regionConfigured && info?.tenant === tenant.data);
  if (!local) return { client: new SecretsManagerClient(values.region ? { region: values.region } : {}), target: 'AWS' };
  if (!info?.secrets) fail(`cannot read the local stack from ${relative(process.cwd(), values.info)}: start it first (npm start)`);
  if (info.tenant !== tenant.data) fail(`the local stack serves tenant "${info.tenant}", not "${tenant.data}"`);
  const { endpoint, region } = info.secrets;
  return { client: new SecretsManagerClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }), target: `the local stack (${endpoint})` };
}

/** `a.b.c` → the segments, refusing prototype-named ones. */
function pathOf(text: string): string[] {
  const path = text.split('.');
  if (path.some((p) => p === '') || prototypeKeyIn(Object.fromEntries(path.map((p) => [p, 1])))) fail(`invalid path ${JSON.stringify(text)}`);
  return path;
}

function setPath(doc: Record<string, unknown>, path: string[], value: string | undefined): void {
  let node = doc;
  for (const key of path.slice(0, -1)) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next === undefined && value === undefined) return;
    if (next !== undefined && (typeof next !== 'object' || next === null || Array.isArray(next))) fail(`${path.join('.')}: ${key} is not an object`);
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** Drops objects left empty by `unset` (an empty provider would count as configured). */
function pruneEmpty(node: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(node)) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
    pruneEmpty(v as Record<string, unknown>);
    if (Object.keys(v).length === 0 && k !== 'providers') delete node[k];
  }
}

function setPaths(doc: unknown, prefix: string[] = []): string[] {
  if (!doc || typeof doc !== 'object') return [prefix.join('.')];
  return Object.entries(doc).flatMap(([k, v]) => setPaths(v, [...prefix, k]));
}

const { client, target } = clientFor();
try {
  const current = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const doc = JSON.parse(current.SecretString ?? '{}') as Record<string, unknown>;
  if (command === 'list') {
    console.log(`${secretId} on ${target}:`);
    for (const p of setPaths(doc)) console.log(`  ${p} (set)`);
    process.exit(0);
  }
  if (args.length === 0) fail(USAGE);
  for (const arg of args) {
    if (command === 'set') {
      const eq = arg.indexOf('=');
      if (eq <= 0) fail(`expected PATH=VALUE, got ${JSON.stringify(arg.split('=')[0])}`);
      setPath(doc, pathOf(arg.slice(0, eq)), arg.slice(eq + 1));
    } else setPath(doc, pathOf(arg), undefined);
  }
  pruneEmpty(doc);
  const parsed = tenantSecretsSchema.safeParse(doc);
  // The issues name paths and rules, never the values.
  if (!parsed.success) fail(`not stored, the secret would be invalid:\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
  await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(parsed.data) }));
  console.log(`${command === 'set' ? 'set' : 'removed'} ${args.map((a) => a.split('=')[0]).join(', ')} in ${secretId} on ${target}; functions pick it up within 5 minutes`);
} catch (err) {
  fail(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
} finally {
  client.destroy();
}
