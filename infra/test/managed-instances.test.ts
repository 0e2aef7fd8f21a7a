import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { type ManagedInstancesConfig, managedInstancesProblems } from '../config/managed-instances';
import { resolveStage, STAGES, type StageConfig, withOverrides } from '../config/stages';
import { buildApp } from '../lib/app';
import {
  EXECUTION_ENVIRONMENT_METRICS,
  THROTTLE_REASON_METRICS,
} from '../lib/constructs/managed-instances-monitoring';
import { applyNag } from '../lib/nag';
import { TransactionsApiStack } from '../lib/transactions-api-stack';
import { prop, resourcesOfType, synthApp, TEST_CONTEXT } from './helpers';

const manifestPath = path.resolve(__dirname, '..', '..', 'Cargo.toml');
const LMI = STAGES.lmi;
const lmiConfig = (): ManagedInstancesConfig => {
  if (!LMI.managedInstances) throw new Error('the lmi stage has no managedInstances');
  return LMI.managedInstances;
};

/** A stage with a changed LMI setting (and optionally other fields). */
function lmiWith(
  change: Partial<ManagedInstancesConfig>,
  stage: Partial<StageConfig> = {},
): StageConfig {
  return { ...LMI, ...stage, managedInstances: { ...lmiConfig(), ...change } };
}

/** Synthesizes one stage config as the app would, cdk-nag included (a finding throws). */
function synthStage(stage: StageConfig): Template {
  const app = new App({ context: { ...TEST_CONTEXT } });
  const stack = new TransactionsApiStack(app, 'Lmi', { stage, manifestPath });
  applyNag(app);
  app.synth();
  return Template.fromStack(stack);
}

type Resource = { Type: string; Properties?: Record<string, unknown> };
const only = (template: Template, type: string): [string, Resource] => {
  const entries = Object.entries(resourcesOfType(template, type));
  expect(entries).toHaveLength(1);
  const [entry] = entries;
  if (!entry) throw new Error(`no ${type}`);
  return entry;
};

