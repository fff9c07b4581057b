import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateGates, canaryOf } from '../../src/rollout/gates';
import { DEFAULT_PLAN, PlanError, planFromText, planProblems, overPlan } from '../../src/rollout/plan';
import type { BackendStats, SplitStats } from '../../src/stats/types';

interface B { name: string; ok: number; failed: number; p99?: number | null; weight?: number }

function backend(b: B): BackendStats {
  const all = b.ok + b.failed;
  return {
    name: b.name, weight: b.weight ?? 50, weightText: String(b.weight ?? 50), desiredShare: 0.5, observedShare: null, flagged: false,
    successCount: b.ok, failureCount: b.failed, success: all > 0 ? b.ok / all : null, rps: all / 60,
    latencyMs: { p50: null, p95: null, p99: b.p99 === undefined ? 10 : b.p99 }, timeoutCount: 0, timeouts: null, hasData: all > 0,
  };
}

function split(backends: B[], extra: Partial<SplitStats> = {}): SplitStats {
  return {
    split: { namespace: 'ns', kind: 'TrafficSplit', name: 'web', apex: 'web', backends: backends.map((b) => ({ name: b.name, weight: b.weight ?? 50 })) },
    family: 'authority', rps: 1, backends: backends.map(backend), route: null, flagged: false, hasTraffic: true, ...extra,
  };
}

const T = DEFAULT_PLAN.gates;
const verdicts = (r: ReturnType<typeof evaluateGates>) => Object.fromEntries(r.gates.map((g) => [g.id, g.verdict]));

test('gates: a healthy canary with enough traffic passes every gate, each with its value and threshold', () => {
  const r = evaluateGates(split([{ name: 'v1', ok: 900, failed: 0, p99: 10 }, { name: 'v2', ok: 120, failed: 0, p99: 12 }]), T);
  assert.equal(r.canary, 'v2');
  assert.deepEqual(r.stable, ['v1']);
  assert.equal(r.verdict, 'pass');
  const success = r.gates.find((g) => g.id === 'successRate')!;
  assert.equal(success.value, 100);
  assert.equal(success.threshold, 99); // stable 100% − 1 point = 99, the floor 99
  const p99 = r.gates.find((g) => g.id === 'latencyP99')!;
  assert.equal(p99.value, 12);
  assert.equal(p99.threshold, 15); // 1.5 × 10
  assert.match(p99.detail, /12 ms ≤ 15 ms \(1\.5 × v1 10 ms\)/);
});

test('gates: below minRequests every gate waits ("not enough traffic"), even at a 50% error rate: it never passes, never fails', () => {
  const r = evaluateGates(split([{ name: 'v1', ok: 900, failed: 0 }, { name: 'v2', ok: 40, failed: 40, p99: 500 }]), T);
  assert.equal(r.verdict, 'insufficient');
  assert.deepEqual(verdicts(r), { requests: 'insufficient', successRate: 'insufficient', latencyP99: 'insufficient' });
  assert.match(r.gates[0]!.detail, /not enough traffic: 80 of 100 requests to v2/);
  // One more request than the bound: now judged, and failing.
  const judged = evaluateGates(split([{ name: 'v1', ok: 900, failed: 0 }, { name: 'v2', ok: 50, failed: 50 }]), T);
  assert.equal(judged.verdict, 'fail');
});

test('gates: success rate is judged against the stable backends minus the drop, and the absolute floor', () => {
  // Stable at 99.9%: the bound is 98.9 → the floor 99 wins; canary 98.5% fails.
  const floor = evaluateGates(split([{ name: 'v1', ok: 999, failed: 1 }, { name: 'v2', ok: 197, failed: 3 }]), T);
  assert.equal(verdicts(floor).successRate, 'fail');
  assert.equal(floor.gates[1]!.threshold, 99);
  // A looser floor, stable 100%: the stable − 1 bound (99) wins over the floor (95); 98.5% fails on it.
  const relative = evaluateGates(split([{ name: 'v1', ok: 1000, failed: 0 }, { name: 'v2', ok: 197, failed: 3 }]), { ...T, minSuccessPercent: 95 });
  assert.equal(verdicts(relative).successRate, 'fail');
  assert.match(relative.gates[1]!.detail, /98\.5% < 99% \(stable 100% − 1\)/);
  // Two stable backends count together.
  const two = evaluateGates(split([{ name: 'a', ok: 500, failed: 0 }, { name: 'b', ok: 490, failed: 10 }, { name: 'c', ok: 199, failed: 1 }]), { ...T, minSuccessPercent: 90 });
  assert.equal(two.gates[1]!.threshold, 98); // stable 99% − 1
  assert.equal(two.verdict, 'pass');
});

