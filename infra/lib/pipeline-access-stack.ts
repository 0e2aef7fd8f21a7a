import { Aws, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

export const PIPELINE_ACCESS_STACK_ID = 'TransactionsPipelineAccess';
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** The CDK bootstrap roles a deploy needs: CloudFormation deploy, asset upload, context lookups. */
export const BOOTSTRAP_ROLE_KINDS = ['deploy', 'file-publishing', 'lookup'] as const;

export interface PipelineAccessStackProps extends StackProps {
  /** `owner/name` of the GitHub repository whose workflows may deploy. */
  readonly githubRepo: string;
  /** Stages that get a deploy role; each trusts only the GitHub environment of the same name. */
  readonly stages: readonly string[];
  /** CDK bootstrap qualifier (`cdk bootstrap --qualifier`), `hnb659fds` unless customised. */
  readonly bootstrapQualifier: string;
  /** Reuse the account's existing GitHub OIDC provider (there can be only one per URL). */
  readonly existingOidcProviderArn?: string;
}

export const deployRoleName = (stage: string): string => `transactions-deploy-${stage}`;

/**
 * GitHub Actions -> AWS without long-lived keys: the GitHub OIDC provider and, per stage, a
 * role that only a workflow job running in that stage's GitHub environment of this repository
 * can assume, and that can do nothing but assume the CDK bootstrap roles of this account and
 * region (which carry the actual deployment permissions).
 */
export class PipelineAccessStack extends Stack {
  readonly roles: Record<string, iam.Role> = {};

  constructor(scope: Construct, id: string, props: PipelineAccessStackProps) {
    super(scope, id, props);
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(props.githubRepo)) {
      throw new Error(
        `githubRepo must look like "owner/name", got "${props.githubRepo}" (pass -c githubRepo=owner/name)`,
      );
    }

    const provider = props.existingOidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(
          this,
          'GitHubOidc',
          props.existingOidcProviderArn,
        )
      : new iam.OidcProviderNative(this, 'GitHubOidc', {
          url: `https://${GITHUB_OIDC_HOST}`,
          clientIds: ['sts.amazonaws.com'],
        });

    const bootstrapRoleArns = BOOTSTRAP_ROLE_KINDS.map(
      (kind) =>
        `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/cdk-${props.bootstrapQualifier}-${kind}-role-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
    );

    for (const stage of props.stages) {
      const role = new iam.Role(this, `DeployRole-${stage}`, {
        roleName: deployRoleName(stage),
        description: `GitHub Actions deploys of stage ${stage} from ${props.githubRepo}`,
        maxSessionDuration: Duration.hours(1),
        assumedBy: new iam.WebIdentityPrincipal(provider.oidcProviderArn, {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
            // Only jobs bound to this stage's GitHub environment (with its protection rules).
            [`${GITHUB_OIDC_HOST}:sub`]: `repo:${props.githubRepo}:environment:${stage}`,
          },
        }),
      });
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'AssumeCdkBootstrapRoles',
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          resources: bootstrapRoleArns,
        }),
      );
      // The release workflow's smoke test signs one POST to the stage's API with this role.
      // The API id is only known in the stage's own stack, hence the wildcard on it.
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'InvokeSmokeTestRoute',
          actions: ['execute-api:Invoke'],
          resources: [
            `arn:${Aws.PARTITION}:execute-api:${Aws.REGION}:${Aws.ACCOUNT_ID}:*/*/POST/transactions`,
          ],
        }),
      );
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:*/*/POST/transactions]',
        reason:
          'The smoke test may call only POST /transactions, on any stage of any API in this ' +
          'account and region: the API id is created by the stage stack, after this role exists.',
      });
      this.roles[stage] = role;
      new CfnOutput(this, `DeployRoleArn${stage.charAt(0).toUpperCase()}${stage.slice(1)}`, {
        value: role.roleArn,
        description: `Set as the AWS_DEPLOY_ROLE_ARN variable of the GitHub environment "${stage}"`,
      });
    }
  }
}
