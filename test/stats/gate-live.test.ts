/**
 * `canary-lens gate` live, in cluster mode: the built CLI reads the split from the real kube-apiserver of
 * test/cluster/harness.ts and its stats from a real Prometheus scraping the traffic simulator (tools/simulator) every
 * second. A healthy canary passes; then the test sets the simulator's error-rate annotation for the canary backend on
 * the split (read live, tools/simulator/README.md) and gate exits 1 naming the success-rate gate. A 10 s window and a
 * low request floor keep it short once the harness is up (the times are printed).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Cluster } from '../cluster/harness';
import { builtFile, runCli, type CliRun } from '../support/built';
import { sleep } from '../support/wait';
import type { RunningPrometheus } from './prometheus';
import { startLiveHarness } from './liveHarness';

const NS = 'emojivoto';
const CANARY = 'web-svc-2';
const WINDOW = '10s';
/** Requests to the canary in the window before the gates judge: 10 rps to the canary fills it in a few seconds. */
const MIN_REQUESTS = 30;
const WITHIN_MS = 40_000;

interface GateJson {
  verdict: string;
  window: string;
  splits: Array<{ name: string; canary: string; verdict: string; gates: Array<{ id: string; verdict: string; value: number | null; threshold: number | null }> }>;
}

describe('canary-lens gate live: kube-apiserver + simulator + scraping Prometheus', { timeout: 600_000 }, () => {
  let harness: Awaited<ReturnType<typeof startLiveHarness>> | undefined;
  let cluster: Cluster | undefined;
  let prom: RunningPrometheus | undefined;
  let dir = '';
  let plan = '';
  const timings: Record<string, string> = {};

  /** The built CLI in cluster mode (the harness's kubeconfig, not the caller's KUBECONFIG). */
  const gate = (): Promise<CliRun> => {
    const env = { ...process.env };
    delete env.KUBECONFIG;
    return runCli(['gate', '--kubeconfig', cluster!.kubeconfig, '--prometheus', prom!.url, '--plan', plan, '--format', 'json'], { env });
  };

  /** Runs gate every 2 s until it exits `code`; fails with every run's verdicts after WITHIN_MS. */
  const until = async (code: number, what: string): Promise<{ run: CliRun; ms: number }> => {
    const started = Date.now();
    const trace: string[] = [];
    for (;;) {
      const run = await gate();
      const ms = Date.now() - started;
      const doc = run.stdout ? (JSON.parse(run.stdout) as GateJson) : undefined;
      trace.push(`+${(ms / 1000).toFixed(1)}s exit ${run.code} ${doc ? doc.splits.map((s) => s.gates.map((g) => `${g.id}=${g.value === null ? '-' : g.value.toFixed(1)} ${g.verdict}`).join(', ')).join('') : run.stderr.trim()}`);
      if (run.code === code) return { run, ms };
      if (ms > WITHIN_MS) assert.fail(`${what}: gate did not exit ${code} within ${WITHIN_MS / 1000} s:\n${trace.join('\n')}`);
      await sleep(2000);
    }
  };

  before(async () => {
    builtFile('cli.js');
    const t0 = Date.now();
    // Both backends healthy and equally fast: 20 rps over web-svc 500 / web-svc-2 500.
    harness = await startLiveHarness({ rps: 20, seed: 5, distribution: 'proportional', defaults: { errorRate: 0, latencyMs: { p50: 3, p99: 12 } } }, { deliveryCrds: false });
    ({ cluster, prom } = harness);
    timings['harness up'] = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    dir = mkdtempSync(path.join(tmpdir(), 'canary-lens-gate-live-'));
    plan = path.join(dir, 'plan.yaml');
    // P99 is not what this test is about: over a 10 s window of a few hundred requests it is noisy, so its bound is wide.
    writeFileSync(plan, [
      'apiVersion: canary-lens.dev/v1alpha1', 'kind: RolloutPlan', `metadata: { name: web, namespace: ${NS} }`,
      'spec:', '  targetRef: { kind: TrafficSplit, name: web-svc-ts }', `  canary: ${CANARY}`, `  window: ${WINDOW}`, '  holdTime: 30s',
      `  gates: { minRequests: ${MIN_REQUESTS}, successRate: { min: 99, maxDropFromStable: 1 }, latencyP99: { maxRatioToStable: 50 } }`, '',
    ].join('\n'));
  }, { timeout: 900_000 });

  after(async () => {
    await harness?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`[gate-live] timings: ${JSON.stringify(timings)}\n`);
  });

  test('a healthy canary passes (exit 0); with the canary failing half its requests gate exits 1 on the success-rate gate', async (t) => {
    const healthy = await until(0, 'healthy canary');
    timings['healthy: exit 0 after'] = `${(healthy.ms / 1000).toFixed(1)} s`;
    const ok = JSON.parse(healthy.run.stdout) as GateJson;
    assert.deepEqual([ok.window, ok.verdict, ok.splits.map((s) => [s.name, s.canary, s.verdict])], [WINDOW, 'pass', [['web-svc-ts', CANARY, 'pass']]]);
    const [requests, success] = ok.splits[0]!.gates;
    assert.ok(requests!.value! >= MIN_REQUESTS, `requests ${requests!.value}`);
    assert.equal(success!.value, 100, 'no errors configured');
    t.diagnostic(`healthy: exit 0 after ${(healthy.ms / 1000).toFixed(1)} s; ${requests!.value} canary requests in ${WINDOW}`);

    const annotated = Date.now();
    const r = await cluster!.kubectl(['-n', NS, 'annotate', '--overwrite', 'trafficsplits.v1alpha2.split.smi-spec.io', 'web-svc-ts', `canary-lens.dev/sim-error-rate.${CANARY}=0.5`]);
    assert.equal(r.code, 0, r.stderr);
    const failing = await until(1, 'canary at 50 % errors');
    timings['failing: exit 1 after'] = `${((Date.now() - annotated) / 1000).toFixed(1)} s`;
    const bad = JSON.parse(failing.run.stdout) as GateJson;
    assert.equal(bad.verdict, 'fail');
    const gates = bad.splits[0]!.gates;
    assert.deepEqual(gates.filter((g) => g.verdict === 'fail').map((g) => g.id), ['successRate']);
    const rate = gates.find((g) => g.id === 'successRate')!;
    assert.ok(rate.value! < rate.threshold! && rate.threshold! >= 99, `success ${rate.value} against ${rate.threshold}`);
    assert.match(failing.run.stderr, /canary-lens: emojivoto\/TrafficSplit\/web-svc-ts: FAIL \(canary web-svc-2\): successRate: [\d.]+% < 99%/);
    t.diagnostic(`failing: exit 1 ${((Date.now() - annotated) / 1000).toFixed(1)} s after the annotation; success ${rate.value!.toFixed(1)}% < ${rate.threshold}%`);
  });
});