describe('the lmi stage template', () => {
  const { template } = synthApp({ stage: 'lmi' });
  const config = lmiConfig();

  test('one capacity provider: arm64, the configured Graviton types, vCPU ceiling, auto scaling', () => {
    const [, provider] = only(template, 'AWS::Lambda::CapacityProvider');
    expect(provider.Properties?.InstanceRequirements).toEqual({
      Architectures: ['arm64'],
      AllowedInstanceTypes: [...config.instanceTypes],
    });
    expect(config.instanceTypes).toEqual(['c7g.large', 'c7g.xlarge', 'c8g.large', 'c8g.xlarge']);
    expect(provider.Properties?.CapacityProviderScalingConfig).toEqual({
      MaxVCpuCount: config.maxVCpuCount,
      ScalingMode: 'Auto',
    });
  });

  test('the function runs on it: arm64, >= 2048 MB, JSON logs, no $LATEST.PUBLISHED', () => {
    const [providerId] = only(template, 'AWS::Lambda::CapacityProvider');
    const [, fn] = only(template, 'AWS::Lambda::Function');
    expect(fn.Properties).toMatchObject({
      Architectures: ['arm64'],
      MemorySize: 2048,
      PublishToLatestPublished: false,
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO' },
      CapacityProviderConfig: {
        LambdaManagedInstancesCapacityProviderConfig: {
          CapacityProviderArn: { 'Fn::GetAtt': [providerId, 'Arn'] },
          PerExecutionEnvironmentMaxConcurrency: 8,
          ExecutionEnvironmentMemoryGiBPerVCpu: 2,
        },
      },
    });
    expect(fn.Properties?.ReservedConcurrentExecutions).toBeUndefined();
  });

  test('the version behind `live` keeps min..max environments and is deleted when replaced', () => {
    const [versionId, version] = only(template, 'AWS::Lambda::Version');
    expect(version.Properties?.FunctionScalingConfig).toEqual({
      MinExecutionEnvironments: config.executionEnvironments.min,
      MaxExecutionEnvironments: config.executionEnvironments.max,
    });
    // A retained old version would keep its environments, and their instances, running.
    expect(template.toJSON().Resources[versionId].DeletionPolicy).toBe('Delete');
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionVersion: { 'Fn::GetAtt': [versionId, 'Version'] },
    });
  });

  test("operator role: AWS's AWSLambdaManagedEC2ResourceOperator, assumed by Lambda", () => {
    const [, provider] = only(template, 'AWS::Lambda::CapacityProvider');
    const roleId = prop<{ CapacityProviderOperatorRoleArn: { 'Fn::GetAtt': [string, string] } }>(
      provider,
      'PermissionsConfig',
    ).CapacityProviderOperatorRoleArn['Fn::GetAtt'][0];
    const role = template.toJSON().Resources[roleId];
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(
      ':iam::aws:policy/AWSLambdaManagedEC2ResourceOperator',
    );
    expect(role.Properties.ManagedPolicyArns).toHaveLength(1);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
      }),
    ]);
  });

  test('network: private isolated subnets, a CloudWatch Logs endpoint, HTTPS to it only', () => {
    const [, provider] = only(template, 'AWS::Lambda::CapacityProvider');
    const vpcConfig = prop<{
      SubnetIds: { Ref: string }[];
      SecurityGroupIds: { 'Fn::GetAtt': [string, string] }[];
    }>(provider, 'VpcConfig');
    expect(vpcConfig.SubnetIds).toHaveLength(2);
    const subnets = template.toJSON().Resources;
    for (const { Ref } of vpcConfig.SubnetIds) {
      expect(subnets[Ref].Properties.MapPublicIpOnLaunch).toBe(false);
    }
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    const [, endpoint] = only(template, 'AWS::EC2::VPCEndpoint');
    expect(JSON.stringify(endpoint.Properties?.ServiceName)).toContain('.logs');
    expect(endpoint.Properties).toMatchObject({
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
    });
    expect(vpcConfig.SecurityGroupIds).toHaveLength(1);
    const sg = vpcConfig.SecurityGroupIds[0]?.['Fn::GetAtt'][0] ?? 'missing';
    const egress = Object.values(resourcesOfType(template, 'AWS::EC2::SecurityGroupEgress'));
    expect(egress.map((e) => e.Properties)).toEqual([
      expect.objectContaining({
        GroupId: { 'Fn::GetAtt': [sg, 'GroupId'] },
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        DestinationSecurityGroupId: { 'Fn::GetAtt': [expect.any(String), 'GroupId'] },
      }),
    ]);
    // Nothing may open a port on the instances.
    const ingress = Object.values(resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress'));
    expect(ingress.filter((i) => JSON.stringify(i.Properties?.GroupId).includes(sg))).toEqual([]);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL' });
  });

  test('six Managed Instances alarms on 5-minute periods, notifying but not rolling back', () => {
    const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));
    const lmi = alarms
      .map((a) => a.Properties ?? {})
      .filter((p) => String(p.AlarmName).startsWith('TransactionsApi-lmi-ManagedInstances-'));
    const byName = new Map(lmi.map((p) => [p.AlarmName as string, p]));
    const a = config.alarms;
    const expected: Record<string, [metric: string, threshold: number]> = {
      EnvironmentCpu: ['ExecutionEnvironmentCPUUtilization', a.executionEnvironmentCpuPercent],
      EnvironmentMemory: [
        'ExecutionEnvironmentMemoryUtilization',
        a.executionEnvironmentMemoryPercent,
      ],
      ConcurrencyThrottles: ['ConcurrencyThrottles', a.throttlesPer5Minutes],
      CPUThrottles: ['CPUThrottles', a.throttlesPer5Minutes],
      MemoryThrottles: ['MemoryThrottles', a.throttlesPer5Minutes],
    };
    expect([...byName.keys()].sort()).toEqual(
      [...Object.keys(expected), 'ProviderCpu']
        .map((n) => `TransactionsApi-lmi-ManagedInstances-${n}-Critical`)
        .sort(),
    );
    for (const [name, [metric, threshold]] of Object.entries(expected)) {
      expect(byName.get(`TransactionsApi-lmi-ManagedInstances-${name}-Critical`)).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Period: 300,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: LMI.alarms.evaluationPeriods,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: expect.stringMatching(/^MonitoringAlarmTopic/) }],
      });
    }
    // Execution-environment metrics are per version: <function>:<version>, and the provider.
    const cpu = byName.get('TransactionsApi-lmi-ManagedInstances-EnvironmentCpu-Critical');
    expect(((cpu?.Dimensions ?? []) as { Name: string }[]).map((d) => d.Name)).toEqual([
      'CapacityProviderName',
      'FunctionName',
      'Resource',
    ]);
    expect(JSON.stringify(cpu?.Dimensions)).toMatch(/FunctionCurrentVersion.*"Version"/);
    // The provider's CPU alarm takes the busiest of the allowed instance types.
    const provider = byName.get('TransactionsApi-lmi-ManagedInstances-ProviderCpu-Critical');
    const metrics = (provider?.Metrics ?? []) as { Expression?: string; MetricStat?: unknown }[];
    expect(metrics[0]?.Expression).toBe('MAX([cpu0, cpu1, cpu2, cpu3])');
    const types = metrics.slice(1).map((m) => JSON.stringify(m.MetricStat));
    expect(types).toHaveLength(config.instanceTypes.length);
    for (const [i, t] of config.instanceTypes.entries()) {
      expect(types[i]).toContain(`"InstanceType","Value":"${t}"`);
      expect(types[i]).toContain('"MetricName":"CPUUtilization"');
    }
    expect(provider?.Threshold).toBe(a.capacityProviderCpuPercent);
    // CodeDeploy rolls back on the function's and the API's five alarms only.
    const [, group] = only(template, 'AWS::CodeDeploy::DeploymentGroup');
    const rollback = prop<{ Alarms: unknown[] }>(group, 'AlarmConfiguration').Alarms;
    expect(rollback).toHaveLength(5);
    expect(JSON.stringify(rollback)).not.toContain('ManagedInstances');
  });

  test('the dashboard graphs every Managed Instances metric the alarms use, and more', () => {
    const [, dashboard] = only(template, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties?.DashboardBody);
    for (const title of [
      'Execution environment concurrency and its limit (max)',
      'Execution environment CPU and memory (%)',
      'Throttles by reason (sum per 5 minutes)',
      'Capacity provider instances: CPU and memory (%)',
    ]) {
      expect(body).toContain(title);
    }
    for (const metric of [
      ...EXECUTION_ENVIRONMENT_METRICS,
      ...THROTTLE_REASON_METRICS,
      'CPUUtilization',
      'MemoryUtilization',
    ]) {
      expect(body).toContain(`\\"${metric}\\"`);
    }
  });

  test('the per-request stages have none of it', () => {
    for (const stage of ['dev', 'staging', 'prod', 'local'] as const) {
      const t = synthApp({ stage }).template;
      t.resourceCountIs('AWS::Lambda::CapacityProvider', 0);
      t.resourceCountIs('AWS::EC2::VPC', 0);
      t.hasResourceProperties('AWS::Lambda::Function', {
        CapacityProviderConfig: Match.absent(),
        PublishToLatestPublished: Match.absent(),
      });
    }
  });
});

