/**
 * Diagnostics that depend only on the document itself (README, "What it checks"): for each code a case that fires it, with the
 * exact range, and a near miss that must not. The document under test is usually not the first of its file,
 * so positions are checked across `---` parts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGNOSTIC_CODES } from '../../src/service/rules/codes';
import {
  CLUSTER_STATUS_CODES, DELIVERY_CODES, DOCUMENT_CODES, PLAN_CODES, PRELUDE, SPEC_SEVERITY, WORKSPACE_CODES, assertCovered, expectDiagnostics, serviceWith, type Code,
} from '../support/diagnostics';
import { documents, grpcRoute, httpRoute, trafficSplit, type RuleOptions } from '../support/manifests';

const URI = 'file:///ws/split.yaml';
const alone = (text: string) => serviceWith({ [URI]: text });

test('codes.ts holds the 45 codes of the README table with their severities', () => {
  const numeric = { error: 1, warning: 2, information: 3, hint: 4 } as const;
  const actual = Object.fromEntries(Object.entries(DIAGNOSTIC_CODES).map(([code, v]) => [code, numeric[v.severity]]));
  assert.deepEqual(actual, { ...SPEC_SEVERITY });
  assert.equal(Object.keys(DIAGNOSTIC_CODES).length, 45);
  const split: Code[] = [...DOCUMENT_CODES, ...WORKSPACE_CODES, ...CLUSTER_STATUS_CODES, ...DELIVERY_CODES, ...PLAN_CODES];
  assert.deepEqual(split.sort(), Object.keys(SPEC_SEVERITY).sort());
  // The README's table ("What it checks") lists each code with its severity.
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const names = ['', 'error', 'warning', 'information', 'hint'];
  for (const [code, severity] of Object.entries(SPEC_SEVERITY)) {
    assert.ok(readme.includes(`| \`${code}\` | ${names[severity]} |`), `README lists ${code} as ${names[severity]}`);
  }
});

// ---- yaml-syntax -------------------------------------------------------------------------------------------

test('yaml-syntax: the parser message and range, in the part that breaks; nothing else from that part', () => {
  const text = PRELUDE + `apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata:
  name: web-svc-ts
  name: again
spec:
  service: web-apex
  backends:
    - service: web-svc
      weight: 1.5
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web-canary
spec:
  parentRefs: [{name: web-apex, kind: Service, group: core}
  rules: []
`;
  expectDiagnostics(alone(text), URI, [
    { code: 'yaml-syntax', text: 'n', line: 9, character: 2, message: ['Map keys must be unique'] },
    { code: 'yaml-syntax', text: 'r', line: 22, character: 2, message: ['Flow sequence'] },
  ], { ignore: [] });
});

test('yaml-syntax near miss: the same file, well formed', () => {
  const text = PRELUDE + trafficSplit({ namespace: null, backends: ['web-svc=1'] }) + `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web-canary
spec:
  parentRefs: [{name: web-apex, kind: Service, group: core}]
  rules: []
`;
  expectDiagnostics(alone(text), URI, [
    { code: 'trafficsplit-deprecated', text: 'TrafficSplit', line: 6, character: 6 },
  ], { absent: ['yaml-syntax'], ignore: [] });
});

// ---- schema ------------------------------------------------------------------------------------------------

test('schema: unknown field at its key, missing field at the object, wrong type at the value', () => {
  const text = PRELUDE + documents(
    trafficSplit({ backends: [{ service: 'web-svc', weight: 900, weigth: 100 }, { weight: 100 }] }),
    httpRoute({
      apex: { name: 'web-apex', port: 80 },
      rules: [{ backendRefs: [{ name: 'web-svc', port: 80, weight: 90 }, { name: 'web-svc-2', port: 'eighty' }], timeout: '10s' }],
    }),
  );
  // `port: eighty` is a port of the wrong type (schema), not a missing port.
  expectDiagnostics(alone(text), URI, [
    { code: 'schema', text: 'weigth', line: 15, character: 6, message: ['Unknown field "weigth"', 'did you mean "weight"'] },
    { code: 'schema', text: 'weight', line: 16, character: 6, message: ['Missing required property "service"'] },
    { code: 'schema', text: 'eighty', line: 35, character: 16, message: ['must be an integer'] },
    { code: 'schema', text: 'timeout', line: 36, character: 6, message: ['Unknown field "timeout"', '"timeouts"'] },
  ], { absent: ['backend-ref-port-missing'] });
});

test('schema near miss: valid documents of each version, with optional fields', () => {
  const text = PRELUDE + documents(
    trafficSplit({ version: 'v1alpha1', metadata: { labels: { app: 'web' } }, backends: ['web-svc=900m', 'web-svc-2=100m'] }),
    httpRoute({
      apex: { name: 'web-apex', port: 80 },
      rules: [{
        matches: [{ path: '{type: PathPrefix, value: /api}', headers: ['{name: x-canary, value: "true"}'] }],
        timeouts: { request: '10s' },
        backendRefs: [{ name: 'web-svc', port: 80, weight: 90 }, { name: 'web-svc-2', port: 80, weight: 10 }],
      }],
    }),
  );
  expectDiagnostics(alone(text), URI, [], { absent: ['schema'] });
});

test('schema: odd shapes are reported, never thrown', () => {
  const text = PRELUDE + `apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata:
  name: web-svc-ts
spec:
  service: [web-apex]
  backends: {service: web-svc}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web-canary
spec:
  parentRefs: [web-apex]
  rules:
    - backendRefs: [web-svc]
    - 7
`;
  const found = expectDiagnostics(alone(text), URI, [
    { code: 'schema', text: '[web-apex]', line: 10, character: 11 },
    { code: 'schema', text: '{service: web-svc}', line: 11, character: 12 },
    { code: 'schema', text: 'web-apex', line: 18, character: 15 },
    { code: 'schema', text: 'web-svc', line: 20, character: 20 },
    { code: 'schema', text: '7', line: 21, character: 6 },
    { code: 'no-parent', text: 'parentRefs', line: 18, character: 2 },
  ]);
  assert.ok(found.every((d) => d.range.start.line >= 5));
});

// ---- unknown-api-version, old-api-version --------------------------------------------------------------------

test('unknown-api-version: unserved versions at the value, a missing one at kind; the message lists served versions', () => {
  const text = PRELUDE + documents(
    trafficSplit({ version: 'v1beta1', name: 'a', namespace: null, backends: ['web-svc=1'] }),
    httpRoute({ apiVersion: 'networking.x-k8s.io/v1alpha1', name: 'b', namespace: null, backends: [{ name: 'web-svc', port: 80 }] }),
    trafficSplit({ apiVersion: null, name: 'c', namespace: null, backends: ['web-svc=1'] }),
  );
  expectDiagnostics(alone(text), URI, [
    { code: 'unknown-api-version', text: 'split.smi-spec.io/v1beta1', line: 5, character: 12, message: ['split.smi-spec.io/v1alpha1', 'split.smi-spec.io/v1alpha4'] },
    { code: 'unknown-api-version', text: 'networking.x-k8s.io/v1alpha1', line: 15, character: 12, message: ['gateway.networking.k8s.io/v1', 'policy.linkerd.io/v1beta3'] },
    { code: 'unknown-api-version', text: 'TrafficSplit', line: 29, character: 6, message: ['split.smi-spec.io/v1alpha2'] },
  ], { ignore: [] });
});

test('unknown-api-version near miss: served versions; trafficsplit-deprecated hint at the kind', () => {
  const text = PRELUDE + documents(
    trafficSplit({ name: 'a', namespace: null, backends: ['web-svc=1'] }),
    httpRoute({ apiVersion: 'policy.linkerd.io/v1beta3', name: 'b', namespace: null, backends: [{ name: 'web-svc', port: 80 }] }),
  );
  expectDiagnostics(alone(text), URI, [
    { code: 'trafficsplit-deprecated', text: 'TrafficSplit', line: 6, character: 6, message: ['2.13', 'HTTPRoute'] },
  ], { absent: ['unknown-api-version', 'old-api-version', 'not-served-by-linkerd'], ignore: [] });
});

/** The emojivoto canary as an HTTPRoute under `apiVersion` (19 lines). */
const canaryRoute = (apiVersion: string): string => httpRoute({
  apiVersion,
  apex: { name: 'web-apex', port: 80 },
  backends: [{ name: 'web-svc', port: 80, weight: 90 }, { name: 'web-svc-2', port: 80, weight: 10 }],
});

