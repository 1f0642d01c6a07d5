// One stack per tenant: Core plus one construct per feature. Env-agnostic (no account/region,
// no lookups) so `cdk synth` works offline and the local runtime can read the template.
import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { TenantConfig } from '#shared/config.ts';
import { Core } from './core.ts';
import { AgentConnections } from './features/agent-connections.ts';
import { Analytics } from './features/analytics.ts';
import { ApiDocs } from './features/api-docs.ts';
import { CallLog } from './features/call-log.ts';
import { CallSweeper } from './features/call-sweeper.ts';
import { Directory } from './features/directory.ts';
import { Exports } from './features/exports.ts';
import { Helpdesk } from './features/helpdesk.ts';
import { Notifications } from './features/notifications.ts';
import { PbxIngest } from './features/pbx-ingest.ts';
import { ReadApi } from './features/read-api.ts';
import { Tasks } from './features/tasks.ts';
import { Tickets } from './features/tickets.ts';
import { TriggerLambdas } from './features/trigger-lambdas.ts';
import { Triggers } from './features/triggers.ts';
import { ConsoleHosting } from './features/console-hosting.ts';
import { Operations } from './features/operations.ts';
import { acknowledgeNagFindings } from './nag-suppressions.ts';
import { webhookRoutes } from '#shared/http/routes/core.ts';

export interface RingdeskStackProps extends StackProps {
  config: TenantConfig;
}

export const stackNameOf = (tenant: string): string => `Ringdesk-${tenant}`;

/** `/webhooks/{tenant}/{provider}` filled in, from the route spec the webhook function serves. */
function webhookPath(tenant: string, provider: string): string {
  const spec = webhookRoutes.find((r) => r.path.endsWith('/{provider}'));
  if (!spec) throw new Error('no /webhooks/{tenant}/{provider} route in shared/http/routes/core.ts');
  return spec.path.replace('{tenant}', tenant).replace('{provider}', provider);
}

export class RingdeskStack extends Stack {
  readonly core: Core;
  readonly consoleHosting: ConsoleHosting;
  readonly operations: Operations;

  constructor(scope: Construct, id: string, { config, ...props }: RingdeskStackProps) {
    super(scope, id, { description: `ringdesk for tenant ${config.tenant}`, ...props });
    Tags.of(this).add('ringdesk:tenant', config.tenant);

    const core = new Core(this, 'Core', { tenant: config.tenant, throttle: config.operations.throttle });
    this.core = core;
    const features = { core, config };
    new PbxIngest(this, 'PbxIngest', features);
    const readApi = new ReadApi(this, 'ReadApi', features);
    new Tickets(this, 'Tickets', features);
    new Notifications(this, 'Notifications', features);
    new AgentConnections(this, 'AgentConnections', features);
    new CallSweeper(this, 'CallSweeper', features);
    new Directory(this, 'Directory', features);
    new ApiDocs(this, 'ApiDocs', features);
    new Helpdesk(this, 'Helpdesk', features);
    new Tasks(this, 'Tasks', features); // before features that schedule tasks (Tasks.of)
    new Triggers(this, 'Triggers', features);
    new TriggerLambdas(this, 'TriggerLambdas', features);
    const analytics = new Analytics(this, 'Analytics', features);
    new CallLog(this, 'CallLog', features);
    // CSV downloads (L4): GET /calls and the reports answer 303 to the streaming export URL.
    new Exports(this, 'Exports', features).bindExportUrl(readApi.functions['list-calls']).bindExportUrl(analytics.reportFunctions['get-call-report'])
      .bindExportUrl(analytics.reportFunctions['get-helpdesk-report']);

    const consoleHosting = new ConsoleHosting(this, 'Console', features);
    this.consoleHosting = consoleHosting;
    this.operations = new Operations(this, 'Operations', features); // last: its dashboard lists what the features created
    acknowledgeNagFindings(this, { core, consoleHosting });

    new CfnOutput(this, 'HttpUrl', { value: core.httpApi.apiEndpoint });
    // One per configured provider: the URL to give the PBX (token-in-URL providers append their token to it).
    for (const [provider, settings] of Object.entries(config.providers)) {
      if (!settings || typeof settings !== 'object') continue; // e.g. clickToCallProvider names one, it is not one
      new CfnOutput(this, `WebhookUrl${provider.charAt(0).toUpperCase()}${provider.slice(1)}`, {
        value: `${core.httpApi.apiEndpoint}${webhookPath(config.tenant, provider)}`,
        description: `Webhook URL for the ${provider} PBX`,
      });
    }
    new CfnOutput(this, 'WebSocketUrl', { value: core.webSocketStage.url });
    new CfnOutput(this, 'WsManagementUrl', { value: core.webSocketStage.callbackUrl });
    new CfnOutput(this, 'TableName', { value: core.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: core.bus.eventBusName });
  }
}