describe('Managed Instances options reach the template', () => {
  test('natGateway egress: public subnets with a NAT each, HTTPS out to anywhere, no endpoint', () => {
    const template = synthStage(lmiWith({ network: { kind: 'created', egress: 'natGateway' } }));
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Lambda Managed Instances'),
      SecurityGroupEgress: [
        Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
      ],
    });
  });

  test('-c lmiSubnetIds/-c lmiSecurityGroupIds: existing network by id, no VPC created', () => {
    const { template } = synthApp({
      stage: 'lmi',
      lmiSubnetIds: 'subnet-0a1b2c3d4e5f60718,subnet-0a1b2c3d4e5f60719',
      lmiSecurityGroupIds: 'sg-0a1b2c3d4e5f60718',
    });
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    template.hasResourceProperties('AWS::Lambda::CapacityProvider', {
      VpcConfig: {
        SubnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0a1b2c3d4e5f60719'],
        SecurityGroupIds: ['sg-0a1b2c3d4e5f60718'],
      },
    });
  });

  test('manual scaling tracks the configured CPU target', () => {
    const template = synthStage(
      lmiWith({ scaling: { mode: 'manual', targetCpuUtilizationPercent: 60 } }),
    );
    template.hasResourceProperties('AWS::Lambda::CapacityProvider', {
      CapacityProviderScalingConfig: {
        ScalingMode: 'Manual',
        ScalingPolicies: [
          { PredefinedMetricType: 'LambdaCapacityProviderAverageCPUUtilization', TargetValue: 60 },
        ],
      },
    });
  });

  test('more vCPUs per environment: the concurrency limit and ratio pass through', () => {
    const stage = lmiWith(
      { perExecutionEnvironmentMaxConcurrency: 32, executionEnvironmentMemoryGiBPerVCpu: 4 },
      { memoryMb: 16384 },
    );
    const [, fn] = only(synthStage(stage), 'AWS::Lambda::Function');
    expect(
      prop<Record<string, Record<string, unknown>>>(fn, 'CapacityProviderConfig')
        .LambdaManagedInstancesCapacityProviderConfig,
    ).toMatchObject({
      PerExecutionEnvironmentMaxConcurrency: 32,
      ExecutionEnvironmentMemoryGiBPerVCpu: 4,
    });
    expect(fn.Properties?.MemorySize).toBe(16384);
  });
});

