// Function URLs as the local runtime reads them from a template: the model of each AWS::Lambda::Url
// and `Fn::GetAtt [Url, FunctionUrl]` in a function's environment resolving to the local URL.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAssembly } from '../../local/cloud-assembly.ts';
import { IntrinsicResolver } from '../../local/intrinsics.ts';

const dir = mkdtempSync(join(tmpdir(), 'ringdesk-url-assembly-'));
mkdirSync(join(dir, 'asset.export'));
writeFileSync(join(dir, 'asset.export', 'index.mjs'), 'export const handler = async () => ({});');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function template(url: Record<string, unknown>): string {
  const stackName = `Ringdesk-url-${Math.random().toString(36).slice(2, 8)}`;
  const fn = (env: Record<string, unknown> = {}) => ({
    Type: 'AWS::Lambda::Function',
    Metadata: { 'aws:asset:path': 'asset.export', 'ringdesk:function': 'export-csv' },
    Properties: { Handler: 'index.handler', Environment: { Variables: env } },
  });
  writeFileSync(
    join(dir, `${stackName}.template.json`),
    JSON.stringify({
      Resources: {
        ExportCsv: fn(),
        ListCalls: { ...fn({ EXPORT_URL: { 'Fn::GetAtt': ['ExportCsvUrl', 'FunctionUrl'] } }), Metadata: { 'aws:asset:path': 'asset.export', 'ringdesk:function': 'list-calls' } },
        ExportCsvUrl: { Type: 'AWS::Lambda::Url', Properties: { TargetFunctionArn: { 'Fn::GetAtt': ['ExportCsv', 'Arn'] }, ...url } },
      },
    }),
  );
  return stackName;
}

describe('AWS::Lambda::Url in the cloud assembly', () => {
  it('L4: reads target, invoke mode and CORS of a Function URL', () => {
    const model = readAssembly(
      dir,
      template({
        AuthType: 'NONE',
        InvokeMode: 'RESPONSE_STREAM',
        Cors: { AllowOrigins: ['*'], AllowMethods: ['GET'], AllowHeaders: ['Authorization'], ExposeHeaders: ['Content-Disposition'], MaxAge: 3600 },
      }),
    );
    expect(model.functionUrls).toEqual([
      {
        logicalId: 'ExportCsvUrl',
        functionId: 'ExportCsv',
        invokeMode: 'RESPONSE_STREAM',
        cors: { allowOrigins: ['*'], allowMethods: ['GET'], allowHeaders: ['authorization'], exposeHeaders: ['content-disposition'], maxAge: 3600, allowCredentials: false },
      },
    ]);
  });

  it('defaults to BUFFERED without CORS', () => {
    const model = readAssembly(dir, template({ AuthType: 'NONE' }));
    expect(model.functionUrls[0]).toMatchObject({ invokeMode: 'BUFFERED', cors: null });
  });

  it('refuses what it cannot serve faithfully: IAM auth, an alias qualifier', () => {
    expect(() => readAssembly(dir, template({ AuthType: 'AWS_IAM' }))).toThrow(/AuthType AWS_IAM is not supported locally/);
    expect(() => readAssembly(dir, template({ AuthType: 'NONE', Qualifier: 'live' }))).toThrow(/Qualifier/);
  });

  it('L4: resolves Fn::GetAtt FunctionUrl in an environment to the local URL once it listens', () => {
    const model = readAssembly(dir, template({ AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' }));
    const urls: Record<string, string> = {};
    const resolver = new IntrinsicResolver(model, { region: 'eu-central-1', accountId: '123456789012', stackName: model.stackName }, {}, urls);
    const listCalls = model.functions.find((f) => f.logicalId === 'ListCalls')!;
    expect(() => resolver.environment(listCalls.environment, { apiBaseUrls: {} })).toThrow(/not served locally/);
    urls['ExportCsvUrl'] = 'http://127.0.0.1:3002/';
    expect(resolver.environment(listCalls.environment, { apiBaseUrls: {} })).toEqual({ EXPORT_URL: 'http://127.0.0.1:3002/' });
    expect(resolver.resolve({ 'Fn::GetAtt': ['ExportCsvUrl', 'FunctionArn'] })).toBe(`arn:aws:lambda:eu-central-1:123456789012:function:${model.stackName}-ExportCsv`);
  });
});
