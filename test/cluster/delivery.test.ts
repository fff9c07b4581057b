/**
 * Progressive delivery against a real kube-apiserver (test/cluster/harness.ts, with the vendored Flagger and Argo
 * Rollouts CRDs). No controller runs here, so the test writes a Canary's and a Rollout's status itself, through the
 * `status` subresource and as the controllers do: Flagger replaces it (UpdateStatus, fluxcd/flagger v1.44.0
 * pkg/canary/status.go), Argo merge-patches it (argoproj/argo-rollouts v1.9.1 rollout/sync.go persistRolloutStatus),
 * each under its own field manager. Then: the session's watchers see both and give their briefs; an HTTPRoute with an
 * ownerReference to the Canary and a TrafficSplit last written by Argo's manager are owned; promote, abort, retry and
 * full promote change the Rollout in the API server as the kubectl plugin does; the read-only user gets clear 403s
 * and quiet per-kind states; a Flagger CRD that goes away leaves the session ready.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import {
  ClusterError, ClusterLog, ClusterSession, deliveryStatusOf, loadKubeconfig, MemoryLog, runDeliveryAction, type K8sObject, type SessionOptions, type SessionState,
} from '../../src/cluster';
import type { ClusterFactsParams } from '../../src/protocol/messages';
import { EXTENSION_WORDING } from '../../src/extension/wording';
import { waitFor } from '../support/wait';
import { startCluster, type Cluster } from './harness';

const rejections: unknown[] = [];
process.on('unhandledRejection', (e) => rejections.push(e));

const NS = 'emojivoto';
const FAST = { backoff: { initialMs: 200, maxMs: 2000 }, discoveryIntervalMs: 1000, factsDebounceMs: 100 } satisfies Partial<SessionOptions>;
const NOW = '2025-01-01T00:00:00Z';

/** The last element that matches (the newest event). */
function lastOf<T>(list: readonly T[], match: (x: T) => boolean): T | undefined {
  return [...list].reverse().find(match);
}

/**
 * Flagger's Linkerd e2e Canary (fluxcd/flagger v1.44.0 test/linkerd/test-canary.sh: gatewayRefs to the Service, no
 * spec.provider, as its Linkerd install sets the mesh provider), aimed at emojivoto's web Deployment.
 */
const CANARY = `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: web, namespace: ${NS}}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  progressDeadlineSeconds: 60
  service:
    port: 80
    targetPort: http
    gatewayRefs:
    - {name: web, namespace: ${NS}, group: core, kind: Service, port: 80}
  analysis:
    interval: 15s
    threshold: 5
    maxWeight: 50
    stepWeight: 10
    metrics:
    - {name: request-success-rate, thresholdRange: {min: 99}, interval: 1m}
`;

/** Argo's SMI getting-started Rollout (argoproj/argo-rollouts v1.9.1 docs/getting-started/smi/rollout.yaml), with a named split and five steps. */
const ROLLOUT = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: rollouts-demo, namespace: ${NS}}
spec:
  replicas: 1
  paused: true
  strategy:
    canary:
      canaryService: rollouts-demo-canary
      stableService: rollouts-demo-stable
      trafficRouting:
        smi: {rootService: rollouts-demo-root, trafficSplitName: rollouts-demo-split}
      steps:
      - setWeight: 20
      - pause: {}
      - setWeight: 40
      - pause: {duration: 10s}
      - setWeight: 60
  revisionHistoryLimit: 2
  selector:
    matchLabels: {app: rollouts-demo}
  template:
    metadata:
      labels: {app: rollouts-demo}
    spec:
      containers:
      - name: rollouts-demo
        image: argoproj/rollouts-demo:blue
        ports:
        - {name: http, containerPort: 8080, protocol: TCP}
