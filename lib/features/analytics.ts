// Call and helpdesk statistics (L2, L3, L5; docs/analytics.md): two consumers keep per-hour and per-day
// aggregates on write, two read functions serve the reports. Route specs in shared/http/routes/reports.ts.
import { HttpMethod, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { callReportRoute, helpdeskReportRoute } from '#shared/http/routes/reports.ts';
import { AppFunction, pascalCase } from '../app-function.ts';
import type { FeatureProps } from '../core.ts';
import { ruleToFunction } from './rule-target.ts';
import { consumers, patternFor } from '#shared/events/subscriptions.ts';

export class Analytics extends Construct {
  readonly countCallStats: AppFunction;
  readonly countTicketStats: AppFunction;
  /** The report functions by name (`get-call-report`, `get-helpdesk-report`). */
  readonly reportFunctions: Record<'get-call-report' | 'get-helpdesk-report', AppFunction>;

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    this.countCallStats = new AppFunction(this, 'count-call-stats').bindTable(core.table, 'RW').bindTenant(config);
    ruleToFunction(this, 'CountCallStats', {
      bus: core.bus,
      eventPattern: patternFor(consumers['count-call-stats']),
      target: this.countCallStats,
      description: 'Call Ended → count-call-stats',
    });
    this.countTicketStats = new AppFunction(this, 'count-ticket-stats').bindTable(core.table, 'RW').bindTenant(config);
    ruleToFunction(this, 'CountTicketStats', {
      bus: core.bus,
      eventPattern: patternFor(consumers['count-ticket-stats']),
      target: this.countTicketStats,
      description: 'Ticket Created|Updated → count-ticket-stats',
    });

    const reportFunction = (name: keyof Analytics['reportFunctions'], path: string) => {
      const fn = new AppFunction(this, name).bindTable(core.table, 'RO').bindIdentity(core.identity).bindTenant(config);
      const integration = new HttpLambdaIntegration(`${pascalCase(name)}Integration`, fn, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 });
      core.httpApi.addRoutes({ path, methods: [HttpMethod.GET], integration });
      return fn;
    };
    this.reportFunctions = {
      'get-call-report': reportFunction('get-call-report', callReportRoute.path),
      'get-helpdesk-report': reportFunction('get-helpdesk-report', helpdeskReportRoute.path),
    };
  }
}
