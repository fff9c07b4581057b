/**
 * Discovery against a real kube-apiserver (test/cluster/harness.ts): the emojivoto split is listed, a weight change
 * made with kubectl arrives through the watch within 2 s, the cluster facts for the language server hold the
 * Services with ports, selectors and ready endpoints, and the read-only user gets "forbidden" outside its namespace.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import {
  ClusterLog, ClusterSession, kindSpec, listNamespaces, loadKubeconfig, MemoryLog, ResourceWatcher, type KindStatus, type SessionOptions,
  type SessionState, type WatchChange,
} from '../../src/cluster';
import type { ClusterFactsParams } from '../../src/protocol/messages';
import { liveSplits } from '../../src/extension/panel/liveSplits';
import { computeSplit } from '../../src/stats';
import { waitFor } from '../support/wait';
import { startCluster, type Cluster } from './harness';
import { EXTENSION_WORDING } from '../../src/extension/wording';

const rejections: unknown[] = [];
process.on('unhandledRejection', (e) => rejections.push(e));

const NS = 'emojivoto';
const FAST = { backoff: { initialMs: 200, maxMs: 2000 }, discoveryIntervalMs: 1000, factsDebounceMs: 100 } satisfies Partial<SessionOptions>;

describe('discovery (real kube-apiserver)', () => {
  let cluster: Cluster;
  const memory = new MemoryLog();
  const sessions: ClusterSession[] = [];
  const timings: Record<string, number> = {};

  before(async () => {
    const t = Date.now();
    cluster = await startCluster();
    timings.clusterStartMs = Date.now() - t;
  });

  after(async () => {
    for (const s of sessions) s.dispose();
    await cluster?.stop();
    process.stderr.write(`[discovery.test] timings ${JSON.stringify(timings)}\n`);
    assert.ok(!memory.text.includes(cluster.adminToken), 'the admin token never reaches the log');
    assert.ok(!memory.text.includes(cluster.readerToken), 'the reader token never reaches the log');
    assert.deepEqual(rejections, [], 'no unhandled promise rejections');
  });

  function session(kubeconfig: string, namespace = NS) {
    const loaded = loadKubeconfig({ setting: kubeconfig }, { namespace }, EXTENSION_WORDING);
    const s = new ClusterSession({ wording: EXTENSION_WORDING, kc: loaded.kc, namespace, context: loaded.context, log: new ClusterLog(memory, loaded.redactor), ...FAST });
    sessions.push(s);
    const states: SessionState[] = [];
    const changes: (WatchChange & { at: number })[] = [];
    const facts: ClusterFactsParams[] = [];
    s.on('state', (st) => states.push(st));
    s.on('change', (c) => changes.push({ ...c, at: Date.now() }));
    s.on('facts', (f) => facts.push(f));
    return { s, states, changes, facts, loaded };
  }

  test('lists the emojivoto split (v1alpha2) and every kind; sees a kubectl weight change within 2 s', async () => {
    const t = Date.now();
    const { s, states, changes } = session(cluster.kubeconfig);
    s.start();
    const ready = await waitFor('ready', () => states.find((st) => st.state === 'ready'), 15_000);
    timings.readyMs = Date.now() - t;
    assert.equal(ready.message, '1 TrafficSplit, 0 HTTPRoutes, 0 GRPCRoutes');
    assert.equal(states[0]!.state, 'connecting');
    assert.equal(s.state.kinds.trafficsplits?.version, 'v1alpha2');
    assert.equal(s.state.kinds['httproutes-gateway']?.version, 'v1');
    assert.equal(s.state.kinds['httproutes-policy']?.version, 'v1beta3');
    assert.equal(s.state.kinds['grpcroutes-gateway']?.version, 'v1');
    assert.equal(s.state.kinds.serviceprofiles?.version, 'v1alpha2');
    const splits = s.items('trafficsplits');
    assert.deepEqual(splits.map((o) => o.metadata?.name), ['web-svc-ts']);
    assert.deepEqual(splits[0]!.spec, { service: 'web-apex', backends: [{ service: 'web-svc', weight: 500 }, { service: 'web-svc-2', weight: 500 }] });
    assert.deepEqual(s.items('services').map((o) => o.metadata?.name).sort(), ['emoji-svc', 'voting-svc', 'web-apex', 'web-svc', 'web-svc-2']);

    const before = changes.length;
    const t0 = Date.now();
    const patched = await cluster.kubectl(['patch', 'trafficsplit', 'web-svc-ts', '-n', NS, '--type=json', '-p', '[{"op":"replace","path":"/spec/backends/0/weight","value":250}]']);
    const kubectlDone = Date.now();
    assert.equal(patched.code, 0, patched.stderr);
    const change = await waitFor('the watch event', () => changes.slice(before).find((c) => c.kind === 'trafficsplits' && c.type === 'MODIFIED'), 2000 + (kubectlDone - t0));
    const afterKubectl = Math.max(0, change.at - kubectlDone);
    timings.watchEventAfterKubectlMs = afterKubectl;
    timings.watchEventSinceKubectlStartMs = change.at - t0;
    assert.ok(afterKubectl < 2000, `seen ${afterKubectl} ms after kubectl returned`);
    assert.deepEqual((change.object?.spec as { backends: unknown[] }).backends, [{ service: 'web-svc', weight: 250 }, { service: 'web-svc-2', weight: 500 }]);
    assert.deepEqual((s.items('trafficsplits')[0]!.spec as { backends: { weight: number }[] }).backends.map((b) => b.weight), [250, 500]);
  });

  test('a split created and deleted with kubectl comes and goes through the watch', async () => {
    const { s, states } = session(cluster.kubeconfig);
    s.start();
    await waitFor('ready', () => states.find((st) => st.state === 'ready'), 15_000);
    const manifest = 'apiVersion: split.smi-spec.io/v1alpha1\nkind: TrafficSplit\nmetadata: {name: second, namespace: emojivoto}\nspec:\n  service: web-apex\n  backends:\n  - {service: web-svc, weight: 900m}\n  - {service: web-svc-2, weight: 100m}\n';
    assert.equal((await cluster.kubectl(['apply', '-f', '-'], { input: manifest })).code, 0);
    // Stored as v1alpha1 (conversion None): read through v1alpha2 it is the same object.
    await waitFor('ADDED', () => s.items('trafficsplits').find((o) => o.metadata?.name === 'second'), 2000);
    assert.equal(s.state.message, '2 TrafficSplits, 0 HTTPRoutes, 0 GRPCRoutes');
    assert.equal((await cluster.kubectl(['delete', 'trafficsplit', 'second', '-n', NS])).code, 0);
    await waitFor('DELETED', () => !s.items('trafficsplits').some((o) => o.metadata?.name === 'second') || undefined, 2000);
  });

  test('a TrafficSplit written through v1alpha1 as Flagger and Argo Rollouts write it: strings through v1alpha2, exact desired shares', async () => {
    const { s, states } = session(cluster.kubeconfig);
    s.start();
    await waitFor('ready', () => states.find((st) => st.state === 'ready'), 15_000);
    assert.equal(s.state.kinds.trafficsplits?.version, 'v1alpha2');
    // String weights: a Go client's resource.Quantity marshals to a JSON string (kubernetes/apimachinery pkg/api/resource/quantity.go).
    const object = (a: string, b: string) => JSON.stringify({
      apiVersion: 'split.smi-spec.io/v1alpha1', kind: 'TrafficSplit', metadata: { name: 'quantities', namespace: NS },
      spec: { service: 'web-apex', backends: [{ service: 'web-svc', weight: a }, { service: 'web-svc-2', weight: b }] },
    });
    // The panel's and `canary-lens stats`' reading of the session's splits.
    const shares = () => {
      const split = liveSplits(s.splits(), NS).find((x) => x.name === 'quantities');
      return split && computeSplit(split, [], [], 60).backends.map((b) => [b.name, b.weightText, b.desiredShare]);
    };
    let r = await cluster.kubectl(['create', '-f', '-'], { input: object('40', '60') });
    assert.equal(r.code, 0, r.stderr);
    const listed = await waitFor('ADDED', () => s.items('trafficsplits').find((o) => o.metadata?.name === 'quantities'), 2000);
    assert.deepEqual((listed.spec as { backends: { weight: unknown }[] }).backends.map((b) => b.weight), ['40', '60'], 'read through v1alpha2 as stored (conversion None)');
    assert.deepEqual(shares(), [['web-svc', '40', 40 / 100], ['web-svc-2', '60', 60 / 100]]);
    // Milli quantities, replaced as a controller's Update replaces them.
    r = await cluster.kubectl(['replace', '-f', '-'], { input: object('250m', '750m') });
    assert.equal(r.code, 0, r.stderr);
    await waitFor('the milli weights through the watch', () => shares()?.[0]?.[1] === '250m' || undefined, 2000);
    assert.deepEqual(shares(), [['web-svc', '250m', 250 / 1000], ['web-svc-2', '750m', 750 / 1000]]);
    assert.equal((await cluster.kubectl(['delete', 'trafficsplit', 'quantities', '-n', NS])).code, 0);
    await waitFor('DELETED', () => !s.items('trafficsplits').some((o) => o.metadata?.name === 'quantities') || undefined, 2000);
  });

  test('a watch resumed from an expired resourceVersion gets 410 Gone from the server and re-lists, staying ready', async () => {
    const loaded = loadKubeconfig({ setting: cluster.kubeconfig }, {}, EXTENSION_WORDING);
    const local = new MemoryLog();
    const w = new ResourceWatcher(loaded.kc, kindSpec('trafficsplits'), NS, 'v1alpha2', { wording: EXTENSION_WORDING, log: new ClusterLog(local, loaded.redactor), backoff: FAST.backoff });
    const statuses: KindStatus[] = [];
    w.on('status', (st) => statuses.push(st));
    w.start();
    try {
      await waitFor('ready', () => w.status.state === 'ready' || undefined, 10_000);
      const lists = () => local.lines.filter((l) => l.includes('TrafficSplits: listed')).length;
      assert.equal(lists(), 1);
      // Make the next watch start from resourceVersion 1, long compacted out of the watch cache, and drop the current one.
      w['resourceVersion'] = '1';
      w['abortWatch']!();
      await waitFor('re-list after 410', () => lists() === 2 || undefined, 5000);
      assert.ok(local.lines.some((l) => l.includes('watch expired (410 Gone): re-listing')), local.text);
      assert.deepEqual(statuses.map((st) => st.state), ['ready'], 'no error state for an expired watch');
      memory.lines.push(...local.lines);
      // Watching again from the fresh list.
      const r = await cluster.kubectl(['annotate', 'trafficsplit', 'web-svc-ts', '-n', NS, 'seen=after-410', '--overwrite']);
      assert.equal(r.code, 0, r.stderr);
      await waitFor('the change after the re-list', () => w.items.get('web-svc-ts')?.metadata?.annotations?.seen === 'after-410' || undefined, 2000);
    } finally {
      w.dispose();
    }
  });

  test('cluster facts: Services with ports and selectors, ready endpoints, kept current', async () => {
    const { s, facts } = session(cluster.kubeconfig);
    s.start();
    const first = await waitFor('facts', () => facts.find((f) => f.namespaces.length > 0), 15_000);
    assert.deepEqual(first.namespaces, [NS]);
    const web = first.services.find((x) => x.name === 'web-svc');
    assert.deepEqual(web?.ports.map((p) => p.port), [80]);
    assert.equal(web?.namespace, NS);
    assert.ok(web?.selector && Object.keys(web.selector).length > 0, 'selector kept');
    assert.ok((web?.readyEndpoints ?? 0) > 0, 'web-svc has ready endpoints (harness Endpoints)');
    assert.equal(first.services.find((x) => x.name === 'web-apex')?.readyEndpoints, 0, 'the apex has no endpoints');
    assert.deepEqual(first.serviceProfiles, []);
    // A ServiceProfile with dstOverrides shows up in the facts.
    const sp = 'apiVersion: linkerd.io/v1alpha2\nkind: ServiceProfile\nmetadata: {name: web-apex.emojivoto.svc.cluster.local, namespace: emojivoto}\nspec:\n  dstOverrides:\n  - {authority: web-svc.emojivoto.svc.cluster.local:80, weight: 1}\n';
    assert.equal((await cluster.kubectl(['apply', '-f', '-'], { input: sp })).code, 0);
    const withSp = await waitFor('facts with the ServiceProfile', () => facts.find((f) => f.serviceProfiles.length > 0), 3000);
    assert.deepEqual(withSp.serviceProfiles, [{ name: 'web-apex.emojivoto.svc.cluster.local', namespace: NS, hasDstOverrides: true }]);
  });

  test('the read-only user: ready in its namespace, forbidden (with verb and resource) elsewhere', async () => {
    const mine = session(cluster.readerKubeconfig);
    mine.s.start();
    await waitFor('reader ready', () => mine.states.find((st) => st.state === 'ready'), 15_000);
    const other = session(cluster.readerKubeconfig, 'default');
    other.s.start();
    const forbidden = await waitFor('forbidden', () => other.states.find((st) => st.state === 'forbidden'), 15_000);
    assert.match(forbidden.message, /^Forbidden: user "canary-lens-reader" cannot list [a-z.]+ in namespace "default"$/);
    await waitFor('TrafficSplits forbidden', () => other.s.state.kinds.trafficsplits?.state === 'forbidden' || undefined, 5000);
    assert.equal(other.s.state.kinds.trafficsplits?.message, 'Forbidden: user "canary-lens-reader" cannot list trafficsplits.split.smi-spec.io in namespace "default"');
    assert.match(forbidden.nextStep ?? '', /Ask for "list" on/);
    assert.deepEqual(other.s.facts().namespaces, [], 'no facts are claimed for a namespace that cannot be read');
    // Namespaces: the reader may not list them; the known one is offered with the reason.
    const ns = await listNamespaces(mine.loaded.kc, [NS]);
    assert.deepEqual(ns.namespaces, [NS]);
    assert.equal(ns.forbidden?.kind, 'forbidden');
    const all = await listNamespaces(loadKubeconfig({ setting: cluster.kubeconfig }, {}, EXTENSION_WORDING).kc);
    assert.ok(all.namespaces.includes(NS) && all.namespaces.includes('default'));
  });

  test('contexts: one kubeconfig with three contexts, switched by name', () => {
    const loaded = loadKubeconfig({ setting: cluster.allContextsKubeconfig }, {}, EXTENSION_WORDING);
    assert.deepEqual(loaded.contexts.map((c) => c.name), ['canary-lens-test', 'canary-lens-reader', 'canary-lens-bad-token']);
    assert.equal(loaded.context, 'canary-lens-test');
    assert.equal(loaded.namespace, NS);
    assert.equal(loaded.namespaceSource, 'context');
    const readerCtx = loadKubeconfig({ setting: cluster.allContextsKubeconfig }, { context: 'canary-lens-reader' }, EXTENSION_WORDING);
    assert.equal(readerCtx.user, 'canary-lens-reader');
    assert.equal(readerCtx.server, cluster.server);
  });
});
