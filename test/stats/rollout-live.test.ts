/**
 * Guided rollout against the real parts (issue 16): the real kube-apiserver of test/cluster/harness.ts, the traffic
 * simulator watching it (its `canary-lens.dev/sim-error-rate.<backend>` annotation makes a backend fail), a real
 * Prometheus scraping it, and the rollout runner (src/rollout/runner.ts) with the CLI (`canary-lens rollout`) on a
 * manifest file in a temporary folder. Short windows (10 s) and holds (20 s) keep it within minutes.
 *
 * - a healthy canary goes 10 → 25 → 50 → 100 with file and cluster in step; the rollout started by one runner (a
 *   window) refuses a second runner (the lease), and once the first is gone the CLI resumes and completes it;
 * - a canary that starts failing at 25 % pauses on the success-rate gate, and Roll back restores the start's weights;
 * - a weight changed mid-rollout by another field manager (`kubectl patch`) pauses it, naming the manager; the CLI's
 *   cancel ends it with the weights left where they are;
 * - mid-migration, an HTTPRoute on the TrafficSplit's apex (not in effect: linkerd-smi's ServiceProfile wins) is
 *   refused a rollout, naming the TrafficSplit; once the TrafficSplit is gone the route's rollout starts and its gates
 *   judge the route's traffic; a TrafficSplit put back on the apex makes them wait, saying the route is not in effect.
 * Measured and printed: confirmation → first step applied; failing canary → pause; rollback → weights in the API server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ClusterLog, loadKubeconfig, silentSink } from '../../src/cluster';
import { runRollout } from '../../src/cli/rollout';
import { liveGates } from '../../src/rollout/liveGates';
import { listSplitsOnce } from '../../src/stats/splits';
import { DEFAULT_PLAN, overPlan } from '../../src/rollout/plan';
import { LeaseHeldError, RolloutRefused, RolloutRunner } from '../../src/rollout/runner';
import type { SplitTarget } from '../../src/rollout/manifest';
import { ROLLOUT_ANNOTATION } from '../../src/rollout/state';
import { PrometheusClient } from '../../src/stats';
import { CLI_WORDING } from '../../src/cli/wording';
import type { Cluster } from '../cluster/harness';
import { sleep } from '../support/wait';
import type { RunningPrometheus } from './prometheus';
import { startLiveHarness } from './liveHarness';

const NS = 'emojivoto';
const TS = 'trafficsplits.v1alpha2.split.smi-spec.io';
const PLAN = overPlan(DEFAULT_PLAN, { steps: [10, 25, 50, 100], window: '10s', holdTime: '20s', gates: { minRequests: 20 } });
const PLAN_FLAGS = ['--steps', '10,25,50,100', '--window', '10s', '--hold-time', '20s', '--min-requests', '20', '--interval', '2s'];

const MANIFEST = (stable: number, canary: number) => [
  'apiVersion: split.smi-spec.io/v1alpha2', 'kind: TrafficSplit', 'metadata:', '  name: web-svc-ts', '  namespace: emojivoto',
  'spec:', '  # The root service that clients use to reach the application.', '  service: web-apex', '  backends:',
  '    - service: web-svc', `      weight: ${stable} # the current version`, '    - service: web-svc-2', `      weight: ${canary} # the canary`, '',
].join('\n');

/** The weights in a manifest text (the two `weight:` lines). */
const fileWeights = (text: string): number[] => [...text.matchAll(/weight: (\d+)/g)].map((m) => Number(m[1]));

