/**
 * The opt-in Lambda Managed Instances (LMI) setting of a stage, and the rules that reject a
 * configuration AWS would refuse at deploy time (or accept and run badly) before anything is
 * synthesized.
 *
 * With LMI the function runs on EC2 instances of a capacity provider in the stage's VPC; one
 * execution environment serves several invocations at once (the platform tells the bootstrap
 * how many in AWS_LAMBDA_MAX_CONCURRENCY). Limits quoted below are from the AWS Lambda
 * developer guide ("Lambda Managed Instances": scaling, capacity providers) and the Lambda API
 * reference (LambdaManagedInstancesCapacityProviderConfig).
 */
import { InstanceArchitecture, InstanceType } from 'aws-cdk-lib/aws-ec2';
import type { StageConfig } from './stages';

/**
 * How the capacity provider scales its instances. `auto` keeps AWS's default headroom (traffic
 * may double within 5 minutes without throttles); `manual` tracks a CPU utilization target of
 * the provider's instances, higher for cheaper steady traffic, lower for burst headroom.
 */
export type LmiScaling =
  | { readonly mode: 'auto' }
  | { readonly mode: 'manual'; readonly targetCpuUtilizationPercent: number };

/**
 * Where the instances run. They need a network path to CloudWatch Logs to ship the function's
 * logs (the function itself calls no AWS API).
 *  - `imported`: existing subnets and security groups, by id (their VPC must already reach
 *    CloudWatch Logs: NAT, internet gateway or a `logs` interface endpoint).
 *  - `created`: a two-AZ VPC made by the stack, reaching CloudWatch Logs either through an
 *    interface endpoint in private isolated subnets (`vpcEndpoints`) or through one NAT gateway
 *    per AZ (`natGateway`). docs/infra.md compares what each costs.
 */
export type LmiNetwork =
  | {
      readonly kind: 'imported';
      readonly subnetIds: readonly string[];
      readonly securityGroupIds: readonly string[];
    }
  | { readonly kind: 'created'; readonly egress: 'vpcEndpoints' | 'natGateway' };

/** Alarm thresholds on LMI's own metrics (published every 5 minutes, so 5-minute periods). */
export interface LmiAlarmThresholds {
  /** Throttles for each reason (concurrency, CPU, memory) summed over 5 minutes. */
  readonly throttlesPer5Minutes: number;
  /** Average CPU of the function's execution environments, percent. */
  readonly executionEnvironmentCpuPercent: number;
  /** Average memory of the function's execution environments, percent. */
  readonly executionEnvironmentMemoryPercent: number;
  /** Average CPU of the capacity provider's instances (the highest instance type), percent. */
  readonly capacityProviderCpuPercent: number;
}

export interface ManagedInstancesConfig {
  /** Instance types the capacity provider may launch, e.g. `c7g.large`: Graviton only. */
  readonly instanceTypes: readonly string[];
  /** Ceiling on the provider's vCPUs, all instances together (CDK accepts 12..15000). */
  readonly maxVCpuCount: number;
  readonly scaling: LmiScaling;
  /** Invocations one execution environment serves at once (AWS_LAMBDA_MAX_CONCURRENCY). */
  readonly perExecutionEnvironmentMaxConcurrency: number;
  /** Memory per vCPU of an execution environment, GiB (2..8): the stage's vCPUs per environment
   * are memoryMb / 1024 / this. */
  readonly executionEnvironmentMemoryGiBPerVCpu: number;
  /**
   * Execution environments of the published version behind the `live` alias. AWS's default
   * minimum is 3 (one per AZ); each one is billed through the instances that hold it.
   */
  readonly executionEnvironments: { readonly min: number; readonly max: number };
  readonly network: LmiNetwork;
  readonly alarms: LmiAlarmThresholds;
}

/** LMI's smallest function: 2 GB and 1 vCPU (AWS: "Scaling Lambda Managed Instances"). */
export const LMI_MIN_MEMORY_MB = 2048;
const GIB_PER_VCPU = { min: 2, max: 8 } as const;
/** AWS: "you can increase maximum concurrency up to a maximum of 64 per vCPU". */
const MAX_CONCURRENCY_PER_VCPU = 64;
/** CapacityProvider's own check (aws-cdk-lib 2.278): maxVCpuCount 12..15000. */
const VCPU_COUNT = { min: 12, max: 15000 } as const;
/** FunctionScalingConfig's range. */
const MAX_ENVIRONMENTS = 15000;

