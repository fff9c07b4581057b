/**
 * `route-not-accepted` and `route-refs-unresolved` (README, "What it checks"): the verdicts Linkerd's policy controller
 * wrote in the cluster objects' status, as they reach the language service with the cluster facts, put on the route
 * in the open file when it is that object (same kind, API group, namespace and name).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterRouteStatus, RouteProblem } from '../../src/protocol/messages';
import type { ClusterFacts } from '../../src/service/workspace/workspaceIndex';
import { CLUSTER_STATUS_CODES, PRELUDE, assertCovered, expectDiagnostics, serviceWith } from '../support/diagnostics';
import { documents, httpRoute, service } from '../support/manifests';

const URI = 'file:///ws/route.yaml';
const GATEWAY = 'gateway.networking.k8s.io';

const APEX = { group: '', kind: 'Service', namespace: 'emojivoto', name: 'web-apex', port: 80 };

function problem(condition: RouteProblem['condition'], reason: string, message = '', parent = APEX): RouteProblem {
  return { condition, reason, message, nextStep: `next step for ${reason}`, parent };
}

function route(problems: RouteProblem[], o: Partial<Pick<ClusterRouteStatus, 'group' | 'namespace' | 'name'>> = {}): ClusterRouteStatus {
  return { kind: 'HTTPRoute', group: GATEWAY, namespace: 'emojivoto', name: 'web-canary', ...o, state: problems.length > 0 ? 'problem' : 'accepted', problems };
}

function cluster(routes: ClusterRouteStatus[], services: string[] = ['web-apex', 'web-svc', 'web-svc-2']): ClusterFacts {
  return {
    namespaces: ['emojivoto'],
    facts: services.map((name) => ({ type: 'Service', name, ns: 'emojivoto', ports: [{ port: 80 }] })),
    connection: { context: 'kind', namespace: 'emojivoto', state: 'ready' },
    routeStatuses: routes,
  };
}

/** After the 5-line prelude, the builder's layout: the parentRef's name at 12:12, the backends' at 18:16 and 21:16. */
const ROUTE = PRELUDE + httpRoute({ apex: { name: 'web-apex', port: 80 }, backends: [{ name: 'web-svc', port: 80, weight: 90 }, { name: 'web-svc-3', port: 80, weight: 10 }] });

test('route-not-accepted: NoMatchingParent on the parentRef it is about, with reason, message and next step', () => {
  const ls = serviceWith({ [URI]: ROUTE }, cluster([route([problem('Accepted', 'NoMatchingParent', 'parent service must have a ClusterIP')])]));
  expectDiagnostics(ls, URI, [{
    code: 'route-not-accepted', text: 'web-apex', line: 12, character: 12,
    message: ['did not accept', 'Service web-apex', 'NoMatchingParent', 'parent service must have a ClusterIP', 'Next step: next step for NoMatchingParent'],
  }], { ignore: ['service-not-found'] });
});

test('route-refs-unresolved: BackendNotFound on the backendRef the cluster lacks; InvalidKind on the bad kind', () => {
  const ls = serviceWith({ [URI]: ROUTE }, cluster([route([problem('ResolvedRefs', 'BackendNotFound')])]));
  expectDiagnostics(ls, URI, [{ code: 'route-refs-unresolved', text: 'web-svc-3', line: 21, character: 16, message: ['BackendNotFound', 'Next step:'] }], { ignore: ['service-not-found'] });

  const odd = PRELUDE + httpRoute({ backends: [{ name: 'web-svc', port: 80 }, { name: 'bucket', group: 'storage.example.com', kind: 'Bucket' }] });
  const ls2 = serviceWith({ [URI]: odd }, cluster([route([problem('ResolvedRefs', 'InvalidKind')])]));
  const kinds = expectDiagnostics(ls2, URI, [{ code: 'route-refs-unresolved', text: 'Bucket', line: 21, character: 16, message: ['InvalidKind'] }], { ignore: ['unknown-backend-kind'] });
  assert.equal(kinds.length, 1);
});

test('route-refs-unresolved with no backendRef to blame goes on the parentRef (every Service is there)', () => {
  const ls = serviceWith({ [URI]: ROUTE }, cluster([route([problem('ResolvedRefs', 'BackendNotFound')])], ['web-apex', 'web-svc', 'web-svc-3']));
  expectDiagnostics(ls, URI, [{ code: 'route-refs-unresolved', text: 'web-apex', line: 12, character: 12 }]);
});

test('both conditions false: one diagnostic each; a second parent gets its own', () => {
  const other = { ...APEX, name: 'web-other' };
  const text = PRELUDE + httpRoute({
    parentRefs: [{ name: 'web-apex', kind: 'Service', group: 'core', port: 80 }, { name: 'web-other', kind: 'Service', group: 'core' }],
    backends: [{ name: 'web-svc', port: 80 }],
  });
  const ls = serviceWith({ [URI]: text }, cluster([route([
    problem('Accepted', 'RouteReasonConflicted'), problem('ResolvedRefs', 'BackendNotFound'), problem('Accepted', 'NoMatchingParent', '', other),
  ])]));
  expectDiagnostics(ls, URI, [
    { code: 'route-not-accepted', text: 'web-apex', line: 12, character: 12, message: ['RouteReasonConflicted'] },
    { code: 'route-refs-unresolved', text: 'web-apex', line: 12, character: 12, message: ['BackendNotFound'] },
    { code: 'route-not-accepted', text: 'web-other', line: 16, character: 12, message: ['NoMatchingParent'] },
  ], { ignore: ['service-not-found'] });
});

test('near misses: accepted, another name, namespace or API group, or no cluster facts at all', () => {
  const absent = ['route-not-accepted', 'route-refs-unresolved'] as const;
  const bad = [problem('Accepted', 'NoMatchingParent'), problem('ResolvedRefs', 'BackendNotFound')];
  for (const facts of [
    cluster([route([])]),
    cluster([route(bad, { name: 'web-other' })]),
    cluster([route(bad, { namespace: 'other' })]),
    cluster([route(bad, { group: 'policy.linkerd.io' })]),
    undefined,
  ]) {
    expectDiagnostics(serviceWith({ [URI]: ROUTE }, facts), URI, [], { absent, ignore: ['service-not-found'] });
  }
  // The same object under policy.linkerd.io is found when the file says that group.
  const policy = PRELUDE + httpRoute({ apiVersion: 'policy.linkerd.io/v1beta3', backends: [{ name: 'web-svc', port: 80 }] });
  expectDiagnostics(serviceWith({ [URI]: policy }, cluster([route(bad.slice(0, 1), { group: 'policy.linkerd.io' })])), URI, [
    { code: 'route-not-accepted', text: 'web-apex', line: 12, character: 12 },
  ]);
});

test('a route without parentRefs in the file: the finding goes on spec', () => {
  const text = PRELUDE + documents(service({ name: 'web-apex', ports: [80] }), httpRoute({ apex: null, backends: [{ name: 'web-svc', port: 80 }] }));
  const ls = serviceWith({ [URI]: text }, cluster([route([problem('Accepted', 'NoMatchingParent')])]));
  const got = ls.diagnostics(URI).filter((d) => d.code === 'route-not-accepted');
  assert.equal(got.length, 1);
  assert.equal(got[0]!.range.start.line, 19);
});

test('every cluster status code has a case that fires it and a near miss', () => {
  assertCovered(CLUSTER_STATUS_CODES);
});
