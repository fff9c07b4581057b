/** `canary-lens gate` without Prometheus: its flags, their precedence over a plan file and DEFAULT_PLAN, the exit codes, the target. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatGateValue, GATE_EXIT, gateExitCode, gateJson, gatePlan, gateStatsOptions, gateSummary, gateTable, GateUsageError, parseGateArgs, selectTarget,
} from '../../src/cli/gate';
import { evaluateGates } from '../../src/rollout/gates';
import { DEFAULT_PLAN, PlanError } from '../../src/rollout/plan';
import type { BackendStats, SplitStats, StatsSplit } from '../../src/stats/types';

const PLAN = `apiVersion: canary-lens.dev/v1alpha1
kind: RolloutPlan
metadata: { name: web, namespace: shop }
spec:
  targetRef: { kind: HTTPRoute, name: web-route, rule: 2 }
  canary: web-v2
  window: 30s
  holdTime: 2m
  gates:
    minRequests: 50
    successRate: { min: 97, maxDropFromStable: 2 }
    latencyP99: { maxRatioToStable: 2, maxMs: 300 }
`;

test('parse: gate flags taken out (both spellings), the rest is stats\' (PATHs, -n, --window, --at, --format)', () => {
  const o = parseGateArgs(['--plan', 'p.yaml', '--canary=web-v3', '--min-requests', '20', '--min-success=95.5', '--max-success-drop', '0',
    '--max-p99-ratio', '1.25', '--max-p99-ms=250', '--prometheus', 'http://127.0.0.1:9090', '-n', 'shop', '--format', 'json', '--at', '1704067800', 'a.yaml', 'dir']);
  assert.equal(o.planFile, 'p.yaml');
  assert.equal(o.canary, 'web-v3');
  assert.deepEqual(o.gates, { minRequests: 20, minSuccessPercent: 95.5, maxSuccessDropPoints: 0, maxP99Ratio: 1.25, maxP99Ms: 250 });
  assert.equal(o.windowGiven, false);
  assert.deepEqual([o.stats.prometheus, o.stats.namespaces, o.stats.format, o.stats.at, o.stats.paths], ['http://127.0.0.1:9090', ['shop'], 'json', 1704067800, ['a.yaml', 'dir']]);
  // A stats flag's value is never read as a gate flag or a PATH.
  const w = parseGateArgs(['--window', '30s', '--context', '--plan', 'x']);
  assert.deepEqual([w.windowGiven, w.stats.window, w.stats.context, w.stats.paths, w.planFile], [true, '30s', '--plan', ['x'], undefined]);
  assert.equal(parseGateArgs(['--window=2m']).windowGiven, true);
});

test('parse: bad values and unknown flags are usage errors naming the flag', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--min-requests', '0'], /--min-requests must be an integer of at least 1, not 0/],
    [['--min-requests', '2.5'], /--min-requests must be an integer/],
    [['--min-success', '101'], /--min-success must be a percentage between 0 and 100, not 101/],
    [['--min-success', '-1'], /--min-success must be a percentage/],
    [['--max-p99-ratio', '0.9'], /--max-p99-ratio must be at least 1/],
    [['--max-p99-ms', '0'], /--max-p99-ms must be more than 0/],
    [['--max-p99-ms', '1e3'], /--max-p99-ms must be more than 0, not 1e3/],
    [['--plan'], /--plan needs a value/],
    [['--canary='], /--canary needs a value/],
    [['--family', 'smi'], /--family must be auto, authority or route/],
    [['--window', 'soon'], /window must be a Prometheus duration/],
    [['--steps', '10'], /unknown option --steps/],
  ];
  for (const [args, re] of cases) assert.throws(() => parseGateArgs(args), (e: unknown) => e instanceof GateUsageError && re.test(e.message), args.join(' '));
});

test('precedence: flags over the plan file over DEFAULT_PLAN; window and namespace from the plan unless given', () => {
  const none = parseGateArgs([]);
  const defaults = gatePlan(none);
  assert.deepEqual(defaults.gates, DEFAULT_PLAN.gates);
  assert.equal(defaults.canary, undefined);
  assert.deepEqual([gateStatsOptions(none, defaults).window, gateStatsOptions(none, defaults).namespaces], [DEFAULT_PLAN.window, []]);

  const fromFile = parseGateArgs(['--plan', 'web.yaml']);
  const plan = gatePlan(fromFile, PLAN);
  assert.deepEqual(plan.gates, { minRequests: 50, minSuccessPercent: 97, maxSuccessDropPoints: 2, maxP99Ratio: 2, maxP99Ms: 300 });
  assert.deepEqual([plan.canary, plan.target, plan.namespace], ['web-v2', { kind: 'HTTPRoute', name: 'web-route', rule: 2 }, 'shop']);
  assert.deepEqual([gateStatsOptions(fromFile, plan).window, gateStatsOptions(fromFile, plan).namespaces], ['30s', ['shop']]);

  const flags = parseGateArgs(['--plan', 'web.yaml', '--min-requests', '10', '--max-p99-ms', '90', '--canary', 'web-v3', '--window', '5m', '-n', 'other']);
  const over = gatePlan(flags, PLAN);
  assert.deepEqual(over.gates, { minRequests: 10, minSuccessPercent: 97, maxSuccessDropPoints: 2, maxP99Ratio: 2, maxP99Ms: 90 });
  assert.equal(over.canary, 'web-v3');
  // --window longer than half the plan's hold time is fine here: gate judges once, it holds nothing.
  assert.deepEqual([gateStatsOptions(flags, over).window, gateStatsOptions(flags, over).namespaces], ['5m', ['other']]);

  // Flags over DEFAULT_PLAN without a file.
  assert.deepEqual(gatePlan(parseGateArgs(['--max-success-drop', '3'])).gates, { ...DEFAULT_PLAN.gates, maxSuccessDropPoints: 3 });
});

test('a bad plan file: PlanError with the file and each problem', () => {
  const opts = parseGateArgs(['--plan', 'bad.yaml']);
  assert.throws(() => gatePlan(opts, 'apiVersion: canary-lens.dev/v1alpha1\nkind: RolloutPlan\nspec: { window: 1m, holdTime: 1m }\n'),
    (e: unknown) => e instanceof PlanError && /^bad\.yaml: holdTime 1m is shorter than two stats windows/.test(e.message));
  assert.throws(() => gatePlan(opts, 'kind: Deployment\n'), (e: unknown) => e instanceof PlanError && /bad\.yaml: no document of kind RolloutPlan/.test(e.message));
});

test('exit codes: 1 when any split fails, else 3 when any waits, else 0', () => {
  assert.deepEqual(GATE_EXIT, { pass: 0, fail: 1, insufficient: 3 });
  assert.equal(gateExitCode(['pass', 'pass']), 0);
  assert.equal(gateExitCode(['pass', 'insufficient']), 3);
  assert.equal(gateExitCode(['insufficient', 'fail', 'pass']), 1);
  assert.equal(gateExitCode(['fail']), 1);
});

const ts = (name: string, backends: string[], rule?: number): StatsSplit => ({
  namespace: 'shop', kind: 'HTTPRoute', name, apex: 'web', ...(rule !== undefined ? { rule } : {}), backends: backends.map((b, i) => ({ name: b, weight: i === 0 ? 0 : 50 })),
});

/** The reason of a target not found (a split found is a failure here). */
function why(found: StatsSplit | string): string {
  if (typeof found !== 'string') assert.fail(`expected no target, got ${found.kind}/${found.name}`);
  return found;
}

