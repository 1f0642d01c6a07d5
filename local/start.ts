// Synthesizes the tenant stack and starts the local runtime from it; shared by `npm start`, the
// integration tests and the benchmark, so all three run exactly the same system.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitTenantConfig, tenantConfigSchema, tenantSecretName, type TenantConfig } from '#shared/config.ts';
import type { ConsoleConfig, DemoLogin } from '#shared/console-config.ts';
import { ensureConsoleBuilt, WEB_DIST } from './console-build.ts';
import { startConsoleServer } from './console-server.ts';
import { startLocalRuntime, type LocalRuntime, type RuntimeOptions } from './runtime.ts';
import type { LocalCognitoInfo, Login } from './logins.ts';
import { seedTenant, type LocalTokens } from './seed.ts';

// The local tools run on Node ≥ 20.19; functions on AWS run nodejs22.x. Silence the SDK's Node 20 notice.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What a started tenant is reached at (written to .ringdesk/local.json): the runtime's endpoints, its tenant and logins. */
export interface LocalInfo extends Pick<LocalRuntime, 'httpUrl' | 'wsUrl' | 'wsManagementUrl' | 'eventsUrl' | 'schedulerUrl' | 'eventBusName' | 'functionUrls' | 'dynamodbUrl' | 'region'> {
  tenant: string;
  /** Id tokens of the seeded logins (valid for the console client's id-token lifetime, an hour). */
  tokens: LocalTokens;
  /** The tenant's user pool in the local Cognito. */
  cognito: LocalCognitoInfo;
  /** The local Secrets Manager and the tenant's secret in it (`npm run secrets -- --local`). */
  secrets: { endpoint: string; region: string; secretName: string };
  /** The seeded people and their passwords (local only). */
  logins: Omit<Login, 'employeeId'>[];
  webhooks: Record<string, string>;
  /** The agent console (web/), when started with `console`. */
  consoleUrl?: string;
}

export interface StartOptions extends Partial<Omit<RuntimeOptions, 'stackName' | 'outDir'>> {
  tenant?: string;
  tenantConfigFile?: string;
  /** Skip `cdk synth` (the assembly in outDir is already fresh). */
  skipSynth?: boolean;
  outDir?: string;
  /** Serve the agent console (built first when its build is missing or stale) on this port (0: any free one). */
  console?: { port: number };
}

export interface SynthOptions {
  tenant?: string;
  tenantConfigFile?: string;
  outDir?: string;
}

function synthArgs(opts: SynthOptions): string[] {
  const args = [join(projectRoot, 'scripts/synth.mjs')];
  if (opts.tenantConfigFile) args.push('-c', `tenantConfig=${resolve(opts.tenantConfigFile)}`);
  else if (opts.tenant) args.push('-c', `tenant=${opts.tenant}`);
  if (opts.outDir) args.push('--output', opts.outDir);
  return args;
}

export function synth(opts: SynthOptions): void {
  const out = spawnSync(process.execPath, synthArgs(opts), { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (out.status !== 0) throw new Error('cdk synth failed (see the message above)');
}

/** `synth` without blocking the event loop, for `npm run dev`: the gateways keep serving while it runs. */
export function synthAsync(opts: SynthOptions): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, synthArgs(opts), { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error('cdk synth failed (see the message above)'))));
  });
}

/**
 * The tenant file the stack was synthesized from (as bin/app.ts picks it). Its secrets are not in
 * the template: they seed the local Secrets Manager, as `npm run secrets -- set` fills the secret on AWS.
 */
