/**
 * GRPCRoute as a split kind: its registry row, its schemas (Gateway API v1.2.1), the shared gateway-route adapter with
 * gRPC matches, and every HTTPRoute rule applied to it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { YamlPart } from '../../src/service/document/part';
import { splitDocumentOf } from '../../src/service/model/adapters';
import { apiVersionInfo, KINDS, kindNames, servedVersions } from '../../src/service/model/kinds';
import { schemaVersion } from '../../src/service/model/documentKind';
import { expectDiagnostics, serviceWith, type Code, type Want } from '../support/diagnostics';
import { documents, grpcRoute, httpRoute, service, type HttpRouteOptions, type RuleOptions } from '../support/manifests';
import { at } from '../support/text';

const URI = 'file:///ws/route.yaml';
const CONTEXT_URI = 'file:///ws/context.yaml';

const GATEWAY_V1 = 'gateway.networking.k8s.io/v1';

/** Services of emojivoto on a gRPC port (8080), the workloads behind the backends, and one Service in `other`. */
const CONTEXT = documents(
  service({ name: 'web-apex', ports: [{ name: 'grpc', port: 8080 }] }),
  service({ name: 'web-svc', selector: 'web-svc', ports: [{ name: 'grpc', port: 8080 }] }),
  service({ name: 'web-svc-2', selector: 'web-svc-2', ports: [{ name: 'grpc', port: 8080 }] }),
  service({ name: 'remote-svc', namespace: 'other', selector: 'remote', ports: [8080] }),
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: emojivoto\nspec:\n  template:\n    metadata:\n      labels:\n        app: web-svc\n',
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-2\n  namespace: emojivoto\nspec:\n  template:\n    metadata:\n      labels:\n        app: web-svc-2\n',
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: remote\n  namespace: other\nspec:\n  template:\n    metadata:\n      labels:\n        app: remote\n',
);

/** A GRPCRoute from web-apex:8080 to web-svc and web-svc-2 (90/10), with the options given on top. */
const route = (o: HttpRouteOptions = {}): string => grpcRoute({
  apex: { name: 'web-apex', port: 8080 },
  backends: [{ name: 'web-svc', port: 8080, weight: 90 }, { name: 'web-svc-2', port: 8080, weight: 10 }],
  ...o,
});

const check = (text: string, want: (text: string) => Want[], options: { absent?: Code[]; ignore?: Code[]; more?: Record<string, string> } = {}) =>
  expectDiagnostics(serviceWith({ [CONTEXT_URI]: CONTEXT, ...options.more, [URI]: text }), URI, want(text), {
    ...(options.absent ? { absent: options.absent } : {}),
    ...(options.ignore ? { ignore: options.ignore } : {}),
  });

/** The diagnostic `code` on the `nth` occurrence of `needle` in `text`. */
const on = (text: string, code: Code, needle: string, nth = 0, message?: string[]): Want =>
  ({ code, text: needle, ...at(text, needle, nth), ...(message ? { message } : {}) });

const docOf = (text: string) => {
  const doc = splitDocumentOf(new YamlPart(text));
  assert.ok(doc, 'a split document');
  return doc;
};

describe('GRPCRoute: the registry row', () => {
  test('served versions, weights, parents, cluster resource and metrics', () => {
    const entry = KINDS.GRPCRoute;
    assert.deepEqual(servedVersions('GRPCRoute'), [GATEWAY_V1, 'gateway.networking.k8s.io/v1alpha2']);
    const v1 = apiVersionInfo('GRPCRoute', GATEWAY_V1);
    assert.equal(v1?.old, undefined);
    assert.match(apiVersionInfo('GRPCRoute', 'gateway.networking.k8s.io/v1alpha2')?.old ?? '', /before v1\.2.*use gateway\.networking\.k8s\.io\/v1/);
    for (const v of entry.versions) {
      assert.deepEqual([v.defaultWeight, v.weightMax, v.parentDefaultGroup, v.weightUnit, v.linkerdServes], [1, 1_000_000, 'gateway.networking.k8s.io', 'integer', true]);
    }
    assert.equal(apiVersionInfo('GRPCRoute', 'policy.linkerd.io/v1beta3'), undefined, 'Linkerd has no GRPCRoute of its own');
    assert.deepEqual(entry.cluster.map((r) => [r.id, r.group, r.plural, [...r.versions]]), [['grpcroutes-gateway', 'gateway.networking.k8s.io', 'grpcroutes', ['v1', 'v1alpha2']]]);
    assert.deepEqual(entry.metrics, { family: 'route', routeKind: 'GRPCRoute' });
    assert.equal(kindNames('or'), 'TrafficSplit, HTTPRoute or GRPCRoute');
    assert.equal(schemaVersion('GRPCRoute', undefined), GATEWAY_V1, 'a GRPCRoute being written is described by v1');
  });
});

