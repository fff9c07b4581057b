import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parseDocument } from 'yaml';
import { schemaFor, schemaVersions } from '../../src/service/model/schemas/index';
import { servedVersions } from '../../src/service/model/kinds';
import { schemaAt, validateAgainstSchema, type SchemaProblem } from '../../src/service/model/schemas/validate';
import { httpRoute } from '../support/manifests';
import { LanguageService } from '../../src/service/languageService';

const EXAMPLES = join(__dirname, '..', '..', 'examples', 'emojivoto');

interface Found extends SchemaProblem { text: string }

/** Validates every TrafficSplit/HTTPRoute document of `src`, with the text each problem covers. */
function problems(src: string): Found[] {
  const out: Found[] = [];
  for (const doc of parseAllDocuments(src)) {
    if (!('contents' in doc)) continue;
    const js = doc.toJS() as { apiVersion?: string; kind?: string } | null;
    if (js?.kind !== 'TrafficSplit' && js?.kind !== 'HTTPRoute') continue;
    for (const p of validateAgainstSchema(doc, js.apiVersion ?? '', js.kind)) {
      out.push({ ...p, text: src.slice(p.start, p.end) });
    }
  }
  return out;
}

/** Offset of the `nth` occurrence of `text` as a YAML token (not inside a longer word such as `smi-spec.io`). */
function tokenAt(src: string, text: string, nth: number): number {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const hits = [...src.matchAll(new RegExp(`(?<=^|[\\s{\\[,])${escaped}(?=$|[\\s:,\\]}])`, 'gm'))];
  const hit = hits[nth];
  assert.ok(hit?.index !== undefined, `"${text}" (#${nth}) is not in the source`);
  return hit.index;
}

/** Asserts one problem covers exactly `text` at its `nth` token occurrence in `src`, and returns it. */
function expectAt(src: string, found: Found[], text: string, message: string, nth = 0): Found {
  const at = tokenAt(src, text, nth);
  const p = found.find((f) => f.message === message);
  assert.ok(p, `no problem "${message}" in ${JSON.stringify(found.map((f) => f.message))}`);
  assert.deepEqual([p.start, p.end, p.text], [at, at + text.length, text]);
  return p;
}

const TS = (version: string, spec: string): string =>
  `apiVersion: split.smi-spec.io/${version}\nkind: TrafficSplit\nmetadata:\n  name: web-svc-ts\n  namespace: emojivoto\nspec:\n${spec}`;

