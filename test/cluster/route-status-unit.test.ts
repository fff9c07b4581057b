/**
 * Linkerd's verdict on a route, read from `status.parents[]` without a cluster (the real API server round trip is in
 * route-status.test.ts): only the policy controller's entries count, each False condition is a problem with a next
 * step, and a route it has not written about is `unknown`, which the facts leave out.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { buildClusterFacts, POLICY_CONTROLLER_NAME, routeNextStep, routeStatusOf } from '../../src/cluster';
import type { K8sObject } from '../../src/cluster';
import {
  ACCEPTED, BACKEND_NOT_FOUND, HEADLESS_PARENT, INVALID_KIND, NO_MATCHING_PARENT, POLICY_CONTROLLER, RESOLVED_REFS, ROUTE_CONFLICTED,
  serviceParentStatus, type Condition,
} from './linkerdStatus';

const GATEWAY = 'gateway.networking.k8s.io';
const APEX = { name: 'web-apex', namespace: 'emojivoto', port: 80 };

function routeObject(parents: unknown[] | undefined, name = 'web-canary'): K8sObject {
  return {
    apiVersion: `${GATEWAY}/v1`, kind: 'HTTPRoute', metadata: { name, namespace: 'emojivoto', generation: 1 },
    spec: { parentRefs: [{ name: 'web-apex', kind: 'Service', group: 'core', port: 80 }] },
    ...(parents ? { status: { parents } } : {}),
  };
}

const statusOf = (conditions: Condition[], parent = APEX) => routeStatusOf(routeObject([serviceParentStatus(parent, conditions)]), 'HTTPRoute', GATEWAY, 'default');

describe('route status from status.parents', () => {
  test('the controller name is the one the fixtures write', () => {
    assert.equal(POLICY_CONTROLLER_NAME, POLICY_CONTROLLER);
  });

  test('Accepted and ResolvedRefs True: accepted, no problems', () => {
    assert.deepEqual(statusOf([ACCEPTED, RESOLVED_REFS]), { kind: 'HTTPRoute', group: GATEWAY, namespace: 'emojivoto', name: 'web-canary', state: 'accepted', problems: [] });
  });

  test('no status, an empty one, or only another controller\'s entry: unknown', () => {
    const gatewayEntry = { ...serviceParentStatus(APEX, [NO_MATCHING_PARENT]), controllerName: 'example.com/gateway-controller' };
    for (const parents of [undefined, [], [gatewayEntry]]) {
      const s = routeStatusOf(routeObject(parents), 'HTTPRoute', GATEWAY, 'default');
      assert.equal(s.state, 'unknown', JSON.stringify(parents));
      assert.deepEqual(s.problems, []);
    }
  });

  test('NoMatchingParent: condition, reason, message, the parent (core read as ""), and a next step naming the namespace', () => {
    const s = statusOf([NO_MATCHING_PARENT, RESOLVED_REFS]);
    assert.equal(s.state, 'problem');
    assert.equal(s.problems.length, 1);
    const p = s.problems[0]!;
    assert.deepEqual({ ...p, nextStep: undefined }, {
      condition: 'Accepted', reason: 'NoMatchingParent', message: '', nextStep: undefined,
      parent: { group: '', kind: 'Service', namespace: 'emojivoto', name: 'web-apex', port: 80 },
    });
    assert.match(p.nextStep, /must name an existing Service \(kind: Service, group: core\).*in namespace emojivoto/);
  });

  test('each reason gets its own next step', () => {
    const step = (c: Condition) => statusOf([c]).problems[0]!.nextStep;
    assert.match(step(HEADLESS_PARENT), /ClusterIP/);
    assert.match(step(ROUTE_CONFLICTED), /GRPCRoute over HTTPRoute/);
    assert.match(step(BACKEND_NOT_FOUND), /create the backend Service or fix backendRefs/);
    assert.match(step(INVALID_KIND), /backendRefs must name a Service/);
    assert.match(step({ type: 'Accepted', status: 'False', reason: 'SomethingNew' }), /SomethingNew/);
    assert.equal(new Set([HEADLESS_PARENT, NO_MATCHING_PARENT, ROUTE_CONFLICTED, BACKEND_NOT_FOUND, INVALID_KIND].map(step)).size, 5);
  });

  test('both conditions False, and two parents: one problem each, in order', () => {
    const obj = routeObject([
      serviceParentStatus(APEX, [ROUTE_CONFLICTED, BACKEND_NOT_FOUND]),
      serviceParentStatus({ name: 'web-other', namespace: 'other' }, [NO_MATCHING_PARENT, RESOLVED_REFS]),
    ]);
    const s = routeStatusOf(obj, 'HTTPRoute', GATEWAY, 'default');
    assert.deepEqual(s.problems.map((p) => [p.condition, p.reason, p.parent.name, p.parent.namespace, p.parent.port]), [
      ['Accepted', 'RouteReasonConflicted', 'web-apex', 'emojivoto', 80],
      ['ResolvedRefs', 'BackendNotFound', 'web-apex', 'emojivoto', 80],
      ['Accepted', 'NoMatchingParent', 'web-other', 'other', undefined],
    ]);
  });

  test('the route namespace defaults when the object has none; a parent without namespace uses it in the next step', () => {
    const obj = routeObject([{ parentRef: { kind: 'Service', name: 'web-apex' }, controllerName: POLICY_CONTROLLER, conditions: [{ type: 'Accepted', status: 'False', reason: 'NoMatchingParent' }] }]);
    delete obj.metadata!.namespace;
    const s = routeStatusOf(obj, 'HTTPRoute', GATEWAY, 'booksapp');
    assert.equal(s.namespace, 'booksapp');
    assert.match(s.problems[0]!.nextStep, /namespace booksapp/);
    assert.equal(routeNextStep({ condition: 'Accepted', reason: 'NoMatchingParent', message: '', parent: { group: 'policy.linkerd.io', kind: 'Server', name: 'web' } }, 'ns1'), 'create Server web in namespace ns1 or fix parentRefs');
  });

  test('malformed entries are skipped, not thrown on', () => {
    const obj = routeObject([null, 'x', { controllerName: POLICY_CONTROLLER, conditions: 'nope' }, { controllerName: POLICY_CONTROLLER, conditions: [null, { type: 'Ready', status: 'False' }] }]);
    assert.deepEqual(routeStatusOf(obj, 'HTTPRoute', GATEWAY, 'default').problems, []);
  });

  test('facts carry the routes Linkerd wrote about, sorted, without the unknown ones; even without Services', () => {
    const bad = routeStatusOf(routeObject([serviceParentStatus(APEX, [NO_MATCHING_PARENT])], 'b-route'), 'HTTPRoute', GATEWAY, 'default');
    const good = routeStatusOf(routeObject([serviceParentStatus(APEX, [ACCEPTED, RESOLVED_REFS])], 'a-route'), 'HTTPRoute', GATEWAY, 'default');
    const unknown = routeStatusOf(routeObject(undefined, 'c-route'), 'HTTPRoute', GATEWAY, 'default');
    const facts = buildClusterFacts({ namespace: 'emojivoto', services: [], routeStatuses: [bad, unknown, good] });
    assert.deepEqual(facts.routeStatuses?.map((r) => [r.name, r.state]), [['a-route', 'accepted'], ['b-route', 'problem']]);
    assert.deepEqual(buildClusterFacts({ namespace: 'emojivoto', routeStatuses: [bad] }).routeStatuses?.map((r) => r.name), ['b-route']);
    assert.equal('routeStatuses' in buildClusterFacts({ namespace: 'emojivoto', services: [], routeStatuses: [unknown] }), false);
  });
});
