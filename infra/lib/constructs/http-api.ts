import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Authorization, StageConfig } from '../../config/stages';

export const ROUTE_PATH = '/transactions';

export interface HttpApiProps {
  readonly stage: StageConfig;
  /** The `live` alias: the API never calls `$LATEST` or a fixed version. */
  readonly target: lambda.IFunction;
}

/**
 * Access log line: who called which route, status and latencies. Deliberately no request
 * body, query string or headers: payload IDs and amounts must never reach these logs.
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  userArn: '$context.identity.userArn',
  routeKey: '$context.routeKey',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
};

function routeAuthorizer(auth: Authorization): apigw.IHttpRouteAuthorizer {
  switch (auth.kind) {
    case 'iam':
      return new HttpIamAuthorizer();
    case 'jwt':
      return new HttpJwtAuthorizer('JwtAuthorizer', auth.issuer, {
        jwtAudience: [...auth.audience],
      });
  }
}

/** HTTP API (payload v2) with `POST /transactions` to the alias, throttled and access-logged. */
export class TransactionsHttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogGroup: logs.LogGroup;
  readonly route: apigw.HttpRoute;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const { stage } = props;

    this.api = new apigw.HttpApi(this, 'Api', {
      description: `Transactions API (${stage.name})`,
      // Our own stage below carries throttling and access logs.
      createDefaultStage: false,
      corsPreflight: stage.cors && {
        allowOrigins: [...stage.cors.allowOrigins],
        allowMethods: [apigw.CorsHttpMethod.POST],
        allowHeaders: ['content-type', 'authorization', 'x-amz-date', 'x-amz-security-token'],
        maxAge: Duration.seconds(stage.cors.maxAgeSeconds),
      },
    });

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: stage.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: stage.throttle.rateLimit, burstLimit: stage.throttle.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const [route] = this.api.addRoutes({
      path: ROUTE_PATH,
      methods: [apigw.HttpMethod.POST],
      integration: new HttpLambdaIntegration('AliasIntegration', props.target, {
        payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
      }),
      authorizer: routeAuthorizer(stage.authorization),
    });
    if (!route) throw new Error('addRoutes returned no route');
    this.route = route;
  }

  /**
   * Base URL without a trailing slash; the route is `POST <url>/transactions`. It is the API
   * endpoint itself because the stage is `$default` (no stage segment in the path).
   */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
