/**
 * The cluster side of progressive delivery without a cluster: who owns a split or Service (ownerReferences,
 * managedFields traced to a Canary or Rollout), the live state of Canaries and Rollouts, the patches of Argo's promote
 * (cases ported from argoproj/argo-rollouts v1.9.1 pkg/kubectl-argo-rollouts/cmd/promote/promote_test.go), the
 * fallback from the status subresource to the object against a small fake API server, the facts and the overall state.
 */
import { strict as assert } from 'node:assert';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import {
  buildClusterFacts, ClusterError, deliveryStatusOf, overallState, ownerOfObject, promotePatches, runDeliveryAction, type K8sObject, type KindStatus,
} from '../../src/cluster';

const rejections: unknown[] = [];
process.on('unhandledRejection', (e) => rejections.push(e));
after(() => assert.deepEqual(rejections, [], 'no unhandled promise rejections'));

const NS = 'test';

/** A Flagger Canary as in fluxcd/flagger v1.44.0 docs (podinfo, linkerd provider) with the given status. */
function canary(status?: Record<string, unknown>, spec: Record<string, unknown> = {}): K8sObject {
  return {
    apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'podinfo', namespace: NS, generation: 1 },
    spec: {
      provider: 'linkerd',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      analysis: { interval: '30s', threshold: 5, maxWeight: 50, stepWeight: 10 },
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}

/** An Argo Rollout (canary strategy, 5 steps, SMI routing) with the given status. */
function rollout(status?: Record<string, unknown>, extra: { spec?: Record<string, unknown>; canary?: Record<string, unknown>; generation?: number } = {}): K8sObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'rollouts-demo', namespace: NS, generation: extra.generation ?? 3 },
    spec: {
      replicas: 5,
      selector: { matchLabels: { app: 'rollouts-demo' } },
      strategy: {
        canary: {
          canaryService: 'rollouts-demo-canary', stableService: 'rollouts-demo-stable',
          trafficRouting: { smi: { rootService: 'rollouts-demo-root', trafficSplitName: 'rollouts-demo-split' } },
          steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 40 }, { pause: { duration: '10s' } }, { setWeight: 60 }],
          ...extra.canary,
        },
      },
      ...extra.spec,
    },
    ...(status ? { status } : {}),
  };
}

const route = (name: string, metadata: Record<string, unknown>): K8sObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: NS, ...metadata }, spec: {},
});

