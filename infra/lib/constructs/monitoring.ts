import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import {
  DefaultDashboardFactory,
  type IMetricAdjuster,
  LatencyType,
  MonitoringFacade,
  SnsAlarmActionStrategy,
} from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import type { StageConfig } from '../../config/stages';
import {
  type ManagedInstancesMonitoringProps,
  monitorManagedInstances,
} from './managed-instances-monitoring';

export interface MonitoringProps {
  readonly stage: StageConfig;
  /** The `live` alias: its metrics carry the `Resource=<fn>:live` dimension. */
  readonly alias: lambda.IFunction;
  readonly functionLogGroup: logs.ILogGroup;
  readonly api: apigw.IHttpApi;
  readonly apiStageName: string;
  /** The stage runs on Lambda Managed Instances: add their section and alarms. */
  readonly managedInstances?: ManagedInstancesMonitoringProps;
}

/**
 * Logs Insights queries over the platform REPORT records. With JSON logging these arrive as
 * `{"type":"platform.report","record":{"metrics":{durationMs, initDurationMs, maxMemoryUsedMB,
 * memorySizeMB, ...}}}`; `initDurationMs` is present only on cold starts.
 */
export const REPORT_QUERIES = {
  coldStarts: [
    'filter type = "platform.report"',
    'stats count(*) as invocations, count(record.metrics.initDurationMs) as coldStarts by bin(5m)',
  ],
  initDuration: [
    'filter type = "platform.report" and ispresent(record.metrics.initDurationMs)',
    'stats avg(record.metrics.initDurationMs) as avgInitMs, pct(record.metrics.initDurationMs, 99) as p99InitMs, max(record.metrics.initDurationMs) as maxInitMs by bin(5m)',
  ],
  maxMemoryUsed: [
    'filter type = "platform.report"',
    'stats max(record.metrics.maxMemoryUsedMB) as maxMemoryUsedMB, avg(record.metrics.maxMemoryUsedMB) as avgMemoryUsedMB, max(record.metrics.memorySizeMB) as memorySizeMB by bin(5m)',
  ],
} as const;

/**
 * Alarms on one plain metric render as `MetricName`/`Namespace`/`Statistic` only if the metric
 * has no label; a label forces the `Metrics` (metric-math) form. Both mean the same on AWS, but
 * the plain form is the simplest alarm there is and the one the local emulator supports. The
 * dashboards keep their labels: only the copy used for the alarm is rebuilt.
 */
export const PLAIN_ALARM_METRIC: IMetricAdjuster = {
  adjustMetric(metric) {
    if (!(metric instanceof cloudwatch.Metric)) return metric;
    return new cloudwatch.Metric({
      namespace: metric.namespace,
      metricName: metric.metricName,
      dimensionsMap: metric.dimensions as Record<string, string> | undefined,
      statistic: metric.statistic,
      period: metric.period,
      unit: metric.unit,
      region: metric.region,
      account: metric.account,
    });
  },
};