/** vCPUs of one execution environment: its memory divided by the memory per vCPU. */
export function vcpusPerEnvironment(memoryMb: number, lmi: ManagedInstancesConfig): number {
  return memoryMb / 1024 / lmi.executionEnvironmentMemoryGiBPerVCpu;
}

/** Why one instance type cannot serve the stage, or undefined when it can. */
function instanceTypeProblem(name: string): string | undefined {
  let type: InstanceType;
  let architecture: InstanceArchitecture;
  try {
    type = new InstanceType(name);
    architecture = type.architecture;
  } catch {
    return `instance type "${name}" is not an EC2 instance type name (like c7g.large)`;
  }
  if (architecture !== InstanceArchitecture.ARM_64) {
    return `instance type "${name}" is not Graviton (arm64): the function ships an arm64 bootstrap`;
  }
  if (type.isBurstable()) {
    return `instance type "${name}" is burstable: CPU credits run out under the steady load LMI is for`;
  }
  return undefined;
}

const isInt = (n: number) => Number.isInteger(n);

function networkProblems(network: LmiNetwork): string[] {
  if (network.kind === 'created') {
    return ['vpcEndpoints', 'natGateway'].includes(network.egress)
      ? []
      : [`network.egress must be vpcEndpoints or natGateway, got "${network.egress}"`];
  }
  const problems: string[] = [];
  const { subnetIds, securityGroupIds } = network;
  if (subnetIds.length < 1 || subnetIds.length > 16) {
    problems.push(`network.subnetIds needs 1 to 16 subnets, got ${subnetIds.length}`);
  }
  for (const id of subnetIds.filter((s) => !/^subnet-[0-9a-f]{8,17}$/.test(s))) {
    problems.push(`network.subnetIds: "${id}" is not a subnet id (subnet-0123abcd...)`);
  }
  if (securityGroupIds.length < 1 || securityGroupIds.length > 5) {
    problems.push(
      `network.securityGroupIds needs 1 to 5 security groups, got ${securityGroupIds.length}`,
    );
  }
  for (const id of securityGroupIds.filter((s) => !/^sg-[0-9a-f]{8,17}$/.test(s))) {
    problems.push(`network.securityGroupIds: "${id}" is not a security group id (sg-0123abcd...)`);
  }
  return problems;
}

/**
 * Every reason the stage's `managedInstances` cannot be deployed as configured; empty when it
 * can (or when the stage does not use LMI).
 */
