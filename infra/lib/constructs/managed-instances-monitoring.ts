import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { MonitoringFacade } from 'cdk-monitoring-constructs';
import type { ManagedInstancesConfig } from '../../config/managed-instances';
import { PLAIN_ALARM_METRIC } from './monitoring';

export interface ManagedInstancesMonitoringProps {
  readonly config: ManagedInstancesConfig;
  readonly capacityProvider: lambda.ICapacityProvider;
  readonly fn: lambda.IFunction;
  /** The published version behind `live`: LMI's execution-environment metrics are per version. */
  readonly version: lambda.IVersion;
}

/** LMI publishes its metrics every 5 minutes (AWS: "CloudWatch metrics for LMI"). */
const LMI_PERIOD = Duration.minutes(5);
const NAMESPACE = 'AWS/Lambda';

/** Execution-environment metrics of the function's published version. */
export const EXECUTION_ENVIRONMENT_METRICS = [
  'ExecutionEnvironmentConcurrency',
  'ExecutionEnvironmentConcurrencyLimit',
  'ExecutionEnvironmentCPUUtilization',
  'ExecutionEnvironmentMemoryUtilization',
] as const;
/** Which limit caused a throttle; each throttle counts 1 in exactly one of them. */
export const THROTTLE_REASON_METRICS = [
  'ConcurrencyThrottles',
  'CPUThrottles',
  'MemoryThrottles',
] as const;

/**
 * Adds the Managed Instances section to the dashboard, with alarms to the stage's topic:
 * execution-environment concurrency (against its limit), CPU and memory; throttles by reason;
 * the capacity provider's instance CPU and memory per instance type. Returns nothing: the
 * alarms are the facade's, named `<prefix>-ManagedInstances-<metric>-Critical`.
 */
export function monitorManagedInstances(
  facade: MonitoringFacade,
  props: ManagedInstancesMonitoringProps,
): void {
  const { config, capacityProvider, fn, version } = props;
  const { alarms } = config;
  const capacityProviderName = capacityProvider.capacityProviderName;

  // Dimensions per AWS's list: CapacityProviderName, FunctionName and Resource, the latter
  // `<function>:<version>` (LMI supports versions only, not aliases, in this dimension).
  const environmentMetric = (metricName: string, statistic: string, label: string) =>
    new cloudwatch.Metric({
      namespace: NAMESPACE,
      metricName,
      dimensionsMap: {
        CapacityProviderName: capacityProviderName,
        FunctionName: fn.functionName,
        Resource: `${fn.functionName}:${version.version}`,
      },
      statistic,
      period: LMI_PERIOD,
      label,
    });
  // Throttle reasons come alongside the standard `Throttles` metric; the function-wide
  // dimension counts every version, the old and the new one during a rollout.
  const throttleMetric = (metricName: string) =>
    new cloudwatch.Metric({
      namespace: NAMESPACE,
      metricName,
      dimensionsMap: { FunctionName: fn.functionName },
      statistic: cloudwatch.Stats.SUM,
      period: LMI_PERIOD,
      label: metricName,
    });
  const providerMetric = (metricName: string, instanceType: string) =>
    new cloudwatch.Metric({
      namespace: NAMESPACE,
      metricName,
      dimensionsMap: { CapacityProviderName: capacityProviderName, InstanceType: instanceType },
      statistic: cloudwatch.Stats.AVERAGE,
      period: LMI_PERIOD,
      label: `${metricName} ${instanceType}`,
    });

  const percentAlarm = (threshold: number, what: string) => ({
    Critical: {
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
      metricAdjuster: PLAIN_ALARM_METRIC,
      additionalDescription: `${what} above ${threshold}%`,
    },
  });

  // One series per allowed instance type; the alarm takes the busiest.
  const providerCpuByType = Object.fromEntries(
    config.instanceTypes.map((t, i) => [`cpu${i}`, providerMetric('CPUUtilization', t)]),
  );
  const providerCpuMax = new cloudwatch.MathExpression({
    expression: `MAX([${Object.keys(providerCpuByType).join(', ')}])`,
    usingMetrics: providerCpuByType,
    period: LMI_PERIOD,
    label: 'CPUUtilization, busiest instance type',
  });

  facade.addLargeHeader('Managed Instances (capacity provider and execution environments)');
  facade.monitorCustom({
    humanReadableName: 'Lambda Managed Instances (5-minute metrics)',
    alarmFriendlyName: 'ManagedInstances',
    metricGroups: [
      {
        title: 'Execution environment concurrency and its limit (max)',
        metrics: [
          environmentMetric(
            'ExecutionEnvironmentConcurrency',
            cloudwatch.Stats.MAXIMUM,
            'concurrency',
          ),
          environmentMetric(
            'ExecutionEnvironmentConcurrencyLimit',
            cloudwatch.Stats.MAXIMUM,
            'limit',
          ),
        ],
      },
      {
        title: 'Execution environment CPU and memory (%)',
        metrics: [
          {
            metric: environmentMetric(
              'ExecutionEnvironmentCPUUtilization',
              cloudwatch.Stats.AVERAGE,
              'CPU',
            ),
            alarmFriendlyName: 'EnvironmentCpu',
            addAlarm: percentAlarm(
              alarms.executionEnvironmentCpuPercent,
              'Execution environment CPU',
            ),
          },
          {
            metric: environmentMetric(
              'ExecutionEnvironmentMemoryUtilization',
              cloudwatch.Stats.AVERAGE,
              'memory',
            ),
            alarmFriendlyName: 'EnvironmentMemory',
            addAlarm: percentAlarm(
              alarms.executionEnvironmentMemoryPercent,
              'Execution environment memory',
            ),
          },
        ],
      },
      {
        title: 'Throttles by reason (sum per 5 minutes)',
        metrics: THROTTLE_REASON_METRICS.map((name) => ({
          metric: throttleMetric(name),
          alarmFriendlyName: name,
          addAlarm: {
            Critical: {
              threshold: alarms.throttlesPer5Minutes,
              comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
              treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
              metricAdjuster: PLAIN_ALARM_METRIC,
              additionalDescription: `More than ${alarms.throttlesPer5Minutes} ${name} in 5 minutes`,
            },
          },
        })),
      },
      {
        title: 'Capacity provider instances: CPU and memory (%)',
        metrics: [
          {
            metric: providerCpuMax,
            alarmFriendlyName: 'ProviderCpu',
            addAlarm: percentAlarm(alarms.capacityProviderCpuPercent, 'Capacity provider CPU'),
          },
          ...Object.values(providerCpuByType),
          ...config.instanceTypes.map((t) => providerMetric('MemoryUtilization', t)),
        ],
      },
    ],
  });
}
