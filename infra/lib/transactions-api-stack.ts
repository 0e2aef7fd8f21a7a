import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stages';
import { TransactionsHttpApi } from './constructs/http-api';
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

/** One stage of the service: function + alias, HTTP API, alarms and dashboard, rollout. */
export class TransactionsApiStack extends Stack {
  readonly fn: TransactionsFunction;
  readonly httpApi: TransactionsHttpApi;
  readonly monitoring: Monitoring;
  readonly rollout?: SafeRollout;

  constructor(scope: Construct, id: string, props: TransactionsApiStackProps) {
    super(scope, id, props);
    const { stage } = props;

    this.fn = new TransactionsFunction(this, 'Function', {
      stage,
      manifestPath: props.manifestPath,
    });
    this.httpApi = new TransactionsHttpApi(this, 'HttpApi', { stage, target: this.fn.alias });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage,
      alias: this.fn.alias,
      functionLogGroup: this.fn.logGroup,
      api: this.httpApi.api,
      apiStageName: this.httpApi.stage.stageName,
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
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${this.monitoring.dashboard.dashboardName}`,
    });
  }
}
