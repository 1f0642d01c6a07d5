// PBX webhooks → call items + call events. The greedy tail carries what providers append to the
// URL they are given: Zammad's secret token, Mango's `events/call`, Twilio's `dial-action`.
// GET is there for handshakes (Zadarma `zd_echo`) and GET-style callbacks (Twilio).
import { HttpMethod, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { AppFunction } from '../app-function.ts';
import { rebuildCallRoute, webhookRoutes } from '#shared/http/routes/core.ts';
import type { FeatureProps } from '../core.ts';

export class PbxIngest extends Construct {
  readonly ingestWebhook: AppFunction;
  readonly rebuildCall: AppFunction;

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    this.ingestWebhook = new AppFunction(this, 'ingest-webhook')
      .bindTable(core.table, 'RW')
      .bindBus(core.bus)
      .bindTenant(config)
      .bindSecrets(core.secret); // provider credentials verify the deliveries
    const integration = new HttpLambdaIntegration('IngestWebhookIntegration', this.ingestWebhook, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    });
    // Paths and methods from the route specs (shared/http/routes/core.ts), one route per path with both methods.
    for (const path of new Set(webhookRoutes.map((r) => r.path))) {
      const methods = webhookRoutes.filter((r) => r.path === path).map((r) => HttpMethod[r.method]);
      core.httpApi.addRoutes({ path, methods, integration });
    }
    // Admins re-derive a call from its archived raw deliveries with the current adapters.
    this.rebuildCall = new AppFunction(this, 'rebuild-call').bindTable(core.table, 'RW').bindBus(core.bus).bindIdentity(core.identity).bindTenant(config).bindSecrets(core.secret);
    core.httpApi.addRoutes({
      path: rebuildCallRoute.path,
      methods: [HttpMethod[rebuildCallRoute.method]],
      integration: new HttpLambdaIntegration('RebuildCallIntegration', this.rebuildCall, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 }),
    });
  }
}