const controllerRef = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, name, uid: 'u-1', controller: true, blockOwnerDeletion: true });
const wrote = (manager: string, fields: Record<string, unknown> = { 'f:spec': {} }) => ({ manager, operation: 'Update', apiVersion: 'v1', time: '2025-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: fields });

describe('ownerOfObject', () => {
  test('an ownerReference to a Canary (flagger.app) or a Rollout (argoproj.io)', () => {
    const flagger = route('podinfo', { ownerReferences: [controllerRef('flagger.app/v1beta1', 'Canary', 'podinfo')] });
    assert.deepEqual(ownerOfObject(flagger), { controller: 'Flagger', kind: 'Canary', namespace: NS, name: 'podinfo', via: 'ownerReferences' });
    const ts: K8sObject = { apiVersion: 'split.smi-spec.io/v1alpha1', kind: 'TrafficSplit', metadata: { name: 'rollouts-demo-split', namespace: NS, ownerReferences: [controllerRef('argoproj.io/v1alpha1', 'Rollout', 'rollouts-demo')] } };
    assert.deepEqual(ownerOfObject(ts), { controller: 'Argo Rollouts', kind: 'Rollout', namespace: NS, name: 'rollouts-demo', via: 'ownerReferences' });
  });

  test('other owners are not delivery owners: another kind, or a Canary of another API group', () => {
    assert.equal(ownerOfObject(route('a', { ownerReferences: [controllerRef('apps/v1', 'Deployment', 'x')] })), undefined);
    assert.equal(ownerOfObject(route('b', { ownerReferences: [controllerRef('example.com/v1', 'Canary', 'x')] })), undefined);
    assert.equal(ownerOfObject(route('c', {})), undefined);
  });

  test('managedFields of the gatewayAPI plugin: traced to the Rollout whose plugin config names the route', () => {
    const plugin = { 'argoproj-labs/gatewayAPI': { httpRoute: 'argo-rollouts-http-route', namespace: NS } };
    const ro = rollout(undefined, { canary: { trafficRouting: { plugins: plugin } } });
    const r = route('argo-rollouts-http-route', { managedFields: [wrote('kubectl-client-side-apply'), wrote('gatewayAPI')] });
    assert.deepEqual(ownerOfObject(r, { Rollout: [ro] }), { controller: 'Argo Rollouts', kind: 'Rollout', namespace: NS, name: 'rollouts-demo', via: 'managedFields' });
    // Rollouts are read and none names the route: the manager entry is stale (nobody reverts an edit).
    assert.equal(ownerOfObject(route('other-route', { managedFields: [wrote('gatewayAPI')] }), { Rollout: [ro] }), undefined);
    // Rollouts cannot be read: the controller still writes it, its Rollout is not known.
    assert.deepEqual(ownerOfObject(r, {}), { controller: 'Argo Rollouts', kind: 'Rollout', namespace: NS, name: '', via: 'managedFields' });
  });

  test('a plugin registered under another name writes with that name', () => {
    const ro = rollout(undefined, { canary: { trafficRouting: { plugins: { 'acme/edgeRouter': { httpRoutes: [{ name: 'edge' }] } } } } });
    assert.equal(ownerOfObject(route('edge', { managedFields: [wrote('edgeRouter')] }), { Rollout: [ro] })?.name, 'rollouts-demo');
    assert.equal(ownerOfObject(route('edge', { managedFields: [wrote('gatewayAPI')] }), { Rollout: [ro] }), undefined, 'a manager the Rollout does not use');
  });

  test('a Service Argo switched: its managed-by-rollouts annotation names the Rollout', () => {
    const svc: K8sObject = {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'shop', namespace: NS, annotations: { 'argo-rollouts.argoproj.io/managed-by-rollouts': 'shop-rollout' }, managedFields: [wrote('rollouts-controller', { 'f:metadata': {}, 'f:spec': {} })] },
    };
    assert.deepEqual(ownerOfObject(svc), { controller: 'Argo Rollouts', kind: 'Rollout', namespace: NS, name: 'shop-rollout', via: 'managedFields' });
    assert.equal(ownerOfObject(svc, { Rollout: [rollout()] }), undefined, 'the named Rollout is gone');
    // The stable Service of a Rollout that is read: traced through its spec.
    const stable: K8sObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'rollouts-demo-stable', namespace: NS, managedFields: [wrote('rollouts-controller')] } };
    assert.equal(ownerOfObject(stable, { Rollout: [rollout()] })?.name, 'rollouts-demo');
  });

  test('a status-only entry is no claim; Flagger without spec.provider is traced by the apex name', () => {
    assert.equal(ownerOfObject(route('podinfo', { managedFields: [wrote('flagger', { 'f:status': {} })] })), undefined);
    const noProvider = canary(undefined, { provider: undefined });
    assert.equal(ownerOfObject(route('podinfo', { managedFields: [wrote('flagger')] }), { Canary: [noProvider] })?.name, 'podinfo');
    assert.equal(ownerOfObject(route('podinfo-2', { managedFields: [wrote('flagger')] }), { Canary: [noProvider] }), undefined);
  });
});