/** An HTTPRoute whose first rule has one backendRef, with `more` (YAML lines) after that backendRef. */
const ROUTE = (apiVersion: string, more: string): string =>
  httpRoute({ apiVersion, namespace: null, apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc', port: 80, weight: 90 }] }) + more;

test('the emojivoto examples have no schema problems', () => {
  let validated = 0;
  for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'))) {
    const src = readFileSync(join(EXAMPLES, file), 'utf8');
    assert.deepEqual(problems(src), [], file);
    validated += parseAllDocuments(src).filter((d) => /^kind: (TrafficSplit|HTTPRoute)$/m.test(String(d))).length;
  }
  assert.ok(validated >= 3, `only ${validated} split documents found`);
});

test('missing spec.backends is reported on the spec key', () => {
  const src = TS('v1alpha2', '  service: web-apex\n');
  const found = problems(src);
  assert.equal(found.length, 1);
  const p = expectAt(src, found, 'spec', 'Missing required property "backends" in spec');
  assert.deepEqual(p.path, ['spec', 'backends']);
});

test('a missing spec is reported on the kind key', () => {
  const src = 'apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata:\n  name: x\n';
  expectAt(src, problems(src), 'kind', 'Missing required property "spec"');
});

test('without kind, a missing spec is reported on the first key', () => {
  const doc = parseDocument('metadata:\n  name: x\n');
  const [p] = validateAgainstSchema(doc, 'split.smi-spec.io/v1alpha2', 'TrafficSplit');
  assert.deepEqual([p?.start, p?.end, p?.message], [0, 'metadata'.length, 'Missing required property "spec"']);
});

test('a backend without weight is reported on its first key', () => {
  const src = TS('v1alpha2', '  service: web-apex\n  backends:\n    - service: web-svc\n      weight: 500\n    - service: web-svc-2\n');
  const found = problems(src);
  assert.equal(found.length, 1);
  expectAt(src, found, 'service', 'Missing required property "weight" in spec.backends[1]', 2);
});

test('an unknown field is reported on its key, with a suggestion when one is close', () => {
  const src = TS('v1alpha2', '  service: web-apex\n  backends:\n    - service: web-svc\n      weight: 500\n      foo: 1\n    - service: web-svc-2\n      wieght: 500\n');
  const found = problems(src);
  expectAt(src, found, 'foo', 'Unknown field "foo" in spec.backends[0]');
  const typo = expectAt(src, found, 'wieght', 'Unknown field "wieght" in spec.backends[1]; did you mean "weight"?');
  assert.deepEqual(typo.path, ['spec', 'backends', 1, 'wieght']);
  expectAt(src, found, 'service', 'Missing required property "weight" in spec.backends[1]', 2);
  assert.equal(found.length, 3);
});

test('an unknown top-level field is an error too', () => {
  const src = 'apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nspecs:\n  service: a\n';
  const found = problems(src);
  expectAt(src, found, 'specs', 'Unknown field "specs"; did you mean "spec"?');
  expectAt(src, found, 'kind', 'Missing required property "spec"');
});

test('a value of the wrong type is reported on the value', () => {
  const src = TS('v1alpha2', '  service: web-apex\n  backends:\n    - service: 12\n      weight: 500\n');
  const found = problems(src);
  assert.equal(found.length, 1);
  const p = expectAt(src, found, '12', 'spec.backends[0].service must be a string');
  assert.deepEqual(p.path, ['spec', 'backends', 0, 'service']);
});

test('a block collection of the wrong type is reported on its key, a flow one on the value', () => {
  const block = TS('v1alpha2', '  service: web-apex\n  backends:\n    service: web-svc\n    weight: 1\n');
  expectAt(block, problems(block), 'backends', 'spec.backends must be a list');
  const flow = TS('v1alpha2', '  service: web-apex\n  backends: {service: web-svc, weight: 1}\n');
  expectAt(flow, problems(flow), '{service: web-svc, weight: 1}', 'spec.backends must be a list');
});

test('more than 16 backendRefs is reported on the backendRefs key', () => {
  const refs = Array.from({ length: 17 }, (_, i) => `        - name: web-svc-${i}\n          port: 80\n`).join('');
  const src = `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\nspec:\n  rules:\n    - backendRefs:\n${refs}`;
  const found = problems(src);
  assert.equal(found.length, 1);
  expectAt(src, found, 'backendRefs', 'spec.rules[0].backendRefs: at most 16 items (found 17)');
});

test('matches is unknown in TrafficSplit v1alpha1 but allowed in v1alpha3', () => {
  const spec = '  service: web-apex\n  matches:\n    - kind: HTTPRouteGroup\n      name: ab-test\n  backends:\n    - service: web-svc\n      weight: 500m\n';
  const old = TS('v1alpha1', spec);
  const found = problems(old);
  assert.equal(found.length, 1);
  expectAt(old, found, 'matches', 'Unknown field "matches" in spec');
  assert.deepEqual(problems(TS('v1alpha3', spec.replace('500m', '500'))), []);
  const noName = TS('v1alpha4', '  service: web-apex\n  matches:\n    - kind: HTTPRouteGroup\n  backends: []\n');
  expectAt(noName, problems(noName), 'kind', 'Missing required property "name" in spec.matches[0]', 1);
});

test('timeouts are allowed in policy.linkerd.io/v1beta3 and not in v1beta1', () => {
  const rule = '      timeouts:\n        request: 10s\n';
  assert.deepEqual(problems(ROUTE('policy.linkerd.io/v1beta3', rule)), []);
  assert.deepEqual(problems(ROUTE('gateway.networking.k8s.io/v1', rule)), []);
  const old = ROUTE('policy.linkerd.io/v1beta1', rule);
  const found = problems(old);
  assert.equal(found.length, 1);
  expectAt(old, found, 'timeouts', 'Unknown field "timeouts" in spec.rules[0]');
});

test('weights are left to weight-invalid in every version', () => {
  assert.deepEqual(problems(TS('v1alpha2', '  service: a\n  backends:\n    - service: b\n      weight: abc\n')), []);
  assert.deepEqual(problems(TS('v1alpha1', '  service: a\n  backends:\n    - service: b\n      weight: -5x\n')), []);
  assert.deepEqual(problems(TS('v1alpha4', '  service: a\n  backends:\n    - service: b\n      weight: 1.5\n')), []);
  for (const v of schemaVersions('HTTPRoute')) {
    assert.deepEqual(problems(ROUTE(v, '        - name: b\n          port: 80\n          weight: "abc"\n')), [], v);
    assert.deepEqual(problems(ROUTE(v, '        - name: b\n          port: 80\n          weight: -1\n')), [], v);
  }
});

test('enum, range and pattern errors are on the value, with specific messages', () => {
  const src = ROUTE('gateway.networking.k8s.io/v1', `      matches:
        - path:
            type: Prefix
            value: /api
          method: GTE
        - headers:
            - name: x-canary
              value: ""
    - backendRefs:
        - name: web-svc-2
          port: 70000
      timeouts:
        request: 10x
`);
  const found = problems(src);
  expectAt(src, found, 'Prefix', 'spec.rules[0].matches[0].path.type must be one of: Exact, PathPrefix, RegularExpression');
  expectAt(src, found, 'GTE', 'spec.rules[0].matches[0].method must be one of: GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH; did you mean "GET"?');
  expectAt(src, found, '""', 'spec.rules[0].matches[1].headers[0].value must not be empty');
  expectAt(src, found, '70000', 'spec.rules[1].backendRefs[0].port must be at most 65535');
  expectAt(src, found, '10x', 'spec.rules[1].timeouts.request "10x" is not valid: it must be a duration such as `10s`, `500ms` or `1m30s`');
  assert.equal(found.length, 5);
});

test('standard metadata fields and status are accepted; label values must be strings', () => {
  const meta = `apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata:
  name: web-svc-ts
  generateName: web-
  namespace: emojivoto
  uid: 0b1c
  resourceVersion: "1234"
  generation: 3
  creationTimestamp: null
  labels: {app.kubernetes.io/name: web}
  annotations: {note: hi}
  finalizers: [example.com/keep]
  ownerReferences:
    - {apiVersion: v1, kind: Service, name: web-apex, uid: 9f}
  managedFields:
    - manager: kubectl
      operation: Apply
  somethingNew: true
spec:
  service: web-apex
  backends: [{service: web-svc, weight: 1}]
status:
  anything: [1, 2]
`;
  assert.deepEqual(problems(meta), []);
  const bad = meta.replace('{app.kubernetes.io/name: web}', '{app.kubernetes.io/name: web, version: 2}');
  expectAt(bad, problems(bad), '2', 'metadata.labels.version must be a string');
  const dotted = meta.replace('{app.kubernetes.io/name: web}', '{app.kubernetes.io/name: 7}');
  expectAt(dotted, problems(dotted), '7', 'metadata.labels["app.kubernetes.io/name"] must be a string');
});

test('offsets are into the whole multi-document text', () => {
  const src = `apiVersion: v1\nkind: Service\nmetadata:\n  name: web-apex\n---\n${TS('v1alpha2', '  service: web-apex\n  backends:\n    - service: [a]\n      weight: 1\n')}`;
  expectAt(src, problems(src), '[a]', 'spec.backends[0].service must be a string');
});

test('documents that cannot be validated give no problems', () => {
  // An unresolved alias makes toJS throw.
  const broken = parseDocument('kind: TrafficSplit\nspec: *nowhere\n');
  assert.deepEqual(validateAgainstSchema(broken, 'split.smi-spec.io/v1alpha2', 'TrafficSplit'), []);
  // So does an alias bomb (yaml's maxAliasCount).
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 6; i++) bomb.push(`${'abcdef'[i]}: &${'abcdef'[i]} [${Array(10).fill(`*${'abcdef'[i - 1]}`).join(', ')}]`);
  const doc = parseDocument(`kind: TrafficSplit\n${bomb.join('\n')}\n`);
  assert.deepEqual(doc.errors, []);
  assert.deepEqual(validateAgainstSchema(doc, 'split.smi-spec.io/v1alpha2', 'TrafficSplit'), []);
  assert.deepEqual(validateAgainstSchema(parseDocument('kind: TrafficSplit\n'), 'split.smi-spec.io/v1beta1', 'TrafficSplit'), []);
});

