import * as path from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { STAGES, type StageConfig } from '../config/stages';
import { buildApp } from '../lib/app';
import { TransactionsApiStack } from '../lib/transactions-api-stack';
import { TEST_CONTEXT } from './helpers';

const manifestPath = path.resolve(__dirname, '..', '..', 'Cargo.toml');

function stackWith(stage: StageConfig): Template {
  const app = new App({ context: { ...TEST_CONTEXT } });
  return Template.fromStack(new TransactionsApiStack(app, 'Options', { stage, manifestPath }));
}

describe('stage options reach the constructs', () => {
  test('JWT authorization puts a JWT authorizer on the route', () => {
    const template = stackWith({
      ...STAGES.dev,
      authorization: { kind: 'jwt', issuer: 'https://issuer.example.com', audience: ['tx-api'] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: ['tx-api'], Issuer: 'https://issuer.example.com' },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /transactions',
      AuthorizationType: 'JWT',
      AuthorizerId: { Ref: Match.anyValue() },
    });
  });

  test('CORS appears only when configured', () => {
    const template = stackWith({
      ...STAGES.dev,
      cors: { allowOrigins: ['https://app.example.com'], maxAgeSeconds: 600 },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://app.example.com'],
        AllowMethods: ['POST'],
        MaxAge: 600,
      },
    });
  });

  test('an alarm email subscribes to the alarm topic', () => {
    const template = stackWith({ ...STAGES.prod, alarmEmail: 'oncall@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('^MonitoringAlarmTopic') },
    });
  });

  test('the rollout option alone decides whether CodeDeploy exists', () => {
    const none = stackWith({ ...STAGES.prod, rollout: { kind: 'none' } }).toJSON();
    const types = Object.values(none.Resources as Record<string, { Type: string }>).map(
      (r) => r.Type,
    );
    expect(types.filter((t) => t.startsWith('AWS::CodeDeploy::'))).toEqual([]);
    stackWith({ ...STAGES.local, rollout: { kind: 'allAtOnce' } }).resourceCountIs(
      'AWS::CodeDeploy::DeploymentGroup',
      1,
    );
  });
});

describe('cdk-nag runs on every synth', () => {
  test('an unacknowledged finding fails the synth', () => {
    const app = new App({ context: { ...TEST_CONTEXT, stage: 'dev' } });
    buildApp(app);
    const stack = app.node.findChild('TransactionsApi-dev') as Stack;
    const bad = new iam.Role(stack, 'TooBroad', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    bad.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::s3:\*\]/);
  });
});