describe('deliveryStatusOf', () => {
  // CanaryStatus fields (fluxcd/flagger v1.44.0 pkg/apis/flagger/v1beta1/status.go), the Promoted condition as
  // pkg/canary/status.go MakeStatusConditions writes it for Progressing.
  const progressing = {
    phase: 'Progressing', canaryWeight: 30, failedChecks: 1, iterations: 0, lastTransitionTime: '2025-01-01T00:00:00Z',
    conditions: [{ type: 'Promoted', status: 'Unknown', reason: 'Progressing', message: 'New revision detected, progressing canary analysis.', lastUpdateTime: '2025-01-01T00:00:00Z', lastTransitionTime: '2025-01-01T00:00:00Z' }],
  };

  test('Flagger: phase, weight, failed checks against the threshold, the condition message; no actions', () => {
    const s = deliveryStatusOf('Canary', canary(progressing));
    assert.equal(s.brief, 'Progressing · 30% · 1/5 failed checks');
    assert.deepEqual({ ...s, brief: undefined }, {
      kind: 'Canary', controller: 'Flagger', namespace: NS, name: 'podinfo', phase: 'Progressing', weight: 30, failedChecks: 1, threshold: 5,
      message: 'New revision detected, progressing canary analysis.', actions: [], split: { namespace: NS, kind: 'TrafficSplit', name: 'podinfo' }, brief: undefined,
    });
  });

  test('Flagger: a finished canary is its phase alone; an iterations analysis counts iterations; no status is Unknown', () => {
    assert.equal(deliveryStatusOf('Canary', canary({ phase: 'Succeeded', canaryWeight: 0, failedChecks: 0, iterations: 0 })).brief, 'Succeeded');
    assert.equal(deliveryStatusOf('Canary', canary({ phase: 'Failed', canaryWeight: 0, failedChecks: 5, iterations: 0 })).brief, 'Failed · 5/5 failed checks');
    const ab = canary({ phase: 'Progressing', canaryWeight: 0, failedChecks: 0, iterations: 3 }, { analysis: { interval: '1m', threshold: 2, iterations: 10 } });
    assert.equal(deliveryStatusOf('Canary', ab).brief, 'Progressing · 0% · iteration 3/10 · 0/2 failed checks');
    const none = deliveryStatusOf('Canary', canary());
    assert.equal(none.brief, 'Unknown');
    assert.match(none.message ?? '', /no status yet/);
  });

  test('Flagger: the generated object per provider; none for a provider Canary Lens does not read or a missing one', () => {
    assert.deepEqual(deliveryStatusOf('Canary', canary(progressing, { provider: 'gatewayapi:v1beta1' })).split, { namespace: NS, kind: 'HTTPRoute', name: 'podinfo' });
    assert.deepEqual(deliveryStatusOf('Canary', canary(progressing, { provider: 'smi:v1alpha2:osm', service: { name: 'web', port: 80 } })).split, { namespace: NS, kind: 'TrafficSplit', name: 'web' });
    assert.equal(deliveryStatusOf('Canary', canary(progressing, { provider: 'istio' })).split, undefined);
    assert.equal(deliveryStatusOf('Canary', canary(progressing, { provider: undefined })).split, undefined);
    // …unless the cluster says which split the Canary owns.
    const owned = [{ kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', namespace: NS, name: 'podinfo', owner: { controller: 'Flagger' as const, kind: 'Canary' as const, namespace: NS, name: 'podinfo', via: 'ownerReferences' as const } }];
    assert.deepEqual(deliveryStatusOf('Canary', canary(progressing, { provider: undefined }), owned).split, { namespace: NS, kind: 'HTTPRoute', name: 'podinfo' });
  });

  // RolloutStatus fields (argoproj/argo-rollouts v1.9.1 pkg/apis/rollouts/v1alpha1/types.go), shaped as in
  // pkg/kubectl-argo-rollouts/info/testdata/canary/canary-rollout5.yaml and experiment-analysis/rollout-experiment-analysis.yaml.
  const paused = {
    phase: 'Paused', message: 'CanaryPauseStep', currentStepIndex: 1, observedGeneration: '3', controllerPause: true,
    pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2025-01-01T00:00:00Z' }],
    canary: { weights: { canary: { weight: 20, serviceName: 'rollouts-demo-canary', podTemplateHash: '868d98998a' }, stable: { weight: 80, serviceName: 'rollouts-demo-stable', podTemplateHash: '877894d5b' } } },
    currentPodHash: '868d98998a', stableRS: '877894d5b',
  };

  test('Argo: paused at a step, with the weight, the step as the plugin counts it, and the actions the dashboard offers', () => {
    const s = deliveryStatusOf('Rollout', rollout(paused));
    assert.equal(s.brief, 'Paused · 20% · step 1/5');
    assert.deepEqual({ ...s, brief: undefined }, {
      kind: 'Rollout', controller: 'Argo Rollouts', namespace: NS, name: 'rollouts-demo', phase: 'Paused', weight: 20, step: { index: 1, total: 5 },
      message: 'CanaryPauseStep', paused: true, aborted: false, actions: ['promote', 'promote-full', 'abort'],
      split: { namespace: NS, kind: 'TrafficSplit', name: 'rollouts-demo-split' }, brief: undefined,
    });
  });

  test('Argo: the phase a client shows (unobserved spec, unpausing), aborted, healthy, an analysis that failed', () => {
    assert.deepEqual(
      [deliveryStatusOf('Rollout', rollout(paused, { generation: 4 }))].map((s) => [s.phase, s.message]),
      [['Progressing', 'waiting for rollout spec update to be observed']]);
    const unpausing = deliveryStatusOf('Rollout', rollout({ ...paused, pauseConditions: undefined }));
    assert.deepEqual([unpausing.phase, unpausing.message, unpausing.paused], ['Progressing', 'waiting for rollout to unpause', false]);
    const aborted = deliveryStatusOf('Rollout', rollout({ ...paused, pauseConditions: undefined, controllerPause: false, abort: true, phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 2', canary: { weights: { canary: { weight: 0 }, stable: { weight: 100 } } } }));
    assert.deepEqual([aborted.brief, aborted.aborted, aborted.actions], ['Degraded · step 1/5', true, ['retry']]);
    const healthy = deliveryStatusOf('Rollout', rollout({ phase: 'Healthy', currentStepIndex: 5, observedGeneration: '3', canary: { weights: { canary: { weight: 0 }, stable: { weight: 100 } } } }));
    assert.deepEqual([healthy.brief, healthy.actions, healthy.paused], ['Healthy · step 5/5', [], false]);
    const failing = deliveryStatusOf('Rollout', rollout({ ...paused, canary: { ...paused.canary, currentStepAnalysisRunStatus: { name: 'rollouts-demo-abc-2', status: 'Inconclusive', message: 'metric inconclusive' } } }));
    assert.equal(failing.brief, 'Paused · 20% · step 1/5 · analysis Inconclusive');
    assert.equal(deliveryStatusOf('Rollout', rollout(undefined, { spec: { paused: true } })).paused, true, 'spec.paused');
  });

  test('Argo: the split from the gatewayAPI plugin config (its namespace when set)', () => {
    const ro = rollout(paused, { canary: { trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoutes: [{ name: 'first' }, { name: 'second' }], namespace: 'edge' } } } } });
    assert.deepEqual(deliveryStatusOf('Rollout', ro).split, { namespace: 'edge', kind: 'HTTPRoute', name: 'first' });
  });
});

describe('promotePatches (promote.go getPatches)', () => {
  const twoSteps = { steps: [{ setWeight: 1 }, { setWeight: 2 }] };

  test('a canary between steps: steps on (TestPromoteCmdSuccesFirstStep), never past the last (…DoNotGoPastLastStep)', () => {
    assert.deepEqual(promotePatches(rollout(undefined, { canary: twoSteps }), false), {
      status: '{"status":{"pauseConditions":null, "currentStepIndex":1}}',
      unified: '{"spec":{"paused":false},"status":{"pauseConditions":null, "currentStepIndex":1}}',
    });
    assert.deepEqual(promotePatches(rollout({ currentStepIndex: 2 }, { canary: twoSteps }), false).status, '{"status":{"pauseConditions":null, "currentStepIndex":2}}');
  });

  test('paused with pause conditions: clears them only; spec.paused is unpaused on the object', () => {
    assert.deepEqual(promotePatches(rollout({ pauseConditions: [{ reason: 'CanaryPauseStep' }], currentStepIndex: 1 }, { spec: { paused: true } }), false), {
      spec: '{"spec":{"paused":false}}',
      status: '{"status":{"pauseConditions":null}}',
      unified: '{"spec":{"paused":false},"status":{"pauseConditions":null}}',
    });
  });

  test('an inconclusive step paused by the controller: unset the pause and step on (TestPromoteInconclusiveStep)', () => {
    const ro = rollout({ pauseConditions: [{ reason: 'CanaryPauseStep' }], controllerPause: true, canary: { currentStepAnalysisRunStatus: { status: 'Inconclusive' } } }, { canary: twoSteps, spec: { paused: true } });
    assert.deepEqual(promotePatches(ro, false).status, '{"status":{"pauseConditions":null, "controllerPause":false, "currentStepIndex":1}}');
  });

  test('--full: promoteFull unless already fully promoted (TestPromoteCmdAlreadyFullyPromoted), unpause when paused', () => {
    assert.deepEqual(promotePatches(rollout({ stableRS: 'abc123', currentPodHash: 'def456', currentStepIndex: 1 }, { spec: { paused: true } }), true), {
      spec: '{"spec":{"paused":false}}', status: '{"status":{"promoteFull":true}}', unified: '{"spec":{"paused":false},"status":{"promoteFull":true}}',
    });
    assert.deepEqual(promotePatches(rollout({ stableRS: 'abc123', currentPodHash: 'abc123' }), true), { unified: '{"spec":{"paused":false},"status":{"promoteFull":true}}' });
  });
});

describe('runDeliveryAction against a fake API server', () => {
  /** Serves one Rollout; `/status` answers 404 when `statusSubresource` is false (a CRD without it); no Rollout: 404 NotFound. */
  async function fakeServer(ro: K8sObject | undefined, statusSubresource: boolean): Promise<{ server: Server; kc: KubeConfig; requests: { method: string; path: string; type: string; body: string }[] }> {
    const requests: { method: string; path: string; type: string; body: string }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        requests.push({ method: req.method ?? '', path: req.url ?? '', type: req.headers['content-type'] ?? '', body });
        res.setHeader('Content-Type', 'application/json');
        if (!ro) {
          res.statusCode = 404;
          res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'rollouts.argoproj.io "gone" not found', reason: 'NotFound', details: { name: 'gone', group: 'argoproj.io', kind: 'rollouts' }, code: 404 }));
          return;
        }
        if (req.url?.endsWith('/status') && !statusSubresource) {
          res.statusCode = 404;
          res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 }));
          return;
        }
        res.end(JSON.stringify(ro));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'fake' }], contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }], currentContext: 'fake',
    });
    return { server, kc, requests };
  }

  test('promote without a status subresource: the status patch gets 404, the unified patch goes to the object', async () => {
    const ro = rollout({ pauseConditions: [{ reason: 'CanaryPauseStep' }], currentStepIndex: 1 }, { spec: { paused: true } });
    const { server, kc, requests } = await fakeServer(ro, false);
    try {
      const out = await runDeliveryAction(kc, NS, 'rollouts-demo', 'promote');
      const base = `/apis/argoproj.io/v1alpha1/namespaces/${NS}/rollouts/rollouts-demo`;
      assert.deepEqual(requests.map((r) => [r.method, r.path, r.type, r.body ? JSON.parse(r.body) as unknown : undefined]), [
        ['GET', base, '', undefined],
        ['PATCH', `${base}/status`, 'application/merge-patch+json', { status: { pauseConditions: null } }],
        ['PATCH', base, 'application/merge-patch+json', { spec: { paused: false }, status: { pauseConditions: null } }],
      ]);
      assert.deepEqual(out.sent.map((p) => p.target), ['status', 'object']);
      assert.equal(out.message, "rollout 'rollouts-demo' promoted");
    } finally {
      server.close();
    }
  });

  test('abort with a status subresource: one patch; 404 on the object too is "not found"', async () => {
    const { server, kc, requests } = await fakeServer(rollout({ phase: 'Paused' }), true);
    try {
      const out = await runDeliveryAction(kc, NS, 'rollouts-demo', 'abort');
      assert.deepEqual(requests.map((r) => [r.method, r.path.endsWith('/status'), r.body]), [['PATCH', true, '{"status":{"abort":true}}']]);
      assert.equal(out.message, "rollout 'rollouts-demo' aborted");
    } finally {
      server.close();
    }
    const missing = await fakeServer(undefined, true);
    try {
      await assert.rejects(runDeliveryAction(missing.kc, NS, 'gone', 'retry'), (e: ClusterError) => {
        assert.equal(e.kind, 'not-found');
        assert.equal(e.message, 'Rollout "gone" not found in namespace "test"');
        return true;
      });
      // As retry.go: the status first, then (404) the object.
      assert.deepEqual(missing.requests.map((r) => [r.path.endsWith('/status'), r.body]), [[true, '{"status":{"abort":false}}'], [false, '{"status":{"abort":false}}']]);
    } finally {
      missing.server.close();
    }
  });
});

