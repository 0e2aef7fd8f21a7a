/**
 * The typed configuration of every deployment stage, in one place.
 *
 * Constructs never read context or environment variables: the app resolves one `StageConfig`
 * here and passes it down. Adding a stage means adding an entry to `STAGES`.
 */

import { assertManagedInstancesValid, type ManagedInstancesConfig } from './managed-instances';

/** Lambda CPU architecture, kept as a string so the config stays plain data. */
export type Architecture = 'arm64' | 'x86_64';

/** Lambda advanced-logging application log levels. */
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

/** How the HTTP API authorizes callers of `POST /transactions`. */
export type Authorization =
  /** SigV4-signed requests from IAM principals allowed `execute-api:Invoke`. */
  | { readonly kind: 'iam' }
  /** JWTs from an OIDC issuer (e.g. Cognito, Auth0) with one of the audiences. */
  | { readonly kind: 'jwt'; readonly issuer: string; readonly audience: readonly string[] };

/**
 * How CodeDeploy shifts traffic from the old version to the new one behind the `live` alias.
 * `none` deploys no CodeDeploy resources at all: CloudFormation moves the alias directly
 * (used by the `local` stage, whose emulator has no CodeDeploy).
 */
export type Rollout =
  | { readonly kind: 'allAtOnce' }
  | { readonly kind: 'canary'; readonly percentage: number; readonly intervalMinutes: number }
  | { readonly kind: 'linear'; readonly percentage: number; readonly intervalMinutes: number }
  | { readonly kind: 'none' };

/** CORS for browser callers; absent means no CORS headers at all. */
export interface Cors {
  readonly allowOrigins: readonly string[];
  readonly maxAgeSeconds: number;
}

/** Alarm thresholds; each alarm notifies the stage's SNS topic and (with a rollout) rolls back. */
export interface AlarmThresholds {
  /** Function errors (alias metric `Errors`, sum per minute) above which the alarm fires. */
  readonly functionErrorsPerMinute: number;
  /** Function throttles (sum per minute) above which the alarm fires. */
  readonly functionThrottlesPerMinute: number;
  /** Share of API requests answered 5xx (0..1, average of the per-request 0/1 metric). */
  readonly api5xxRate: number;
  /** Consecutive one-minute periods that must breach before an alarm fires. */
  readonly evaluationPeriods: number;
}

/** Latency objectives; the p99 alarms fire above them. */
export interface Slo {
  /** Function duration p99 (alias metric `Duration`). */
  readonly functionP99Ms: number;
  /** End-to-end API latency p99 (`Latency` of the HTTP API stage). */
  readonly apiP99Ms: number;
}

export interface StageConfig {
  readonly name: StageName;
  /**
   * 256 MB on every per-request stage, justified by the cost model of `lambda-bench price` (README "What it
   * costs": local native durations stretched by Lambda's CPU share, arm64 us-east-1 prices, 1 %
   * cold starts; modeled, not measured on Lambda). Max Memory Used is 4 MB for the seed and
   * 31 MB for a 5 MB batch, so even 128 MB leaves the headroom. Seed-sized requests are billed
   * about the 1 ms minimum from 256 MB up: $0.2048 per million at 256 MB against $0.2041 at 128 MB
   * (+0.3 %) for half the latency, and +9.5 % at 1769 MB for sub-millisecond gains invisible
   * behind API Gateway. Big batches are CPU-bound: their cost is flat across sizes (within 1 %
   * from 128 to 1769 MB), so more memory for them is a latency choice at no cost — raise it
   * (`-c memoryMb=1024`) for a stage whose p99 SLO big batches threaten, after
   * `lambda-bench cloud --memory 128,256,512,1024,1769` on the real account confirms the model.
   * A stage on Lambda Managed Instances needs at least 2048 MB (see `managedInstances`).
   */
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Reserved concurrency caps the blast radius and cost; undefined = use the account pool. */
  readonly reservedConcurrency?: number;
  /** Retention of the function's and the API's access log groups, in days. */
  readonly logRetentionDays: 1 | 3 | 5 | 7 | 14 | 30 | 60 | 90 | 180 | 365;
  /**
   * Application log level. The function logs payload IDs and amounts only at DEBUG, so only
   * stages without customer data may use DEBUG or TRACE.
   */
  readonly logLevel: LogLevel;
  readonly slo: Slo;
  readonly alarms: AlarmThresholds;
  /** Stage-wide HTTP API throttling (steady requests per second, and burst). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly authorization: Authorization;
  readonly cors?: Cors;
  readonly rollout: Rollout;
  /** Optional address subscribed to the alarm topic (it must confirm the subscription). */
  readonly alarmEmail?: string;
  /**
   * arm64 (Graviton) everywhere it really runs; the `local` stage uses the host architecture
   * because the emulator executes the bootstrap as a native process.
   */
  readonly architecture: Architecture;
  /**
   * Opt-in: run the function on Lambda Managed Instances (a capacity provider of Graviton EC2
   * instances in the stage's VPC) instead of per-request Lambda. Absent means per-request.
   */
  readonly managedInstances?: ManagedInstancesConfig;
}

