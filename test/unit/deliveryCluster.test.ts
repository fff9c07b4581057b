/**
 * The delivery rules reading the cluster too: workloads, templates and routes the client lists (ClusterFactsParams
 * `workloads`, `templates`, `routes`, `coverage`, through the server's `clusterFacts`). Each rule speaks when the
 * cluster's list of the kind covers the namespace and the object is in neither the workspace nor the cluster, keeps
 * quiet when the cluster has it, and keeps quiet when the kind's coverage is unknown (the CRD missing, the list refused,
 * an older client).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LanguageService } from '../../src/service/languageService';
import { clusterFacts } from '../../src/server/clusterFacts';
import type { ClusterFactsParams, ClusterWorkload } from '../../src/protocol/messages';
import { canary, canaryStrategy, pluginDemoCanary, PLUGIN_DEMO_POD, podSpec, rollout } from '../support/deliveryManifests';

const URI = 'file:///ws/delivery.yaml';

/** Cluster facts of namespace `ns` (its Services known, none of them) with these extra lists. */
function params(extra: Partial<ClusterFactsParams>, ns = 'test'): ClusterFactsParams {
  return { namespaces: [ns], services: [], serviceProfiles: [], ...extra };
}

function diagnostics(text: string, cluster: ClusterFactsParams | undefined, prefix: string): { code: string; message: string }[] {
  const ls = new LanguageService();
  ls.setFile(URI, text);
  if (cluster) ls.setClusterFacts(clusterFacts(cluster));
  ls.index.indexSome(Infinity);
  return ls.diagnostics(URI).filter((d) => String(d.code) === prefix).map((d) => ({ code: String(d.code), message: typeof d.message === 'string' ? d.message : d.message.value }));
}

const workload = (name: string, o: Partial<ClusterWorkload> = {}): ClusterWorkload =>
  ({ kind: 'Deployment', namespace: 'test', name, podLabels: { app: name }, containerPorts: [{ port: 9898, name: 'http' }], ...o });

// ---- Flagger -----------------------------------------------------------------------------------------------------

test('canary-target-not-found: the cluster\'s Deployments cover the namespace and lack the target', () => {
  const text = canary({ target: 'podinfo' });
  const seen = diagnostics(text, params({ workloads: [workload('other')], coverage: { Deployment: ['test'] } }), 'canary-target-not-found');
  assert.equal(seen.length, 1);
  assert.match(seen[0]!.message, /^Deployment podinfo \(spec\.targetRef\) is not in namespace test in the workspace or the cluster/);
  // Covered, and none at all: still said.
  assert.equal(diagnostics(text, params({ coverage: { Deployment: ['test'] } }), 'canary-target-not-found').length, 1);
  // The cluster has it.
  assert.deepEqual(diagnostics(text, params({ workloads: [workload('podinfo')], coverage: { Deployment: ['test'] } }), 'canary-target-not-found'), []);
  // Unknown: no coverage, coverage of another kind or namespace, or an older client (no coverage field at all).
  assert.deepEqual(diagnostics(text, params({ workloads: [workload('other')] }), 'canary-target-not-found'), []);
  assert.deepEqual(diagnostics(text, params({ coverage: { DaemonSet: ['test'], Deployment: ['other'] } }), 'canary-target-not-found'), []);
  assert.deepEqual(diagnostics(text, undefined, 'canary-target-not-found'), []);
  // A DaemonSet of that name in the cluster: the hint names it.
  const hinted = diagnostics(text, params({ workloads: [workload('podinfo', { kind: 'DaemonSet' })], coverage: { Deployment: ['test'], DaemonSet: ['test'] } }), 'canary-target-not-found');
  assert.match(hinted[0]!.message, /a DaemonSet podinfo is: set targetRef\.kind to DaemonSet/);
});