test('target: kind and name; a rule of a route with several; absent rule: the first with weight; not found: why', () => {
  const splits = [ts('web-route', ['a', 'b'], 1), ts('web-route', ['c', 'd'], 2), ts('api', ['x', 'y'])];
  assert.equal(selectTarget(splits, { kind: 'HTTPRoute', name: 'web-route', rule: 2 }), splits[1]);
  assert.equal(selectTarget(splits, { kind: 'HTTPRoute', name: 'web-route' }), splits[0]);
  assert.equal(selectTarget(splits, { kind: 'HTTPRoute', name: 'api', rule: 1 }), splits[2], 'a route with one rule has no rule number: it is rule 1');
  const unweighted: StatsSplit = { ...splits[0]!, backends: [{ name: 'a', weight: 0 }] };
  assert.equal(selectTarget([unweighted, splits[1]!], { kind: 'HTTPRoute', name: 'web-route' }), splits[1]);
  assert.match(why(selectTarget(splits, { kind: 'HTTPRoute', name: 'web-route', rule: 3 })), /has no weighted rule 3 \(rules: 1, 2\)/);
  assert.match(why(selectTarget(splits, { kind: 'TrafficSplit', name: 'web-route' })), /targetRef TrafficSplit web-route is not among the splits read \(HTTPRoute\/web-route rule 1, HTTPRoute\/web-route rule 2, HTTPRoute\/api\)/);
});