test('old-api-version: gateway.networking.k8s.io/v1alpha2 is a warning at the value', () => {
  expectDiagnostics(alone(PRELUDE + canaryRoute('gateway.networking.k8s.io/v1alpha2')), URI, [
    { code: 'old-api-version', text: 'gateway.networking.k8s.io/v1alpha2', line: 5, character: 12, message: ['v1.0', 'gateway.networking.k8s.io/v1'] },
  ], { ignore: [] });
});

for (const apiVersion of ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1', 'policy.linkerd.io/v1beta1', 'policy.linkerd.io/v1beta2', 'policy.linkerd.io/v1beta3']) {
  test(`old-api-version near miss: ${apiVersion} is clean`, () => {
    expectDiagnostics(alone(PRELUDE + canaryRoute(apiVersion)), URI, [], { absent: ['old-api-version', 'unknown-api-version'], ignore: [] });
  });
}

// ---- weight-invalid, weights-all-zero ---------------------------------------------------------------------

/** A TrafficSplit whose backends are `backends` (each `service=weight`); the document starts at line 5. */
const split = (version: string, backends: string[]): string => PRELUDE + trafficSplit({ version, backends });

test('weight-invalid v1alpha1: a quantity that does not parse, a negative one', () => {
  const text = split('v1alpha1', ['web-svc=abc', 'web-svc-2=-1', 'web-grpc=500m']);
  expectDiagnostics(alone(text), URI, [
    { code: 'weight-invalid', text: 'abc', line: 14, character: 14, message: ['abc'] },
    { code: 'weight-invalid', text: '-1', line: 16, character: 14, message: ['negative'] },
  ]);
});

