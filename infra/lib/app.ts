import * as path from 'node:path';
import { type App, Stack } from 'aws-cdk-lib';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { resolveStage, STAGE_NAMES, withOverrides } from '../config/stages';
import { applyNag } from './nag';
import { PIPELINE_ACCESS_STACK_ID, PipelineAccessStack } from './pipeline-access-stack';
import { stackIdFor, TransactionsApiStack } from './transactions-api-stack';

/** `-c stage=pipeline` selects the GitHub deploy-access stack instead of a service stage. */
export const PIPELINE_STAGE = 'pipeline';
/** Stages that real pipelines deploy to (the `local` stage is for the emulator only). */
export const DEPLOYED_STAGES = ['dev', 'staging', 'prod'] as const;
const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';
/** The one stack of a stage-less run of a command that deploys nothing (`cdk ls`, `cdk bootstrap`). */
export const NO_STAGE_STACK_ID = 'NoStageSelected';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Account/region come from the usual AWS environment (profile, env vars) via the CLI. */
function env() {
  return {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  };
}

/**
 * Whether the CDK CLI command builds assets: the CLI sets `aws:cdk:bundling-stacks` to `[]` for
 * commands that deploy nothing (ls, bootstrap, doctor, destroy, context...) and to the selected
 * stacks for deploy, diff, synth, watch, import. Absent (an app run by hand, a test) means bundling.
 */
function commandBuildsAssets(app: App): boolean {
  const stacks: unknown = app.node.tryGetContext(BUNDLING_STACKS);
  return !Array.isArray(stacks) || stacks.length > 0;
}

/**
 * Without a stage, commands that deploy nothing still work (`npx cdk bootstrap`, `cdk ls` as the
 * README has them): the app holds one empty, environment-agnostic stack, so `cdk bootstrap` takes
 * the account and region of the current credentials, and says how to pick a stage. deploy, diff
 * and synth without a stage still fail with resolveStage's message: no stage is ever implied.
 */
function addNoStagePlaceholder(app: App): void {
  const pick = `pass -c stage=<name> (${[...STAGE_NAMES, PIPELINE_STAGE].join(', ')})`;
  new Stack(app, NO_STAGE_STACK_ID, {
    description: `No stage selected: ${pick}. No resources; deploy, diff and synth refuse to run without a stage.`,
  });
  console.error(
    `note: no stage selected, so the app holds only the empty ${NO_STAGE_STACK_ID} stack: ${pick}`,
  );
}

/** Adds the stack selected by the `stage` context to the app. */
export function buildApp(app: App): void {
  const stageName: unknown = app.node.tryGetContext('stage');

  if (stageName === undefined && !commandBuildsAssets(app)) {
    addNoStagePlaceholder(app);
  } else if (stageName === PIPELINE_STAGE) {
    const githubRepo: unknown = app.node.tryGetContext('githubRepo');
    if (typeof githubRepo !== 'string') {
      throw new Error('The pipeline stage needs the GitHub repository: -c githubRepo=owner/name');
    }
    const qualifier: unknown = app.node.tryGetContext('bootstrapQualifier');
    const providerArn: unknown = app.node.tryGetContext('githubOidcProviderArn');
    new PipelineAccessStack(app, PIPELINE_ACCESS_STACK_ID, {
      env: env(),
      description: 'GitHub OIDC deploy roles for the transactions service',
      githubRepo,
      stages: DEPLOYED_STAGES,
      bootstrapQualifier: typeof qualifier === 'string' ? qualifier : DEFAULT_BOOTSTRAP_QUALIFIER,
      existingOidcProviderArn: typeof providerArn === 'string' ? providerArn : undefined,
    });
  } else {
    const stage = withOverrides(resolveStage(stageName, [PIPELINE_STAGE]), {
      memoryMb: app.node.tryGetContext('memoryMb'),
      alarmEmail: app.node.tryGetContext('alarmEmail'),
      lmiSubnetIds: app.node.tryGetContext('lmiSubnetIds'),
      lmiSecurityGroupIds: app.node.tryGetContext('lmiSecurityGroupIds'),
    });
    new TransactionsApiStack(app, stackIdFor(stage), {
      env: env(),
      description: `Transactions API, stage ${stage.name}`,
      stage,
      manifestPath: path.join(REPO_ROOT, 'Cargo.toml'),
    });
  }

  applyNag(app);
}
