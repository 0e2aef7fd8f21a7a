import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { LmiNetwork } from '../../config/managed-instances';

export interface ManagedInstancesNetworkProps {
  readonly network: LmiNetwork;
  /** Retention of the VPC flow log group, as for the stage's other logs. */
  readonly logRetentionDays: logs.RetentionDays;
}

/** HTTPS: the only port the instances need, to CloudWatch Logs. */
const HTTPS = ec2.Port.tcp(443);

/**
 * The subnets and security groups the capacity provider launches its instances into: imported by
 * id, or a VPC of its own whose only way out is to CloudWatch Logs (the function's logs), through
 * an interface endpoint or NAT gateways. Nothing can reach the instances from outside: invocations
 * arrive through Lambda, not the network.
 */
export class ManagedInstancesNetwork extends Construct {
  readonly subnets: ec2.ISubnet[];
  readonly securityGroups: ec2.ISecurityGroup[];
  /** Only when the stack creates the network. */
  readonly vpc?: ec2.Vpc;

  constructor(scope: Construct, id: string, props: ManagedInstancesNetworkProps) {
    super(scope, id);
    const { network } = props;

    if (network.kind === 'imported') {
      this.subnets = network.subnetIds.map((s) => ec2.Subnet.fromSubnetId(this, s, s));
      this.securityGroups = network.securityGroupIds.map((g) =>
        ec2.SecurityGroup.fromSecurityGroupId(this, g, g, { mutable: false }),
      );
      return;
    }

    const viaNat = network.egress === 'natGateway';
    const vpc = new ec2.Vpc(this, 'Vpc', {
      // Two AZs: what an environment-agnostic stack can name (Fn::GetAZs). LMI spreads the
      // version's environments over the subnets' zones.
      maxAzs: 2,
      natGateways: viaNat ? 2 : 0,
      subnetConfiguration: viaNat
        ? [
            { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
            { name: 'Instances', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
          ]
        : [{ name: 'Instances', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
      // The default security group is unused; locking it down would add a custom-resource
      // Lambda function (and its role) to the stack for nothing.
      restrictDefaultSecurityGroup: false,
    });
    // cdk-nag AwsSolutions-VPC7: a record of every connection attempt, kept like the stage's logs.
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    const instances = new ec2.SecurityGroup(this, 'Instances', {
      vpc,
      description: 'Lambda Managed Instances: no inbound, HTTPS out to CloudWatch Logs only',
      allowAllOutbound: false,
    });
    if (viaNat) {
      instances.addEgressRule(ec2.Peer.anyIpv4(), HTTPS, 'CloudWatch Logs through the NAT gateway');
    } else {
      const endpointSg = new ec2.SecurityGroup(this, 'LogsEndpoint', {
        vpc,
        description: 'CloudWatch Logs interface endpoint: HTTPS from the instances only',
        allowAllOutbound: false,
      });
      vpc.addInterfaceEndpoint('Logs', {
        service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
        privateDnsEnabled: true,
        securityGroups: [endpointSg],
        open: false,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      });
      endpointSg.addIngressRule(instances, HTTPS, 'HTTPS from the instances');
      instances.addEgressRule(endpointSg, HTTPS, 'CloudWatch Logs endpoint');
    }

    this.vpc = vpc;
    this.subnets = viaNat ? vpc.privateSubnets : vpc.isolatedSubnets;
    this.securityGroups = [instances];
  }
}