test('weight-invalid near miss v1alpha1: milli, whole, quoted and decimal quantities', () => {
  const text = split('v1alpha1', ['web-svc=500m', 'web-svc-2=1', 'web-grpc="250m"', 'web-orphan=0.5']);
  expectDiagnostics(alone(text), URI, [], { absent: ['weight-invalid', 'schema'] });
});

test('weight-invalid v1alpha2: fraction, quoted number, quantity and negative', () => {
  const text = split('v1alpha2', ['web-svc=1.5', 'web-svc-2="500"', 'web-grpc=500m', 'web-orphan=-1']);
  expectDiagnostics(alone(text), URI, [
    { code: 'weight-invalid', text: '1.5', line: 14, character: 14, message: ['whole number'] },
    { code: 'weight-invalid', text: '"500"', line: 16, character: 14, message: ['string'] },
    { code: 'weight-invalid', text: '500m', line: 18, character: 14 },
    { code: 'weight-invalid', text: '-1', line: 20, character: 14, message: ['negative'] },
  ]);
});

test('weight-invalid v1alpha3/v1alpha4 are integers too', () => {
  for (const version of ['v1alpha3', 'v1alpha4']) {
    const text = split(version, ['web-svc=500m', 'web-svc-2=2.5']);
    expectDiagnostics(alone(text), URI, [
      { code: 'weight-invalid', text: '500m', line: 14, character: 14 },
      { code: 'weight-invalid', text: '2.5', line: 16, character: 14 },
    ], { ignore: ['trafficsplit-deprecated', 'not-served-by-linkerd'] });
  }
});

test('weight-invalid near miss v1alpha2: whole numbers, zero among others', () => {
  expectDiagnostics(alone(split('v1alpha2', ['web-svc=500', 'web-svc-2=0', 'web-grpc=1000000000'])), URI, [],
    { absent: ['weight-invalid', 'weights-all-zero'] });
});

/** An HTTPRoute in emojivoto with a Service parent; its rules start at line 16. */
const route = (apiVersion: string, rules: RuleOptions[]): string => PRELUDE + httpRoute({ apiVersion, rules });

test('weight-invalid HTTPRoute: over 1000000, negative, fraction', () => {
  const text = route('gateway.networking.k8s.io/v1', [{
    backendRefs: [{ name: 'web-svc', port: 80, weight: 1000001 }, { name: 'web-svc-2', port: 80, weight: -1 }, { name: 'web-grpc', port: 8080, weight: 2.5 }],
  }]);
  expectDiagnostics(alone(text), URI, [
    { code: 'weight-invalid', text: '1000001', line: 19, character: 18, message: ['1000000'] },
    { code: 'weight-invalid', text: '-1', line: 22, character: 18 },
    { code: 'weight-invalid', text: '2.5', line: 25, character: 18 },
  ]);
});

test('weight-invalid near miss HTTPRoute: 1000000, 0 and the default', () => {
  const text = route('policy.linkerd.io/v1beta3', [{
    backendRefs: [{ name: 'web-svc', port: 80, weight: 1000000 }, { name: 'web-svc-2', port: 80, weight: 0 }, { name: 'web-grpc', port: 8080 }],
  }]);
  expectDiagnostics(alone(text), URI, [], { absent: ['weight-invalid', 'weights-all-zero'] });
});

test('weights-all-zero: a v1alpha1 split of 0m and 0, at the backends key', () => {
  expectDiagnostics(alone(split('v1alpha1', ['web-svc=0m', 'web-svc-2=0'])), URI, [
    { code: 'weights-all-zero', text: 'backends', line: 12, character: 2, message: ['weight 0'] },
  ]);
});

test('weights-all-zero: per HTTPRoute rule; an omitted weight counts as 1', () => {
  const text = route('gateway.networking.k8s.io/v1', [
    { matches: [{ path: '{value: /api}' }], backendRefs: [{ name: 'web-svc', port: 80, weight: 0 }, { name: 'web-svc-2', port: 80, weight: 0 }] },
    { backendRefs: [{ name: 'web-svc', port: 80, weight: 0 }, { name: 'web-svc-2', port: 80 }] },
  ]);
  expectDiagnostics(alone(text), URI, [
    { code: 'weights-all-zero', text: 'backendRefs', line: 18, character: 6, message: ['rule 1'] },
  ]);
});

