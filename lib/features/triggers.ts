// Declarative trigger rules (R1–R3, R5): run-triggers consumes call and ticket events and runs the
// matching rules' actions; manage-rules is the admin API (CRUD + dry run). Route specs in
// shared/http/routes/triggers.ts. Outbound webhooks failing → Lambda async retries → the function's DLQ.
import { Duration } from 'aws-cdk-lib';
import { HttpMethod, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { settingsRoutes } from '#shared/http/routes/settings.ts';
import { ruleRoutes } from '#shared/http/routes/triggers.ts';
import { AppFunction } from '../app-function.ts';
import type { FeatureProps } from '../core.ts';
import { ruleToFunction } from './rule-target.ts';
import { consumers, patternFor } from '#shared/events/subscriptions.ts';
import { Tasks } from './tasks.ts';

export class Triggers extends Construct {
  readonly runTriggers: AppFunction;
  readonly manageRules: AppFunction;

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    // RW table (markers, customers, tickets), the bus (Ticket Created of create_ticket), the WebSocket (notify),
    // the task scheduler (create_task).
    // 30 s: a rule may call a few outbound webhooks with a 10 s timeout each.
    this.runTriggers = new AppFunction(this, 'run-triggers', { timeout: Duration.seconds(30) })
      .bindTable(core.table, 'RW')
      .bindBus(core.bus)
      .bindWebSocket(core.webSocketStage)
      .bindScheduler(Tasks.of(this).scheduling) // create_task actions (shared/services/tasks.ts)
      .bindTenant(config)
      .bindSecrets(core.secret); // the outbound signing key
    ruleToFunction(this, 'RunTriggers', {
      bus: core.bus,
      eventPattern: patternFor(consumers['run-triggers']),
      target: this.runTriggers,
      description: 'call and ticket events → run-triggers (declarative rules)',
    });

    // Also the tenant settings API (GET/PATCH /settings): admin configuration in one function.
    this.manageRules = new AppFunction(this, 'manage-rules').bindTable(core.table, 'RW').bindIdentity(core.identity).bindTenant(config).bindSecrets(core.secret);
    const integration = new HttpLambdaIntegration('ManageRulesIntegration', this.manageRules, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 });
    for (const route of [...ruleRoutes, ...settingsRoutes]) core.httpApi.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
  }
}
