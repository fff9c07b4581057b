/**
 * GRPCRoute against a real kube-apiserver with the pinned Gateway API v1.2.1 GRPCRoute CRD
 * (test/fixtures/cluster/grpcroute-gateway-crd.yaml): discovery lists it under v1, the watch sees it change, and apply
 * (server-side dry run, then the real apply) works for it as for the other kinds. kubectl is the independent check.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import {
  ClusterError, ClusterLog, ClusterSession, loadKubeconfig, MemoryLog, planApply, type SessionOptions, type SessionState, type WatchChange,
} from '../../src/cluster';
import { splitsFromObjects } from '../../src/stats/fromManifests';
import { grpcRoute } from '../support/manifests';
import { waitFor } from '../support/wait';
import { startCluster, type Cluster } from './harness';
import { EXTENSION_WORDING } from '../../src/extension/wording';

const rejections: unknown[] = [];
process.on('unhandledRejection', (e) => rejections.push(e));

const NS = 'emojivoto';
const ID = 'grpcroutes-gateway';
const FAST = { backoff: { initialMs: 200, maxMs: 2000 }, discoveryIntervalMs: 1000, factsDebounceMs: 100 } satisfies Partial<SessionOptions>;

/** GRPCRoute `emoji-grpc`: web-apex:80 split between web-svc and web-svc-2 for one gRPC service. */
const route = (w1: number, w2: number, methodType?: string): string => grpcRoute({
  name: 'emoji-grpc',
  apex: { name: 'web-apex', port: 80 },
  rules: [{
    matches: [{ method: { type: methodType, service: 'emojivoto.v1.EmojiService' } }],
    backendRefs: [{ name: 'web-svc', port: 80, weight: w1 }, { name: 'web-svc-2', port: 80, weight: w2 }],
  }],
});

type Spec = { rules: { backendRefs: { name: string; weight: number }[] }[] };
const weightsOf = (spec: unknown): number[] => (spec as Spec).rules[0]!.backendRefs.map((b) => b.weight);