// ---- invalid-name ----------------------------------------------------------------------------------------

test('invalid-name: dotted reference, unexpanded variable, uppercase, leading dash', () => {
  const text = PRELUDE + documents(
    trafficSplit({ namespace: '$NAMESPACE', apex: 'web-apex.emojivoto', backends: ['web-svc=1', 'Web_Svc=1'] }),
    httpRoute({ name: 'web.canary.v2', apex: 'web-apex.emojivoto', backends: [{ name: 'web-svc', port: 80 }, { name: '-web-svc', port: 80 }] }),
  );
  expectDiagnostics(alone(text), URI, [
    { code: 'invalid-name', text: '$NAMESPACE', line: 9, character: 13, message: ['unexpanded'] },
    { code: 'invalid-name', text: 'web-apex.emojivoto', line: 11, character: 11, message: ['no dots'] },
    { code: 'invalid-name', text: 'Web_Svc', line: 15, character: 15 },
    { code: 'invalid-name', text: 'web-apex.emojivoto', line: 25, character: 12 },
    { code: 'invalid-name', text: '-web-svc', line: 32, character: 16 },
  ]);
});

test('invalid-name: a 64-character label is too long, 63 is fine', () => {
  const long = 'a'.repeat(64);
  expectDiagnostics(alone(split('v1alpha2', [`${long}=1`, `${'b'.repeat(63)}=1`])), URI, [
    { code: 'invalid-name', text: long, line: 13, character: 15, message: ['63'] },
  ]);
});

test('invalid-name near miss: dotted object names (DNS subdomains), digits and dashes in labels', () => {
  const text = PRELUDE + trafficSplit({ name: 'web.canary.v2', namespace: 'team-2', backends: ['web-svc-v2=1', 'web2-v1=1'] });
  expectDiagnostics(alone(text), URI, [], { absent: ['invalid-name'] });
});

// ---- no-parent, parent-not-service -------------------------------------------------------------------------

test('no-parent: a missing parentRefs at spec, an empty one at its key', () => {
  const backends = [{ name: 'web-svc', port: 80 }];
  const text = PRELUDE + documents(
    httpRoute({ name: 'no-parents', namespace: null, apex: null, backends }),
    httpRoute({ apiVersion: 'policy.linkerd.io/v1beta3', name: 'empty-parents', namespace: null, parentRefs: [], backends }),
  );
  expectDiagnostics(alone(text), URI, [
    { code: 'no-parent', text: 'spec', line: 9, character: 0, message: ['parentRefs'] },
    { code: 'no-parent', text: 'parentRefs', line: 20, character: 2 },
  ]);
});

test('no-parent near miss: a Gateway parent (no kind) attaches; no parent-not-service either', () => {
  const text = PRELUDE + httpRoute({ name: 'ingress', namespace: null, parentRefs: [{ name: 'public-gateway' }], backends: [{ name: 'web-svc', port: 80 }] });
  expectDiagnostics(alone(text), URI, [], { absent: ['no-parent', 'parent-not-service'] });
});

test('parent-not-service: kind Service with an omitted or non-core group; policy.linkerd.io parentRef without kind', () => {
  const backends = [{ name: 'web-svc', port: 80 }];
  const text = PRELUDE + documents(
    httpRoute({
      parentRefs: [{ name: 'web-apex', kind: 'Service' }, { name: 'web-apex', kind: 'Service', group: 'gateway.networking.k8s.io' }, { name: 'public-gateway' }],
      backends,
    }),
    httpRoute({ apiVersion: 'policy.linkerd.io/v1beta3', name: 'web-policy', parentRefs: [{ name: 'web-apex' }, { name: 'web-apex', kind: 'Service' }], backends }),
  );
  expectDiagnostics(alone(text), URI, [
    { code: 'parent-not-service', text: 'Service', line: 13, character: 12, message: ['gateway.networking.k8s.io', 'group: core'] },
    { code: 'parent-not-service', text: 'gateway.networking.k8s.io', line: 16, character: 13 },
    { code: 'parent-not-service', text: 'web-apex', line: 30, character: 12, message: ['kind: Service'] },
    { code: 'parent-not-service', text: 'Service', line: 32, character: 12, message: ['policy.linkerd.io'] },
  ]);
});

test('parent-not-service near miss: group "" and core, in both API groups', () => {
  const backends = [{ name: 'web-svc', port: 80 }];
  const text = PRELUDE + documents(
    httpRoute({ parentRefs: [{ name: 'web-apex', kind: 'Service', group: '' }, { name: 'web-apex', kind: 'Service', group: 'core', port: 80 }], backends }),
    httpRoute({ apiVersion: 'policy.linkerd.io/v1beta3', name: 'web-policy', backends }),
  );
  expectDiagnostics(alone(text), URI, [], { absent: ['parent-not-service', 'no-parent'] });
});