/**
 * Alarms (to an SNS topic) and the latency dashboard.
 *
 * cdk-monitoring-constructs builds the function and API sections with their alarms; we add
 * through its custom-metric API what its presets lack (function p99.9, the API 5xx share of
 * requests), and by hand only the Logs Insights widgets over REPORT records.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly facade: MonitoringFacade;
  readonly dashboard: cloudwatch.Dashboard;
  /**
   * Alarms that CodeDeploy watches to roll a deployment back: the function's and the API's.
   * The Managed Instances alarms only notify: they measure the capacity provider's fleet and
   * its scaling, which the old version would share, so rolling back would not clear them.
   */
  readonly rollbackAlarms: cloudwatch.IAlarm[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { stage, alias, api } = props;
    const prefix = `TransactionsApi-${stage.name}`;
    const { alarms, slo } = stage;

    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `${prefix} alarms`,
      enforceSSL: true,
    });
    if (stage.alarmEmail) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(stage.alarmEmail));
    }

    const dashboardFactory = new DefaultDashboardFactory(this, 'Dashboards', {
      dashboardNamePrefix: prefix,
      createDashboard: true,
      createSummaryDashboard: false,
      createAlarmDashboard: false,
    });

    this.facade = new MonitoringFacade(this, 'Facade', {
      alarmFactoryDefaults: {
        alarmNamePrefix: prefix,
        actionsEnabled: true,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: this.topic }),
        evaluationPeriods: alarms.evaluationPeriods,
        datapointsToAlarm: alarms.evaluationPeriods,
      },
      metricFactoryDefaults: { namespace: 'TransactionsApi' },
      dashboardFactory,
    });

    const perMinute = Duration.minutes(1);

    this.facade.addLargeHeader(`Transactions API (${stage.name}): latency and health`);

    this.facade.monitorApiGatewayV2HttpApi({
      api,
      apiStage: props.apiStageName,
      humanReadableName: 'HTTP API POST /transactions',
      alarmFriendlyName: 'Api',
      latencyTypesToRender: [LatencyType.P50, LatencyType.P90, LatencyType.P99, LatencyType.P999],
      addLatencyP99Alarm: {
        Critical: {
          maxLatency: Duration.millis(slo.apiP99Ms),
          period: perMinute,
          metricAdjuster: PLAIN_ALARM_METRIC,
        },
      },
    });

    // Per-request 5xx metric averaged = share of requests that failed. The library's "rate"
    // is 5xx per second (a math expression), which does not scale with traffic.
    const api5xxShare = new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName: '5xx',
      dimensionsMap: { ApiId: api.apiId, Stage: props.apiStageName },
      statistic: cloudwatch.Stats.AVERAGE,
      period: perMinute,
      label: '5xx share of requests',
    });
    this.facade.monitorCustom({
      humanReadableName: 'HTTP API errors',
      alarmFriendlyName: 'Api5xx',
      metricGroups: [
        {
          title: 'API 5xx share of requests',
          metrics: [
            {
              metric: api5xxShare,
              alarmFriendlyName: 'Api5xxRate',
              addAlarm: {
                Critical: {
                  threshold: alarms.api5xxRate,
                  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                  // No traffic is no failure (and must not block or roll back a deployment).
                  treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
                  metricAdjuster: PLAIN_ALARM_METRIC,
                  additionalDescription: `More than ${alarms.api5xxRate * 100}% of API requests answered 5xx`,
                },
              },
            },
          ],
        },
      ],
    });

    this.facade.monitorLambdaFunction({
      lambdaFunction: alias,
      humanReadableName: `Function ${stage.name} (alias live)`,
      alarmFriendlyName: 'Function',
      // Synchronous invocations only: no event-source iterator age to show.
      isIterator: false,
      addFaultCountAlarm: {
        Critical: {
          maxErrorCount: alarms.functionErrorsPerMinute,
          period: perMinute,
          metricAdjuster: PLAIN_ALARM_METRIC,
        },
      },
      addThrottlesCountAlarm: {
        Critical: {
          maxErrorCount: alarms.functionThrottlesPerMinute,
          period: perMinute,
          metricAdjuster: PLAIN_ALARM_METRIC,
        },
      },
      addLatencyP99Alarm: {
        Critical: {
          maxLatency: Duration.millis(slo.functionP99Ms),
          period: perMinute,
          metricAdjuster: PLAIN_ALARM_METRIC,
        },
      },
    });

    // The Lambda preset renders p50/p90/p99 only (its Invocations graph has concurrency).
    const duration = (stat: string, label: string) =>
      alias.metricDuration({ statistic: stat, period: perMinute, label });
    this.facade.monitorCustom({
      humanReadableName: 'Function latency percentiles',
      alarmFriendlyName: 'FunctionDetail',
      metricGroups: [
        {
          title: 'Function duration p50 / p90 / p99 / p99.9',
          metrics: [
            duration('p50', 'p50'),
            duration('p90', 'p90'),
            duration('p99', 'p99'),
            duration('p99.9', 'p99.9'),
          ],
          horizontalAnnotations: [{ value: slo.functionP99Ms, label: 'p99 SLO' }],
        },
      ],
    });

    // Logs Insights widgets: no library covers REPORT-line statistics without Lambda Insights.
    const logGroupNames = [props.functionLogGroup.logGroupName];
    const query = (title: string, lines: readonly string[]) =>
      new cloudwatch.LogQueryWidget({
        title,
        logGroupNames,
        queryLines: [...lines],
        view: cloudwatch.LogQueryVisualizationType.LINE,
        width: 8,
        height: 6,
      });
    this.facade.addMediumHeader('Cold starts and memory (Logs Insights over REPORT records)');
    this.facade.addWidget(
      new cloudwatch.Row(
        query('Cold starts (invocations with Init Duration)', REPORT_QUERIES.coldStarts),
        query('Init Duration (ms)', REPORT_QUERIES.initDuration),
        query('Max Memory Used (MB)', REPORT_QUERIES.maxMemoryUsed),
      ),
    );

    this.rollbackAlarms = this.facade.createdAlarms().map((a) => a.alarm);
    if (props.managedInstances) monitorManagedInstances(this.facade, props.managedInstances);

    const dashboard = this.facade.createdDashboard();
    if (!dashboard) throw new Error('the monitoring facade created no dashboard');
    this.dashboard = dashboard;
  }
}
