import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../lib/app';

/** Context shared by every test app: no Rust bundling (that is the real synth's job). */
export const TEST_CONTEXT = { 'aws:cdk:bundling-stacks': [] } as const;

export interface Synthesized {
  readonly app: App;
  readonly stack: Stack;
  readonly template: Template;
}

const cache = new Map<string, Synthesized>();

/**
 * Builds the app exactly as `cdk synth -c stage=<stage>` does and synthesizes it, which also
 * runs the cdk-nag validation (a finding throws here).
 */
export function synthApp(context: Record<string, unknown>): Synthesized {
  const key = JSON.stringify(context);
  const hit = cache.get(key);
  if (hit) return hit;
  const app = new App({ context: { ...TEST_CONTEXT, ...context } });
  buildApp(app);
  app.synth();
  const [stack] = app.node.children.filter((c): c is Stack => 'templateOptions' in c);
  if (!stack) throw new Error('buildApp created no stack');
  const result = { app, stack, template: Template.fromStack(stack) };
  cache.set(key, result);
  return result;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** All resources of one CloudFormation type, keyed by logical id. */
export function resourcesOfType(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** Every IAM policy statement in the template (inline role policies and policy resources). */
export function allPolicyStatements(template: Template): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const collect = (doc: unknown) => {
    const statements = (doc as { Statement?: unknown[] } | undefined)?.Statement ?? [];
    for (const s of statements) out.push(s as Record<string, unknown>);
  };
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const r of Object.values(resourcesOfType(template, type))) {
      collect(r.Properties?.PolicyDocument);
    }
  }
  for (const r of Object.values(resourcesOfType(template, 'AWS::IAM::Role'))) {
    const policies = (r.Properties?.Policies ?? []) as { PolicyDocument: unknown }[];
    for (const p of policies) collect(p.PolicyDocument);
  }
  return out;
}

export const asArray = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** A resource property that must exist (a clear failure instead of `undefined` downstream). */
export function prop<T>(
  resource: { Properties?: Record<string, unknown> } | undefined,
  key: string,
): T {
  const value = resource?.Properties?.[key];
  if (value === undefined) throw new Error(`resource has no property ${key}`);
  return value as T;
}