function backend(name: string, ok: number, failed: number, p99: number | null): BackendStats {
  const all = ok + failed;
  return {
    name, weight: 50, weightText: '50', desiredShare: 0.5, observedShare: 0.5, flagged: false, successCount: ok, failureCount: failed,
    success: all > 0 ? ok / all : null, rps: all / 60, latencyMs: { p50: null, p95: null, p99 }, timeoutCount: 0, timeouts: null, hasData: all > 0,
  };
}

test('output: a table row per gate, JSON with each value and threshold, a summary line for what does not pass', () => {
  const split = ts('web-route', ['web-v1', 'web-v2'], 2);
  const stats = (canaryFailed: number): SplitStats => ({
    split, family: 'route', rps: 4, backends: [backend('web-v1', 200, 0, 40), backend('web-v2', 200 - canaryFailed, canaryFailed, 50)], route: null, flagged: false, hasTraffic: true,
  });
  const reports = [{ split, report: evaluateGates(stats(10), DEFAULT_PLAN.gates) }];
  const table = gateTable(reports).split('\n');
  assert.match(table[0]!, /^SPLIT\s+CANARY\s+GATE\s+VALUE\s+THRESHOLD\s+RESULT\s+DETAIL$/);
  assert.match(table[1]!, /^HTTPRoute\/web-route rule 2\s+web-v2\s+requests ≥ 100\s+200\s+≥ 100\s+pass\s/);
  assert.match(table[2]!, /^HTTPRoute\/web-route rule 2\s+web-v2\s+success rate .*\s+95\.00%\s+≥ 99\.00%\s+FAIL\s+95% < 99%/);
  assert.match(table[3]!, /^HTTPRoute\/web-route rule 2\s+web-v2\s+P99 ≤ 1\.5 × stable\s+50 ms\s+≤ 60 ms\s+pass\s/);
  const doc = JSON.parse(gateJson(reports, 1704067800, '1m')) as { evaluatedAt: string; verdict: string; splits: Array<{ rule?: number; gates: Array<{ value: number; threshold: number }> }> };
  assert.equal(doc.evaluatedAt, '2024-01-01T00:10:00.000Z');
  assert.equal(doc.verdict, 'fail');
  assert.equal(doc.splits[0]!.rule, 2);
  assert.deepEqual(doc.splits[0]!.gates.map((g) => [g.value, g.threshold]), [[200, 100], [95, 99], [50, 60]]);
  assert.match(gateSummary(reports), /^canary-lens: shop\/HTTPRoute\/web-route rule 2: FAIL \(canary web-v2\): successRate: 95% < 99%/);
  assert.equal(gateSummary([{ split, report: evaluateGates(stats(0), DEFAULT_PLAN.gates) }]), '');
  assert.deepEqual([formatGateValue(null, 'ms'), formatGateValue(196.4, 'ms'), formatGateValue(19.84, 'ms'), formatGateValue(99.5, '%'), formatGateValue(7, 'requests')], ['-', '196 ms', '19.8 ms', '99.50%', '7']);
});
