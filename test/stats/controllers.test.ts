/**
 * The simulator standing in for Flagger and Argo Rollouts against a real kube-apiserver (test/cluster/harness.ts,
 * which installs the vendored CRDs): the demo's Canary `voting` and Rollout `emoji` (examples/emojivoto/) are created
 * as a user writes them, a release of each is started with kubectl, and the stand-in (time scale 0.1: Flagger's 10 s
 * interval is 1 s) takes them step by step.
 *
 * Checks, in the API server: the Canary goes Initialized → Progressing with canaryWeight stepWeight apart up to
 * maxWeight → Promoting → Finalising → Succeeded; the TrafficSplit `voting` Flagger generates carries an ownerReference
 * to the Canary and its weights are written by field manager `flagger`, status too (through /status); the simulator's
 * traffic follows those weights (requests reach voting-canary). The Rollout walks its steps to the indefinite pause and
 * stays there until the status patch `kubectl argo rollouts promote` sends, then becomes stable; the TrafficSplit
 * `emoji` is owned by the Rollout and written by `rollouts-controller`; abort sends the traffic back to stable
 * (Degraded), retry goes on. About 2 minutes (most of it the cluster's start).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { EMOJIVOTO_DIR, NAMESPACE as NS, startCluster, type Cluster } from '../cluster/harness';
import { startSimulator, type RunningSimulator } from '../../tools/simulator';
import { loadKubeConfig } from '../../tools/simulator/kube';
import { DELIVERY_EXAMPLES, DEMO_DELIVERIES } from '../../tools/demo/environment';
import { KubeWriter, objectPath } from '../../tools/simulator/delivery/kubeWrite';
import type { JsonObject } from '../../tools/simulator/delivery/objects';
import { sleep } from '../support/wait';

const TIME_SCALE = 0.1;
const { canary: CANARY, rollout: ROLLOUT } = DEMO_DELIVERIES;

interface Obj {
  metadata: { uid: string; ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[]; managedFields?: { manager: string; fieldsV1?: unknown }[] };
  spec?: { backends?: { service: string; weight: string | number }[]; strategy?: { canary?: { steps?: unknown[] } } };
  status?: Record<string, unknown>;
}

describe('simulator: stand-in Flagger and Argo Rollouts controllers on a real API server', { timeout: 600_000 }, () => {
  let cluster: Cluster | undefined;
  let sim: RunningSimulator | undefined;
  const simLog: string[] = [];

  const get = async (what: string): Promise<Obj> => {
    const r = await cluster!.kubectl(['-n', NS, 'get', what, '-o', 'json', '--show-managed-fields']);
    assert.equal(r.code, 0, `kubectl get ${what}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Obj;
  };
  const kubectl = async (args: string[]) => {
    const r = await cluster!.kubectl(['-n', NS, ...args]);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  };
  /** Polls `what` until `done` holds; fails with the last object after `ms`. */
  const until = async (what: string, done: (o: Obj) => boolean, ms = 60_000): Promise<Obj> => {
    const deadline = Date.now() + ms;
    let last: Obj | undefined;
    while (Date.now() < deadline) {
      last = await get(what);
      if (done(last)) return last;
      await sleep(100);
    }
    assert.fail(`${what}: not reached within ${ms / 1000} s; last status ${JSON.stringify(last?.status)}\nsimulator log:\n${simLog.slice(-30).join('\n')}`);
  };
  /** The canary's weight in a v1alpha1 TrafficSplit of the controllers (quantities). */
  const weightOf = (ts: Obj, service: string) => Number(ts.spec?.backends?.find((b) => b.service === service)?.weight);
  const managers = (o: Obj) => (o.metadata.managedFields ?? []).map((m) => m.manager);
  const statusWriters = (o: Obj) => (o.metadata.managedFields ?? []).filter((m) => JSON.stringify(m.fieldsV1 ?? {}).includes('"f:status"')).map((m) => m.manager);
  /** What `kubectl argo rollouts` sends: a JSON merge patch to the status subresource (pkg/kubectl-argo-rollouts/cmd). */
  const rolloutStatusPatch = async (status: JsonObject) => {
    const writer = new KubeWriter(loadKubeConfig(cluster!.kubeconfig));
    await writer.patch(objectPath('argoproj.io/v1alpha1', 'rollouts', NS, ROLLOUT.name, 'status'), { status }, 'kubectl-argo-rollouts');
  };
  /** The weights the simulator's traffic uses for a split, as it logged them (`TrafficSplit NAME → …: a 10, b 90`). */
  const loggedWeights = (split: string, backend: string): number[] => simLog.flatMap((l) => {
    const m = new RegExp(`^TrafficSplit ${split} → .*: .*\\b${backend} (\\d+)`).exec(l);
    return m ? [Number(m[1])] : [];
  });

  before(async () => {
    cluster = await startCluster({ log: (l) => process.stderr.write(`[cluster] ${l}\n`) });
    await kubectl(['create', ...DELIVERY_EXAMPLES.flatMap((f) => ['-f', path.join(EMOJIVOTO_DIR, f)])]);
    sim = await startSimulator({
      kubeconfig: cluster.kubeconfig,
      namespace: NS,
      rps: 40,
      // No failures on the canaries: the analysis must pass on every interval for the weights below.
      backends: { [CANARY.canary]: { errorRate: 0 }, [CANARY.primary]: { errorRate: 0 } },
      controllers: { timeScale: TIME_SCALE, tickMs: 100, podReadyMs: 2000 },
      backoff: { initialMs: 200, maxMs: 2000 },
      log: (l) => simLog.push(l),
    });
    await sim.synced(30_000);
  }, { timeout: 900_000 });

  after(async () => {
    await sim?.stop();
    await cluster?.stop();
    if (process.env.CANARY_LENS_SIM_LOG) process.stderr.write(`[controllers] simulator log:\n  ${simLog.join('\n  ')}\n`);
  });

  test('Flagger: generated objects owned by the Canary; a release goes step by step to Succeeded; split and status written as flagger; traffic follows', async () => {
    const initialized = await until(`canary/${CANARY.name}`, (o) => o.status?.phase === 'Initialized');
    const canaryUid = initialized.metadata.uid;
    for (const what of [`trafficsplits.v1alpha1.split.smi-spec.io/${CANARY.split}`, `service/${CANARY.primary}`, `service/${CANARY.canary}`, `service/${CANARY.split}`, `deployment/${CANARY.primary}`]) {
      const o = await get(what);
      assert.deepEqual(o.metadata.ownerReferences?.map((r) => [r.apiVersion, r.kind, r.name, r.uid, r.controller]), [['flagger.app/v1beta1', 'Canary', CANARY.name, canaryUid, true]], what);
    }
    assert.deepEqual(statusWriters(initialized), ['flagger'], 'the status is written by flagger');
    const { stepWeight, maxWeight } = (initialized as unknown as { spec: { analysis: { stepWeight: number; maxWeight: number } } }).spec.analysis;

    await kubectl(['set', 'image', `deployment/${CANARY.target}`, `${CANARY.container}=${CANARY.image}:v12`]);
    const seen = new Set<number>();
    const phases: string[] = [];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const c = await get(`canary/${CANARY.name}`);
      const phase = String(c.status?.phase);
      if (phases[phases.length - 1] !== phase) phases.push(phase);
      if (phase === 'Progressing') seen.add(Number(c.status?.canaryWeight));
      if (phase === 'Succeeded') break;
      assert.ok(Date.now() < deadline, `no Succeeded within 60 s: phases ${phases.join(' → ')}\n${simLog.slice(-20).join('\n')}`);
      await sleep(50);
    }
    assert.deepEqual(phases.filter((p) => p !== 'Initialized'), ['Progressing', 'Promoting', 'Finalising', 'Succeeded']);
    // Every weight the split went through, as the simulator's traffic saw it (the status is polled, and may skip one).
    const expected = Array.from({ length: maxWeight / stepWeight }, (_, k) => (k + 1) * stepWeight);
    const followed = loggedWeights(CANARY.split, CANARY.canary);
    assert.deepEqual(followed.filter((w) => w > 0), expected, `the simulator's traffic followed the weights: ${followed.join(', ')}`);
    assert.ok([...seen].every((w) => w === 0 || expected.includes(w)), `status weights ${[...seen].join(', ')}`);
    const ts = await get(`trafficsplits.v1alpha1.split.smi-spec.io/${CANARY.split}`);
    assert.equal(weightOf(ts, CANARY.canary), 0, 'promoted: all traffic back to the primary');
    assert.ok(managers(ts).includes('flagger'), `managers of the split: ${managers(ts).join(', ')}`);
    const sent = sim!.splits().find((s) => s.name === CANARY.split)?.backends.find((b) => b.name === CANARY.canary);
    assert.ok(sent && sent.success > 0, `requests reached ${CANARY.canary}: ${JSON.stringify(sent)}`);
    const target = (await get(`deployment/${CANARY.target}`)) as unknown as { spec: { replicas: number } };
    assert.equal(target.spec.replicas, 0, 'the target is scaled to zero after the promotion');
    const primary = (await get(`deployment/${CANARY.primary}`)) as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
    assert.equal(primary.spec.template.spec.containers[0]!.image, `${CANARY.image}:v12`, 'the primary runs the promoted template');
  });

  test('Argo Rollouts: the TrafficSplit owned by the Rollout; steps to the indefinite pause, which waits for promote; abort and retry', async () => {
    const healthy = await until(`rollout/${ROLLOUT.name}`, (o) => o.status?.phase === 'Healthy' && typeof o.status?.stableRS === 'string');
    const steps = healthy.spec?.strategy?.canary?.steps ?? [];
    const indefinite = steps.findIndex((s) => {
      const pause = (s as { pause?: { duration?: unknown } }).pause;
      return pause !== undefined && pause.duration === undefined;
    });
    assert.ok(indefinite > 0, `the demo Rollout has an indefinite pause: ${JSON.stringify(steps)}`);
    const ts0 = await get(`trafficsplits.v1alpha1.split.smi-spec.io/${ROLLOUT.split}`);
    assert.deepEqual(ts0.metadata.ownerReferences?.map((r) => [r.apiVersion, r.kind, r.name, r.uid, r.controller]), [['argoproj.io/v1alpha1', 'Rollout', ROLLOUT.name, healthy.metadata.uid, true]]);
    assert.ok(managers(ts0).includes('rollouts-controller'));
    assert.deepEqual(statusWriters(healthy), ['rollouts-controller']);

    await kubectl(['patch', `rollout/${ROLLOUT.name}`, '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: `${ROLLOUT.image}:v12` }])]);
    const paused = await until(`rollout/${ROLLOUT.name}`, (o) => o.status?.currentStepIndex === indefinite && o.status?.phase === 'Paused');
    assert.equal(paused.status?.message, 'CanaryPauseStep');
    const weightAtPause = (paused.status?.canary as { weights: { canary: { weight: number } } }).weights.canary.weight;
    const lastSetWeight = [...steps.slice(0, indefinite)].reverse().find((s) => typeof (s as { setWeight?: number }).setWeight === 'number') as { setWeight: number };
    assert.equal(weightAtPause, lastSetWeight.setWeight);
    assert.equal(weightOf(await get(`trafficsplits.v1alpha1.split.smi-spec.io/${ROLLOUT.split}`), ROLLOUT.canary), weightAtPause, 'the split carries the status weight');

    // The indefinite pause holds: what would be many timed pauses later it has not moved.
    await sleep(3000);
    const still = await get(`rollout/${ROLLOUT.name}`);
    assert.deepEqual([still.status?.phase, still.status?.currentStepIndex], ['Paused', indefinite]);

    // Promote as the kubectl plugin does; the stand-in goes on from what the API server says.
    await rolloutStatusPatch({ pauseConditions: null });
    const promoted = await until(`rollout/${ROLLOUT.name}`, (o) => o.status?.phase === 'Healthy' && o.status?.stableRS === o.status?.currentPodHash, 90_000);
    assert.equal(promoted.status?.currentStepIndex, steps.length);
    assert.equal(weightOf(await get(`trafficsplits.v1alpha1.split.smi-spec.io/${ROLLOUT.split}`), ROLLOUT.canary), 0);
    const followed = loggedWeights(ROLLOUT.split, ROLLOUT.canary);
    assert.ok(followed.includes(100), `the canary got all traffic before it became stable: ${followed.join(', ')}`);

    // Abort a new release at its first step: the traffic goes back to stable; retry goes on from step 0.
    await kubectl(['patch', `rollout/${ROLLOUT.name}`, '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: `${ROLLOUT.image}:v13` }])]);
    await until(`trafficsplits.v1alpha1.split.smi-spec.io/${ROLLOUT.split}`, (o) => weightOf(o, ROLLOUT.canary) > 0);
    await rolloutStatusPatch({ abort: true });
    const aborted = await until(`rollout/${ROLLOUT.name}`, (o) => o.status?.phase === 'Degraded');
    assert.match(String(aborted.status?.message), /^RolloutAborted: Rollout aborted update to revision \d+$/);
    await until(`trafficsplits.v1alpha1.split.smi-spec.io/${ROLLOUT.split}`, (o) => weightOf(o, ROLLOUT.canary) === 0);
    await rolloutStatusPatch({ abort: false });
    const retried = await until(`rollout/${ROLLOUT.name}`, (o) => o.status?.phase === 'Paused' || ((o.status?.canary as { weights?: { canary: { weight: number } } })?.weights?.canary.weight ?? 0) > 0);
    assert.equal(retried.status?.abort, undefined, 'retry cleared the abort');
  });
});
