import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { buildApp } from '../lib/app';
import { allPolicyStatements, prop, resourcesOfType, synthApp, TEST_CONTEXT } from './helpers';

const repo = 'example-org/rust-lambda-graviton';
const get = () => synthApp({ stage: 'pipeline', githubRepo: repo });

describe('TransactionsPipelineAccess stack', () => {
  test('is selected by -c stage=pipeline and passes cdk-nag', () => {
    expect(get().stack.stackName).toBe('TransactionsPipelineAccess');
  });

  test('creates the GitHub OIDC provider for sts.amazonaws.com', () => {
    get().template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
  });

  test.each(['dev', 'staging', 'prod'])(
    'role transactions-deploy-%s trusts only this repo and that GitHub environment',
    (stage) => {
      const roles = Object.values(resourcesOfType(get().template, 'AWS::IAM::Role'));
      const role = roles.find((r) => r.Properties?.RoleName === `transactions-deploy-${stage}`);
      expect(role).toBeDefined();
      expect(prop<{ Statement: unknown[] }>(role, 'AssumeRolePolicyDocument').Statement).toEqual([
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: { Ref: expect.stringMatching(/^GitHubOidc/) } },
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': `repo:${repo}:environment:${stage}`,
            },
          },
        },
      ]);
      expect(role?.Properties?.ManagedPolicyArns).toBeUndefined();
      expect(role?.Properties?.MaxSessionDuration).toBe(3600);
    },
  );

  test('no role for the emulator-only local stage; one output per deploy role', () => {
    const roles = Object.values(resourcesOfType(get().template, 'AWS::IAM::Role'));
    expect(roles.map((r) => r.Properties?.RoleName).sort()).toEqual([
      'transactions-deploy-dev',
      'transactions-deploy-prod',
      'transactions-deploy-staging',
    ]);
    const outputs = Object.keys(get().template.toJSON().Outputs);
    expect(outputs.sort()).toEqual([
      'DeployRoleArnDev',
      'DeployRoleArnProd',
      'DeployRoleArnStaging',
    ]);
  });

  test('roles may only assume the CDK bootstrap roles and sign the smoke-test request', () => {
    const statements = allPolicyStatements(get().template);
    // Per role: the bootstrap roles, and POST /transactions for the signed smoke test.
    expect(statements).toHaveLength(6);
    const arn = (kind: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':iam::',
          { Ref: 'AWS::AccountId' },
          `:role/cdk-hnb659fds-${kind}-role-`,
          { Ref: 'AWS::AccountId' },
          '-',
          { Ref: 'AWS::Region' },
        ],
      ],
    });
    const assume = statements.filter((s) => s.Sid === 'AssumeCdkBootstrapRoles');
    const invoke = statements.filter((s) => s.Sid === 'InvokeSmokeTestRoute');
    expect(assume).toHaveLength(3);
    expect(invoke).toHaveLength(3);
    for (const s of assume) {
      expect(s).toEqual({
        Sid: 'AssumeCdkBootstrapRoles',
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Resource: [arn('deploy'), arn('file-publishing'), arn('lookup')],
      });
    }
    for (const s of invoke) {
      expect(s).toEqual({
        Sid: 'InvokeSmokeTestRoute',
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':execute-api:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':*/*/POST/transactions',
            ],
          ],
        },
      });
    }
  });

  test('can reuse an existing OIDC provider and a custom bootstrap qualifier', () => {
    const providerArn =
      'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    const { template } = synthApp({
      stage: 'pipeline',
      githubRepo: repo,
      githubOidcProviderArn: providerArn,
      bootstrapQualifier: 'custom1',
    });
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Federated: providerArn } })],
      },
    });
    expect(JSON.stringify(template.toJSON())).toContain(':role/cdk-custom1-deploy-role-');
  });

  test('needs a well-formed githubRepo', () => {
    expect(() => buildApp(new App({ context: { ...TEST_CONTEXT, stage: 'pipeline' } }))).toThrow(
      /-c githubRepo=owner\/name/,
    );
    expect(() =>
      buildApp(
        new App({ context: { ...TEST_CONTEXT, stage: 'pipeline', githubRepo: 'no-slash' } }),
      ),
    ).toThrow(/githubRepo must look like "owner\/name"/);
  });
});