export function readTenantFile(opts: { tenant?: string; tenantConfigFile?: string }): TenantConfig {
  const file = resolve(opts.tenantConfigFile ?? join(projectRoot, `config/tenants/${opts.tenant ?? 'demo'}.json`));
  return tenantConfigSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** The console's config.json: this stack's URLs, its user pool in the local Cognito, and the seeded logins as hints. */
export function consoleConfigOf(info: Pick<LocalInfo, 'httpUrl' | 'wsUrl' | 'cognito' | 'logins'>, config: TenantConfig): ConsoleConfig {
  const { endpoint, region, userPoolId, clientId } = info.cognito;
  const demoLogins: DemoLogin[] = info.logins.map(({ email, password, name, role }) => ({ email, password, name, role }));
  return { apiUrl: info.httpUrl, wsUrl: info.wsUrl, tenant: config.tenant, locale: config.locale, auth: { mode: 'cognito', region, userPoolId, clientId, endpoint, demoLogins } };
}

/** The stack's user pool as the local Cognito serves it: its console and integrations clients (lib/features/identity.ts). */
function cognitoInfoOf(runtime: LocalRuntime): LocalCognitoInfo {
  const pool = runtime.userPools[0];
  const clientId = pool?.clients['console'];
  const machineClientId = pool?.clients['integrations'];
  if (!pool || !clientId || !machineClientId) throw new Error(`${runtime.stackName}: the template needs a user pool with the app clients "console" and "integrations"`);
  return { endpoint: runtime.cognito.url, region: runtime.region, userPoolId: pool.id, clientId, issuer: runtime.cognito.issuer(pool.id), machineClientId };
}

function webhookUrls(httpUrl: string, config: TenantConfig): Record<string, string> {
  const base = `${httpUrl}/webhooks/${config.tenant}`;
  const urls: Record<string, string> = {};
  const providers = config.providers as Record<string, { token?: string } | undefined>;
  for (const [name, settings] of Object.entries(providers)) {
    if (!settings) continue;
    // Token-in-URL providers get the full URL to paste; signed providers the bare one.
    urls[name] = settings.token ? `${base}/${name}/${encodeURIComponent(settings.token)}` : `${base}/${name}`;
  }
  return urls;
}

export async function startTenant(opts: StartOptions = {}): Promise<{ runtime: LocalRuntime; info: LocalInfo; config: TenantConfig }> {
  const outDir = opts.outDir ?? join(projectRoot, 'cdk.out');
  if (!opts.skipSynth) synth({ ...(opts.tenant ? { tenant: opts.tenant } : {}), ...(opts.tenantConfigFile ? { tenantConfigFile: opts.tenantConfigFile } : {}), outDir });
  const { readdirSync } = await import('node:fs');
  const templates = readdirSync(outDir).filter((f) => f.startsWith('Ringdesk-') && f.endsWith('.template.json'));
  // The stack is named by the tenant: from --tenant, else from the settings file, else the only template.
  const fileTenant = opts.tenantConfigFile ? (JSON.parse(readFileSync(resolve(opts.tenantConfigFile), 'utf8')) as { tenant?: string }).tenant : undefined;
  const tenant = opts.tenant ?? fileTenant;
  const stackName = tenant ? `Ringdesk-${tenant}` : (templates[0]?.replace('.template.json', '') ?? 'Ringdesk-demo');
  // Function URLs follow the WebSocket port on `npm start` (3002); any free port when the gateways take any (tests).
  const functionUrlPort = opts.functionUrlPort ?? (opts.httpPort === 0 || opts.wsPort === 0 ? 0 : (opts.wsPort ?? 3001) + 1);
  const config = readTenantFile({ ...(opts.tenantConfigFile ? { tenantConfigFile: opts.tenantConfigFile } : {}), tenant: tenant ?? stackName.replace(/^Ringdesk-/, '') });
  const secretValues = { [tenantSecretName(config.tenant)]: JSON.stringify(splitTenantConfig(config).secrets), ...opts.secretValues };
  const runtime = await startLocalRuntime({ httpPort: 3000, wsPort: 3001, ...opts, secretValues, functionUrlPort, outDir, stackName });
  try {
    const cognito = cognitoInfoOf(runtime);
    const { tokens, logins } = await seedTenant(config, { tableName: runtime.tableName, dynamodbUrl: runtime.dynamo.directEndpoint, region: runtime.region, cognito });
    const info: LocalInfo = {
      httpUrl: runtime.httpUrl,
      wsUrl: runtime.wsUrl,
      wsManagementUrl: runtime.wsManagementUrl,
      eventsUrl: runtime.eventsUrl,
      schedulerUrl: runtime.schedulerUrl,
      eventBusName: runtime.eventBusName,
      functionUrls: runtime.functionUrls,
      dynamodbUrl: runtime.dynamo.directEndpoint,
      region: runtime.region,
      tenant: config.tenant,
      tokens,
      cognito,
      secrets: { endpoint: runtime.secretsManager.url, region: runtime.region, secretName: tenantSecretName(config.tenant) },
      logins: logins.map(({ employeeId: _id, ...login }) => login),
      webhooks: webhookUrls(runtime.httpUrl, config),
    };
    if (opts.console) {
      await ensureConsoleBuilt();
      const site = await startConsoleServer({ port: opts.console.port, root: WEB_DIST, config: consoleConfigOf(info, config) });
      info.consoleUrl = site.url;
      // Stopping the runtime stops the console with it, so every caller's one stop() still suffices.
      const stopRuntime = runtime.stop;
      runtime.stop = async () => {
        await site.close();
        await stopRuntime();
      };
    }
    return { runtime, info, config };
  } catch (err) {
    await runtime.stop();
    throw err;
  }
}

export function writeLocalInfo(info: LocalInfo, file = join(projectRoot, '.ringdesk/local.json')): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`);
  return file;
}
