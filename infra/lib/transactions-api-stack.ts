import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stages';
import { TransactionsHttpApi } from './constructs/http-api';
import { ManagedInstances } from './constructs/managed-instances';
import { Monitoring } from './constructs/monitoring';
import { SafeRollout } from './constructs/rollout';
import { TransactionsFunction } from './constructs/transactions-function';

export interface TransactionsApiStackProps extends StackProps {
  readonly stage: StageConfig;
  /** Path to the workspace root `Cargo.toml`. */
  readonly manifestPath: string;
}

/** Stack id of a stage, e.g. `TransactionsApi-dev`; scripts and workflows rely on it. */
export const stackIdFor = (stage: StageConfig): string => `TransactionsApi-${stage.name}`;

/**
 * One stage of the service: function + alias, HTTP API, alarms and dashboard, rollout; and, for
 * a stage on Lambda Managed Instances, the capacity provider the function runs on.
 */
export class TransactionsApiStack extends Stack {
  readonly fn: TransactionsFunction;
  readonly httpApi: TransactionsHttpApi;
  readonly monitoring: Monitoring;
  readonly rollout?: SafeRollout;
  readonly managedInstances?: ManagedInstances;

  constructor(scope: Construct, id: string, props: TransactionsApiStackProps) {
    super(scope, id, props);
    const { stage } = props;

    this.fn = new TransactionsFunction(this, 'Function', {
      stage,
      manifestPath: props.manifestPath,
    });
    if (stage.managedInstances) {
      this.managedInstances = new ManagedInstances(this, 'ManagedInstances', {
        config: stage.managedInstances,
        logRetentionDays: stage.logRetentionDays as logs.RetentionDays,
      });
      this.managedInstances.attach(this.fn.function);
    }
    this.httpApi = new TransactionsHttpApi(this, 'HttpApi', { stage, target: this.fn.alias });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage,
      alias: this.fn.alias,
      functionLogGroup: this.fn.logGroup,
      api: this.httpApi.api,
      apiStageName: this.httpApi.stage.stageName,
      managedInstances: this.managedInstances &&
        stage.managedInstances && {
          config: stage.managedInstances,
          capacityProvider: this.managedInstances.capacityProvider,
          fn: this.fn.function,
          version: this.fn.function.currentVersion,
        },
    });
    if (stage.rollout.kind !== 'none') {
      this.rollout = new SafeRollout(this, 'Rollout', {
        rollout: stage.rollout,
        alias: this.fn.alias,
        alarms: this.monitoring.rollbackAlarms,
      });
    }

    new CfnOutput(this, 'ApiUrl', {
      value: this.httpApi.url,
      description: 'Base URL of the HTTP API; the route is POST <ApiUrl>/transactions',
    });
    new CfnOutput(this, 'FunctionName', { value: this.fn.function.functionName });
    new CfnOutput(this, 'FunctionArn', { value: this.fn.function.functionArn });
    new CfnOutput(this, 'AliasArn', { value: this.fn.alias.functionArn });
    if (this.managedInstances) {
      new CfnOutput(this, 'CapacityProviderName', {
        value: this.managedInstances.capacityProvider.capacityProviderName,
        description: 'Lambda Managed Instances capacity provider the function runs on',
      });
    }
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${this.monitoring.dashboard.dashboardName}`,
    });
  }
}