`;

describe('progressive delivery (real kube-apiserver)', () => {
  let cluster: Cluster;
  const memory = new MemoryLog();
  const sessions: ClusterSession[] = [];
  const timings: Record<string, number> = {};
  const admin = () => loadKubeconfig({ setting: cluster.kubeconfig }, { namespace: NS }, EXTENSION_WORDING);
  const reader = () => loadKubeconfig({ setting: cluster.readerKubeconfig }, { namespace: NS }, EXTENSION_WORDING);

  before(async () => {
    const t = Date.now();
    cluster = await startCluster();
    timings.clusterStartMs = Date.now() - t;
    timings.crdsEstablishedMs = cluster.timings.crdsEstablishedMs;
  });

  after(async () => {
    for (const s of sessions) s.dispose();
    await cluster?.stop();
    process.stderr.write(`[delivery.test] timings ${JSON.stringify(timings)}\n`);
    assert.ok(!memory.text.includes(cluster.adminToken), 'the admin token never reaches the log');
    assert.deepEqual(rejections, [], 'no unhandled promise rejections');
  });

  function session(kubeconfig: string, log = memory) {
    const loaded = loadKubeconfig({ setting: kubeconfig }, { namespace: NS }, EXTENSION_WORDING);
    const s = new ClusterSession({ wording: EXTENSION_WORDING, kc: loaded.kc, namespace: NS, context: loaded.context, log: new ClusterLog(log, loaded.redactor), ...FAST });
    sessions.push(s);
    const states: SessionState[] = [];
    const facts: ClusterFactsParams[] = [];
    s.on('state', (st) => states.push(st));
    s.on('facts', (f) => facts.push(f));
    return { s, states, facts };
  }

  async function kubectl(args: string[], input?: string): Promise<string> {
    const r = await cluster.kubectl(args, input !== undefined ? { input } : {});
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  }

  const api = () => admin().kc.makeApiClient(CustomObjectsApi);
  const rolloutRef = { group: 'argoproj.io', version: 'v1alpha1', namespace: NS, plural: 'rollouts', name: 'rollouts-demo' };
  const getRollout = async () => (await api().getNamespacedCustomObject(rolloutRef)) as K8sObject;
  const rolloutStatus = async () => ((await getRollout()).status ?? {}) as Record<string, unknown>;

  test('Canaries and Rollouts are discovered next to the splits, without changing the ready message', async () => {
    const { s, states } = session(cluster.kubeconfig);
    s.start();
    const ready = await waitFor('ready', () => states.find((st) => st.state === 'ready' && st.kinds.canaries?.state === 'ready' && st.kinds.rollouts?.state === 'ready'), 15_000);
    assert.equal(ready.message, '1 TrafficSplit, 0 HTTPRoutes, 0 GRPCRoutes');
    assert.equal(s.state.kinds.canaries?.version, 'v1beta1');
    assert.equal(s.state.kinds.rollouts?.version, 'v1alpha1');
    assert.deepEqual(s.deliveries(), []);
  });

  test('a Canary and a Rollout with their status: the watch sees them, the briefs and splits are right', async () => {
    const { s, facts } = session(cluster.kubeconfig);
    s.start();
    await waitFor('ready', () => s.state.state === 'ready' || undefined, 15_000);
    await kubectl(['apply', '-f', '-'], CANARY);
    await kubectl(['apply', '-f', '-'], ROLLOUT);
    const objects = api();
    // Flagger: UpdateStatus (PUT …/status) with the object, as pkg/canary/status.go does; CanaryStatus and the Promoted
    // condition as pkg/canary/status.go MakeStatusConditions writes it for Progressing.
    const canary = (await objects.getNamespacedCustomObject({ group: 'flagger.app', version: 'v1beta1', namespace: NS, plural: 'canaries', name: 'web' })) as K8sObject;
    await objects.replaceNamespacedCustomObjectStatus({
      group: 'flagger.app', version: 'v1beta1', namespace: NS, plural: 'canaries', name: 'web', fieldManager: 'flagger',
      body: {
        ...canary,
        status: {
          phase: 'Progressing', canaryWeight: 30, failedChecks: 1, iterations: 0, lastAppliedSpec: '5f7c8d', lastTransitionTime: NOW,
          conditions: [{ type: 'Promoted', status: 'Unknown', reason: 'Progressing', message: 'New revision detected, progressing canary analysis.', lastUpdateTime: NOW, lastTransitionTime: NOW }],
        },
      },
    });
    // Argo: a merge patch on …/status (rollout/sync.go persistRolloutStatus); RolloutStatus of a canary paused at its
    // pause step (pkg/kubectl-argo-rollouts/info/testdata shapes).
    const generation = (await getRollout()).metadata?.generation ?? 1;
    await objects.patchNamespacedCustomObjectStatus({
      ...rolloutRef, fieldManager: 'rollouts-controller',
      body: {
        status: {
          phase: 'Paused', message: 'CanaryPauseStep', observedGeneration: String(generation), currentStepIndex: 1, currentStepHash: '5f7ff4d7d8',
          currentPodHash: '6f646bf7b7', stableRS: 'f6db98dff', controllerPause: true,
          pauseConditions: [{ reason: 'CanaryPauseStep', startTime: NOW }],
          canary: { weights: { canary: { weight: 20, serviceName: 'rollouts-demo-canary', podTemplateHash: '6f646bf7b7' }, stable: { weight: 80, serviceName: 'rollouts-demo-stable', podTemplateHash: 'f6db98dff' } } },
          replicas: 2, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, HPAReplicas: 2, selector: 'app=rollouts-demo',
        },
      },
    }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));

    const seen = await waitFor('both deliveries with status', () => {
      const d = s.deliveries();
      return d.length === 2 && d.every((x) => x.phase !== 'Unknown') ? d : undefined;
    }, 5000);
    assert.deepEqual(seen.map((d) => [d.kind, d.name, d.brief]), [
      ['Canary', 'web', 'Progressing · 30% · 1/5 failed checks'],
      ['Rollout', 'rollouts-demo', 'Paused · 20% · step 1/5'],
    ]);
    const ro = seen[1]!;
    assert.deepEqual([ro.paused, ro.aborted, ro.actions, ro.split], [true, false, ['promote', 'promote-full', 'abort'], { namespace: NS, kind: 'TrafficSplit', name: 'rollouts-demo-split' }]);
    assert.equal(seen[0]!.message, 'New revision detected, progressing canary analysis.');
    assert.equal(seen[0]!.split, undefined, 'no provider in the spec and no owned split yet: unknown');
    // The same through the facts for the language server.
    const f = await waitFor('facts with both briefs', () => lastOf(facts, (x) => x.deliveries?.length === 2 && x.deliveries.every((d) => d.phase !== 'Unknown')), 3000);
    assert.deepEqual(f.deliveries, seen);
    assert.equal(s.state.message, '1 TrafficSplit, 0 HTTPRoutes, 0 GRPCRoutes, 1 Canary, 1 Rollout');
  });

  test('owned: an HTTPRoute with an ownerReference to the Canary, a TrafficSplit last written by Argo\'s manager', async () => {
    const { s, facts } = session(cluster.kubeconfig);
    s.start();
    await waitFor('deliveries read', () => s.deliveries().length === 2 || undefined, 15_000);
    const uid = (await kubectl(['get', 'canary', 'web', '-n', NS, '-o', 'jsonpath={.metadata.uid}'])).trim();
    assert.ok(uid);
    // As Flagger's Gateway API router creates it (pkg/router/gateway_api_v1beta1.go: NewControllerRef to the Canary; the
    // primary at 100, the canary at 0).
    const route = `apiVersion: gateway.networking.k8s.io/v1beta1
