import { App } from 'aws-cdk-lib';
import { resolveStage, STAGE_NAMES, STAGES, withOverrides } from '../config/stages';
import { buildApp } from '../lib/app';
import { synthApp, TEST_CONTEXT } from './helpers';

describe('stage selection', () => {
  test('every stage name resolves to its own config', () => {
    for (const name of STAGE_NAMES) expect(resolveStage(name).name).toBe(name);
  });

  test('an unknown stage fails with the list of valid stages', () => {
    const app = new App({ context: { ...TEST_CONTEXT, stage: 'xyz' } });
    expect(() => buildApp(app)).toThrow(
      'Unknown stage "xyz": valid stages are dev, staging, prod, local, pipeline',
    );
  });

  test('a missing stage fails and says how to pass one', () => {
    const app = new App({ context: { ...TEST_CONTEXT } });
    expect(() => buildApp(app)).toThrow(
      /No stage selected: pass -c stage=<name> \(valid stages: dev, staging, prod, local/,
    );
  });

  test('real stages run on Graviton; only the emulator stage skips CodeDeploy', () => {
    for (const name of ['dev', 'staging', 'prod'] as const) {
      expect(STAGES[name].architecture).toBe('arm64');
      expect(STAGES[name].rollout.kind).not.toBe('none');
      expect(STAGES[name].authorization.kind).toBe('iam');
      expect(STAGES[name].cors).toBeUndefined();
    }
    expect(STAGES.local.rollout.kind).toBe('none');
    expect(STAGES.dev.rollout.kind).toBe('allAtOnce');
    expect(['canary', 'linear']).toContain(STAGES.staging.rollout.kind);
    expect(['canary', 'linear']).toContain(STAGES.prod.rollout.kind);
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