describe('Managed Instances settings that cannot work are refused with the reason', () => {
  test('the lmi stage as shipped has no problems', () => {
    expect(managedInstancesProblems(LMI)).toEqual([]);
  });

  test.each<[string, StageConfig, string]>([
    [
      'memory below 2048 MB',
      lmiWith({}, { memoryMb: 1024 }),
      "memoryMb must be at least 2048 (LMI's smallest function is 2 GB, 1 vCPU), got 1024",
    ],
    [
      'an x86 instance type',
      lmiWith({ instanceTypes: ['c7g.large', 'c7i.large'] }),
      'instance type "c7i.large" is not Graviton (arm64): the function ships an arm64 bootstrap',
    ],
    [
      'an AMD instance type',
      lmiWith({ instanceTypes: ['m7a.large'] }),
      'instance type "m7a.large" is not Graviton (arm64)',
    ],
    [
      'a burstable Graviton type',
      lmiWith({ instanceTypes: ['t4g.large'] }),
      'instance type "t4g.large" is burstable',
    ],
    [
      'a malformed instance type',
      lmiWith({ instanceTypes: ['graviton'] }),
      'instance type "graviton" is not an EC2 instance type name (like c7g.large)',
    ],
    ['no instance type', lmiWith({ instanceTypes: [] }), 'instanceTypes must name at least one'],
    [
      'GiB per vCPU below 2',
      lmiWith({ executionEnvironmentMemoryGiBPerVCpu: 1 }),
      'executionEnvironmentMemoryGiBPerVCpu must be from 2 to 8, got 1',
    ],
    [
      'GiB per vCPU above 8',
      lmiWith({ executionEnvironmentMemoryGiBPerVCpu: 16 }),
      'executionEnvironmentMemoryGiBPerVCpu must be from 2 to 8, got 16',
    ],
    [
      'a fraction of a vCPU',
      lmiWith({}, { memoryMb: 3072 }),
      'memoryMb 3072 at 2 GiB per vCPU gives 1.5 vCPUs per environment: use a multiple of 2048 MB',
    ],
    [
      'x86_64',
      lmiWith({}, { architecture: 'x86_64' }),
      'architecture must be arm64 (Graviton instances), got x86_64',
    ],
    [
      'reserved concurrency',
      lmiWith({}, { reservedConcurrency: 10 }),
      'reservedConcurrency must be unset',
    ],
    [
      'more than 64 invocations per vCPU',
      lmiWith({ perExecutionEnvironmentMaxConcurrency: 65 }),
      'perExecutionEnvironmentMaxConcurrency 65 exceeds 64 per vCPU (64 for 1 vCPUs)',
    ],
    [
      'zero concurrency',
      lmiWith({ perExecutionEnvironmentMaxConcurrency: 0 }),
      'perExecutionEnvironmentMaxConcurrency must be a whole number >= 1, got 0',
    ],
    [
      'a vCPU ceiling below 12',
      lmiWith({ maxVCpuCount: 8 }),
      'maxVCpuCount must be a whole number from 12 to 15000, got 8',
    ],
    [
      'min above max environments',
      lmiWith({ executionEnvironments: { min: 5, max: 4 } }),
      'executionEnvironments needs whole numbers 1 <= min <= max <= 15000',
    ],
    [
      'a deactivated version (min 0)',
      lmiWith({ executionEnvironments: { min: 0, max: 0 } }),
      '(min 0 would deactivate the version)',
    ],
    [
      'no room for a rollout',
      lmiWith({ maxVCpuCount: 12, executionEnvironments: { min: 8, max: 12 } }),
      'maxVCpuCount 12 cannot hold a rollout: two versions x 8 environments x 1 vCPUs = 16',
    ],
    [
      'more environments than vCPUs',
      lmiWith({ executionEnvironments: { min: 3, max: 60 } }),
      'executionEnvironments.max 60 x 1 vCPUs = 60 exceeds maxVCpuCount 48',
    ],
    [
      'a manual target above 100 %',
      lmiWith({ scaling: { mode: 'manual', targetCpuUtilizationPercent: 120 } }),
      'scaling.targetCpuUtilizationPercent must be in (0, 100], got 120',
    ],
    [
      'a subnet id that is not one',
      lmiWith({
        network: { kind: 'imported', subnetIds: ['vpc-123'], securityGroupIds: ['sg-0123abcd'] },
      }),
      'network.subnetIds: "vpc-123" is not a subnet id',
    ],
    [
      'no security group',
      lmiWith({
        network: { kind: 'imported', subnetIds: ['subnet-0123abcd'], securityGroupIds: [] },
      }),
      'network.securityGroupIds needs 1 to 5 security groups, got 0',
    ],
    [
      'an alarm threshold above 100 %',
      lmiWith({ alarms: { ...lmiConfig().alarms, capacityProviderCpuPercent: 150 } }),
      'alarms.capacityProviderCpuPercent must be in (0, 100], got 150',
    ],
  ])('%s', (_, stage, reason) => {
    expect(managedInstancesProblems(stage).join('\n')).toContain(reason);
    // The same reason reaches `cdk synth` as one error naming the stage.
    expect(() => withOverrides(stage, {})).toThrow(
      /^Stage "lmi": managedInstances cannot be deployed:\n {2}- /,
    );
    expect(() => withOverrides(stage, {})).toThrow(reason);
  });

  test('every problem at once, not just the first', () => {
    const problems = managedInstancesProblems(
      lmiWith({ instanceTypes: ['c6i.large'], maxVCpuCount: 4 }, { memoryMb: 512 }),
    );
    expect(problems).toHaveLength(3);
  });

  test('-c memoryMb below 2048 on the lmi stage fails the app with the reason', () => {
    const app = new App({ context: { ...TEST_CONTEXT, stage: 'lmi', memoryMb: '1024' } });
    expect(() => buildApp(app)).toThrow('memoryMb must be at least 2048');
    expect(withOverrides(resolveStage('lmi'), { memoryMb: '4096' }).memoryMb).toBe(4096);
  });

  test('-c lmiSubnetIds needs -c lmiSecurityGroupIds and a Managed Instances stage', () => {
    expect(() => withOverrides(LMI, { lmiSubnetIds: 'subnet-0123abcd' })).toThrow(
      'lmiSubnetIds and lmiSecurityGroupIds go together: pass both or neither',
    );
    expect(() =>
      withOverrides(STAGES.prod, {
        lmiSubnetIds: 'subnet-0123abcd',
        lmiSecurityGroupIds: 'sg-0123abcd',
      }),
    ).toThrow('lmiSubnetIds and lmiSecurityGroupIds apply only to a Managed Instances stage');
    expect(() =>
      withOverrides(LMI, { lmiSubnetIds: 'subnet-0123abcd', lmiSecurityGroupIds: 'default' }),
    ).toThrow('network.securityGroupIds: "default" is not a security group id');
  });
});