// ---- unreachable-rule ------------------------------------------------------------------------------------

test('unreachable-rule: two catch-all rules, and a catch-all spelled out with its defaults', () => {
  const text = route('gateway.networking.k8s.io/v1', [
    { backendRefs: [{ name: 'web-svc', port: 80 }] },
    { backendRefs: [{ name: 'web-svc-2', port: 80 }] },
    { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'web-svc-2', port: 80 }] },
  ]);
  expectDiagnostics(alone(text), URI, [
    { code: 'unreachable-rule', text: 'backendRefs', line: 19, character: 6, message: ['Rule 2', 'rule 1'] },
    { code: 'unreachable-rule', text: 'matches', line: 22, character: 6, message: ['Rule 3', 'rule 1'] },
  ]);
});

test('unreachable-rule: equal matches in another order, defaults omitted vs explicit, header names in another case', () => {
  const text = route('policy.linkerd.io/v1beta3', [
    {
      matches: [
        { path: '{type: PathPrefix, value: /api}', headers: ['{name: x-canary, value: "true"}', '{name: x-user, value: alice}'] },
        { method: 'GET' },
      ],
      backendRefs: [{ name: 'web-svc', port: 80 }],
    },
    {
      matches: [
        { method: 'GET', path: '{value: /}' },
        { headers: ['{value: alice, name: x-user, type: Exact}', '{type: Exact, name: X-Canary, value: "true"}'], path: '{value: /api}' },
      ],
      backendRefs: [{ name: 'web-svc-2', port: 80 }],
    },
  ]);
  expectDiagnostics(alone(text), URI, [
    { code: 'unreachable-rule', text: 'matches', line: 25, character: 6, message: ['Rule 2', 'rule 1'] },
  ]);
});

test('unreachable-rule: a match listed twice is the same set of matches', () => {
  const text = route('gateway.networking.k8s.io/v1', [
    { matches: [{ path: '{value: /api}' }], backendRefs: [{ name: 'web-svc', port: 80 }] },
    { matches: [{ path: '{value: /api}' }, { path: '{type: PathPrefix, value: /api}' }], backendRefs: [{ name: 'web-svc-2', port: 80 }] },
  ]);
  expectDiagnostics(alone(text), URI, [
    { code: 'unreachable-rule', text: 'matches', line: 21, character: 6 },
  ]);
});

test('unreachable-rule near miss: different path types, values, extra matches, query param names (case-sensitive)', () => {
  const stable = [{ name: 'web-svc', port: 80 }];
  const canary = [{ name: 'web-svc-2', port: 80 }];
  const text = route('gateway.networking.k8s.io/v1', [
    { matches: [{ path: '{type: Exact, value: /}' }], backendRefs: stable },
    { matches: [{ path: '{value: /api}' }], backendRefs: stable },
    { matches: [{ path: '{value: /api}' }, { headers: ['{name: x-canary, value: "true"}'] }], backendRefs: canary },
    { matches: [{ path: '{value: /api}', queryParams: ['{name: User, value: alice}'] }], backendRefs: canary },
    { matches: [{ path: '{value: /api}', queryParams: ['{name: user, value: alice}'] }], backendRefs: canary },
    { matches: [{ path: '{type: RegularExpression, value: /api}' }], backendRefs: canary },
    { backendRefs: stable },
  ]);
  expectDiagnostics(alone(text), URI, [], { absent: ['unreachable-rule'] });
});

test('unreachable-rule: covered by the union of earlier rules, each match said again in other words', () => {
  const stable = [{ name: 'web-svc', port: 80 }];
  const canary = [{ name: 'web-svc-2', port: 80 }];
  const text = route('gateway.networking.k8s.io/v1', [
    { matches: [{ path: '{type: PathPrefix, value: /api}' }], backendRefs: stable },
    { matches: [{ path: '{type: Exact, value: /web}', method: 'GET', headers: ['{name: X-Canary, value: "true"}'] }], backendRefs: stable },
    { matches: [{ path: '{value: /api/}' }, { method: 'GET', path: '{type: Exact, value: /web}', headers: ['{name: x-canary, value: "true"}'] }], backendRefs: canary },
    { matches: [{ path: '{type: Exact, value: /api}' }], backendRefs: canary },
  ]);
  expectDiagnostics(alone(text), URI, [
    { code: 'unreachable-rule', text: 'matches', line: 29, character: 6, message: ['Rule 3 is covered by rules 1 and 2'] },
    { code: 'unreachable-rule', text: 'matches', line: 38, character: 6, message: ['Rule 4 is covered by rule 1'] },
  ]);
});

