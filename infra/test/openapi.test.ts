import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { STAGE_NAMES, STAGES } from '../config/stages';
import { resourcesOfType, synthApp } from './helpers';

/**
 * api/openapi.yaml describes what the stacks deploy: the same routes (method + path), the same
 * authorization on each, and the same payload format the function reads. A route added in infra
 * without the spec (or the reverse) fails here.
 */
interface Operation {
  security?: Record<string, string[]>[];
}
interface Spec {
  openapi: string;
  security?: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, Record<string, unknown>> };
}

const spec = parse(readFileSync(join(__dirname, '../../api/openapi.yaml'), 'utf8')) as Spec;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** `POST /transactions` for every operation of the spec, with its security scheme names. */
const specRoutes = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => HTTP_METHODS.includes(method))
    .map(([method, op]) => ({
      routeKey: `${method.toUpperCase()} ${path}`,
      schemes: (op.security ?? spec.security ?? []).flatMap((s) => Object.keys(s)),
    })),
);

/** How each stage authorization kind appears in the spec's security schemes. */
function schemeKind(name: string): string {
  const scheme = spec.components.securitySchemes[name];
  if (scheme?.['x-amazon-apigateway-authtype'] === 'awsSigv4') return 'AWS_IAM';
  if (scheme?.type === 'openIdConnect' || scheme?.bearerFormat === 'JWT') return 'JWT';
  return `unknown scheme ${name}`;
}

test('the spec is OpenAPI 3.1 with at least one operation', () => {
  expect(spec.openapi).toMatch(/^3\.1\./);
  expect(specRoutes.length).toBeGreaterThan(0);
});

describe.each(STAGE_NAMES)('stage %s deploys the routes of api/openapi.yaml', (stage) => {
  const routes = () =>
    Object.values(resourcesOfType(synthApp({ stage }).template, 'AWS::ApiGatewayV2::Route'));

  test('same method + path pairs', () => {
    const deployed = routes().map((r) => r.Properties?.RouteKey);
    expect([...deployed].sort()).toEqual(specRoutes.map((r) => r.routeKey).sort());
  });

  test('each route with the authorization the spec declares', () => {
    const byKey = new Map(routes().map((r) => [r.Properties?.RouteKey, r.Properties]));
    for (const { routeKey, schemes } of specRoutes) {
      const kinds = schemes.map(schemeKind);
      // A stage configured for JWT must not deploy under a spec that only documents SigV4.
      expect(kinds).toContain(byKey.get(routeKey)?.AuthorizationType);
    }
    if (STAGES[stage].authorization.kind === 'iam') {
      for (const r of routes()) expect(r.Properties?.AuthorizationType).toBe('AWS_IAM');
    }
  });
});
