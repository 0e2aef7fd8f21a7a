import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { RustFunction } from 'cargo-lambda-cdk';
import { Construct } from 'constructs';
import type { StageConfig } from '../../config/stages';

/** The Cargo package and binary that make up the function (see `lambda/Cargo.toml`). */
export const RUST_PACKAGE = 'transactions-lambda';
/** The Rust target of the shipped arm64 bootstrap (static, musl), as scripts/build-arm64.sh. */
export const SHIPPED_ARM64_TARGET = 'aarch64-unknown-linux-musl';
export const RUST_BINARY = 'bootstrap';
/** Everything (API, alarms, CodeDeploy) targets this alias, never `$LATEST`. */
export const ALIAS_NAME = 'live';

export interface TransactionsFunctionProps {
  readonly stage: StageConfig;
  /** Path to the workspace root `Cargo.toml`. */
  readonly manifestPath: string;
}

/** The Rust function, its log group, and the published version behind the `live` alias. */
export class TransactionsFunction extends Construct {
  readonly function: lambda.Function;
  readonly alias: lambda.Alias;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TransactionsFunctionProps) {
    super(scope, id);
    const { stage } = props;

    // An explicit log group, so retention and removal are ours rather than Lambda's
    // never-expiring implicit `/aws/lambda/<name>` group.
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: stage.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Least privilege: the function only writes its own logs. (Lambda's default role would
    // attach AWSLambdaBasicExecutionRole, which may create any log group and write to all.)
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the transactions function (${stage.name})`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        // The log group's Arn attribute ends in `:*`, which covers its log streams.
        resources: [this.logGroup.logGroupArn],
      }),
    );

    const architecture =
      stage.architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;

    this.function = new RustFunction(this, 'Function', {
      manifestPath: props.manifestPath,
      binaryName: RUST_BINARY,
      runtime: 'provided.al2023',
      architecture,
      bundling: {
        architecture,
        // The workspace holds other crates (bench tool, fuzz targets): build only ours. arm64
        // ships static (musl, as scripts/build-arm64.sh builds it: no dynamic loader at cold
        // start); `--target` replaces the `--arm64` cargo-lambda-cdk would add.
        cargoLambdaFlags:
          stage.architecture === 'arm64'
            ? ['--package', RUST_PACKAGE, '--target', SHIPPED_ARM64_TARGET]
            : ['--package', RUST_PACKAGE],
      },
      description: `Transactions credit summary (${stage.name})`,
      memorySize: stage.memoryMb,
      timeout: Duration.seconds(stage.timeoutSeconds),
      reservedConcurrentExecutions: stage.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      // Advanced logging controls: Lambda sets AWS_LAMBDA_LOG_FORMAT/AWS_LAMBDA_LOG_LEVEL, which
      // the function's logger (lambda/src/logging.rs) follows. The system level stays INFO so the platform
      // REPORT lines (duration, Init Duration, Max Memory Used) reach the dashboard queries.
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: stage.logLevel as lambda.ApplicationLogLevel,
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      environment: { STAGE: stage.name },
      // On Managed Instances each published version keeps its own execution environments; the
      // old version's go when CloudFormation deletes it after the rollout (removal: destroy).
      currentVersionOptions: stage.managedInstances && {
        minExecutionEnvironments: stage.managedInstances.executionEnvironments.min,
        maxExecutionEnvironments: stage.managedInstances.executionEnvironments.max,
        removalPolicy: RemovalPolicy.DESTROY,
      },
    });

    // `currentVersion` publishes a new version whenever the code or configuration changes;
    // the alias moves to it (directly, or by CodeDeploy when a rollout is configured).
    this.alias = new lambda.Alias(this, 'LiveAlias', {
      aliasName: ALIAS_NAME,
      version: this.function.currentVersion,
    });
  }
}
