import { App } from 'aws-cdk-lib';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { resolveStage, STAGE_NAMES, STAGES, withOverrides } from '../config/stages';
import { buildApp, NO_STAGE_STACK_ID } from '../lib/app';
import { synthApp, TEST_CONTEXT } from './helpers';

describe('stage selection', () => {
  test('every stage name resolves to its own config', () => {
    for (const name of STAGE_NAMES) expect(resolveStage(name).name).toBe(name);
  });

  test('an unknown stage fails with the list of valid stages', () => {
    const app = new App({ context: { ...TEST_CONTEXT, stage: 'xyz' } });
    expect(() => buildApp(app)).toThrow(
      'Unknown stage "xyz": valid stages are dev, staging, prod, lmi, local, pipeline',
    );
  });

  // `aws:cdk:bundling-stacks` as the CDK CLI sets it: deploy/diff/synth select stacks to bundle
  // (all of them by default; `--exclusively` names them); ls, bootstrap, doctor, destroy none.
  test.each([
    ['deploy, diff, synth', { [BUNDLING_STACKS]: ['**'] }],
    ['deploy --exclusively', { [BUNDLING_STACKS]: ['NoStageSelected'] }],
    ['an app run by hand (no CLI context)', {}],
  ])('without a stage, %s: fails and says how to pass one', (_, context) => {
    const app = new App({ context });
    expect(() => buildApp(app)).toThrow(
      'No stage selected: pass -c stage=<name> (valid stages: dev, staging, prod, lmi, local, pipeline)',
    );
  });

  test('without a stage, ls and bootstrap get one empty environment-agnostic stack and a hint', () => {
    const app = new App({ context: { [BUNDLING_STACKS]: [] } });
    const note = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      buildApp(app);
      expect(note).toHaveBeenCalledWith(
        `note: no stage selected, so the app holds only the empty ${NO_STAGE_STACK_ID} stack: ` +
          'pass -c stage=<name> (dev, staging, prod, lmi, local, pipeline)',
      );
    } finally {
      note.mockRestore();
    }
    const assembly = app.synth();
    expect(assembly.stacks.map((s) => s.stackName)).toEqual([NO_STAGE_STACK_ID]);
    const [stack] = assembly.stacks;
    // `cdk bootstrap` bootstraps the environment of the app's stacks: unknown account and region
    // are resolved from the caller's credentials, as for a stage-less `cdk bootstrap` anywhere.
    expect(stack?.environment).toEqual({
      name: 'aws://unknown-account/unknown-region',
      account: 'unknown-account',
      region: 'unknown-region',
    });
    const resources = Object.values(stack?.template.Resources ?? {}) as { Type: string }[];
    expect(resources.filter((r) => r.Type !== 'AWS::CDK::Metadata')).toEqual([]);
  });

  test('real stages run on Graviton; only the emulator stage skips CodeDeploy', () => {
    for (const name of ['dev', 'staging', 'prod', 'lmi'] as const) {
      expect(STAGES[name].architecture).toBe('arm64');
      expect(STAGES[name].rollout.kind).not.toBe('none');
      expect(STAGES[name].authorization.kind).toBe('iam');
      expect(STAGES[name].cors).toBeUndefined();
    }
    expect(STAGES.local.rollout.kind).toBe('none');
    expect(STAGES.dev.rollout.kind).toBe('allAtOnce');
    expect(['canary', 'linear']).toContain(STAGES.staging.rollout.kind);
    expect(['canary', 'linear']).toContain(STAGES.prod.rollout.kind);
    expect(['canary', 'linear']).toContain(STAGES.lmi.rollout.kind);
  });

  test('only the lmi stage runs on Managed Instances, and every stage passes its checks', () => {
    const lmiStages = STAGE_NAMES.filter((n) => STAGES[n].managedInstances !== undefined);
    expect(lmiStages).toEqual(['lmi']);
    for (const name of STAGE_NAMES) expect(() => resolveStage(name)).not.toThrow();
  });
});

describe('context overrides', () => {
  test('-c memoryMb and -c alarmEmail change only those settings', () => {
    const stage = withOverrides(STAGES.local, { memoryMb: '512', alarmEmail: 'ops@example.com' });
    expect(stage).toEqual({ ...STAGES.local, memoryMb: 512, alarmEmail: 'ops@example.com' });
    expect(withOverrides(STAGES.dev, {})).toBe(STAGES.dev);
  });

  test('invalid overrides fail clearly', () => {
    expect(() => withOverrides(STAGES.dev, { memoryMb: '64' })).toThrow(
      'memoryMb must be an integer from 128 to 10240, got "64"',
    );
    expect(() => withOverrides(STAGES.dev, { memoryMb: 'lots' })).toThrow(/memoryMb/);
    expect(() => withOverrides(STAGES.dev, { alarmEmail: 'nobody' })).toThrow(/alarmEmail/);
  });

  test('the app applies them to the stack', () => {
    const { template } = synthApp({ stage: 'local', memoryMb: '384' });
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 384 });
  });
});