describe('GRPCRoute (real kube-apiserver, Gateway API v1.2.1 CRD)', () => {
  let cluster: Cluster;
  const memory = new MemoryLog();
  let session: ClusterSession;
  let kc: ReturnType<typeof loadKubeconfig>['kc'];
  const states: SessionState[] = [];
  const changes: WatchChange[] = [];

  const kubectl = async (args: string[], input?: string) => {
    const r = await cluster.kubectl(args, input !== undefined ? { input } : {});
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const liveWeights = async () => (await kubectl(['get', 'grpcroute.v1.gateway.networking.k8s.io', 'emoji-grpc', '-n', NS, '-o', 'jsonpath={.spec.rules[0].backendRefs[*].weight}'])).split(' ').map(Number);

  before(async () => {
    cluster = await startCluster();
    const loaded = loadKubeconfig({ setting: cluster.kubeconfig }, { namespace: NS }, EXTENSION_WORDING);
    kc = loaded.kc;
    session = new ClusterSession({ wording: EXTENSION_WORDING, kc: loaded.kc, namespace: NS, context: loaded.context, log: new ClusterLog(memory, loaded.redactor), ...FAST });
    session.on('state', (st) => states.push(st));
    session.on('change', (c) => changes.push(c));
    session.start();
    await waitFor('ready', () => states.find((st) => st.state === 'ready'), 15_000);
  });

  after(async () => {
    session?.dispose();
    await cluster?.stop();
    assert.ok(!memory.text.includes(cluster.adminToken), 'the admin token never reaches the log');
    assert.deepEqual(rejections, [], 'no unhandled promise rejections');
  });

  test('discovery reads GRPCRoutes as v1; none yet', () => {
    assert.equal(session.state.kinds[ID]?.version, 'v1');
    assert.equal(session.state.kinds[ID]?.state, 'ready');
    assert.equal(session.state.message, '1 TrafficSplit, 0 HTTPRoutes, 0 GRPCRoutes');
  });

  test('apply: the dry run writes nothing; the apply creates the route; the watch lists it', async () => {
    const plan = await planApply(route(900, 100), { kc, selectedNamespace: NS, log: new ClusterLog(memory) });
    assert.deepEqual([plan.kind, plan.apiVersion, plan.name, plan.namespace], ['GRPCRoute', 'gateway.networking.k8s.io/v1', 'emoji-grpc', NS]);
    assert.equal(plan.live, undefined);
    assert.equal(plan.changed, true);
    assert.deepEqual(weightsOf(plan.result.spec), [900, 100]);
    // The dry run's result has the CRD's defaults: the method match type left out is Exact.
    assert.doesNotMatch(route(900, 100), /type:/);
    assert.deepEqual((plan.result.spec as { rules: { matches: unknown[] }[] }).rules[0]?.matches, [{ method: { type: 'Exact', service: 'emojivoto.v1.EmojiService' } }]);
    const missing = await cluster.kubectl(['get', 'grpcroute', 'emoji-grpc', '-n', NS]);
    assert.notEqual(missing.code, 0, 'the dry run created nothing');

    const created = await plan.apply();
    assert.equal(created.status, 'created');
    assert.deepEqual(await liveWeights(), [900, 100]);
    await waitFor('the GRPCRoute through the watch', () => session.items(ID).find((o) => o.metadata?.name === 'emoji-grpc'), 3000);
    assert.equal(session.state.message, '1 TrafficSplit, 0 HTTPRoutes, 1 GRPCRoute');
    assert.ok(session.splits().some((o) => o.kind === 'GRPCRoute' && o.metadata?.name === 'emoji-grpc'), 'among the live splits');
    // The stats module reads the live object through the same adapters: one split, apex and port from the parentRef.
    const { splits } = splitsFromObjects(session.items(ID));
    assert.deepEqual(splits.map((s) => [s.kind, s.name, s.apex, s.apexPort, s.backends.map((b) => [b.name, b.weight, b.port])]), [
      ['GRPCRoute', 'emoji-grpc', 'web-apex', 80, [['web-svc', 900, 80], ['web-svc-2', 100, 80]]],
    ]);
  });

  test('a kubectl weight change arrives through the watch', async () => {
    const before = changes.length;
    await kubectl(['patch', 'grpcroute', 'emoji-grpc', '-n', NS, '--type=json', '-p', '[{"op":"replace","path":"/spec/rules/0/backendRefs/0/weight","value":250}]']);
    const change = await waitFor('MODIFIED', () => changes.slice(before).find((c) => c.kind === ID && c.type === 'MODIFIED'), 3000);
    assert.deepEqual(weightsOf(change.object?.spec), [250, 100]);
  });

  test('apply over the change: the dry run names kubectl\'s manager; forced, the weights are ours', async () => {
    const plan = await planApply(route(500, 500), { kc, selectedNamespace: NS, log: new ClusterLog(memory) });
    assert.deepEqual(weightsOf(plan.live?.spec), [250, 100]);
    assert.deepEqual(weightsOf(plan.result.spec), [500, 500]);
    assert.ok(plan.conflict, 'kubectl patch owns the weights now');
    assert.deepEqual(plan.conflict.managers, ['kubectl-patch']);
    assert.deepEqual(await liveWeights(), [250, 100], 'the dry run wrote nothing');
    const forced = await plan.apply(true);
    assert.equal(forced.status, 'configured');
    assert.deepEqual(await liveWeights(), [500, 500]);
  });

  test('the CRD\'s schema: a method match type GRPCRoute does not have is refused (422)', async () => {
    await assert.rejects(planApply(route(1, 1, 'Prefix'), { kc, selectedNamespace: NS, log: new ClusterLog(memory) }), (e: ClusterError) => {
      assert.equal(e.kind, 'invalid');
      assert.equal(e.status, 422);
      assert.match(e.message, /method\.type/);
      return true;
    });
  });
});
