// cdk-nag's AwsSolutions pack over the synthesized tenant stack: no finding is left unacknowledged,
// and each acknowledgment (all in lib/nag-suppressions.ts) says why in one line. Also the resource
// count, which CloudFormation caps at 500 per stack.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { tenantConfigSchema } from '#shared/config.ts';
import { repoRoot } from '../../lib/app-function.ts';
import { RingdeskStack } from '../../lib/ringdesk-stack.ts';

const demoConfig = tenantConfigSchema.parse(JSON.parse(readFileSync(path.join(repoRoot, 'config/tenants/demo.json'), 'utf8')));

let app: App;
let stack: RingdeskStack;

beforeAll(() => {
  app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new RingdeskStack(app, 'Ringdesk-demo', { config: { ...demoConfig, operations: { ...demoConfig.operations, alarmEmail: 'ops@demo.example' } } });
}, 120_000);

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the tenant stack', () => {
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    const findings = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`));
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('every acknowledgment has a one-line reason', () => {
    const acknowledged = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => [c.node.path, m.data as Record<string, string>] as const));
    expect(acknowledged.length).toBeGreaterThan(10);
    for (const [where, data] of acknowledged) {
      for (const [id, reason] of Object.entries(data)) {
        expect(id, where).toMatch(/AwsSolutions-/);
        expect(reason.length, `${id} at ${where}`).toBeGreaterThan(30);
        expect(reason, `${id} at ${where}`).not.toContain('\n');
      }
    }
  });

  it('is not vacuous: the same pack flags a bucket nobody acknowledged', () => {
    const other = new App();
    const probe = new Stack(other, 'Probe');
    new Bucket(probe, 'Plain');
    const report = new AwsSolutionsChecks(other).validateScope(probe);
    expect(report.violations.map((v) => v.ruleName)).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });
});

describe('stack size', () => {
  it('stays well under CloudFormation\'s 500 resources per stack', () => {
    const count = Object.keys(Template.fromStack(stack).toJSON().Resources).length;
    console.info(`Ringdesk-demo: ${count} resources`);
    expect(count).toBeLessThan(450);
  });
});