test('canary-port-invalid: judged against the cluster Deployment\'s container ports when the workspace has none', () => {
  const text = canary({ service: ['port: 8080'] });
  const seen = diagnostics(text, params({ workloads: [workload('podinfo')], coverage: { Deployment: ['test'] } }), 'canary-port-invalid');
  assert.equal(seen.length, 1);
  assert.match(seen[0]!.message, /service\.port 8080 is not a port of Deployment podinfo's containers \(they declare 9898 \(http\)\)/);
  assert.deepEqual(diagnostics(canary({ service: ['port: 80', 'targetPort: http'] }), params({ workloads: [workload('podinfo')], coverage: { Deployment: ['test'] } }), 'canary-port-invalid'), []);
  // Not in the cluster facts: nothing to judge against.
  assert.deepEqual(diagnostics(text, params({ coverage: { Deployment: ['test'] } }), 'canary-port-invalid'), []);
});

test('canary-template-not-found: the cluster\'s MetricTemplates cover the namespace', () => {
  const analysis = ['interval: 1m', 'stepWeight: 10', 'metrics:', '- name: latency', '  templateRef:', '    name: latency'];
  const text = canary({ analysis });
  const seen = diagnostics(text, params({ templates: [{ kind: 'MetricTemplate', namespace: 'test', name: 'error-rate' }], coverage: { MetricTemplate: ['test'] } }), 'canary-template-not-found');
  assert.equal(seen.length, 1);
  assert.match(seen[0]!.message, /^MetricTemplate latency is not in namespace test in the workspace or the cluster/);
  assert.deepEqual(diagnostics(text, params({ templates: [{ kind: 'MetricTemplate', namespace: 'test', name: 'latency' }], coverage: { MetricTemplate: ['test'] } }), 'canary-template-not-found'), []);
  // The MetricTemplate CRD missing or refused: no coverage, nothing said (an AnalysisTemplate coverage is no MetricTemplate's).
  assert.deepEqual(diagnostics(text, params({ coverage: { AnalysisTemplate: ['test'] } }), 'canary-template-not-found'), []);
});

// ---- Argo Rollouts -----------------------------------------------------------------------------------------------

/** examples/workload-ref/workload-ref.yaml of argoproj/argo-rollouts v1.9.1, in namespace test. */
const WORKLOAD_REF = rollout('rollout-ref-deployment', 'test', `  replicas: 5
  workloadRef:
    apiVersion: apps/v1
    kind: Deployment
    name: rollout-ref-deployment
  strategy:
`, canaryStrategy({ services: { canaryService: 'ref-canary', stableService: 'ref-stable' }, steps: '      - setWeight: 20\n' }));

test('rollout-workload-not-found: the cluster\'s Deployments cover the namespace and lack the workloadRef', () => {
  const seen = diagnostics(WORKLOAD_REF, params({ coverage: { Deployment: ['test'] } }), 'rollout-workload-not-found');
  assert.equal(seen.length, 1);
  assert.match(seen[0]!.message, /no Deployment rollout-ref-deployment in namespace test in the workspace or the cluster/);
  assert.deepEqual(diagnostics(WORKLOAD_REF, params({ workloads: [workload('rollout-ref-deployment')], coverage: { Deployment: ['test'] } }), 'rollout-workload-not-found'), []);
  assert.deepEqual(diagnostics(WORKLOAD_REF, params({ workloads: [workload('other')] }), 'rollout-workload-not-found'), []);
});

test('rollout-service-invalid: a Service selector checked against the pod labels of the cluster\'s workloadRef Deployment', () => {
  const service = (app: string) => ({ name: 'ref-canary', namespace: 'test', ports: [{ port: 80 }], selector: { app } });
  const both = (app: string) => [service(app), { ...service(app), name: 'ref-stable' }];
  const cluster = (app: string): ClusterFactsParams => params({ services: both(app), workloads: [workload('rollout-ref-deployment', { podLabels: { app: 'ref-app' } })], coverage: { Deployment: ['test'] } });
  const seen = diagnostics(WORKLOAD_REF, cluster('other-app'), 'rollout-service-invalid');
  assert.equal(seen.length, 2);
  assert.match(seen[0]!.message, /selects app=other-app, which the pods of workloadRef rollout-ref-deployment lack/);
  assert.deepEqual(diagnostics(WORKLOAD_REF, cluster('ref-app'), 'rollout-service-invalid'), []);
});

test('rollout-template-not-found: the cluster\'s AnalysisTemplates and ClusterAnalysisTemplates', () => {
  const steps = '      - setWeight: 20\n      - analysis:\n          templates:\n          - templateName: success-rate\n          - templateName: cluster-check\n            clusterScope: true\n';
  const text = rollout('rollouts-demo', 'test', '  replicas: 1\n  strategy:\n', canaryStrategy({ steps }), podSpec({ app: 'demo', container: 'demo', image: 'demo:1', compact: true }));
  const seen = diagnostics(text, params({ coverage: { AnalysisTemplate: ['test'], ClusterAnalysisTemplate: [''] } }), 'rollout-template-not-found');
  assert.deepEqual(seen.map((d) => /^(\w+) ([\w-]+)/.exec(d.message)!.slice(1).join(' ')), ['AnalysisTemplate success-rate', 'ClusterAnalysisTemplate cluster-check']);
  assert.match(seen[0]!.message, /is not in namespace test in the workspace or the cluster/);
  assert.match(seen[1]!.message, /is not in the cluster in the workspace or the cluster/);
  const templates = [{ kind: 'AnalysisTemplate' as const, namespace: 'test', name: 'success-rate' }, { kind: 'ClusterAnalysisTemplate' as const, namespace: '', name: 'cluster-check' }];
  assert.deepEqual(diagnostics(text, params({ templates, coverage: { AnalysisTemplate: ['test'], ClusterAnalysisTemplate: [''] } }), 'rollout-template-not-found'), []);
  // ClusterAnalysisTemplates refused (a 403 is common): only the AnalysisTemplate is said.
  const partial = diagnostics(text, params({ coverage: { AnalysisTemplate: ['test'] } }), 'rollout-template-not-found');
  assert.equal(partial.length, 1);
  assert.match(partial[0]!.message, /^AnalysisTemplate success-rate/);
  assert.deepEqual(diagnostics(text, params({}), 'rollout-template-not-found'), []);
});

test('rollout-route-not-found: the cluster\'s HTTPRoutes and GRPCRoutes', () => {
  const text = rollout('rollouts-demo', 'test', '  replicas: 5\n  strategy:\n', pluginDemoCanary('            httpRoute: http-route\n            grpcRoute: grpc-route\n', '        - setWeight: 30\n'), PLUGIN_DEMO_POD);
  const seen = diagnostics(text, params({ coverage: { HTTPRoute: ['test'], GRPCRoute: ['test'] } }), 'rollout-route-not-found');
  assert.equal(seen.length, 2);
  assert.match(seen[0]!.message, /^HTTPRoute http-route \(.*\) is not in namespace test in the workspace or the cluster/);
  const routes = [
    { kind: 'HTTPRoute' as const, group: 'gateway.networking.k8s.io', namespace: 'test', name: 'http-route' },
    { kind: 'GRPCRoute' as const, group: 'gateway.networking.k8s.io', namespace: 'test', name: 'grpc-route' },
  ];
  assert.deepEqual(diagnostics(text, params({ routes, coverage: { HTTPRoute: ['test'], GRPCRoute: ['test'] } }), 'rollout-route-not-found'), []);
  // GRPCRoutes not readable: only the HTTPRoute is said; neither list known: nothing.
  const partial = diagnostics(text, params({ coverage: { HTTPRoute: ['test'] } }), 'rollout-route-not-found');
  assert.deepEqual(partial.map((d) => d.message.split(' ').slice(0, 2).join(' ')), ['HTTPRoute http-route']);
  assert.deepEqual(diagnostics(text, params({ routes: [] }), 'rollout-route-not-found'), []);
});

test('clusterFacts: lists of the wrong shape are left out, unknown template kinds too, and coverage keeps only lists of strings', () => {
  const facts = clusterFacts(params({
    workloads: [workload('ok'), { kind: 'Deployment', namespace: 'test', name: 'bad' } as unknown as ClusterWorkload, workload('bad-port', { containerPorts: [{ port: 'x' as unknown as number }] })],
    templates: [{ kind: 'MetricTemplate', namespace: 'test', name: 'm' }, { kind: 'Canary' as 'MetricTemplate', namespace: 'test', name: 'not-a-template' }, { kind: 'ClusterAnalysisTemplate', namespace: 'test', name: 'c' }],
    routes: [{ kind: 'Service' as 'HTTPRoute', group: '', namespace: 'test', name: 'x' }],
    coverage: { Deployment: ['test'], bad: 'test' as unknown as string[] },
  }))!;
  assert.deepEqual(facts.workloads?.map((w) => w.name), ['ok']);
  assert.deepEqual(facts.facts.filter((f) => f.type === 'Template').map((f) => `${f.ns}/${f.name}`), ['test/m', '/c']);
  assert.equal(facts.routes, undefined);
  assert.deepEqual(facts.coverage, { Deployment: ['test'] });
});