describe('GRPCRoute: the split model', () => {
  test('one split per rule, the apex from the Service parent, default weight 1, the label from the name', () => {
    const doc = docOf(grpcRoute({
      apex: { name: 'web-apex', port: 8080 },
      rules: [
        { matches: [{ method: { service: 'emojivoto.v1.EmojiService', method: 'ListAll' } }], backendRefs: [{ name: 'web-svc', port: 8080 }] },
        { backendRefs: [{ name: 'web-svc', port: 8080, weight: 3 }, { name: 'web-svc-2', port: 8080 }] },
      ],
    }));
    assert.equal(doc.kind, 'GRPCRoute');
    assert.equal(doc.api?.apiVersion, GATEWAY_V1);
    assert.deepEqual(doc.splits.map((s) => s.label), ['web-canary rule 1', 'web-canary rule 2']);
    assert.deepEqual(doc.splits.map((s) => s.apex?.name.value), ['web-apex', 'web-apex']);
    assert.deepEqual(doc.splits[1]?.backends.map((b) => [b.name?.value, b.weight.units, b.port?.value, b.group, b.kind]), [
      ['web-svc', 3, 8080, '', 'Service'], ['web-svc-2', 1, 8080, '', 'Service'],
    ]);
    assert.deepEqual(doc.parents?.map((p) => [p.group, p.kind, p.isService]), [['', 'Service', true]]);
  });

  test('without a name, the label says GRPCRoute', () => {
    const text = route().replace(/ {2}name: web-canary\n/, '');
    assert.deepEqual(docOf(text).splits.map((s) => s.label), ['GRPCRoute rule 1']);
    assert.deepEqual(docOf(httpRoute({ backends: [{ name: 'web-svc', port: 80 }] }).replace(/ {2}name: web-canary\n/, '')).splits.map((s) => s.label), ['HTTPRoute rule 1']);
  });

  const keyOf = (matches: RuleOptions['matches']): string | undefined =>
    docOf(grpcRoute({ rules: [{ ...(matches ? { matches } : {}), backendRefs: [{ name: 'web-svc', port: 8080 }] }] })).splits[0]?.matchKey;

  test('matchKey: the same gRPC matches written differently are equal', () => {
    const emoji = { service: 'emojivoto.v1.EmojiService', method: 'ListAll' };
    // No matches, an empty list and an empty match all take every call.
    assert.equal(keyOf(undefined), keyOf([]));
    assert.equal(keyOf(undefined), keyOf([{}]));
    // method.type defaults to Exact; an empty service or method is the same as none.
    assert.equal(keyOf([{ method: emoji }]), keyOf([{ method: { type: 'Exact', ...emoji } }]));
    assert.equal(keyOf([{ method: { service: 'emojivoto.v1.EmojiService' } }]), keyOf([{ method: { service: 'emojivoto.v1.EmojiService', method: '""' } }]));
    assert.equal(keyOf([{ method: { type: 'Exact', method: '""' } }]), keyOf(undefined), 'a method matcher naming nothing matches every call');
    // Header names are case-insensitive and default to Exact; header and match order do not matter.
    assert.equal(
      keyOf([{ headers: [{ name: 'X-Canary', value: 'canary' }, { name: 'x-user', value: 'a' }] }, { method: emoji }]),
      keyOf([{ method: emoji }, { headers: [{ name: 'x-user', value: 'a', type: 'Exact' }, { name: 'x-canary', value: 'canary' }] }]),
    );
  });

  test('matchKey: different gRPC matches differ', () => {
    const service = 'emojivoto.v1.EmojiService';
    const keys = [
      keyOf(undefined),
      keyOf([{ method: { service } }]),
      keyOf([{ method: { service, method: 'ListAll' } }]),
      keyOf([{ method: { service, method: 'listall' } }]),
      keyOf([{ method: { service, method: 'ListAll', type: 'RegularExpression' } }]),
      keyOf([{ method: { method: 'ListAll' } }]),
      keyOf([{ headers: [{ name: 'x-canary', value: 'canary' }] }]),
      keyOf([{ headers: [{ name: 'x-canary', value: 'CANARY' }] }]),
      keyOf([{ headers: [{ name: 'x-canary', value: 'canary', type: 'RegularExpression' }] }]),
      keyOf([{ method: { service } }, { headers: [{ name: 'x-canary', value: 'canary' }] }]),
    ];
    assert.equal(new Set(keys).size, keys.length, keys.join('\n'));
  });
});

