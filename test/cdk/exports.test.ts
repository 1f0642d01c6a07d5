// The CSV export (L4) in the template: export-csv behind a streaming Function URL, and the URL passed
// to the API functions that redirect to it. Synthesized without bundling (the assets do not matter here).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { tenantConfigSchema } from '#shared/config.ts';
import { repoRoot } from '../../lib/app-function.ts';
import { RingdeskStack } from '../../lib/ringdesk-stack.ts';

type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, any> };

const demoConfig = tenantConfigSchema.parse(JSON.parse(readFileSync(path.join(repoRoot, 'config/tenants/demo.json'), 'utf8')));

let template: Template;
let resources: Record<string, Resource>;
const logicalIdOf = (name: string): string => {
  const found = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['ringdesk:function'] === name);
  if (!found) throw new Error(`no function ${name}`);
  return found[0];
};

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(new RingdeskStack(app, 'Ringdesk-demo', { config: demoConfig }));
  resources = template.toJSON().Resources;
}, 120_000);

describe('CSV export (L4)', () => {
  it('L4: export-csv has a Function URL that streams its response, without IAM auth (the handler checks tokens), CORS for GET', () => {
    const urls = template.findResources('AWS::Lambda::Url');
    expect(Object.keys(urls)).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::Url', {
      TargetFunctionArn: { 'Fn::GetAtt': [logicalIdOf('export-csv'), 'Arn'] },
      AuthType: 'NONE',
      InvokeMode: 'RESPONSE_STREAM',
      Cors: Match.objectLike({ AllowOrigins: ['*'], AllowMethods: ['GET'], AllowHeaders: ['authorization'], ExposeHeaders: ['content-disposition'] }),
    });
    // Anyone may invoke the URL (authType NONE needs this resource policy on AWS).
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionName: { 'Fn::GetAtt': [logicalIdOf('export-csv'), 'Arn'] },
      Principal: '*',
      FunctionUrlAuthType: 'NONE',
    });
  });

  it('L4: export-csv reads the table only, knows its tenant, and may run 5 minutes', () => {
    const fn = resources[logicalIdOf('export-csv')]!.Properties;
    expect(fn.Timeout).toBe(300);
    expect(fn.Environment.Variables).toMatchObject({ TENANT_ID: 'demo' });
    expect(fn.Environment.Variables.TABLE_NAME).toEqual({ Ref: Object.keys(template.findResources('AWS::DynamoDB::Table'))[0] });
    const role = fn.Role['Fn::GetAtt'][0];
    const actions = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>)
      .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((st: any) => [st.Action].flat()));
    expect(actions).toContain('dynamodb:Query');
    expect(actions.filter((a: string) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
  });

  it('L4: GET /calls and the two reports get the URL as EXPORT_URL (for their 303), and the stack outputs it as ExportUrl', () => {
    const [urlId] = Object.keys(template.findResources('AWS::Lambda::Url'));
    const urlAttr = { 'Fn::GetAtt': [urlId, 'FunctionUrl'] };
    expect(resources[logicalIdOf('list-calls')]!.Properties.Environment.Variables.EXPORT_URL).toEqual(urlAttr);
    expect(resources[logicalIdOf('get-call-report')]!.Properties.Environment.Variables.EXPORT_URL).toEqual(urlAttr);
    expect(resources[logicalIdOf('get-helpdesk-report')]!.Properties.Environment.Variables.EXPORT_URL).toEqual(urlAttr);
    expect(template.toJSON().Outputs.ExportUrl.Value).toEqual(urlAttr);
    // Only the functions that redirect get it.
    const withUrl = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.EXPORT_URL)
      .map(([, r]) => r.Metadata?.['ringdesk:function'])
      .sort();
    expect(withUrl).toEqual(['get-call-report', 'get-helpdesk-report', 'list-calls']);
  });

  it('L4: the export is not an HTTP API route (API Gateway would buffer it)', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route') as Record<string, Resource>);
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration') as Record<string, Resource>;
    const exportFn = logicalIdOf('export-csv');
    for (const r of routes) {
      const integrationId = r.Properties.Target?.['Fn::Join']?.[1]?.[1]?.Ref;
      expect(JSON.stringify(integrations[integrationId]?.Properties ?? {}), r.Properties.RouteKey).not.toContain(exportFn);
    }
  });
});
