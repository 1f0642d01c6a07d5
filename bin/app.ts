// CDK app: one stack per tenant. `-c tenant=NAME` (default demo) picks config/tenants/NAME.json;
// `-c tenantConfig=FILE` points at a settings file elsewhere (its `tenant` then names the stack).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { z } from 'zod';
import { tenantConfigSchema, tenantIdSchema, type TenantConfig } from '#shared/config.ts';
import { RingdeskStack, stackNameOf } from '../lib/ringdesk-stack.ts';

function fail(message: string): never {
  console.error(`ringdesk: ${message}`);
  process.exit(1);
}

function loadTenantConfig(app: App): TenantConfig {
  const tenantContext: unknown = app.node.tryGetContext('tenant');
  const fileContext: unknown = app.node.tryGetContext('tenantConfig');
  const tenantId = tenantIdSchema.safeParse(tenantContext ?? (fileContext ? undefined : 'demo'));
  if (tenantContext !== undefined && !tenantId.success) fail(`invalid -c tenant=${String(tenantContext)}: ${z.prettifyError(tenantId.error)}`);

  const file = path.resolve(typeof fileContext === 'string' ? fileContext : `config/tenants/${tenantId.data}.json`);
  if (!existsSync(file)) {
    fail(
      `tenant settings not found: ${file}\n` +
        `Create them from the demo tenant, e.g.\n` +
        `  cp config/tenants/demo.json config/tenants/${tenantId.data ?? 'NAME'}.json\n` +
        `then set "tenant" and a new "authSecret" (32+ characters) and the provider secrets in it.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = tenantConfigSchema.safeParse(json);
  if (!parsed.success) fail(`invalid tenant settings in ${file}:\n${z.prettifyError(parsed.error)}`);
  if (tenantId.success && tenantContext !== undefined && parsed.data.tenant !== tenantId.data) {
    fail(`${file} is for tenant "${parsed.data.tenant}", but -c tenant=${tenantId.data} was given`);
  }
  return parsed.data;
}

const app = new App();
const config = loadTenantConfig(app);
new RingdeskStack(app, stackNameOf(config.tenant), { config });
app.synth();