describe('GRPCRoute: the schema (Gateway API v1.2.1)', () => {
  const schemaProblems = (text: string): string[] =>
    serviceWith({ [URI]: text }).diagnostics(URI).filter((d) => d.code === 'schema').map((d) => (typeof d.message === 'string' ? d.message : d.message.value));

  test('a full GRPCRoute has no schema problem', () => {
    const text = route({
      spec: { hostnames: ['emoji.example.com'] },
      rules: [{
        matches: [{ method: { type: 'Exact', service: 'emojivoto.v1.EmojiService', method: 'ListAll' }, headers: [{ type: 'Exact', name: 'x-canary', value: 'canary' }] }],
        filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-route', value: 'canary' }] } }],
        backendRefs: [{ name: 'web-svc', port: 8080, weight: 90, filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['x-debug'] } }] }],
      }],
    });
    assert.deepEqual(schemaProblems(text), []);
  });

  test('HTTP-only fields, a bad match type and a bad filter are schema problems', () => {
    const path = route({ rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'web-svc', port: 8080 }] }] });
    assert.equal(schemaProblems(path).length, 1, 'matches[].path is HTTPRoute only');
    const prefix = route({ rules: [{ matches: [{ method: { type: 'Prefix', service: 'emojivoto.v1.EmojiService' } }], backendRefs: [{ name: 'web-svc', port: 8080 }] }] });
    assert.equal(schemaProblems(prefix).length, 1, 'method.type is Exact or RegularExpression');
    const redirect = route({ rules: [{ filters: [{ type: 'RequestRedirect' }], backendRefs: [{ name: 'web-svc', port: 8080 }] }] });
    assert.equal(schemaProblems(redirect).length, 1, 'GRPCRoute has no RequestRedirect filter');
  });

  test('rule names: v1 (experimental channel of v1.2) has them, v1alpha2 does not', () => {
    const named = (apiVersion: string) => route({ apiVersion, rules: [{ name: 'canary', backendRefs: [{ name: 'web-svc', port: 8080 }] }] });
    assert.deepEqual(schemaProblems(named(GATEWAY_V1)), []);
    assert.equal(schemaProblems(named('gateway.networking.k8s.io/v1alpha2')).length, 1);
  });
});