export const STAGE_NAMES = ['dev', 'staging', 'prod', 'lmi', 'local'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

const hostArchitecture: Architecture = process.arch === 'arm64' ? 'arm64' : 'x86_64';

const base = {
  memoryMb: 256,
  timeoutSeconds: 10,
  authorization: { kind: 'iam' },
  architecture: 'arm64',
} as const satisfies Partial<StageConfig>;

export const STAGES: Readonly<Record<StageName, StageConfig>> = {
  dev: {
    ...base,
    name: 'dev',
    // Dev carries only synthetic data, so payload-level DEBUG logs are allowed here.
    logLevel: 'DEBUG',
    logRetentionDays: 7,
    slo: { functionP99Ms: 500, apiP99Ms: 1000 },
    alarms: {
      functionErrorsPerMinute: 10,
      functionThrottlesPerMinute: 10,
      api5xxRate: 0.05,
      evaluationPeriods: 3,
    },
    throttle: { rateLimit: 50, burstLimit: 100 },
    rollout: { kind: 'allAtOnce' },
  },
  staging: {
    ...base,
    name: 'staging',
    logLevel: 'INFO',
    logRetentionDays: 30,
    reservedConcurrency: 50,
    slo: { functionP99Ms: 200, apiP99Ms: 500 },
    alarms: {
      functionErrorsPerMinute: 5,
      functionThrottlesPerMinute: 5,
      api5xxRate: 0.01,
      evaluationPeriods: 2,
    },
    throttle: { rateLimit: 200, burstLimit: 400 },
    rollout: { kind: 'canary', percentage: 10, intervalMinutes: 5 },
  },
  prod: {
    ...base,
    name: 'prod',
    logLevel: 'INFO',
    logRetentionDays: 365,
    reservedConcurrency: 200,
    slo: { functionP99Ms: 100, apiP99Ms: 300 },
    alarms: {
      functionErrorsPerMinute: 1,
      functionThrottlesPerMinute: 1,
      api5xxRate: 0.001,
      evaluationPeriods: 2,
    },
    throttle: { rateLimit: 1000, burstLimit: 2000 },
    rollout: { kind: 'linear', percentage: 10, intervalMinutes: 1 },
  },
  // Production settings on Lambda Managed Instances, beside `prod` rather than an option on it:
  // AWS allows a capacity provider to be changed on a function but never removed, it bills
  // instance-hours from the first minute, and it needs a VPC; a separate stage lets both run side
  // by side with the same API and thresholds until the traffic says which is cheaper.
  lmi: {
    ...base,
    name: 'lmi',
    // LMI's smallest function: 2 GB at 2 GiB per vCPU is 1 vCPU per execution environment, the
    // 2:1 ratio of the c-family instances below.
    memoryMb: 2048,
    logLevel: 'INFO',
    logRetentionDays: 365,
    slo: { functionP99Ms: 100, apiP99Ms: 300 },
    alarms: {
      functionErrorsPerMinute: 1,
      functionThrottlesPerMinute: 1,
      api5xxRate: 0.001,
      evaluationPeriods: 2,
    },
    throttle: { rateLimit: 1000, burstLimit: 2000 },
    // CodeDeploy shifts the `live` alias's weights as on per-request Lambda (AWS documents
    // weighted aliases for LMI); 10 minutes lets two of LMI's 5-minute datapoints arrive.
    rollout: { kind: 'canary', percentage: 10, intervalMinutes: 10 },
    managedInstances: {
      instanceTypes: ['c7g.large', 'c7g.xlarge', 'c8g.large', 'c8g.xlarge'],
      maxVCpuCount: 48,
      scaling: { mode: 'auto' },
      // 8 invocations per vCPU: the Rust runtime's own default for AWS_LAMBDA_MAX_CONCURRENCY.
      perExecutionEnvironmentMaxConcurrency: 8,
      executionEnvironmentMemoryGiBPerVCpu: 2,
      executionEnvironments: { min: 3, max: 24 },
      network: { kind: 'created', egress: 'vpcEndpoints' },
      alarms: {
        throttlesPer5Minutes: 10,
        executionEnvironmentCpuPercent: 85,
        executionEnvironmentMemoryPercent: 85,
        capacityProviderCpuPercent: 85,
      },
    },
  },
  local: {
    ...base,
    name: 'local',
    logLevel: 'INFO',
    logRetentionDays: 1,
    slo: { functionP99Ms: 500, apiP99Ms: 1000 },
    alarms: {
      functionErrorsPerMinute: 10,
      functionThrottlesPerMinute: 10,
      api5xxRate: 0.05,
      evaluationPeriods: 1,
    },
    throttle: { rateLimit: 50, burstLimit: 100 },
    // The emulator rejects AWS::CodeDeploy::*; CloudFormation moves the alias itself.
    rollout: { kind: 'none' },
    architecture: hostArchitecture,
  },
};

/**
 * Resolves `-c stage=<name>`; anything else fails with the list of valid stages (plus
 * `otherValid`, names the caller handles itself).
 */
export function resolveStage(name: unknown, otherValid: readonly string[] = []): StageConfig {
  const valid = [...STAGE_NAMES, ...otherValid].join(', ');
  if (typeof name !== 'string' || name.length === 0) {
    throw new Error(`No stage selected: pass -c stage=<name> (valid stages: ${valid})`);
  }
  if (!(STAGE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`Unknown stage "${name}": valid stages are ${valid}`);
  }
  const stage = STAGES[name as StageName];
  assertManagedInstancesValid(stage);
  return stage;
}

/** Per-deploy overrides accepted from CDK context (`-c memoryMb=512 -c alarmEmail=a@b.c`). */
export interface StageOverrides {
  readonly memoryMb?: unknown;
  readonly alarmEmail?: unknown;
  /**
   * An LMI stage's existing subnets and security groups, comma-separated ids
   * (`-c lmiSubnetIds=subnet-a,subnet-b -c lmiSecurityGroupIds=sg-c`): both or neither.
   */
  readonly lmiSubnetIds?: unknown;
  readonly lmiSecurityGroupIds?: unknown;
}

const idList = (value: unknown): string[] =>
  String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/**
 * Applies context overrides to a stage config, validating them (CDK passes context values from
 * the command line as strings). Overrides are for one-off deploys and rehearsals; lasting
 * changes belong in `STAGES`.
 */
export function withOverrides(stage: StageConfig, overrides: StageOverrides): StageConfig {
  let result = stage;
  if (overrides.memoryMb !== undefined) {
    const memoryMb = Number(overrides.memoryMb);
    if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10240) {
      throw new Error(`memoryMb must be an integer from 128 to 10240, got "${overrides.memoryMb}"`);
    }
    result = { ...result, memoryMb };
  }
  if (overrides.alarmEmail !== undefined) {
    const alarmEmail = String(overrides.alarmEmail);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
      throw new Error(`alarmEmail must be an e-mail address, got "${alarmEmail}"`);
    }
    result = { ...result, alarmEmail };
  }
  if (overrides.lmiSubnetIds !== undefined || overrides.lmiSecurityGroupIds !== undefined) {
    if (!result.managedInstances) {
      throw new Error(
        `lmiSubnetIds and lmiSecurityGroupIds apply only to a Managed Instances stage, not "${result.name}"`,
      );
    }
    if (overrides.lmiSubnetIds === undefined || overrides.lmiSecurityGroupIds === undefined) {
      throw new Error('lmiSubnetIds and lmiSecurityGroupIds go together: pass both or neither');
    }
    const network = {
      kind: 'imported',
      subnetIds: idList(overrides.lmiSubnetIds),
      securityGroupIds: idList(overrides.lmiSecurityGroupIds),
    } as const;
    result = { ...result, managedInstances: { ...result.managedInstances, network } };
  }
  assertManagedInstancesValid(result);
  return result;
}