test('registry: every served apiVersion has a schema, and no other', () => {
  assert.deepEqual(schemaVersions('TrafficSplit'), servedVersions('TrafficSplit'));
  assert.deepEqual(schemaVersions('HTTPRoute'), servedVersions('HTTPRoute'));
  assert.deepEqual(schemaVersions('GRPCRoute'), servedVersions('GRPCRoute'));
  assert.deepEqual(servedVersions('TrafficSplit'), ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'].map((v) => `split.smi-spec.io/${v}`));
  assert.deepEqual(servedVersions('HTTPRoute'), [
    'gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1', 'gateway.networking.k8s.io/v1alpha2',
    'policy.linkerd.io/v1beta1', 'policy.linkerd.io/v1beta2', 'policy.linkerd.io/v1beta3',
  ]);
  assert.equal(schemaFor('split.smi-spec.io/v1beta1', 'TrafficSplit'), undefined);
  assert.equal(schemaFor('gateway.networking.k8s.io/v1', 'TrafficSplit'), undefined);
  assert.equal(schemaFor('split.smi-spec.io/v1alpha2', 'toString'), undefined);
  assert.ok(schemaFor('gateway.networking.k8s.io/v1', 'HTTPRoute'));
  assert.notEqual(schemaFor('gateway.networking.k8s.io/v1', 'GRPCRoute'), schemaFor('gateway.networking.k8s.io/v1', 'HTTPRoute'));
});

test('schemaAt walks properties and items for completion and hover', () => {
  const weight = schemaAt('split.smi-spec.io/v1alpha1', 'TrafficSplit', ['spec', 'backends', 0, 'weight']);
  assert.match(weight?.description ?? '', /500m/);
  const rule = ['spec', 'rules', 0];
  assert.ok(schemaAt('gateway.networking.k8s.io/v1', 'HTTPRoute', rule)?.properties?.timeouts);
  assert.equal(schemaAt('gateway.networking.k8s.io/v1beta1', 'HTTPRoute', rule)?.properties?.timeouts, undefined);
  const ref = schemaAt('policy.linkerd.io/v1beta2', 'HTTPRoute', [...rule, 'backendRefs', 3]);
  assert.deepEqual(Object.keys(ref?.properties ?? {}).sort(), ['filters', 'group', 'kind', 'name', 'namespace', 'port', 'weight']);
  assert.deepEqual(ref?.required, ['name']);
  assert.equal(schemaAt('split.smi-spec.io/v1alpha2', 'TrafficSplit', ['metadata', 'labels', 'app'])?.type, 'string');
  assert.equal(schemaAt('split.smi-spec.io/v1alpha2', 'TrafficSplit', ['spec', 'nope']), undefined);
});

test('a known field left null is pruned as the API server prunes it (apiextensions-apiserver prunenulls.go): no schema error', () => {
  const route = (matches: string): string => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: r
spec:
  parentRefs:
  - name: web
    kind: Service
    group: core
    port: 80
  rules:
  - matches:${matches}
    backendRefs:
    - name: web
      port: 80
`;
  const schemaOf = (text: string): string[] => {
    const ls = new LanguageService();
    ls.setFile('file:///r.yaml', text);
    return ls.diagnostics('file:///r.yaml').filter((d) => d.code === 'schema').map((d) => (typeof d.message === 'string' ? d.message : d.message.value));
  };
  assert.deepEqual(schemaOf(route('')), []);
  // A value of the wrong type is still wrong.
  assert.deepEqual(schemaOf(route(' 3')), ['spec.rules[0].matches must be a list']);
});
