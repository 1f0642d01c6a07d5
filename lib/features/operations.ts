// Operating a tenant stack: every alarm notifies one SNS topic (optionally mailed to the tenant's
// `operations.alarmEmail`), and one dashboard shows traffic, pop-up latency, errors, dead letters and
// throttles. Created last in the stack: the dashboard lists the functions and queues the features made.
import { Aspects, Aws, Duration, Stack } from 'aws-cdk-lib';
import { Alarm, Dashboard, GraphWidget, MathExpression, Metric, type IMetric, type IWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { consumers } from '#shared/events/subscriptions.ts';
import { triggers } from '../../triggers/index.ts';
import { AppFunction } from '../app-function.ts';
import type { FeatureProps } from '../core.ts';

/** A dashboard graph holds at most 100 metrics and expressions; a sum takes one per input plus itself. */
export const MAX_METRICS_PER_SUM = 90;

const PERIOD = Duration.minutes(1);

export class Operations extends Construct {
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: `ringdesk ${config.tenant} alarms`, enforceSSL: true });
    const email = config.operations.alarmEmail;
    if (email) this.alarmTopic.addSubscription(new EmailSubscription(email));
    // Every alarm of the stack, including ones added after this construct (an aspect runs at synth).
    const action = new SnsAction(this.alarmTopic);
    Aspects.of(stack).add({
      visit(node: IConstruct) {
        if (node instanceof Alarm) {
          node.addAlarmAction(action);
          node.addOkAction(action); // the all-clear too, so a mailed alarm is not left open in the inbox
        }
      },
    });

    const all = stack.node.findAll();
    const functions = all.filter((c): c is AppFunction => c instanceof AppFunction);
    const byName = (name: string) => {
      const fn = functions.find((f) => f.shortName === name);
      if (!fn) throw new Error(`Operations: no function ${name} in ${stack.stackName} (create Operations after the features)`);
      return fn;
    };
    const consumerNames = [...Object.keys(consumers), ...triggers.map((t) => t.name)];
    const queues = all.filter((c): c is Queue => c instanceof Queue); // every queue of the stack is a dead-letter queue

    const webhooks = new Metric({
      namespace: 'ringdesk',
      metricName: 'WebhooksAccepted',
      dimensionsMap: { service: 'ringdesk', tenant: config.tenant }, // shared/adapters/metrics.ts
      statistic: 'Sum',
      period: PERIOD,
    });
    const p95 = { statistic: 'p95', period: PERIOD };
    this.dashboard = new Dashboard(this, 'Dashboard', {
      // Dashboards are global to the account: the region keeps two regions' stacks of one tenant apart.
      dashboardName: `ringdesk-${config.tenant}-${Aws.REGION}`,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new GraphWidget({
            title: 'Webhooks per second',
            width: 12,
            left: [new MathExpression({ expression: 'w / PERIOD(w)', usingMetrics: { w: webhooks }, label: 'accepted webhooks/s', period: PERIOD })],
          }),
          // The pop-up's server path, stacked: webhook handling, the bus to notify-agents, the push to the agent.
          new GraphWidget({
            title: 'Pop-up latency, p95 (ms)',
            width: 12,
            stacked: true,
            left: [
              byName('ingest-webhook').metricDuration({ ...p95, label: 'ingest-webhook' }),
              new Metric({
                namespace: 'AWS/Events',
                metricName: 'IngestionToInvocationStartLatency',
                dimensionsMap: { EventBusName: core.bus.eventBusName },
                ...p95,
                label: 'event bus → consumer',
              }),
              byName('notify-agents').metricDuration({ ...p95, label: 'notify-agents' }),
            ],
          }),
        ],
        [
          new GraphWidget({
            title: 'Consumer errors',
            width: 12,
            left: consumerNames.map((name) => byName(name).metricErrors({ period: PERIOD, label: name })),
          }),
          ...sumWidgets('Dead letters waiting', 'messages in dead-letter queues', queues.map((q) => q.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }))),
        ],
        [
          ...sumWidgets('Lambda throttles', 'throttled invocations', functions.map((f) => f.metricThrottles({ period: PERIOD }))),
          new GraphWidget({
            title: 'API client errors (throttled requests answer 429)',
            width: 12,
            left: [
              new Metric({ namespace: 'AWS/ApiGateway', metricName: '4xx', dimensionsMap: { ApiId: core.httpApi.apiId }, statistic: 'Sum', period: PERIOD, label: 'HTTP API 4xx' }),
              new Metric({
                namespace: 'AWS/ApiGateway',
                metricName: 'ClientError',
                dimensionsMap: { ApiId: core.webSocketApi.apiId, Stage: core.webSocketStage.stageName },
                statistic: 'Sum',
                period: PERIOD,
                label: 'WebSocket client errors',
              }),
            ],
          }),
        ],
      ],
    });
  }
}

/** One line summing the metrics per graph, as many graphs as the 100-metric limit needs. */
function sumWidgets(title: string, label: string, metrics: IMetric[]): IWidget[] {
  const widgets: IWidget[] = [];
  for (let i = 0; i < metrics.length; i += MAX_METRICS_PER_SUM) {
    const chunk = metrics.slice(i, i + MAX_METRICS_PER_SUM);
    const usingMetrics = Object.fromEntries(chunk.map((m, j) => [`m${j}`, m]));
    const part = metrics.length > MAX_METRICS_PER_SUM ? ` (${i / MAX_METRICS_PER_SUM + 1})` : '';
    widgets.push(
      new GraphWidget({
        title: `${title}${part}`,
        width: 12,
        left: [new MathExpression({ expression: `SUM([${Object.keys(usingMetrics).join(',')}])`, usingMetrics, label, period: PERIOD })],
      }),
    );
  }
  return widgets;
}