describe('GRPCRoute: the route rules', () => {
  test('a sound GRPCRoute has no diagnostics', () => {
    check(route(), () => []);
  });

  test('api versions: v1alpha2 is old, policy.linkerd.io is nobody\'s', () => {
    check(route({ apiVersion: 'gateway.networking.k8s.io/v1alpha2' }), (t) => [on(t, 'old-api-version', 'gateway.networking.k8s.io/v1alpha2')], { absent: ['unknown-api-version'] });
    check(route({ apiVersion: 'policy.linkerd.io/v1beta3' }), (t) => [on(t, 'unknown-api-version', 'policy.linkerd.io/v1beta3', 0, ['GRPCRoute is not served as policy.linkerd.io/v1beta3', 'gateway.networking.k8s.io/v1, gateway.networking.k8s.io/v1alpha2'])]);
  });

  test('weights: over 1,000,000, all zero; the default 1 is not zero', () => {
    check(route({ backends: [{ name: 'web-svc', port: 8080, weight: 1_000_001 }, { name: 'web-svc-2', port: 8080, weight: 1 }] }), (t) => [on(t, 'weight-invalid', '1000001')]);
    check(route({ backends: [{ name: 'web-svc', port: 8080, weight: 0 }, { name: 'web-svc-2', port: 8080, weight: 0 }] }), (t) => [on(t, 'weights-all-zero', 'backendRefs', 0, ['web-canary rule 1'])]);
    check(route({ backends: [{ name: 'web-svc', port: 8080, weight: 0 }, { name: 'web-svc-2', port: 8080 }] }), () => [], { absent: ['weights-all-zero'] });
  });

  test('backends: duplicate, missing port, unroutable kind, invalid name', () => {
    check(route({ backends: [{ name: 'web-svc', port: 8080 }, { name: 'web-svc', port: 8080 }] }), (t) => [on(t, 'duplicate-backend', 'web-svc', 1)]);
    check(route({ backends: [{ name: 'web-svc', port: 8080 }, { name: 'web-svc-2' }] }), (t) => [on(t, 'backend-ref-port-missing', 'web-svc-2', 0)]);
    check(route({ backends: [{ name: 'web-svc', port: 8080 }, { name: 'web-bucket', group: 'storage.example.com', kind: 'Bucket' }] }), (t) => [on(t, 'unknown-backend-kind', 'Bucket')], { absent: ['backend-ref-port-missing'] });
    check(route({ backends: [{ name: 'web-svc', port: 8080 }, { name: 'web-svc-2.emojivoto', port: 8080 }] }), (t) => [on(t, 'invalid-name', 'web-svc-2.emojivoto')], { ignore: ['service-not-found'] });
  });

  test('parents: none, a Service without group', () => {
    check(route({ apex: null }), (t) => [on(t, 'no-parent', 'spec', 0, ['GRPCRoute has no parentRefs'])]);
    check(route({ parentRefs: [{ name: 'web-apex', kind: 'Service', port: 8080 }] }), (t) => [on(t, 'parent-not-service', 'Service', 0, ['add group: core'])]);
  });

  test('unreachable rule: a second catch-all rule', () => {
    const backendRefs = [{ name: 'web-svc', port: 8080 }];
    check(route({ rules: [{ backendRefs }, { backendRefs }] }), (t) => [on(t, 'unreachable-rule', 'backendRefs', 1)]);
    check(route({ rules: [{ matches: [{ method: { service: 'emojivoto.v1.EmojiService' } }], backendRefs }, { backendRefs }] }), () => [], { absent: ['unreachable-rule'] });
  });

  test('references: an unknown Service, a port not on its Service, a backend without workload', () => {
    check(route({ backends: [{ name: 'web-svc', port: 8080 }, { name: 'web-svc-3', port: 8080 }] }), (t) => [on(t, 'service-not-found', 'web-svc-3')]);
    check(route({ backends: [{ name: 'web-svc', port: 8080 }, { name: 'web-svc-2', port: 9090 }] }), (t) => [on(t, 'port-mismatch', '9090', 0, ['Service web-svc-2 has no port 9090'])]);
    check(route({ backends: [{ name: 'web-svc', port: 8080 }, { name: 'web-apex', port: 8080 }] }), () => [], { absent: ['backend-without-workload'] });
    const lonely = { [`${CONTEXT_URI}-2`]: service({ name: 'web-lonely', selector: 'nobody', ports: [8080] }) };
    check(route({ backends: [{ name: 'web-svc', port: 8080 }, { name: 'web-lonely', port: 8080 }] }), (t) => [on(t, 'backend-without-workload', 'web-lonely')], { more: lonely });
  });

  test('cross-namespace backends: a ReferenceGrant must allow GRPCRoute, not HTTPRoute', () => {
    const text = route({ backends: [{ name: 'web-svc', port: 8080 }, { name: 'remote-svc', namespace: 'other', port: 8080 }] });
    const grant = (fromKind: string) => ({
      'file:///ws/grant.yaml': `apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata:\n  name: from-emojivoto\n  namespace: other\nspec:\n  from:\n    - group: gateway.networking.k8s.io\n      kind: ${fromKind}\n      namespace: emojivoto\n  to:\n    - group: ""\n      kind: Service\n`,
    });
    const want = (t: string) => [on(t, 'cross-namespace-backend', 'other', 0, ['allowing GRPCRoute from emojivoto'])];
    check(text, want);
    check(text, want, { more: grant('HTTPRoute') });
    check(text, () => [], { more: grant('GRPCRoute'), absent: ['cross-namespace-backend'] });
  });

  test('a ServiceProfile with dstOverrides for the apex shadows the GRPCRoute', () => {
    const profile = { 'file:///ws/profile.yaml': 'apiVersion: linkerd.io/v1alpha2\nkind: ServiceProfile\nmetadata:\n  name: web-apex.emojivoto.svc.cluster.local\n  namespace: emojivoto\nspec:\n  dstOverrides:\n    - authority: web-svc.emojivoto.svc.cluster.local:8080\n      weight: 1\n' };
    check(route(), (t) => [on(t, 'shadowed-by-serviceprofile', 'web-apex', 0, ['ignores this GRPCRoute'])], { more: profile });
  });
});
