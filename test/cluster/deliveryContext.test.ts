/**
 * What the delivery rules read of a real kube-apiserver (test/cluster/harness.ts, with the vendored Flagger and Argo
 * Rollouts CRDs): a Deployment (its pod labels and container ports only) and an AnalysisTemplate created in the
 * namespace reach the facts the session emits, with the namespace in their kinds' coverage; a reader forbidden to list
 * Deployments and templates keeps the session ready, with quiet per-kind states and no coverage for those kinds.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { ClusterLog, ClusterSession, loadKubeconfig, MemoryLog, type SessionOptions } from '../../src/cluster';
import type { ClusterFactsParams } from '../../src/protocol/messages';
import { EXTENSION_WORDING } from '../../src/extension/wording';
import { waitFor } from '../support/wait';
import { startCluster, type Cluster } from './harness';

const NS = 'emojivoto';
const FAST = { backoff: { initialMs: 200, maxMs: 2000 }, discoveryIntervalMs: 1000, factsDebounceMs: 100 } satisfies Partial<SessionOptions>;

/** A Deployment as Flagger's podinfo example writes one (fluxcd/flagger v1.44.0 kustomize/podinfo/deployment.yaml), trimmed. */
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: podinfo, namespace: ${NS}, labels: {app: podinfo}}
spec:
  selector: {matchLabels: {app: podinfo}}
  template:
    metadata: {labels: {app: podinfo}}
    spec:
      containers:
      - name: podinfod
        image: ghcr.io/stefanprodan/podinfo:6.0.0
        env: [{name: PODINFO_UI_COLOR, value: '#34577c'}]
        ports:
        - {name: http, containerPort: 9898, protocol: TCP}
        - {name: http-metrics, containerPort: 9797, protocol: TCP}
`;

/** Argo's getting-started AnalysisTemplate shape (argoproj/argo-rollouts v1.9.1 docs/features/analysis.md). */
const TEMPLATE = `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: success-rate, namespace: ${NS}}
spec:
  metrics:
  - name: success-rate
    successCondition: result[0] >= 0.95
    provider:
      prometheus: {address: 'http://prometheus.example.com:9090', query: 'vector(1)'}
`;

describe('delivery context kinds (real kube-apiserver)', () => {
  let cluster: Cluster;
  const sessions: ClusterSession[] = [];

  before(async () => { cluster = await startCluster(); });
  after(async () => {
    for (const s of sessions) s.dispose();
    await cluster?.stop();
  });

  function session(kubeconfig: string, log = new MemoryLog()) {
    const loaded = loadKubeconfig({ setting: kubeconfig }, { namespace: NS }, EXTENSION_WORDING);
    const s = new ClusterSession({ wording: EXTENSION_WORDING, kc: loaded.kc, namespace: NS, context: loaded.context, log: new ClusterLog(log, loaded.redactor), ...FAST });
    sessions.push(s);
    const facts: ClusterFactsParams[] = [];
    s.on('facts', (f) => facts.push(f));
    return { s, facts, log };
  }

  test('a Deployment and an AnalysisTemplate reach the facts, slimmed, with their kinds covered', async () => {
    const { s, facts } = session(cluster.kubeconfig);
    s.start();
    await waitFor('ready', () => s.state.state === 'ready' || undefined, 15_000);
    for (const doc of [DEPLOYMENT, TEMPLATE]) {
      const r = await cluster.kubectl(['apply', '-f', '-'], { input: doc });
      assert.equal(r.code, 0, r.stderr);
    }
    const f = await waitFor('facts with both', () => [...facts].reverse().find((x) =>
      x.workloads?.some((w) => w.name === 'podinfo') && x.templates?.some((t) => t.name === 'success-rate')), 10_000);
    assert.deepEqual(f.workloads!.find((w) => w.name === 'podinfo'), {
      kind: 'Deployment', namespace: NS, name: 'podinfo', podLabels: { app: 'podinfo' },
      containerPorts: [{ port: 9898, name: 'http' }, { port: 9797, name: 'http-metrics' }],
    });
    assert.deepEqual(f.templates!.find((t) => t.name === 'success-rate'), { kind: 'AnalysisTemplate', namespace: NS, name: 'success-rate' });
    for (const kind of ['Deployment', 'DaemonSet', 'StatefulSet', 'MetricTemplate', 'AnalysisTemplate', 'TrafficSplit', 'HTTPRoute', 'GRPCRoute']) {
      assert.deepEqual(f.coverage?.[kind], [NS], kind);
    }
    assert.deepEqual(f.coverage?.ClusterAnalysisTemplate, [''], 'cluster-scoped: listed across the cluster');
    const ts = f.routes?.find((r) => r.kind === 'TrafficSplit' && r.name === 'web-svc-ts');
    assert.ok(ts, 'the emojivoto TrafficSplit among the routes');
    // Its claim on the apex, for split-not-in-effect against the cluster: linkerd-smi serves it as a ServiceProfile.
    assert.deepEqual(ts.claims, [{ apexNamespace: NS, apex: 'web-apex', viaProfile: true }]);
    assert.match(ts.createdAt ?? '', /^\d{4}-\d\d-\d\dT/);
    // The watcher keeps only what the facts read.
    const kept = s.items('deployments').find((o) => o.metadata?.name === 'podinfo');
    assert.equal(kept?.metadata?.managedFields, undefined);
    assert.ok(!JSON.stringify(kept).includes('PODINFO_UI_COLOR'), 'no env, image or status kept');
  });

  test('a reader forbidden to list Deployments and templates: the session stays ready, no coverage for those kinds', async () => {
    const { s, facts, log } = session(cluster.readerKubeconfig);
    s.start();
    await waitFor('deployments forbidden', () => (s.state.kinds.deployments?.state === 'forbidden' && s.state.kinds.analysistemplates?.state === 'forbidden' && s.state.kinds.clusteranalysistemplates?.state === 'forbidden') || undefined, 15_000);
    await waitFor('ready', () => s.state.state === 'ready' || undefined, 15_000);
    // Facts go out as the watchers sync: wait for the splits' list too (a busy machine syncs them later).
    const f = await waitFor('facts with Services and splits', () => [...facts].reverse().find((x) => x.namespaces.length > 0 && x.coverage?.TrafficSplit), 15_000);
    assert.equal(s.state.state, 'ready');
    assert.equal(s.state.nextStep, undefined);
    assert.equal(f.workloads, undefined);
    assert.equal(f.templates, undefined);
    for (const kind of ['Deployment', 'DaemonSet', 'StatefulSet', 'MetricTemplate', 'AnalysisTemplate', 'ClusterAnalysisTemplate']) assert.equal(f.coverage?.[kind], undefined, kind);
    assert.deepEqual(f.coverage?.TrafficSplit, [NS], 'the splits it may read are covered');
    assert.deepEqual(log.lines.filter((l) => l.startsWith('[warn]')), [], 'no warnings for kinds the user may not read');
  });
});