test('unreachable-rule near miss: Linkerd prefers the more specific match, whatever the order', () => {
  const stable = [{ name: 'web-svc', port: 80 }];
  const canary = [{ name: 'web-svc-2', port: 80 }];
  const text = route('gateway.networking.k8s.io/v1', [
    { backendRefs: stable },
    { matches: [{ path: '{type: PathPrefix, value: /api}' }], backendRefs: canary },
    { matches: [{ path: '{type: PathPrefix, value: /api}', method: 'GET' }], backendRefs: canary },
    { matches: [{ path: '{type: Exact, value: /api/}' }], backendRefs: canary },
    { matches: [{ path: '{type: PathPrefix, value: /apiv2}' }, { path: '{value: /api}', headers: ['{name: x-canary, value: "true"}'] }], backendRefs: stable },
  ]);
  expectDiagnostics(alone(text), URI, [], { absent: ['unreachable-rule'] });
});

test('unreachable-rule: a GRPCRoute rule whose methods earlier rules take; a named service beats the catch-all', () => {
  const stable = [{ name: 'web-svc', port: 80 }];
  const text = PRELUDE + grpcRoute({ rules: [
    { backendRefs: stable },
    { matches: [{ method: '{service: emoji.Emoji, method: List}' }], backendRefs: stable },
    { matches: [{ method: '{type: Exact, service: emoji.Emoji, method: Get}' }], backendRefs: stable },
    { matches: [{ method: '{method: Get, service: emoji.Emoji}' }, { method: '{service: emoji.Emoji, method: List}' }], backendRefs: stable },
  ] });
  expectDiagnostics(alone(text), URI, [
    { code: 'unreachable-rule', text: 'matches', line: 29, character: 6, message: ['Rule 4 is covered by rules 2 and 3'] },
  ]);
});

// ---- filter-not-implemented ---------------------------------------------------------------------------------

test('filter-not-implemented: on the type of each rule and backendRef filter Linkerd does not implement', () => {
  const text = route('gateway.networking.k8s.io/v1', [
    {
      filters: ['{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-v, value: "2"}]}}', '{type: URLRewrite, urlRewrite: {hostname: web.example}}'],
      backendRefs: [
        { name: 'web-svc', port: 80, filters: ['{type: ResponseHeaderModifier, responseHeaderModifier: {remove: [x-v]}}'] },
        { name: 'web-svc-2', port: 80, filters: ['{type: RequestMirror, requestMirror: {backendRef: {name: web-svc, port: 80}}}', '{type: CORS, cors: {}}'] },
      ],
    },
  ]);
  expectDiagnostics(alone(text), URI, [
    { code: 'filter-not-implemented', text: 'URLRewrite', line: 18, character: 17, message: ['filter URLRewrite', 'skips all of it'] },
    { code: 'filter-not-implemented', text: 'RequestMirror', line: 27, character: 21, message: ['filter RequestMirror', 'backend invalid'] },
    { code: 'filter-not-implemented', text: 'CORS', line: 28, character: 21, message: ['filter CORS', 'RequestRedirect'] },
  ]);
});

test('filter-not-implemented: a GRPCRoute has no RequestRedirect either way, and Linkerd implements only the header modifiers', () => {
  const text = PRELUDE + grpcRoute({ rules: [{
    filters: ['{type: RequestMirror, requestMirror: {backendRef: {name: web-svc, port: 80}}}', '{type: ResponseHeaderModifier, responseHeaderModifier: {remove: [x-v]}}'],
    backendRefs: [{ name: 'web-svc', port: 80 }],
  }] });
  expectDiagnostics(alone(text), URI, [
    { code: 'filter-not-implemented', text: 'RequestMirror', line: 17, character: 17, message: ['GRPCRoute', 'implements RequestHeaderModifier, ResponseHeaderModifier)'] },
  ]);
});

test('filter-not-implemented near miss: the filters Linkerd implements; types the schema refuses are left to it', () => {
  const implemented = route('gateway.networking.k8s.io/v1', [{
    filters: ['{type: RequestRedirect, requestRedirect: {statusCode: 302}}'],
    backendRefs: [{ name: 'web-svc', port: 80, filters: ['{type: RequestHeaderModifier, requestHeaderModifier: {remove: [x-v]}}'] }],
  }]);
  expectDiagnostics(alone(implemented), URI, [], { absent: ['filter-not-implemented'] });
  for (const apiVersion of ['gateway.networking.k8s.io/v1beta1', 'policy.linkerd.io/v1beta3']) {
    const type = apiVersion.startsWith('policy') ? 'URLRewrite' : 'CORS';
    const refused = route(apiVersion, [{ filters: [`{type: ${type}}`], backendRefs: [{ name: 'web-svc', port: 80 }] }]);
    expectDiagnostics(alone(refused), URI, [{ code: 'schema', text: type, line: 17, character: 17, message: ['must be one of'] }], { absent: ['filter-not-implemented'] });
  }
});

