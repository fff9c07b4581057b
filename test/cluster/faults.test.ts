/**
 * Faults against a real kube-apiserver (test/cluster/harness.ts), as the user sees them: the API server stopped
 * mid-watch (unreachable, then back by itself), a kubeconfig with a wrong token (401 → unauthorized), and CRDs
 * deleted (crd-missing with the next step; the TrafficSplit CRD last, since it ends the emojivoto split).
 * No unhandled promise rejection anywhere, and no token in the log.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import {
  ClusterError, ClusterLog, ClusterSession, loadKubeconfig, MemoryLog, planApply, type SessionOptions, type SessionState,
} from '../../src/cluster';
import { waitFor } from '../support/wait';
import { startCluster, type Cluster } from './harness';
import { EXTENSION_WORDING } from '../../src/extension/wording';

const rejections: unknown[] = [];
process.on('unhandledRejection', (e) => rejections.push(e));

const NS = 'emojivoto';
const FAST = { backoff: { initialMs: 200, maxMs: 2000 }, discoveryIntervalMs: 1000, factsDebounceMs: 100 } satisfies Partial<SessionOptions>;

describe('faults (real kube-apiserver)', () => {
  let cluster: Cluster;
  const memory = new MemoryLog();
  const sessions: ClusterSession[] = [];
  const timings: Record<string, number> = {};
  /** What the user sees, for the closing note: state, message, next step. */
  const seen: Record<string, string> = {};

  before(async () => {
    cluster = await startCluster();
  });

  after(async () => {
    for (const s of sessions) s.dispose();
    await cluster?.stop();
    process.stderr.write(`[faults.test] timings ${JSON.stringify(timings)}\n[faults.test] seen ${JSON.stringify(seen, null, 1)}\n`);
    assert.ok(memory.lines.some((l) => l.startsWith('[warn]')), 'faults were logged');
    for (const token of [cluster.adminToken, cluster.readerToken, cluster.badToken]) {
      assert.ok(!memory.text.includes(token), 'no token reaches the log');
    }
    assert.deepEqual(rejections, [], 'no unhandled promise rejections');
  });

  function session(kubeconfig: string) {
    const loaded = loadKubeconfig({ setting: kubeconfig }, {}, EXTENSION_WORDING);
    const s = new ClusterSession({ wording: EXTENSION_WORDING, kc: loaded.kc, namespace: NS, context: loaded.context, log: new ClusterLog(memory, loaded.redactor), ...FAST });
    sessions.push(s);
    const states: (SessionState & { at: number })[] = [];
    s.on('state', (st) => states.push({ ...st, at: Date.now() }));
    return { s, states, loaded };
  }
  const show = (st: { state: string; message: string; nextStep?: string }) => `${st.state}: ${st.message}${st.nextStep ? ` — ${st.nextStep}` : ''}`;

  test('API server stopped mid-watch: unreachable, then it recovers by itself and sees changes again', async (t) => {
    const { s, states } = session(cluster.kubeconfig);
    s.start();
    await waitFor('ready', () => states.find((st) => st.state === 'ready'), 15_000);

    const stopAt = Date.now();
    await cluster.stopApiServer();
    // A failure while it is down must not leave it down for the tests after this one.
    let restarted = false;
    t.after(async () => { if (!restarted) await cluster.startApiServer(); });
    const stoppedAt = Date.now();
    timings.apiServerStopMs = stoppedAt - stopAt;
    const down = await waitFor('unreachable', () => states.find((st) => st.at >= stopAt && st.state === 'unreachable'), 10_000);
    timings.unreachableAfterPortClosedMs = Math.max(0, down.at - stoppedAt);
    seen.unreachable = show(down);
    assert.match(down.message, /^Cannot reach the API server at https:\/\/127\.0\.0\.1:\d+: (connection refused|connection reset|connection lost)$/);
    assert.equal(down.nextStep, 'Check that the cluster is running and that the kubeconfig points at it; Canary Lens keeps retrying.');
    // One state event per change, not one per retry: the server stays down for a while.
    await new Promise((r) => setTimeout(r, 3000));
    const whileDown = states.filter((st) => st.at >= down.at);
    // At most one event per kind (a slow shutdown under load drops the kinds' watches one by one, each a change),
    // never one per retry (with FAST backoff every kind retries several times in these 3 s).
    const kinds = Object.keys(down.kinds).length;
    const sequence = whileDown.map((st) => Object.values(st.kinds).filter((k) => k!.state === 'unreachable').length).join(', ');
    assert.ok(whileDown.length <= kinds + 1, `few state events while down: ${whileDown.length} for ${kinds} kinds (unreachable kinds per event: ${sequence})`);
    assert.ok(whileDown.every((st) => st.state === 'unreachable'));
    // Apply while down: a typed error, not a hang.
    await assert.rejects(planApply('apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata: {name: x}\nspec: {service: a, backends: [{service: b, weight: 1}]}\n', {
      kc: loadKubeconfig({ setting: cluster.kubeconfig }, {}, EXTENSION_WORDING).kc, selectedNamespace: NS, log: new ClusterLog(memory),
    }), (e: ClusterError) => e.kind === 'unreachable');

    const startAt = Date.now();
    await cluster.startApiServer();
    restarted = true;
    const serverUpMs = Date.now() - startAt;
    const back = await waitFor('ready again', () => states.find((st) => st.at >= startAt && st.state === 'ready'), 15_000);
    timings.apiServerUpMs = serverUpMs;
    timings.readyAgainAfterStartMs = back.at - startAt;
    seen.recovered = show(back);
    assert.ok(!states.some((st) => st.at >= startAt && st.state === 'crd-missing'), 'a restarting server is not mistaken for missing CRDs');
    // The watch works again.
    const r = await cluster.kubectl(['patch', 'trafficsplit', 'web-svc-ts', '-n', NS, '--type=json', '-p', '[{"op":"replace","path":"/spec/backends/1/weight","value":750}]']);
    assert.equal(r.code, 0, r.stderr);
    await waitFor('the watch after recovery', () => (s.items('trafficsplits')[0]?.spec as { backends?: { weight: number }[] } | undefined)?.backends?.[1]?.weight === 750, 2000);
    s.dispose();
  });

  test('a kubeconfig with a wrong token: unauthorized (401), for discovery and for apply', async () => {
    const { s, states, loaded } = session(cluster.badTokenKubeconfig);
    s.start();
    const st = await waitFor('unauthorized', () => states.find((x) => x.state === 'unauthorized'), 15_000);
    seen.unauthorized = show(st);
    assert.equal(st.message, 'The API server rejected the credentials (401 Unauthorized)');
    assert.equal(st.nextStep, 'The token or client certificate of this context is wrong or expired: log in again or refresh the kubeconfig.');
    assert.deepEqual(s.facts().namespaces, [], 'no facts without access');
    await assert.rejects(planApply('apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata: {name: x}\nspec: {service: a, backends: [{service: b, weight: 1}]}\n', {
      kc: loaded.kc, selectedNamespace: NS, log: new ClusterLog(memory, loaded.redactor),
    }), (e: ClusterError) => e.kind === 'unauthorized' && e.status === 401);
    s.dispose();
  });

  test('CRDs deleted: crd-missing with the next step (ServiceProfile, then TrafficSplit last); reinstalled: ready again', async () => {
    const { s, states } = session(cluster.kubeconfig);
    s.start();
    await waitFor('ready', () => states.find((x) => x.state === 'ready'), 15_000);

    assert.equal((await cluster.kubectl(['delete', 'crd', 'serviceprofiles.linkerd.io'])).code, 0);
    await waitFor('ServiceProfiles crd-missing', () => s.state.kinds.serviceprofiles?.state === 'crd-missing', 10_000);
    seen.serviceProfileCrdMissing = show(s.state.kinds.serviceprofiles!);
    assert.equal(s.state.kinds.serviceprofiles!.message, 'ServiceProfile CRD not installed: install the Linkerd CRDs (linkerd install --crds)');
    assert.equal(s.state.state, 'ready', 'a missing ServiceProfile CRD does not stop discovery of splits');

    const t = Date.now();
    assert.equal((await cluster.kubectl(['delete', 'crd', 'trafficsplits.split.smi-spec.io'])).code, 0);
    await waitFor('TrafficSplits crd-missing', () => s.state.kinds.trafficsplits?.state === 'crd-missing', 10_000);
    timings.trafficSplitCrdMissingAfterDeleteMs = Date.now() - t;
    seen.trafficSplitCrdMissing = show(s.state.kinds.trafficsplits!);
    assert.equal(s.state.kinds.trafficsplits!.message, 'TrafficSplit CRD not installed: install linkerd-smi');
    assert.deepEqual(s.items('trafficsplits'), []);
    // HTTPRoutes are still readable, so the session as a whole is usable; with only TrafficSplits asked for it is crd-missing.
    const only = new ClusterSession({ wording: EXTENSION_WORDING, kc: loadKubeconfig({ setting: cluster.kubeconfig }, {}, EXTENSION_WORDING).kc, namespace: NS, log: new ClusterLog(memory), kinds: ['trafficsplits', 'services'], ...FAST });
    sessions.push(only);
    only.start();
    await waitFor('overall crd-missing', () => only.state.state === 'crd-missing', 10_000);
    seen.overallCrdMissing = show(only.state);
    assert.equal(only.state.message, 'TrafficSplit CRD not installed: install linkerd-smi');
    // Applying a TrafficSplit now says the same, before any write.
    await assert.rejects(planApply('apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata: {name: x}\nspec: {service: a, backends: [{service: b, weight: 1}]}\n', {
      kc: loadKubeconfig({ setting: cluster.kubeconfig }, {}, EXTENSION_WORDING).kc, selectedNamespace: NS, log: new ClusterLog(memory),
    }), (e: ClusterError) => e.kind === 'crd-missing' && e.message === 'TrafficSplit CRD not installed: install linkerd-smi');

    // Installing linkerd-smi (the CRD) again: discovered without a restart.
    const crd = await cluster.kubectl(['apply', '--server-side', '-f', require.resolve('../fixtures/cluster/trafficsplit-crd.yaml')]);
    assert.equal(crd.code, 0, crd.stderr);
    await waitFor('TrafficSplits ready again', () => s.state.kinds.trafficsplits?.state === 'ready', 15_000);
    await waitFor('overall ready again', () => only.state.state === 'ready', 15_000);
  });
});