describe('facts and the overall state', () => {
  test('owned splits and Services, and the live deliveries, sorted', () => {
    const flaggerRoute = { kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', object: route('podinfo', { ownerReferences: [controllerRef('flagger.app/v1beta1', 'Canary', 'podinfo')] }) };
    const handMade = { kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', object: route('mine', {}) };
    // A Service as the generated client lists it: no kind or apiVersion on the item.
    const primary: K8sObject = { metadata: { name: 'podinfo-primary', namespace: NS, ownerReferences: [controllerRef('flagger.app/v1beta1', 'Canary', 'podinfo')] }, spec: { ports: [{ port: 9898 }] } };
    const facts = buildClusterFacts({
      // As the session passes them: a watcher's `items.values()`, which can be read only once.
      namespace: NS, services: new Map([['podinfo-primary', primary]]).values(), splits: [handMade, flaggerRoute],
      deliveries: { Canary: [canary({ phase: 'Progressing', canaryWeight: 10, failedChecks: 0, iterations: 0 }, { provider: 'gatewayapi:v1' })], Rollout: [rollout(paused())] },
    });
    assert.deepEqual(facts.services.map((x) => x.name), ['podinfo-primary'], 'ownership does not use up the Services');
    assert.deepEqual(facts.owned?.map((o) => [o.kind, o.name, o.owner.name, o.owner.via]), [
      ['HTTPRoute', 'podinfo', 'podinfo', 'ownerReferences'],
      ['Service', 'podinfo-primary', 'podinfo', 'ownerReferences'],
    ]);
    assert.deepEqual(facts.deliveries?.map((d) => [d.kind, d.name, d.brief, d.split?.name]), [
      ['Canary', 'podinfo', 'Progressing · 10% · 0/5 failed checks', 'podinfo'],
      ['Rollout', 'rollouts-demo', 'Paused · 20% · step 1/5', 'rollouts-demo-split'],
    ]);
    // Nothing owned, no deliveries: the fields are left out (the facts are compared as JSON).
    const plain = buildClusterFacts({ namespace: NS, services: [], splits: [handMade], deliveries: {} });
    assert.equal('owned' in plain || 'deliveries' in plain, false);
  });

  const st = (kind: string, state: KindStatus['state'], message: string): KindStatus => ({ kind, label: kind, state, message });
  const splitsReady = { trafficsplits: st('trafficsplits', 'ready', '1 TrafficSplit in x'), 'httproutes-gateway': st('httproutes-gateway', 'ready', '0 HTTPRoutes in x'), 'httproutes-policy': st('httproutes-policy', 'ready', '0 HTTPRoutes in x'), 'grpcroutes-gateway': st('grpcroutes-gateway', 'ready', '0 GRPCRoutes in x'), services: st('services', 'ready', '3 Services in x') };

  test('a missing or forbidden Canary or Rollout CRD leaves the session ready and its message alone', () => {
    const quiet = overallState({ ...splitsReady, canaries: st('canaries', 'crd-missing', 'Flagger Canary CRD not installed: install Flagger'), rollouts: st('rollouts', 'forbidden', 'Forbidden: user "u" cannot list rollouts.argoproj.io in namespace "x"') });
    assert.deepEqual(quiet, { state: 'ready', message: '1 TrafficSplit, 0 HTTPRoutes, 0 GRPCRoutes' });
    const counted = overallState({ ...splitsReady, canaries: st('canaries', 'ready', '1 Canary in x'), rollouts: st('rollouts', 'ready', '0 Rollouts in x') });
    assert.equal(counted.message, '1 TrafficSplit, 0 HTTPRoutes, 0 GRPCRoutes, 1 Canary');
    // Any other failure of theirs still counts (it is not "not installed").
    assert.equal(overallState({ ...splitsReady, rollouts: st('rollouts', 'error', 'boom') }).state, 'error');
  });
});

function paused(): Record<string, unknown> {
  return {
    phase: 'Paused', message: 'CanaryPauseStep', currentStepIndex: 1, observedGeneration: '3', controllerPause: true,
    pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2025-01-01T00:00:00Z' }],
    canary: { weights: { canary: { weight: 20 }, stable: { weight: 80 } } },
  };
}