// ---- match-not-implemented --------------------------------------------------------------------------------

test('match-not-implemented: a GRPCRoute method regex and an HTTPRoute relative path, on the rule\'s matches', () => {
  const grpc = PRELUDE + grpcRoute({ rules: [
    { matches: ['{method: {type: RegularExpression, service: "emoji\\\\..*"}}'], backendRefs: [{ name: 'web-svc', port: 80 }] },
  ] });
  expectDiagnostics(alone(grpc), URI, [
    { code: 'match-not-implemented', text: 'matches', line: 16, character: 6, message: ['a RegularExpression method match in rule 1', 'skips this GRPCRoute'] },
  ]);
  const http = route('gateway.networking.k8s.io/v1', [
    { matches: ['{path: {type: PathPrefix, value: api}}'], backendRefs: [{ name: 'web-svc', port: 80 }] },
  ]);
  expectDiagnostics(alone(http), URI, [
    { code: 'match-not-implemented', text: 'matches', line: 16, character: 6, message: ['the relative PathPrefix path "api"', 'skips this HTTPRoute'] },
  ], { absent: ['unreachable-rule'] });
});

test('match-not-implemented near miss: exact gRPC methods, absolute and regex paths, header regexes', () => {
  const grpc = PRELUDE + grpcRoute({ rules: [
    { matches: ['{method: {service: emoji.Emoji, method: List}, headers: [{type: RegularExpression, name: x-v, value: "2.*"}]}'], backendRefs: [{ name: 'web-svc', port: 80 }] },
  ] });
  expectDiagnostics(alone(grpc), URI, [], { absent: ['match-not-implemented'] });
  const http = route('gateway.networking.k8s.io/v1', [
    { matches: ['{path: {type: Exact, value: /api}}', '{path: {type: RegularExpression, value: "api.*"}}'], backendRefs: [{ name: 'web-svc', port: 80 }] },
  ]);
  expectDiagnostics(alone(http), URI, [], { absent: ['match-not-implemented'] });
});

// ---- duplicate-backend ------------------------------------------------------------------------------------

test('duplicate-backend: at the second listing; an explicit namespace equal to the route\'s is the same backend', () => {
  const text = PRELUDE + documents(
    trafficSplit({ backends: ['web-svc=500', 'web-svc-2=250', 'web-svc=250'] }),
    httpRoute({
      backends: [
        { name: 'web-svc', port: 80 },
        { name: 'web-svc', namespace: 'emojivoto', port: 80 },
        { name: 'web-svc', port: 8080 },
        { name: 'web-svc', group: 'core', kind: 'Service', port: 8080 },
      ],
    }),
  );
  expectDiagnostics(alone(text), URI, [
    { code: 'duplicate-backend', text: 'web-svc', line: 17, character: 15, message: ['twice'] },
    { code: 'duplicate-backend', text: 'web-svc', line: 34, character: 16, message: ['web-svc:80'] },
    { code: 'duplicate-backend', text: 'web-svc', line: 39, character: 16, message: ['web-svc:8080'] },
  ]);
});

test('duplicate-backend near miss: the same Service on another port, a ServiceImport of the same name, another rule', () => {
  const text = route('gateway.networking.k8s.io/v1', [
    {
      matches: [{ path: '{value: /api}' }],
      backendRefs: [{ name: 'web-svc', port: 80 }, { name: 'web-svc', port: 8080 }, { name: 'web-svc', group: 'multicluster.x-k8s.io', kind: 'ServiceImport', port: 80 }],
    },
    { backendRefs: [{ name: 'web-svc', port: 80 }] },
  ]);
  expectDiagnostics(alone(text), URI, [], { absent: ['duplicate-backend'] });
});

// ---- unknown-backend-kind, backend-ref-port-missing ------------------------------------------------------

test('unknown-backend-kind at kind (else group); backend-ref-port-missing at the name of a core Service ref', () => {
  const text = route('gateway.networking.k8s.io/v1', [{
    backendRefs: [
      { name: 'web', group: 'apps', kind: 'Deployment' },
      { name: 'web-bucket', group: 'example.com' },
      { name: 'web-svc' },
      { name: 'web-svc-2', group: 'core', kind: 'Service' },
      { name: 'web-east', group: 'multicluster.x-k8s.io', kind: 'ServiceImport' },
      { name: 'web-grpc', group: '', port: 8080 },
    ],
  }]);
  expectDiagnostics(alone(text), URI, [
    { code: 'unknown-backend-kind', text: 'Deployment', line: 19, character: 16, message: ['Deployment'] },
    { code: 'unknown-backend-kind', text: 'example.com', line: 21, character: 17 },
    { code: 'backend-ref-port-missing', text: 'web-svc', line: 22, character: 16, message: ['port'] },
    { code: 'backend-ref-port-missing', text: 'web-svc-2', line: 23, character: 16 },
  ]);
});