kind: HTTPRoute
metadata:
  name: web
  namespace: ${NS}
  ownerReferences:
  - {apiVersion: flagger.app/v1beta1, kind: Canary, name: web, uid: ${uid}, controller: true, blockOwnerDeletion: true}
spec:
  parentRefs:
  - {name: web, namespace: ${NS}, group: core, kind: Service, port: 80}
  rules:
  - backendRefs:
    - {name: web-primary, port: 80, weight: 100}
    - {name: web-canary, port: 80, weight: 0}
`;
    await kubectl(['create', '-f', '-'], route);
    // A TrafficSplit written by hand, whose weights Argo then set with a merge patch of its spec
    // (rollout/trafficrouting/smi/smi.go patchTrafficSplit) under its manager.
    await kubectl(['create', '-f', '-'], `apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata: {name: rollouts-demo-split, namespace: ${NS}}
spec:
  service: rollouts-demo-root
  backends:
  - {service: rollouts-demo-canary, weight: 0}
  - {service: rollouts-demo-stable, weight: 100}
`);
    await api().patchNamespacedCustomObject({
      group: 'split.smi-spec.io', version: 'v1alpha2', namespace: NS, plural: 'trafficsplits', name: 'rollouts-demo-split', fieldManager: 'rollouts-controller',
      body: { spec: { backends: [{ service: 'rollouts-demo-canary', weight: 20 }, { service: 'rollouts-demo-stable', weight: 80 }] } },
    }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));

    const owned = await waitFor('both owned', () => {
      const o = lastOf(facts, (x) => (x.owned?.length ?? 0) >= 2)?.owned;
      return o && o.some((x) => x.kind === 'TrafficSplit') && o.some((x) => x.kind === 'HTTPRoute') ? o : undefined;
    }, 5000);
    assert.deepEqual(owned.map((o) => [o.kind, o.group, o.name, o.owner.controller, o.owner.kind, o.owner.name, o.owner.via]), [
      ['HTTPRoute', 'gateway.networking.k8s.io', 'web', 'Flagger', 'Canary', 'web', 'ownerReferences'],
      ['TrafficSplit', 'split.smi-spec.io', 'rollouts-demo-split', 'Argo Rollouts', 'Rollout', 'rollouts-demo', 'managedFields'],
    ]);
    assert.ok(!owned.some((o) => o.name === 'web-svc-ts'), 'the hand-written emojivoto split is nobody\'s');
    // The Canary's split is now known: the route it owns.
    await waitFor('the Canary\'s split', () => s.deliveries().find((d) => d.kind === 'Canary')?.split?.name === 'web' || undefined, 3000);
    assert.deepEqual(s.deliveries().find((d) => d.kind === 'Canary')?.split, { namespace: NS, kind: 'HTTPRoute', name: 'web' });
  });

  test('promote, promote again, abort, retry, full promote: the Rollout changes in the API server as with the kubectl plugin', async () => {
    const { s } = session(cluster.kubeconfig);
    s.start();
    await waitFor('deliveries read', () => s.deliveries().length === 2 || undefined, 15_000);
    const kc = admin().kc;
    const t = Date.now();

    // Paused at a pause step (pauseConditions) and by spec.paused: clear the conditions, unpause the spec; the step
    // index stays for the controller to advance (promote.go: "clear pause conditions, or increment step index (never both)").
    const first = await runDeliveryAction(kc, NS, 'rollouts-demo', 'promote');
    timings.promoteMs = Date.now() - t;
    assert.deepEqual(first.sent, [
      { target: 'status', patch: '{"status":{"pauseConditions":null}}' },
      { target: 'object', patch: '{"spec":{"paused":false}}' },
    ]);
    assert.equal(first.message, "rollout 'rollouts-demo' promoted");
    let ro = await getRollout();
    let status = (ro.status ?? {}) as Record<string, unknown>;
    assert.equal(status.pauseConditions, undefined);
    assert.equal(status.currentStepIndex, 1);
    assert.equal(ro.spec?.paused, false);
    assert.deepEqual([deliveryStatusOf('Rollout', ro).phase, deliveryStatusOf('Rollout', ro).paused], ['Progressing', false]);

    // No pause conditions (e.g. in the middle of an analysis step): step on.
    const second = await runDeliveryAction(kc, NS, 'rollouts-demo', 'promote');
    assert.deepEqual(second.sent, [{ target: 'status', patch: '{"status":{"pauseConditions":null, "currentStepIndex":2}}' }]);
    assert.equal((await rolloutStatus()).currentStepIndex, 2);
    const watched = await waitFor('the watch sees step 2', () => s.deliveries().find((d) => d.kind === 'Rollout' && d.step?.index === 2), 3000);
    assert.match(watched.brief, /step 2\/5/);

    await runDeliveryAction(kc, NS, 'rollouts-demo', 'abort');
    assert.equal((await rolloutStatus()).abort, true);
    await runDeliveryAction(kc, NS, 'rollouts-demo', 'retry');
    assert.equal((await rolloutStatus()).abort, false);

    const full = await runDeliveryAction(kc, NS, 'rollouts-demo', 'promote-full');
    assert.deepEqual(full.sent, [{ target: 'status', patch: '{"status":{"promoteFull":true}}' }]);
    ro = await getRollout();
    status = (ro.status ?? {}) as Record<string, unknown>;
    assert.equal(status.promoteFull, true);
    assert.equal(full.rollout.metadata?.resourceVersion, ro.metadata?.resourceVersion, 'the outcome holds the Rollout as the server returned it');
  });

  test('the read-only user: quiet forbidden states for Canaries and Rollouts, and a clear 403 for each action', async () => {
    const local = new MemoryLog();
    const { s, states } = session(cluster.readerKubeconfig, local);
    s.start();
    await waitFor('both forbidden', () => (s.state.kinds.canaries?.state === 'forbidden' && s.state.kinds.rollouts?.state === 'forbidden') || undefined, 15_000);
    const ready = await waitFor('ready', () => lastOf(states, (st) => st.state === 'ready'), 5000);
    assert.equal(ready.message, '2 TrafficSplits, 1 HTTPRoute, 0 GRPCRoutes', 'the splits only (the earlier tests made a route and a split)');
    assert.equal(s.state.state, 'ready');
    assert.equal(s.state.nextStep, undefined);
    assert.match(s.state.kinds.rollouts?.message ?? '', /^Forbidden: user "canary-lens-reader" cannot list rollouts\.argoproj\.io in namespace "emojivoto"$/);
    assert.deepEqual(local.lines.filter((l) => l.startsWith('[warn]')), [], 'no warnings in the log for kinds the user may not read');
    assert.deepEqual(s.deliveries(), []);
    memory.lines.push(...local.lines);

    const kc = reader().kc;
    // abort: straight to the status subresource.
    await assert.rejects(runDeliveryAction(kc, NS, 'rollouts-demo', 'abort'), (e: unknown) => {
      assert.ok(e instanceof ClusterError);
      assert.equal(e.kind, 'forbidden');
      assert.equal(e.status, 403);
      assert.equal(e.message, 'Forbidden: user "canary-lens-reader" cannot patch rollouts/status (argoproj.io) in namespace "emojivoto"');
      assert.equal(e.nextStep, 'Ask for "patch" on rollouts/status (API group argoproj.io) in namespace "emojivoto", or choose another context or namespace.');
      return true;
    });
    // promote: reads the Rollout first.
    await assert.rejects(runDeliveryAction(kc, NS, 'rollouts-demo', 'promote'), (e: unknown) => e instanceof ClusterError && e.kind === 'forbidden' && /cannot get rollouts \(argoproj\.io\)/.test(e.message));
    // Allowed to read Rollouts (as a viewer role would be): promote is refused at the status patch.
    await kubectl(['create', '-f', '-'], `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: rollout-viewer, namespace: ${NS}}