describe('rollout: runner + CLI + simulator + Prometheus + kube-apiserver', { timeout: 900_000 }, () => {
  let cluster: Cluster | undefined;
  let harness: Awaited<ReturnType<typeof startLiveHarness>> | undefined;
  let prom: RunningPrometheus | undefined;
  let dir = '';
  const timings: Record<string, string> = {};

  const kubectl = async (args: string[]) => {
    const r = await cluster!.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const liveWeights = async (): Promise<number[]> => {
    const o = JSON.parse(await kubectl(['-n', NS, 'get', TS, 'web-svc-ts', '-o', 'json'])) as { spec: { backends: { weight: number }[] } };
    return o.spec.backends.map((b) => Number(b.weight));
  };
  /** The cluster at 1000/0 (written by `kubectl patch`, as a person would), the simulator healthy, no rollout state. */
  const reset = async (file: string) => {
    await kubectl(['-n', NS, 'patch', TS, 'web-svc-ts', '--type', 'merge', '-p', JSON.stringify({ spec: { backends: [{ service: 'web-svc', weight: 1000 }, { service: 'web-svc-2', weight: 0 }] } })]);
    await kubectl(['-n', NS, 'annotate', TS, 'web-svc-ts', `${ROLLOUT_ANNOTATION}-`, 'canary-lens.dev/sim-error-rate.web-svc-2-']);
    writeFileSync(file, MANIFEST(1000, 0));
  };
  /** A runner as the CLI makes one: the namespace's splits listed at each tick, gates on the real Prometheus. */
  const runner = (file: string, holder: string, leaseSeconds = 6, target: SplitTarget = { kind: 'TrafficSplit', name: 'web-svc-ts', namespace: NS }) => {
    const loaded = loadKubeconfig({ setting: cluster!.kubeconfig }, {}, CLI_WORDING);
    const client = new PrometheusClient(prom!.url);
    return new RolloutRunner({
      kc: loaded.kc, log: new ClusterLog(silentSink), selectedNamespace: NS, holder, leaseSeconds, wording: CLI_WORDING,
      file: { uri: file, read: () => Promise.resolve(readFileSync(file, 'utf8')), write: (t) => Promise.resolve(writeFileSync(file, t)) },
      target,
      gates: async (state, live, neighbours) => liveGates(client, state, live.object, neighbours, target.rule),
      neighbours: async (ns) => (await listSplitsOnce(loaded.kc, ns, { wording: CLI_WORDING })).objects,
    });
  };
  const cli = (args: string[]) => runRollout([...args, '--kubeconfig', cluster!.kubeconfig, '--prometheus', prom!.url], false);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'canary-lens-rollout-'));
    // Healthy by default (no failures, P50 20 ms, P99 40 ms), 40 rps so the canary's 10% gets 40 requests in a 10 s window.
    harness = await startLiveHarness({ rps: 40, defaults: { errorRate: 0, latencyMs: { p50: 20, p99: 40 } } });
    ({ cluster, prom } = harness);
  }, { timeout: 900_000 });

  after(async () => {
    await harness?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`[rollout] timings: ${JSON.stringify(timings)}\n`);
  });

  test('a healthy canary: started in one window, a second runner refused by the lease, resumed by the CLI to 100% with file and cluster in step', { timeout: 300_000 }, async () => {
    const file = path.join(dir, 'healthy.yaml');
    await reset(file);
    const window = runner(file, 'alice (VS Code)');
    // Without taking the weights over from `kubectl patch`, nothing starts, and the reason names it.
    const declined = await window.start(PLAN, 'web-svc-2', async (p) => ({ yes: p.dryRun.conflict === undefined }));
    assert.equal(declined, undefined);
    assert.deepEqual(await liveWeights(), [1000, 0], 'a declined start writes nothing');
    assert.deepEqual(fileWeights(readFileSync(file, 'utf8')), [1000, 0]);
    let confirmedAt = 0;
    const started = await window.start(PLAN, 'web-svc-2', async (p) => {
      assert.match(p.dryRun.conflict?.message ?? '', /kubectl patch/);
      confirmedAt = Date.now();
      return { yes: true, force: true };
    });
    timings['confirmation → first step applied'] = `${Date.now() - confirmedAt} ms`;
    assert.deepEqual(started?.applied?.weights, [900, 100]);
    assert.deepEqual(await liveWeights(), [900, 100]);
    assert.deepEqual(fileWeights(readFileSync(file, 'utf8')), [900, 100]);
    assert.match(readFileSync(file, 'utf8'), /weight: 900 # the current version/, 'the comment stays: only the digits changed');

    // A second runner is refused while the first one's lease is live, and told who holds it.
    await assert.rejects(runner(file, 'ci (canary-lens CLI)').tick(), (e: unknown) => e instanceof LeaseHeldError && /alice \(VS Code\)/.test(e.message));
    // The window goes away (no more renewals); after the lease lapses the CLI takes over and completes the rollout.
    await sleep(6_500);
    const t0 = Date.now();
    const run = await cli(['run', file, ...PLAN_FLAGS, '--holder', 'ci (canary-lens CLI)', '--lease', '6s']);
    timings['CLI drive 10% → 100%'] = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /driving the rollout started by alice \(VS Code\)/);
    for (const w of ['750/250', '500/500', '0/1000']) assert.match(run.stdout, new RegExp(`applied ${w}`));
    assert.match(run.stdout, /the rollout is complete/);
    assert.deepEqual(await liveWeights(), [0, 1000]);
    assert.deepEqual(fileWeights(readFileSync(file, 'utf8')), [0, 1000]);
    const status = await cli(['status', file, '--format', 'json']);
    const state = (JSON.parse(status.stdout) as { state: { phase: string; history: { step: number; verdict: string }[] } }).state;
    assert.equal(state.phase, 'completed');
    assert.ok(state.history.some((h) => h.step === 3 && h.verdict === 'pass'), 'the last step\'s gates passed');
  });

  test('a canary that starts failing at 25% pauses on the success-rate gate; Roll back puts the start\'s weights back', { timeout: 300_000 }, async () => {
    const file = path.join(dir, 'failing.yaml');
    await reset(file);
    const r = runner(file, 'alice (VS Code)', 30);
    await r.start(PLAN, 'web-svc-2', async () => ({ yes: true, force: true }));
    let step = 0;
    for (const deadline = Date.now() + 120_000; step < 1; ) {
      assert.ok(Date.now() < deadline, 'reached 25% within 2 minutes');
      await sleep(2000);
      step = (await r.tick()).decision.state.step;
    }
    assert.deepEqual(await liveWeights(), [750, 250]);
    await kubectl(['-n', NS, 'annotate', '--overwrite', TS, 'web-svc-ts', 'canary-lens.dev/sim-error-rate.web-svc-2=0.3']);
    const failingAt = Date.now();
    let last = await r.tick();
    for (const deadline = Date.now() + 60_000; last.decision.state.phase === 'running'; ) {
      assert.ok(Date.now() < deadline, `paused within 60 s (last: ${last.decision.status.message})`);
      await sleep(1000);
      last = await r.tick();
    }
    timings['canary fails → paused'] = `${((Date.now() - failingAt) / 1000).toFixed(1)} s`;
    assert.equal(last.decision.state.phase, 'paused');
    assert.equal(last.decision.state.stopped?.kind, 'gate-failed');
    assert.match(last.decision.status.message, /success rate/);
    assert.deepEqual(await liveWeights(), [750, 250], 'a pause applies nothing');

    const t0 = Date.now();
    const back = await r.command('rollback', 'alice (VS Code)');
    assert.deepEqual(back.applied?.weights, [1000, 0]);
    assert.deepEqual(await liveWeights(), [1000, 0]);
    timings['rollback → weights in the API server'] = `${Date.now() - t0} ms`;
    assert.deepEqual(fileWeights(readFileSync(file, 'utf8')), [1000, 0]);
    const status = await cli(['status', file]);
    assert.match(status.stdout, /rolled-back \(gate-failed: successRate\)/);
    assert.equal(status.code, 1);
  });

  test('weights changed by `kubectl patch` mid-rollout pause it and name the manager; the CLI cancels it and the weights stay', { timeout: 120_000 }, async () => {
    const file = path.join(dir, 'foreign.yaml');
    await reset(file);
    const r = runner(file, 'alice (VS Code)', 30);
    await r.start(PLAN, 'web-svc-2', async () => ({ yes: true, force: true }));
    await kubectl(['-n', NS, 'patch', TS, 'web-svc-ts', '--type', 'merge', '-p', JSON.stringify({ spec: { backends: [{ service: 'web-svc', weight: 500 }, { service: 'web-svc-2', weight: 500 }] } })]);
    const t = await r.tick();
    assert.equal(t.decision.state.phase, 'paused');
    assert.match(t.decision.status.message, /changed by kubectl patch \(now 500\/500, the rollout set 900\/100\)/);
    assert.equal(t.applied, undefined);
    const cancelled = await cli(['cancel', file]);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.match(cancelled.stdout, /cancelled by .*; the weights stay at 500\/500/);
    assert.deepEqual(await liveWeights(), [500, 500], 'cancel writes no weights');
    // A cancelled rollout is over: a new run could start; `status` says what happened.
    assert.match((await cli(['status', file])).stdout, /cancelled/);
  });

  test('mid-migration: a rollout on an HTTPRoute the TrafficSplit shadows is refused; with the TrafficSplit gone it runs on route metrics; put back, the gates wait', { timeout: 180_000 }, async () => {
    const ROUTE = 'httproutes.v1.gateway.networking.k8s.io';
    const file = path.join(dir, 'route.yaml');
    writeFileSync(file, [
      'apiVersion: gateway.networking.k8s.io/v1', 'kind: HTTPRoute', 'metadata:', '  name: web-route', '  namespace: emojivoto', 'spec:',
      '  parentRefs:', '    - name: web-apex', '      kind: Service', '      group: core', '      port: 80', '  rules:', '    - backendRefs:',
      '        - name: web-svc', '          port: 80', '          weight: 1000', '        - name: web-svc-2', '          port: 80', '          weight: 0', '',
    ].join('\n'));
    await reset(path.join(dir, 'ts.yaml'));
    await kubectl(['apply', '-f', file]);
    const routeWeights = async (): Promise<number[]> => {
      const o = JSON.parse(await kubectl(['-n', NS, 'get', ROUTE, 'web-route', '-o', 'json'])) as { spec: { rules: { backendRefs: { weight: number }[] }[] } };
      return o.spec.rules[0]!.backendRefs.map((b) => Number(b.weight));
    };
    const r = runner(file, 'alice (VS Code)', 30, { kind: 'HTTPRoute', name: 'web-route', namespace: NS });
    // A long hold: the test looks at the step's gates, not at advancing.
    const plan = overPlan(PLAN, { holdTime: '60s' });
    await assert.rejects(r.start(plan, 'web-svc-2', async () => ({ yes: true, force: true })), (e: unknown) => {
      assert.ok(e instanceof RolloutRefused, String(e));
      assert.match(e.message, /HTTPRoute emojivoto\/web-route is not in effect: TrafficSplit web-svc-ts takes web-apex/);
      return true;
    });
    assert.deepEqual(await routeWeights(), [1000, 0], 'a refused start writes nothing');
    assert.deepEqual(fileWeights(readFileSync(file, 'utf8')), [1000, 0]);

    // The migration's next step: the TrafficSplit goes, the route takes the apex, and its rollout runs on its own metrics.
    await kubectl(['-n', NS, 'delete', TS, 'web-svc-ts']);
    try {
      const started = await r.start(plan, 'web-svc-2', async () => ({ yes: true, force: true }));
      assert.deepEqual(started?.applied?.weights, [900, 100]);
      assert.deepEqual(await routeWeights(), [900, 100]);
      let last = await r.tick();
      for (const deadline = Date.now() + 60_000; last.decision.status.kind !== 'holding'; ) {
        assert.ok(Date.now() < deadline, `the route's gates pass within 60 s (last: ${last.decision.status.message})`);
        await sleep(1000);
        last = await r.tick();
      }
      const requests = last.decision.state.history.at(-1);
      assert.equal(requests?.verdict, 'pass');

      // The TrafficSplit comes back on the apex: the route's weights route nothing, and the gates say so and wait.
      await kubectl(['apply', '-f', path.join(dir, 'ts.yaml')]);
      last = await r.tick();
      assert.equal(last.decision.status.kind, 'waiting', last.decision.status.message);
      assert.match(last.decision.status.message, /not in effect: TrafficSplit web-svc-ts takes web-apex/);
      assert.equal(last.applied, undefined);
      assert.deepEqual(await routeWeights(), [900, 100], 'nothing applied while the route is not in effect');
    } finally {
      await cli(['cancel', file]);
      await kubectl(['-n', NS, 'delete', ROUTE, 'web-route', '--ignore-not-found']);
      await kubectl(['apply', '-f', path.join(dir, 'ts.yaml')]);
    }
  });
});