export function managedInstancesProblems(stage: StageConfig): string[] {
  const lmi = stage.managedInstances;
  if (!lmi) return [];
  const problems: string[] = [];

  if (stage.architecture !== 'arm64') {
    problems.push(`architecture must be arm64 (Graviton instances), got ${stage.architecture}`);
  }
  if (stage.memoryMb < LMI_MIN_MEMORY_MB) {
    problems.push(
      `memoryMb must be at least ${LMI_MIN_MEMORY_MB} (LMI's smallest function is 2 GB, 1 vCPU), got ${stage.memoryMb}`,
    );
  }
  if (stage.reservedConcurrency !== undefined) {
    problems.push(
      'reservedConcurrency must be unset: LMI caps scale with executionEnvironments.max and maxVCpuCount',
    );
  }

  if (lmi.instanceTypes.length === 0) problems.push('instanceTypes must name at least one type');
  for (const name of lmi.instanceTypes) {
    const problem = instanceTypeProblem(name);
    if (problem) problems.push(problem);
  }

  const ratio = lmi.executionEnvironmentMemoryGiBPerVCpu;
  const ratioOk = ratio >= GIB_PER_VCPU.min && ratio <= GIB_PER_VCPU.max;
  if (!ratioOk) {
    problems.push(
      `executionEnvironmentMemoryGiBPerVCpu must be from ${GIB_PER_VCPU.min} to ${GIB_PER_VCPU.max}, got ${ratio}`,
    );
  }
  const vcpus = vcpusPerEnvironment(stage.memoryMb, lmi);
  // Whole vCPUs only: the bootstrap sizes its worker threads to the environment's CPUs.
  const vcpusOk = ratioOk && isInt(vcpus) && vcpus >= 1;
  if (ratioOk && stage.memoryMb >= LMI_MIN_MEMORY_MB && !vcpusOk) {
    problems.push(
      `memoryMb ${stage.memoryMb} at ${ratio} GiB per vCPU gives ${vcpus} vCPUs per environment: ` +
        `use a multiple of ${ratio * 1024} MB`,
    );
  }

  const concurrency = lmi.perExecutionEnvironmentMaxConcurrency;
  if (!isInt(concurrency) || concurrency < 1) {
    problems.push(
      `perExecutionEnvironmentMaxConcurrency must be a whole number >= 1, got ${concurrency}`,
    );
  } else if (vcpusOk && concurrency > MAX_CONCURRENCY_PER_VCPU * vcpus) {
    problems.push(
      `perExecutionEnvironmentMaxConcurrency ${concurrency} exceeds ${MAX_CONCURRENCY_PER_VCPU} per vCPU ` +
        `(${MAX_CONCURRENCY_PER_VCPU * vcpus} for ${vcpus} vCPUs)`,
    );
  }

  const { maxVCpuCount } = lmi;
  if (!isInt(maxVCpuCount) || maxVCpuCount < VCPU_COUNT.min || maxVCpuCount > VCPU_COUNT.max) {
    problems.push(
      `maxVCpuCount must be a whole number from ${VCPU_COUNT.min} to ${VCPU_COUNT.max}, got ${maxVCpuCount}`,
    );
  }

  if (lmi.scaling.mode === 'manual') {
    const target = lmi.scaling.targetCpuUtilizationPercent;
    if (!(target > 0 && target <= 100)) {
      problems.push(`scaling.targetCpuUtilizationPercent must be in (0, 100], got ${target}`);
    }
  }

  const { min, max } = lmi.executionEnvironments;
  if (!isInt(min) || !isInt(max) || min < 1 || max > MAX_ENVIRONMENTS || min > max) {
    problems.push(
      `executionEnvironments needs whole numbers 1 <= min <= max <= ${MAX_ENVIRONMENTS} ` +
        `(min 0 would deactivate the version), got min ${min}, max ${max}`,
    );
  } else if (vcpusOk && isInt(maxVCpuCount)) {
    // A rollout keeps the old and the new version's minimum running side by side.
    const rolloutVcpus = 2 * min * vcpus;
    if (rolloutVcpus > maxVCpuCount) {
      problems.push(
        `maxVCpuCount ${maxVCpuCount} cannot hold a rollout: two versions x ${min} environments x ` +
          `${vcpus} vCPUs = ${rolloutVcpus}`,
      );
    }
    if (max * vcpus > maxVCpuCount) {
      problems.push(
        `executionEnvironments.max ${max} x ${vcpus} vCPUs = ${max * vcpus} exceeds maxVCpuCount ${maxVCpuCount}`,
      );
    }
  }

  problems.push(...networkProblems(lmi.network));

  const a = lmi.alarms;
  for (const [key, value] of [
    ['executionEnvironmentCpuPercent', a.executionEnvironmentCpuPercent],
    ['executionEnvironmentMemoryPercent', a.executionEnvironmentMemoryPercent],
    ['capacityProviderCpuPercent', a.capacityProviderCpuPercent],
  ] as const) {
    if (!(value > 0 && value <= 100))
      problems.push(`alarms.${key} must be in (0, 100], got ${value}`);
  }
  if (!(a.throttlesPer5Minutes >= 0)) {
    problems.push(`alarms.throttlesPer5Minutes must be >= 0, got ${a.throttlesPer5Minutes}`);
  }
  return problems;
}

/** Throws one error listing every problem of the stage's LMI setting. */
export function assertManagedInstancesValid(stage: StageConfig): void {
  const problems = managedInstancesProblems(stage);
  if (problems.length > 0) {
    throw new Error(
      `Stage "${stage.name}": managedInstances cannot be deployed:\n  - ${problems.join('\n  - ')}`,
    );
  }
}
