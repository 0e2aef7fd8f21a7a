import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { resolveStage, withOverrides } from '../config/stages';
import { applyNag } from './nag';
import { PIPELINE_ACCESS_STACK_ID, PipelineAccessStack } from './pipeline-access-stack';
import { stackIdFor, TransactionsApiStack } from './transactions-api-stack';

/** `-c stage=pipeline` selects the GitHub deploy-access stack instead of a service stage. */
export const PIPELINE_STAGE = 'pipeline';
/** Stages that real pipelines deploy to (the `local` stage is for the emulator only). */
export const DEPLOYED_STAGES = ['dev', 'staging', 'prod'] as const;
const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Account/region come from the usual AWS environment (profile, env vars) via the CLI. */
function env() {
  return {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  };
}

/** Adds the stack selected by the `stage` context to the app. */
export function buildApp(app: App): void {
  const stageName: unknown = app.node.tryGetContext('stage');

  if (stageName === PIPELINE_STAGE) {
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