test('gates: with no stable traffic only the floor is judged and the detail says so; P99 is skipped without maxMs, judged with it', () => {
  const r = evaluateGates(split([{ name: 'v1', ok: 0, failed: 0, p99: null }, { name: 'v2', ok: 500, failed: 0, p99: 30 }]), T);
  assert.equal(verdicts(r).successRate, 'pass');
  assert.match(r.gates[1]!.detail, /no stable requests in the window/);
  assert.equal(verdicts(r).latencyP99, 'skipped');
  assert.equal(r.verdict, 'pass');
  const bounded = evaluateGates(split([{ name: 'v1', ok: 0, failed: 0, p99: null }, { name: 'v2', ok: 500, failed: 0, p99: 30 }]), { ...T, maxP99Ms: 25 });
  assert.equal(verdicts(bounded).latencyP99, 'fail');
  assert.equal(bounded.verdict, 'fail');
});

test('gates: a slow canary fails on P99; the baseline is the stable backend with the most requests', () => {
  const r = evaluateGates(split([{ name: 'a', ok: 100, failed: 0, p99: 100 }, { name: 'b', ok: 800, failed: 0, p99: 10 }, { name: 'c', ok: 300, failed: 0, p99: 40 }]), T);
  assert.equal(verdicts(r).latencyP99, 'fail');
  assert.equal(r.gates[2]!.threshold, 15);
  assert.match(r.gates[2]!.detail, /b 10 ms/);
  // A canary with requests but no latency series waits.
  const noLatency = evaluateGates(split([{ name: 'v1', ok: 900, failed: 0 }, { name: 'v2', ok: 200, failed: 0, p99: null }]), T);
  assert.equal(verdicts(noLatency).latencyP99, 'insufficient');
  assert.equal(noLatency.verdict, 'insufficient');
});

test('gates: an unknown canary, an unmeasured split and a split without metrics are not judged, with the reason', () => {
  const s = split([{ name: 'v1', ok: 900, failed: 0 }, { name: 'v2', ok: 200, failed: 0 }]);
  assert.match(evaluateGates(s, T, 'v3').reason ?? '', /v3 is not a backend/);
  assert.equal(evaluateGates(s, T, 'v1').canary, 'v1');
  assert.equal(evaluateGates({ ...s, unmeasured: 'web-ts takes web' }, T).verdict, 'insufficient');
  assert.match(evaluateGates({ ...s, family: null }, T).reason ?? '', /no Linkerd metrics/);
  assert.equal(canaryOf({ backends: [] }), undefined);
});

test('plan: a RolloutPlan file over the defaults; only what it says changes', () => {
  const plan = planFromText([
    'apiVersion: canary-lens.dev/v1alpha1', 'kind: RolloutPlan', 'metadata: { name: web-v2, namespace: emojivoto }',
    'spec:', '  targetRef: { kind: TrafficSplit, name: web-svc-ts }', '  canary: web-svc-2', '  steps: [5, 50, 100]',
    '  holdTime: 30s', '  window: 15s', '  gates: { minRequests: 20, latencyP99: { maxMs: 250 } }',
  ].join('\n'));
  assert.deepEqual(plan.target, { kind: 'TrafficSplit', name: 'web-svc-ts' });
  assert.deepEqual(plan.steps, [5, 50, 100]);
  assert.equal(plan.holdTime, '30s');
  assert.deepEqual(plan.gates, { ...DEFAULT_PLAN.gates, minRequests: 20, maxP99Ms: 250 });
  assert.equal(plan.autoAdvance, true);
});

test('plan: schema and plan problems name the value at fault', () => {
  const bad = (spec: string): string => {
    try {
      planFromText(`apiVersion: canary-lens.dev/v1alpha1\nkind: RolloutPlan\nspec:\n${spec}\n`, DEFAULT_PLAN, 'plan.yaml');
    } catch (e) {
      assert.ok(e instanceof PlanError);
      return e.message;
    }
    return 'no error';
  };
  assert.match(bad('  steps: [10, 150]'), /plan\.yaml: spec\.steps\[1\] must be <= 100/);
  assert.match(bad('  steps: [50, 25]'), /steps must rise: steps\[1\] \(25\) is not above steps\[0\] \(50\)/);
  assert.match(bad('  holdTime: 1m\n  window: 1m'), /shorter than two stats windows/);
  assert.match(bad('  holdTime: soon'), /spec\.holdTime must match pattern/);
  assert.match(bad('  gates: { minRequest: 3 }'), /spec\.gates must NOT have additional properties \(minRequest\)/);
  assert.match(bad('  targetRef: { kind: Service, name: x }'), /spec\.targetRef\.kind must be equal to one of the allowed values: TrafficSplit, HTTPRoute, GRPCRoute/);
  assert.throws(() => planFromText('kind: Service\n'), /no document of kind RolloutPlan/);
  assert.throws(() => planFromText('apiVersion: v1\nkind: RolloutPlan\n'), /apiVersion v1 is not served for RolloutPlan/);
  assert.deepEqual(planProblems(DEFAULT_PLAN), []);
  assert.deepEqual(overPlan(DEFAULT_PLAN, {}), DEFAULT_PLAN);
});
