import { Duration, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { Rollout } from '../../config/stages';

/** A rollout that actually uses CodeDeploy (the `none` rollout creates no construct at all). */
export type CodeDeployRollout = Exclude<Rollout, { kind: 'none' }>;

export interface SafeRolloutProps {
  readonly rollout: CodeDeployRollout;
  readonly alias: lambda.Alias;
  /** Any of these in ALARM during a deployment stops it and shifts traffic back. */
  readonly alarms: readonly cloudwatch.IAlarm[];
}

/** CodeDeploy traffic shifting on the `live` alias with automatic rollback on alarms. */
export class SafeRollout extends Construct {
  readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;

  constructor(scope: Construct, id: string, props: SafeRolloutProps) {
    super(scope, id);
    this.deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'DeploymentGroup', {
      alias: props.alias,
      deploymentConfig: this.deploymentConfig(props.rollout),
      alarms: [...props.alarms],
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    const role = this.deploymentGroup.role;
    if (role) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
        reason:
          'AWS-maintained minimal policy for CodeDeploy Lambda deployments (the "Limited" variant): ' +
          'read alarms, read/update aliases, invoke only CodeDeployHook_* functions. AWS updates it when ' +
          'CodeDeploy needs change; a hand-copied policy would drift and break rollbacks silently.',
      });
    }
  }

  private deploymentConfig(rollout: CodeDeployRollout): codedeploy.ILambdaDeploymentConfig {
    switch (rollout.kind) {
      case 'allAtOnce':
        return codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE;
      case 'canary':
        return new codedeploy.LambdaDeploymentConfig(this, 'Config', {
          trafficRouting: codedeploy.TrafficRouting.timeBasedCanary({
            interval: Duration.minutes(rollout.intervalMinutes),
            percentage: rollout.percentage,
          }),
        });
      case 'linear':
        return new codedeploy.LambdaDeploymentConfig(this, 'Config', {
          trafficRouting: codedeploy.TrafficRouting.timeBasedLinear({
            interval: Duration.minutes(rollout.intervalMinutes),
            percentage: rollout.percentage,
          }),
        });
    }
  }
}
