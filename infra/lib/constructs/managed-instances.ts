import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { LmiScaling, ManagedInstancesConfig } from '../../config/managed-instances';
import { ManagedInstancesNetwork } from './managed-instances-network';

/** The AWS managed policy that lets Lambda run and manage the provider's EC2 instances. */
export const OPERATOR_POLICY = 'AWSLambdaManagedEC2ResourceOperator';

export interface ManagedInstancesProps {
  readonly config: ManagedInstancesConfig;
  readonly logRetentionDays: logs.RetentionDays;
}

function scalingOptions(scaling: LmiScaling): lambda.ScalingOptions {
  switch (scaling.mode) {
    case 'auto':
      return lambda.ScalingOptions.auto();
    case 'manual':
      return lambda.ScalingOptions.manual([
        lambda.TargetTrackingScalingPolicy.cpuUtilization(scaling.targetCpuUtilizationPercent),
      ]);
  }
}

/**
 * The capacity provider (Graviton instances only, arm64), the role Lambda assumes to operate
 * its instances, and the network they run in. `attach` puts a function on it.
 */
export class ManagedInstances extends Construct {
  readonly capacityProvider: lambda.CapacityProvider;
  readonly operatorRole: iam.Role;
  readonly network: ManagedInstancesNetwork;
  private readonly config: ManagedInstancesConfig;

  constructor(scope: Construct, id: string, props: ManagedInstancesProps) {
    super(scope, id);
    const { config } = props;
    this.config = config;

    this.network = new ManagedInstancesNetwork(this, 'Network', {
      network: config.network,
      logRetentionDays: props.logRetentionDays,
    });

    this.operatorRole = new iam.Role(this, 'OperatorRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Lambda operates the EC2 instances of the transactions capacity provider',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(OPERATOR_POLICY)],
    });
    Validations.of(this.operatorRole).acknowledge({
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${OPERATOR_POLICY}]`,
      reason:
        'The AWS managed policy AWS documents for capacity provider operator roles: run, tag and ' +
        'describe the instances and network interfaces Lambda manages (conditioned on ' +
        'ec2:ManagedResourceOperator). AWS updates it as LMI changes; a hand copy would drift.',
    });

    this.capacityProvider = new lambda.CapacityProvider(this, 'CapacityProvider', {
      subnets: this.network.subnets,
      securityGroups: this.network.securityGroups,
      operatorRole: this.operatorRole,
      architectures: [lambda.Architecture.ARM_64],
      instanceTypeFilter: lambda.InstanceTypeFilter.allow(
        config.instanceTypes.map((t) => new ec2.InstanceType(t)),
      ),
      maxVCpuCount: config.maxVCpuCount,
      scalingOptions: scalingOptions(config.scaling),
    });
  }

  /**
   * Runs the function on the capacity provider. Traffic goes to the numbered version behind the
   * `live` alias, so `$LATEST.PUBLISHED` is not published: it would hold execution environments
   * (and instances) of its own that nothing invokes.
   */
  attach(fn: lambda.Function): void {
    this.capacityProvider.addFunction(fn, {
      perExecutionEnvironmentMaxConcurrency: this.config.perExecutionEnvironmentMaxConcurrency,
      executionEnvironmentMemoryGiBPerVCpu: this.config.executionEnvironmentMemoryGiBPerVCpu,
      publishToLatestPublished: false,
    });
  }
}