rules:
- {apiGroups: [argoproj.io], resources: [rollouts], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rollout-viewer, namespace: ${NS}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: rollout-viewer}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: canary-lens-reader}
`);
    const refused = await waitFor('the status patch refused', async () => {
      try {
        await runDeliveryAction(kc, NS, 'rollouts-demo', 'promote-full');
        return undefined;
      } catch (e) {
        return e instanceof ClusterError && e.verb === 'patch' ? e : undefined;
      }
    }, 5000, { intervalMs: 200 });
    assert.equal(refused.nextStep, 'Ask for "patch" on rollouts/status (API group argoproj.io) in namespace "emojivoto", or choose another context or namespace.');
    // …and the session now reads its Rollouts.
    await waitFor('Rollouts readable', () => s.deliveries().some((d) => d.kind === 'Rollout') || undefined, 10_000);
  });

  test('a Flagger CRD that goes away: the Canaries kind is "not installed", the session stays ready', async () => {
    const { s } = session(cluster.kubeconfig);
    s.start();
    await waitFor('Canaries read', () => s.deliveries().some((d) => d.kind === 'Canary') || undefined, 15_000);
    await kubectl(['delete', 'crd', 'canaries.flagger.app', '--wait=true']);
    const missing = await waitFor('crd-missing', () => (s.state.kinds.canaries?.state === 'crd-missing' ? s.state : undefined), 15_000);
    assert.equal(missing.state, 'ready');
    assert.equal(missing.kinds.canaries?.message, 'Flagger Canary CRD not installed: install Flagger');
    assert.ok(!s.deliveries().some((d) => d.kind === 'Canary'));
    assert.ok(s.deliveries().some((d) => d.kind === 'Rollout'));
  });
});
