import { Match } from 'aws-cdk-lib/assertions';
import { STAGE_NAMES, STAGES, type StageName } from '../config/stages';
import { REPORT_QUERIES } from '../lib/constructs/monitoring';
import { allPolicyStatements, asArray, prop, resourcesOfType, synthApp } from './helpers';

const hostArch = process.arch === 'arm64' ? 'arm64' : 'x86_64';

/** The dashboard body is a Fn::Join of strings and tokens; tokens become placeholders. */
function dashboardWidgets(
  stage: StageName,
): { type: string; properties: Record<string, unknown> }[] {
  const { template } = synthApp({ stage });
  const [dashboard] = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Dashboard'));
  const body = dashboard?.Properties?.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return (JSON.parse(text) as { widgets: { type: string; properties: Record<string, unknown> }[] })
    .widgets;
}

describe.each(STAGE_NAMES)('stage %s', (stage) => {
  const config = STAGES[stage];
  const get = () => synthApp({ stage });

  test('stack is named TransactionsApi-<stage> and passes cdk-nag (synth would throw)', () => {
    expect(get().stack.stackName).toBe(`TransactionsApi-${stage}`);
  });

  test('function: provided.al2023 bootstrap, arm64 (host architecture for local), sizes from config', () => {
    get().template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'provided.al2023',
      Handler: 'bootstrap',
      Architectures: [stage === 'local' ? hostArch : 'arm64'],
      MemorySize: config.memoryMb,
      Timeout: config.timeoutSeconds,
      ReservedConcurrentExecutions: config.reservedConcurrency ?? Match.absent(),
      Environment: { Variables: { STAGE: stage } },
    });
    if (stage !== 'local') expect(config.architecture).toBe('arm64');
    // 256 MB per request (the cost model's choice); LMI's smallest function is 2048 MB.
    expect(config.memoryMb).toBe(config.managedInstances ? 2048 : 256);
  });

  test('function logs JSON at the stage log level into a log group with retention', () => {
    const { template } = get();
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: {
        LogFormat: 'JSON',
        ApplicationLogLevel: config.logLevel,
        // INFO keeps the platform REPORT records the dashboard queries read.
        SystemLogLevel: 'INFO',
        LogGroup: { Ref: Match.stringLikeRegexp('^FunctionLogGroup') },
      },
    });
    const groups = Object.values(resourcesOfType(template, 'AWS::Logs::LogGroup'));
    // function logs + API access logs (+ the flow logs of a VPC the LMI stage creates)
    const createsVpc = config.managedInstances?.network.kind === 'created';
    expect(groups).toHaveLength(createsVpc ? 3 : 2);
    for (const g of groups) expect(g.Properties?.RetentionInDays).toBe(config.logRetentionDays);
  });

  test('a version and the `live` alias on it', () => {
    const { template } = get();
    template.resourceCountIs('AWS::Lambda::Version', 1);
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionVersion: {
        'Fn::GetAtt': [Match.stringLikeRegexp('FunctionCurrentVersion'), 'Version'],
      },
    });
  });

  test('POST /transactions routes to the alias with IAM authorization', () => {
    const { template } = get();
    const routes = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.Properties?.RouteKey)).toEqual(['POST /transactions']);
    // Every route (there is one) requires SigV4: unsigned requests are answered 403.
    for (const r of routes) expect(r.Properties?.AuthorizationType).toBe('AWS_IAM');
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { Ref: Match.stringLikeRegexp('^FunctionLiveAlias') },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { Ref: Match.stringLikeRegexp('^FunctionLiveAlias') },
      Principal: 'apigateway.amazonaws.com',
    });
  });

  test('stage throttling on, JSON access logs without payload fields, CORS off', () => {
    const { template } = get();
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: config.throttle.rateLimit,
        ThrottlingBurstLimit: config.throttle.burstLimit,
      },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpApiAccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('requestId'),
      },
    });
    const [stageRes] = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Stage'));
    const format = prop<{ Format: string }>(stageRes, 'AccessLogSettings').Format;
    const fields = JSON.parse(format) as Record<string, string>;
    expect(fields.status).toBe('$context.status');
    expect(format).not.toMatch(/body|querystring|header/i);
    expect(config.throttle.rateLimit).toBeGreaterThan(0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.absent(),
    });
  });

  test('each alarm with its stage threshold, notifying the SNS topic', () => {
    const { template } = get();
    const expected: Record<string, number> = {
      [`TransactionsApi-${stage}-Function-Fault-Count-Critical`]:
        config.alarms.functionErrorsPerMinute,
      [`TransactionsApi-${stage}-Function-Throttled-Count-Critical`]:
        config.alarms.functionThrottlesPerMinute,
      [`TransactionsApi-${stage}-Function-Latency-P99-Critical`]: config.slo.functionP99Ms,
      [`TransactionsApi-${stage}-Api-Latency-P99-Critical`]: config.slo.apiP99Ms,
      [`TransactionsApi-${stage}-Api5xx-Api5xxRate-Critical`]: config.alarms.api5xxRate,
    };
    const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));
    const byName = new Map(alarms.map((a) => [a.Properties?.AlarmName as string, a.Properties]));
    // A Managed Instances stage has its own alarms besides (managed-instances.test.ts).
    const lmiAlarm = (name: string) =>
      name.startsWith(`TransactionsApi-${stage}-ManagedInstances-`);
    const own = [...byName.keys()].filter((n) => !lmiAlarm(n));
    expect(own.sort()).toEqual(Object.keys(expected).sort());
    expect(byName.size - own.length).toBe(config.managedInstances ? 6 : 0);
    for (const [name, threshold] of Object.entries(expected)) {
      const props = byName.get(name);
      expect({ name, threshold: props?.Threshold }).toEqual({ name, threshold });
      expect(props?.ComparisonOperator).toBe('GreaterThanThreshold');
      expect(props?.EvaluationPeriods).toBe(config.alarms.evaluationPeriods);
      expect(props?.AlarmActions).toEqual([
        { Ref: expect.stringMatching(/^MonitoringAlarmTopic/) },
      ]);
    }
    // The metric and statistic behind each name, in the plain single-metric form (no `Metrics`
    // array: that is metric math to the local emulator, which rejects it).
    const expectedMetric: Record<string, Record<string, unknown>> = {
      'Function-Fault-Count-Critical': {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
      },
      'Function-Throttled-Count-Critical': {
        MetricName: 'Throttles',
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
      },
      'Function-Latency-P99-Critical': {
        MetricName: 'Duration',
        Namespace: 'AWS/Lambda',
        ExtendedStatistic: 'p99',
      },
      'Api-Latency-P99-Critical': {
        MetricName: 'Latency',
        Namespace: 'AWS/ApiGateway',
        ExtendedStatistic: 'p99',
      },
      'Api5xx-Api5xxRate-Critical': {
        MetricName: '5xx',
        Namespace: 'AWS/ApiGateway',
        Statistic: 'Average',
      },
    };
    for (const [suffix, metric] of Object.entries(expectedMetric)) {
      const props = byName.get(`TransactionsApi-${stage}-${suffix}`);
      expect(props).toMatchObject({ ...metric, Period: 60 });
      expect(props?.Metrics).toBeUndefined();
    }
    const fnDims = byName.get(`TransactionsApi-${stage}-Function-Fault-Count-Critical`)?.Dimensions;
    expect(fnDims).toEqual([
      { Name: 'FunctionName', Value: { Ref: expect.stringMatching(/^Function/) } },
      {
        Name: 'Resource',
        Value: { 'Fn::Join': ['', [{ Ref: expect.stringMatching(/^Function/) }, ':live']] },
      },
    ]);
  });

  test('the dashboard shows latency percentiles, health and REPORT-line widgets', () => {
    const widgets = dashboardWidgets(stage);
    const titles = widgets.map((w) => w.properties.title).filter(Boolean);
    for (const t of [
      'Latency',
      'Invocations',
      'Errors',
      'Function duration p50 / p90 / p99 / p99.9',
      'API 5xx share of requests',
      'Cold starts (invocations with Init Duration)',
      'Init Duration (ms)',
      'Max Memory Used (MB)',
    ]) {
      expect(titles).toContain(t);
    }
    // Invocations, throttles and concurrency together in the library's Lambda section.
    const invocations = JSON.stringify(widgets.filter((w) => w.properties.title === 'Invocations'));
    for (const m of ['"Invocations"', '"Throttles"', '"ConcurrentExecutions"']) {
      expect(invocations).toContain(m);
    }
    // API latency p50/p90/p99/p99.9 (plus integration latency) from the library.
    const apiLatency = JSON.stringify(widgets.filter((w) => w.properties.title === 'Latency'));
    for (const p of ['p50', 'p90', 'p99', 'p99.9']) expect(apiLatency).toContain(`"${p}"`);
    const queries = widgets
      .filter((w) => w.type === 'log')
      .map((w) => w.properties.query as string);
    expect(queries).toHaveLength(3);
    for (const q of Object.values(REPORT_QUERIES)) {
      expect(queries.some((query) => query.includes(q[1]))).toBe(true);
    }
    expect(queries.every((q) => q.includes('platform.report'))).toBe(true);
  });

  test('safe rollout: a deployment group on the alias with alarm rollback, except for local', () => {
    const { template } = get();
    const codeDeploy = Object.values(
      template.toJSON().Resources as Record<string, { Type: string }>,
    ).filter((r) => r.Type.startsWith('AWS::CodeDeploy::'));
    if (config.rollout.kind === 'none') {
      expect(codeDeploy).toEqual([]);
      template.hasResource('AWS::Lambda::Alias', { UpdatePolicy: Match.absent() });
      return;
    }
    template.hasResource('AWS::Lambda::Alias', {
      UpdatePolicy: {
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: { Ref: Match.anyValue() },
          DeploymentGroupName: { Ref: Match.anyValue() },
        },
      },
    });
    const [group] = Object.values(resourcesOfType(template, 'AWS::CodeDeploy::DeploymentGroup'));
    const props = group?.Properties as Record<string, unknown>;
    expect(props.AutoRollbackConfiguration).toEqual({
      Enabled: true,
      Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
    });
    const alarmConfig = props.AlarmConfiguration as { Enabled: boolean; Alarms: unknown[] };
    expect(alarmConfig.Enabled).toBe(true);
    expect(alarmConfig.Alarms).toHaveLength(5);
    if (config.rollout.kind === 'allAtOnce') {
      expect(JSON.stringify(props.DeploymentConfigName)).toContain('LambdaAllAtOnce');
    } else {
      const routing =
        config.rollout.kind === 'canary'
          ? {
              Type: 'TimeBasedCanary',
              TimeBasedCanary: {
                CanaryInterval: config.rollout.intervalMinutes,
                CanaryPercentage: config.rollout.percentage,
              },
            }
          : {
              Type: 'TimeBasedLinear',
              TimeBasedLinear: {
                LinearInterval: config.rollout.intervalMinutes,
                LinearPercentage: config.rollout.percentage,
              },
            };
      template.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
        ComputePlatform: 'Lambda',
        TrafficRoutingConfig: routing,
      });
    }
  });

  test('no wildcard IAM actions anywhere', () => {
    const statements = allPolicyStatements(get().template);
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      for (const action of asArray(s.Action as string | string[]))
        expect(action).not.toContain('*');
    }
  });

  test('function role: only writes its own log group, no managed policies', () => {
    const { template } = get();
    const [fn] = Object.values(resourcesOfType(template, 'AWS::Lambda::Function'));
    const roleId = prop<{ 'Fn::GetAtt': [string, string] }>(fn, 'Role')['Fn::GetAtt'][0];
    const role = template.toJSON().Resources[roleId];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
      }),
    ]);
    const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties?.Roles).includes(roleId),
    );
    expect(policies).toHaveLength(1);
    expect(prop<{ Statement: unknown[] }>(policies[0], 'PolicyDocument').Statement).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^FunctionLogGroup/), 'Arn'] },
      },
    ]);
  });

  test('outputs for scripts and workflows', () => {
    const outputs = get().template.toJSON().Outputs as Record<string, unknown>;
    const lmi = config.managedInstances ? ['CapacityProviderName'] : [];
    expect(Object.keys(outputs).sort()).toEqual(
      ['AliasArn', 'ApiUrl', 'DashboardUrl', 'FunctionArn', 'FunctionName', ...lmi].sort(),
    );
    get().template.hasOutput('ApiUrl', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpApi'), 'ApiEndpoint'] },
    });
    get().template.hasOutput('AliasArn', {
      Value: { Ref: Match.stringLikeRegexp('^FunctionLiveAlias') },
    });
  });
});

describe('log levels: payload IDs and amounts are logged only at DEBUG', () => {
  test.each(['staging', 'prod', 'lmi'] as const)('%s never logs at DEBUG or TRACE', (stage) => {
    expect(['DEBUG', 'TRACE']).not.toContain(STAGES[stage].logLevel);
    synthApp({ stage }).template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { ApplicationLogLevel: Match.stringLikeRegexp('^(INFO|WARN|ERROR|FATAL)$') },
    });
  });
});
