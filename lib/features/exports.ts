// CSV export (L4): export-csv behind a Lambda Function URL in RESPONSE_STREAM mode. API Gateway
// (HTTP API) buffers a Lambda response and caps it at 6 MB, too small for a 100,000-row log; a
// streamed Function URL response is sent as it is written. The API's CSV-capable routes answer 303
// to this URL with a short-lived export token (shared/http/export-token.ts), so their functions get
// the URL as EXPORT_URL through `bindExportUrl`.
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { FunctionUrlAuthType, HttpMethod, InvokeMode, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AppFunction } from '../app-function.ts';
import type { FeatureProps, TenantSecret } from '../core.ts';

export class Exports extends Construct {
  readonly exportCsv: AppFunction;
  private readonly secret: TenantSecret;
  readonly url: FunctionUrl;

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    this.secret = core.secret;
    this.exportCsv = new AppFunction(this, 'export-csv', {
      // Reading and writing 100,000 rows takes tens of seconds; a stream may run up to 15 minutes.
      timeout: Duration.minutes(5),
    })
      .bindTable(core.table, 'RO')
      .bindIdentity(core.identity)
      .bindTenant(config)
      .bindSecrets(core.secret); // export tokens are signed with the tenant's key
    this.url = this.exportCsv.addFunctionUrl({
      // The handler checks the export token or bearer token itself (IAM auth would need SigV4 on a download link).
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.RESPONSE_STREAM,
      cors: {
        allowedOrigins: ['*'], // tokens, no cookies: any origin may download
        allowedMethods: [HttpMethod.GET],
        allowedHeaders: ['authorization'],
        exposedHeaders: ['content-disposition'],
        maxAge: Duration.hours(1),
      },
    });
    new CfnOutput(Stack.of(this), 'ExportUrl', { value: this.url.url, description: 'CSV export (Lambda Function URL, response streaming)' });
  }

  /** Lets `fn` answer `format=csv` with a 303 to the export: EXPORT_URL is the Function URL (`https://…/`). */
  /** The export URL and the tenant's secret, whose key signs the download token of the 303. */
  bindExportUrl(fn: AppFunction): this {
    fn.addEnvironment('EXPORT_URL', this.url.url);
    fn.bindSecrets(this.secret);
    return this;
  }
}
