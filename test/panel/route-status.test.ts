/**
 * The panel's route states (README, "The panel's states"): a route whose status from Linkerd's policy controller is not
 * Accepted / ResolvedRefs is a notice with the reason, the message and the next step; accepted and unknown routes say
 * nothing. The statuses are read by the cluster layer's `routeStatusOf` from objects shaped as the controller writes them.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import { routeStatusOf, type K8sObject } from '../../src/cluster';
import type { ClusterRouteStatus } from '../../src/protocol/messages';
import { renderPanelBody } from '../../src/extension/panel/render';
import { ClusterPanelSource, type SessionLike } from '../../src/extension/panel/source';
import { ACCEPTED, BACKEND_NOT_FOUND, HEADLESS_PARENT, RESOLVED_REFS, ROUTE_CONFLICTED, serviceParentStatus, type Condition } from '../cluster/linkerdStatus';
import { HOSTILE, modelOf, snapshot, split } from './support';

const GATEWAY = 'gateway.networking.k8s.io';

function routeObject(name: string, conditions: Condition[] | undefined): K8sObject {
  return {
    apiVersion: `${GATEWAY}/v1`, kind: 'HTTPRoute', metadata: { name, namespace: 'emojivoto' },
    spec: { parentRefs: [{ name: 'web-apex', kind: 'Service', group: 'core', port: 80 }], rules: [{ backendRefs: [{ name: 'web-svc', port: 80 }] }] },
    ...(conditions ? { status: { parents: [serviceParentStatus({ name: 'web-apex', namespace: 'emojivoto', port: 80 }, conditions)] } } : {}),
  };
}

class FakeSession extends EventEmitter implements SessionLike {
  readonly namespace = 'emojivoto';
  readonly server = 'https://127.0.0.1:6443';
  state: SessionLike['state'] = { state: 'ready', message: '0 TrafficSplits, 3 HTTPRoutes', kinds: {} };
  objects: K8sObject[] = [];
  splits() {
    return this.objects;
  }
  routeStatuses(): ClusterRouteStatus[] {
    return this.objects.map((o) => routeStatusOf(o, 'HTTPRoute', GATEWAY, this.namespace));
  }
}

describe('route states in the panel', () => {
  test('the source keeps the routes with problems only, messages and next steps redacted', () => {
    const src = new ClusterPanelSource((t) => t.replace(/ClusterIP/g, '***'));
    const session = new FakeSession();
    session.objects = [routeObject('ok-route', [ACCEPTED, RESOLVED_REFS]), routeObject('new-route', undefined), routeObject('bad-route', [HEADLESS_PARENT, RESOLVED_REFS])];
    src.setSession(session, 'kind-canary');
    const snap = src.snapshot();
    assert.deepEqual(snap.routeProblems?.map((r) => r.name), ['bad-route']);
    assert.equal(snap.routeProblems[0]!.problems[0]!.message, 'parent service must have a ***');
    assert.doesNotMatch(snap.routeProblems[0]!.problems[0]!.nextStep, /ClusterIP/);

    // A watch event with the status fixed: the notice goes.
    session.objects = [routeObject('bad-route', [ACCEPTED, RESOLVED_REFS])];
    session.emit('change', {});
    assert.equal(src.snapshot().routeProblems, undefined);
  });

  test('one notice per False condition: error for Accepted, warning for ResolvedRefs, with reason, message and next step', () => {
    const session = new FakeSession();
    session.objects = [routeObject('web-canary', [ROUTE_CONFLICTED, BACKEND_NOT_FOUND])];
    const src = new ClusterPanelSource();
    src.setSession(session, 'kind-canary');
    const model = modelOf({ cluster: src.snapshot() });
    const notices = model.notices.filter((n) => n.state.startsWith('route-'));
    assert.deepEqual(notices.map((n) => [n.state, n.severity]), [['route-not-accepted', 'error'], ['route-refs-unresolved', 'warning']]);
    assert.match(notices[0]!.title, /^HTTPRoute web-canary: not accepted by Linkerd for Service web-apex \(RouteReasonConflicted\)$/);
    assert.match(notices[0]!.detail ?? '', /Linkerd ignores this HTTPRoute/);
    assert.match(notices[0]!.nextStep ?? '', /GRPCRoute over HTTPRoute/);
    assert.match(notices[1]!.title, /BackendNotFound/);
    assert.match(notices[1]!.nextStep ?? '', /create the backend Service or fix backendRefs/);
  });

  test('no route notice without problems, nor when the kubeconfig cannot be used', () => {
    assert.deepEqual(modelOf({ cluster: snapshot([split('web', 'web-apex', [['a', 1]])]) }).notices.filter((n) => n.state.startsWith('route-')), []);
    const problems: ClusterRouteStatus[] = [routeStatusOf(routeObject('web-canary', [HEADLESS_PARENT]), 'HTTPRoute', GATEWAY, 'emojivoto')];
    const broken = modelOf({ cluster: snapshot([], { state: 'kubeconfig-error', message: 'no context', routeProblems: problems }) });
    assert.deepEqual(broken.notices.map((n) => n.state), ['kubeconfig-error']);
  });

  test('rendered as a state with its next step, the controller\'s message escaped', () => {
    const problems: ClusterRouteStatus[] = [routeStatusOf(routeObject('web-canary', [{ type: 'Accepted', status: 'False', reason: 'NoMatchingParent', message: HOSTILE }]), 'HTTPRoute', GATEWAY, 'emojivoto')];
    const html = renderPanelBody(modelOf({ cluster: snapshot([], { routeProblems: problems }) }));
    assert.match(html, /data-state="route-not-accepted"/);
    assert.match(html, /Next step:<\/span> the parentRef must name an existing Service/);
    assert.ok(!html.includes(HOSTILE), 'the message is escaped');
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  });
});