test('unknown-backend-kind / backend-ref-port-missing near miss: ServiceImport without port, Services with one', () => {
  const text = route('policy.linkerd.io/v1beta3', [{
    backendRefs: [
      { name: 'web-east', group: 'multicluster.x-k8s.io', kind: 'ServiceImport' },
      { name: 'web-svc', kind: 'Service', port: 80 },
      { name: 'web-svc-2', group: 'core', port: 80 },
    ],
  }]);
  expectDiagnostics(alone(text), URI, [], { absent: ['unknown-backend-kind', 'backend-ref-port-missing'] });
});

// ---- not-served-by-linkerd, trafficsplit-deprecated --------------------------------------------------------

test('not-served-by-linkerd: v1alpha3/v1alpha4 at apiVersion, and matches on them at the key', () => {
  const backends = ['web-svc=500', 'web-svc-2=500'];
  const matches = [{ kind: 'HTTPRouteGroup', name: 'canary-users' }];
  const text = PRELUDE + documents(
    trafficSplit({ version: 'v1alpha3', backends }),
    trafficSplit({ version: 'v1alpha4', name: 'web-svc-ts-matches', matches, backends }),
    trafficSplit({ version: 'v1alpha3', name: 'web-svc-ts-v3-matches', matches, backends }),
  );
  expectDiagnostics(alone(text), URI, [
    { code: 'not-served-by-linkerd', text: 'split.smi-spec.io/v1alpha3', line: 5, character: 12, message: ['v1alpha1', 'no matches for kind'] },
    { code: 'not-served-by-linkerd', text: 'split.smi-spec.io/v1alpha4', line: 18, character: 12 },
    { code: 'not-served-by-linkerd', text: 'matches', line: 25, character: 2, message: ['ignores matches'] },
    { code: 'not-served-by-linkerd', text: 'split.smi-spec.io/v1alpha3', line: 34, character: 12 },
    { code: 'not-served-by-linkerd', text: 'matches', line: 41, character: 2 },
    // One hint per file, on the first TrafficSplit (rules/diagnostics.ts, `oneDeprecationHint`).
    { code: 'trafficsplit-deprecated', text: 'TrafficSplit', line: 6, character: 6, message: ['3 TrafficSplits in this file'] },
  ]);
});

test('not-served-by-linkerd near miss: v1alpha1/v1alpha2, and HTTPRoute matches (Linkerd honours them)', () => {
  const text = PRELUDE + documents(
    trafficSplit({ version: 'v1alpha1', backends: ['web-svc=900m', 'web-svc-2=100m'] }),
    trafficSplit({ version: 'v1alpha2', backends: ['web-svc=900', 'web-svc-2=100'] }),
    httpRoute({ rules: [{ matches: [{ path: '{value: /api}' }], backendRefs: [{ name: 'web-svc', port: 80 }] }] }),
  );
  expectDiagnostics(alone(text), URI, [], { absent: ['not-served-by-linkerd'] });
});

test('trafficsplit-deprecated near miss: HTTPRoutes get no hint', () => {
  expectDiagnostics(alone(PRELUDE + canaryRoute('gateway.networking.k8s.io/v1')), URI, [], { absent: ['trafficsplit-deprecated'], ignore: [] });
});

// ---- yaml-1-1-value ----------------------------------------------------------------------------------------

test('yaml-1-1-value: a plain scalar kubectl (YAML 1.1) reads otherwise, at the scalar, saying what kubectl reads', () => {
  const text = PRELUDE + httpRoute({ rules: [{ backendRefs: [{ name: 'web-svc', port: 80, weight: '010' }, { name: 'web-svc-2', port: 80, weight: '1_000' }] }] });
  expectDiagnostics(alone(text), URI, [
    { code: 'yaml-1-1-value', text: '010', line: 19, character: 18, message: ['kubectl reads 010 as 8'] },
    { code: 'yaml-1-1-value', text: '1_000', line: 22, character: 18, message: ['1000'] },
  ]);
});

test('yaml-1-1-value near miss: quoted values, and numbers both versions read alike', () => {
  const text = PRELUDE + httpRoute({ rules: [{ backendRefs: [{ name: 'web-svc', port: 80, weight: '10' }, { name: 'web-svc-2', port: 80, weight: '0' }] }], spec: { hostnames: ['"on"'] } });
  expectDiagnostics(alone(text), URI, [], { absent: ['yaml-1-1-value'] });
});

test('every document code has a case that fires it and a near miss', () => {
  assertCovered(DOCUMENT_CODES);
});
