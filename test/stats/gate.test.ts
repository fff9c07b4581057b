/**
 * `canary-lens gate` end to end: the built bundle (dist/cli.js) run as a process against a backfilled Prometheus, in
 * PATH mode at a fixed instant (--at). The series are written here (authority family, a sample every 10 s) for the
 * splits of test/fixtures/gate/splits.yaml; every value and threshold in the JSON is checked against the hand
 * computation of expected.ts (counts, success, the P99 by Prometheus' interpolation) and the gates' rules applied by
 * hand to those numbers. Gate reads latency over the whole window (`rate`) where expected.ts takes the last interval:
 * every step of these flows has the same bucket profile, so both give the same quantile. Exit codes: 0 pass, 1 fail, 3 not enough traffic, 2 usage or connection error.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { builtFile, runCli } from '../support/built';
import { freePort } from '../support/ports';
import { splitsFromPaths } from '../../src/cli/stats';
import type { StatsSplit } from '../../src/stats/types';
import { close, expectedFor, type ExpectedBackend } from './expected';
import { AUTHORITY_STEP, EVAL, EVAL_RFC3339, MS_BUCKETS, spread, T0, toOpenMetrics, type History, type Labels } from './history';
import { startPrometheus, type RunningPrometheus } from './prometheus';

const SPLITS = path.join(__dirname, '..', 'fixtures', 'gate', 'splits.yaml');
const SHARED_APEX = path.join(__dirname, '..', 'fixtures', 'stats', 'shared-apex.yaml');
const NS = 'gates';

// ---------------------------------------------------------------------------------------------------------------
// The history: one source pod calling each backend through its apex, the same every step.

interface Flow {
  apex: string;
  leaf: string;
  /** Requests per 10 s step. */
  success: number;
  failure: number;
  /** Where the observations fall: weight per `le` of MS_BUCKETS. */
  latency: Record<string, number>;
}

const FAST = { '10': 3, '20': 1 };
const FLOWS: Flow[] = [
  { apex: 'healthy-apex', leaf: 'h-v1', success: 40, failure: 0, latency: FAST },
  { apex: 'healthy-apex', leaf: 'h-v2', success: 20, failure: 0, latency: FAST },
  { apex: 'failing-apex', leaf: 'f-v1', success: 30, failure: 0, latency: FAST },
  { apex: 'failing-apex', leaf: 'f-v2', success: 19, failure: 1, latency: FAST },
  { apex: 'slow-apex', leaf: 's-v1', success: 30, failure: 0, latency: { '10': 1, '20': 1 } },
  { apex: 'slow-apex', leaf: 's-v2', success: 20, failure: 0, latency: { '100': 1, '200': 1 } },
  { apex: 'quiet-apex', leaf: 'q-v1', success: 30, failure: 0, latency: FAST },
  { apex: 'quiet-apex', leaf: 'q-v2', success: 1, failure: 0, latency: FAST },
  { apex: 'trio-apex', leaf: 't-v1', success: 30, failure: 0, latency: FAST },
  { apex: 'trio-apex', leaf: 't-v2', success: 20, failure: 0, latency: FAST },
];

function gateHistory(): History {
  const h: History = { counters: [], histograms: [] };
  const steps = (EVAL - T0) / AUTHORITY_STEP;
  for (const f of FLOWS) {
    const base: Labels = {
      authority: `${f.apex}.${NS}.svc.cluster.local:80`, direction: 'outbound', dst_namespace: NS, dst_service: f.leaf, dst_deployment: f.leaf,
      tls: 'true', namespace: NS, deployment: 'client', pod: 'client-1', instance: 'client-1:4191', job: 'linkerd-proxy',
    };
    const counterOf = (perStep: number) => Array.from({ length: steps + 1 }, (_, i) => i * perStep);
    h.counters.push({ name: 'response_total', labels: { ...base, classification: 'success', status_code: '200' }, step: AUTHORITY_STEP, values: counterOf(f.success) });
    if (f.failure > 0) h.counters.push({ name: 'response_total', labels: { ...base, classification: 'failure', status_code: '500' }, step: AUTHORITY_STEP, values: counterOf(f.failure) });
    const perStep = spread(f.success + f.failure, MS_BUCKETS.map((le) => f.latency[le] ?? 0));
    let run = 0;
    const cumulativeStep = perStep.map((c) => (run += c));
    const midpoints = MS_BUCKETS.map((le, k) => (Number(le === '+Inf' ? 60000 : le) + (k === 0 ? 0 : Number(MS_BUCKETS[k - 1]))) / 2);
    const sumStep = perStep.reduce((s, c, k) => s + c * midpoints[k]!, 0);
    h.histograms.push({
      name: 'response_latency_ms', labels: base, step: AUTHORITY_STEP, les: MS_BUCKETS,
      cumulative: Array.from({ length: steps + 1 }, (_, i) => cumulativeStep.map((c) => c * i)),
      counts: Array.from({ length: steps + 1 }, (_, i) => i * (f.success + f.failure)),
      sums: Array.from({ length: steps + 1 }, (_, i) => i * sumStep),
    });
  }
  return h;
}

// ---------------------------------------------------------------------------------------------------------------
// The gates' rules, by hand, on the hand-computed numbers.

interface Thresholds { minRequests: number; minSuccess: number; maxDrop: number; ratio: number; maxMs?: number }
const DEFAULTS: Thresholds = { minRequests: 100, minSuccess: 99, maxDrop: 1, ratio: 1.5 };

interface JsonGate { id: string; label: string; verdict: string; value: number | null; threshold: number | null; comparator: string; unit: string; detail: string }
interface JsonSplit { namespace: string; kind: string; name: string; rule?: number; canary: string; stable: string[]; verdict: string; reason?: string; gates: JsonGate[] }
interface GateJson { evaluatedAt: string; window: string; verdict: string; splits: JsonSplit[] }

interface Want {
  requests: number;
  success: number;
  successThreshold: number;
  p99: number;
  p99Threshold: number;
}

function want(expected: ExpectedBackend[], canary: string, t: Thresholds): Want {
  const c = expected.find((b) => b.leaf === canary)!;
  const stable = expected.filter((b) => b.leaf !== canary);
  const stableOk = stable.reduce((n, b) => n + b.successCount, 0);
  const stableAll = stable.reduce((n, b) => n + b.successCount + b.failureCount, 0);
  const busiest = [...stable].filter((b) => b.p99 !== null).sort((a, b) => b.successCount + b.failureCount - (a.successCount + a.failureCount))[0]!;
  const bounds = [busiest.p99! * t.ratio, ...(t.maxMs !== undefined ? [t.maxMs] : [])];
  return {
    requests: c.successCount + c.failureCount,
    success: c.success! * 100,
    successThreshold: Math.max(t.minSuccess, (stableOk / stableAll) * 100 - t.maxDrop),
    p99: c.p99!,
    p99Threshold: Math.min(...bounds),
  };
}

function assertGates(split: JsonSplit, w: Want, t: Thresholds, verdicts: [string, string, string], where: string): void {
  assert.deepEqual(split.gates.map((g) => g.id), ['requests', 'successRate', 'latencyP99'], where);
  assert.deepEqual(split.gates.map((g) => g.verdict), verdicts, where);
  const [requests, success, latency] = split.gates as [JsonGate, JsonGate, JsonGate];
  assert.deepEqual([requests.value, requests.threshold, requests.comparator, requests.unit], [w.requests, t.minRequests, '>=', 'requests'], `${where} requests`);
  close(success.value, w.success, `${where} success value`);
  close(success.threshold, w.successThreshold, `${where} success threshold`);
  assert.deepEqual([success.comparator, success.unit], ['>=', '%']);
  close(latency.value, w.p99, `${where} p99 value`);
  close(latency.threshold, w.p99Threshold, `${where} p99 threshold`);
  assert.deepEqual([latency.comparator, latency.unit], ['<=', 'ms']);
}

const cli = (args: string[]) => runCli(['gate', ...args]);

describe('canary-lens gate (built CLI) against a backfilled Prometheus', () => {
  let prom: RunningPrometheus;
  let history: History;
  let splits: StatsSplit[];
  let dir: string;
  const expectedOf = (name: string) => expectedFor(history, splits.find((s) => s.name === name)!, 'authority');
  const at = () => ['--prometheus', prom.url, '--at', EVAL_RFC3339];
  const json = (stdout: string) => JSON.parse(stdout) as GateJson;
  const writePlan = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  before(async () => {
    builtFile('cli.js');
    history = gateHistory();
    splits = (await splitsFromPaths([SPLITS])).splits;
    dir = mkdtempSync(path.join(tmpdir(), 'canary-lens-gate-'));
    prom = await startPrometheus({ openMetrics: toOpenMetrics(history) });
  });
  after(async () => {
    await prom?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a healthy canary passes: exit 0, each gate\'s value and threshold as computed from the series', async () => {
    const plan = writePlan('healthy.yaml', 'apiVersion: canary-lens.dev/v1alpha1\nkind: RolloutPlan\nspec:\n  targetRef: { kind: TrafficSplit, name: healthy-ts }\n');
    const r = await cli([...at(), '--plan', plan, '--format', 'json', '--max-p99-ms', '500', SPLITS]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const doc = json(r.stdout);
    assert.equal(doc.evaluatedAt, '2024-01-01T00:10:00.000Z');
    assert.deepEqual([doc.window, doc.verdict, doc.splits.length], ['1m', 'pass', 1]);
    const t = { ...DEFAULTS, maxMs: 500 };
    const healthy = doc.splits[0]!;
    assert.deepEqual([healthy.namespace, healthy.kind, healthy.name, healthy.canary, healthy.stable, healthy.verdict], [NS, 'TrafficSplit', 'healthy-ts', 'h-v2', ['h-v1'], 'pass']);
    const w = want(expectedOf('healthy-ts'), 'h-v2', t);
    assert.equal(w.requests, 120, 'fixture: 20 requests every 10 s');
    assertGates(healthy, w, t, ['pass', 'pass', 'pass'], 'healthy-ts');

    // Every split of the file: each judged on its own, the run fails (failing-ts, slow-ts).
    const all = await cli([...at(), '--format', 'json', SPLITS]);
    assert.equal(all.code, 1, all.stderr);
    const d = json(all.stdout);
    assert.equal(d.verdict, 'fail');
    assert.deepEqual(d.splits.map((s) => [s.name, s.canary, s.verdict]), [
      ['healthy-ts', 'h-v2', 'pass'], ['failing-ts', 'f-v2', 'fail'], ['slow-ts', 's-v2', 'fail'], ['quiet-ts', 'q-v2', 'insufficient'], ['trio-ts', 't-v3', 'insufficient'],
    ]);
    assertGates(d.splits[0]!, want(expectedOf('healthy-ts'), 'h-v2', DEFAULTS), DEFAULTS, ['pass', 'pass', 'pass'], 'healthy-ts in all');

    const only = await cli([...at(), '-n', NS, '--format', 'json', SPLITS, '--canary', 'h-v2', '--max-p99-ratio', '1.2']);
    // --canary names h-v2 for every split: only healthy-ts has it; the others wait with the reason.
    assert.equal(only.code, 3, only.stderr);
    const d2 = json(only.stdout);
    assert.equal(d2.splits[0]!.verdict, 'pass');
    assertGates(d2.splits[0]!, want(expectedOf('healthy-ts'), 'h-v2', { ...DEFAULTS, ratio: 1.2 }), { ...DEFAULTS, ratio: 1.2 }, ['pass', 'pass', 'pass'], 'healthy-ts ratio 1.2');
    assert.deepEqual(d2.splits.slice(1).map((s) => s.reason), Array(4).fill('h-v2 is not a backend of this split'));
    assert.match(only.stderr, /^canary-lens: gates\/TrafficSplit\/failing-ts: waiting \(canary h-v2\): h-v2 is not a backend of this split$/m);
  });

  test('a canary that fails requests: exit 1, the success-rate gate fails; flags move the floor and the drop from the stable', async () => {
    const plan = writePlan('failing.yaml', [
      'apiVersion: canary-lens.dev/v1alpha1', 'kind: RolloutPlan', 'metadata: { name: failing, namespace: gates }',
      'spec:', '  targetRef: { kind: TrafficSplit, name: failing-ts }', '',
    ].join('\n'));
    const r = await cli([...at(), '--plan', plan, '--format', 'json', SPLITS]);
    assert.equal(r.code, 1, r.stderr);
    const doc = json(r.stdout);
    assert.equal(doc.splits.length, 1);
    const w = want(expectedOf('failing-ts'), 'f-v2', DEFAULTS);
    assert.equal(w.success, 95, 'fixture: 19 of 20 succeed');
    assertGates(doc.splits[0]!, w, DEFAULTS, ['pass', 'fail', 'pass'], 'failing-ts');
    assert.match(r.stderr, /^canary-lens: gates\/TrafficSplit\/failing-ts: FAIL \(canary f-v2\): successRate: 95% < 99% \(the floor 99%; stable 100%\)$/m);

    // A lower floor and a wider drop from the flags: the stable's 100 % − 6 = 94 % is the bound now, and 95 % passes.
    const lenient = await cli([...at(), '--plan', plan, '--min-success', '90', '--max-success-drop', '6', '--format', 'json', SPLITS]);
    assert.equal(lenient.code, 0, lenient.stderr);
    const t = { ...DEFAULTS, minSuccess: 90, maxDrop: 6 };
    assertGates(json(lenient.stdout).splits[0]!, want(expectedOf('failing-ts'), 'f-v2', t), t, ['pass', 'pass', 'pass'], 'failing-ts lenient');

    // The table: one row per gate.
    const table = await cli([...at(), '--plan', plan, SPLITS]);
    assert.equal(table.code, 1);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^SPLIT\s+CANARY\s+GATE\s+VALUE\s+THRESHOLD\s+RESULT\s+DETAIL$/);
    assert.equal(lines.length, 4);
    assert.match(lines[1]!, new RegExp(`^TrafficSplit/failing-ts\\s+f-v2\\s+requests ≥ 100\\s+${w.requests}\\s+≥ 100\\s+pass\\s`));
    assert.match(lines[2]!, /^TrafficSplit\/failing-ts\s+f-v2\s+success rate ≥ 99% and ≥ stable − 1\s+95\.00%\s+≥ 99\.00%\s+FAIL\s+95% < 99%/);
    assert.match(lines[3]!, new RegExp(`^TrafficSplit/failing-ts\\s+f-v2\\s+P99 ≤ 1\\.5 × stable\\s+${(Math.round(w.p99 * 10) / 10).toString().replace('.', '\\.')} ms\\s+≤ ${(Math.round(w.p99Threshold * 10) / 10).toString().replace('.', '\\.')} ms\\s+pass\\s`));
  });

  test('a slow canary: exit 1, the P99 gate fails against 1.5 × the stable\'s P99 (and against --max-p99-ms)', async () => {
    const plan = writePlan('slow.yaml', 'apiVersion: canary-lens.dev/v1alpha1\nkind: RolloutPlan\nspec:\n  targetRef: { kind: TrafficSplit, name: slow-ts }\n');
    const r = await cli([...at(), '--plan', plan, '--format', 'json', SPLITS]);
    assert.equal(r.code, 1, r.stderr);
    const split = json(r.stdout).splits[0]!;
    const w = want(expectedOf('slow-ts'), 's-v2', DEFAULTS);
    assert.ok(w.p99 > 150 && w.p99Threshold < 30, `fixture: canary near 200 ms, stable near 20 ms (${w.p99}, ${w.p99Threshold})`);
    assertGates(split, w, DEFAULTS, ['pass', 'pass', 'fail'], 'slow-ts');
    assert.match(r.stderr, /FAIL \(canary s-v2\): latencyP99: \d+ ms > [\d.]+ ms \(1\.5 × s-v1 [\d.]+ ms\)/);

    // A ratio that lets it through, and an absolute bound that does not.
    const t = { ...DEFAULTS, ratio: 20, maxMs: 150 };
    const capped = await cli([...at(), '--plan', plan, '--max-p99-ratio', '20', '--max-p99-ms', '150', '--format', 'json', SPLITS]);
    assert.equal(capped.code, 1, capped.stderr);
    assertGates(json(capped.stdout).splits[0]!, want(expectedOf('slow-ts'), 's-v2', t), t, ['pass', 'pass', 'fail'], 'slow-ts capped');
    const loose = await cli([...at(), '--plan', plan, '--max-p99-ratio', '20', '--format', 'json', SPLITS]);
    assert.equal(loose.code, 0, loose.stderr);
  });

  test('too few requests: exit 3, "not enough traffic", nothing judged; a lower --min-requests judges it', async () => {
    const plan = writePlan('quiet.yaml', 'apiVersion: canary-lens.dev/v1alpha1\nkind: RolloutPlan\nspec:\n  targetRef: { kind: TrafficSplit, name: quiet-ts }\n');
    const r = await cli([...at(), '--plan', plan, '--format', 'json', SPLITS]);
    assert.equal(r.code, 3, r.stderr);
    const split = json(r.stdout).splits[0]!;
    const requests = want(expectedOf('quiet-ts'), 'q-v2', DEFAULTS).requests;
    assert.equal(requests, 6, 'fixture: 1 request every 10 s');
    assert.deepEqual(split.gates.map((g) => [g.id, g.verdict, g.value, g.threshold]), [
      ['requests', 'insufficient', requests, 100], ['successRate', 'insufficient', 100, null], ['latencyP99', 'insufficient', split.gates[2]!.value, null],
    ]);
    assert.match(r.stderr, new RegExp(`gates/TrafficSplit/quiet-ts: waiting \\(canary q-v2\\): not enough traffic: ${requests} of 100 requests to q-v2 in the window`));
    const table = await cli([...at(), '--plan', plan, SPLITS]);
    assert.equal(table.code, 3);
    assert.match(table.stdout, new RegExp(`\\nTrafficSplit/quiet-ts\\s+q-v2\\s+requests ≥ 100\\s+${requests}\\s+≥ 100\\s+wait\\s+not enough traffic`));
    const judged = await cli([...at(), '--plan', plan, '--min-requests', String(requests), '--format', 'json', SPLITS]);
    assert.equal(judged.code, 0, judged.stderr);
    const t = { ...DEFAULTS, minRequests: requests };
    assertGates(json(judged.stdout).splits[0]!, want(expectedOf('quiet-ts'), 'q-v2', t), t, ['pass', 'pass', 'pass'], 'quiet-ts judged');
  });

  test('a split not in effect waits (exit 3) with the reason: the TrafficSplit takes the apex from the HTTPRoute', async () => {
    const plan = writePlan('cart.yaml', 'apiVersion: canary-lens.dev/v1alpha1\nkind: RolloutPlan\nspec:\n  targetRef: { kind: HTTPRoute, name: cart-route }\n');
    const r = await cli([...at(), '--plan', plan, '--format', 'json', SHARED_APEX]);
    assert.equal(r.code, 3, r.stderr);
    const [split] = json(r.stdout).splits;
    assert.deepEqual([split!.name, split!.verdict, split!.canary], ['cart-route', 'insufficient', 'cart-v2']);
    assert.match(split!.reason ?? '', /^not measured: not in effect: TrafficSplit cart-ts takes cart(:80)?: linkerd-smi turns it into a ServiceProfile/);
    assert.ok(split!.gates.every((g) => g.verdict === 'insufficient' && g.value === null));
    assert.match(r.stderr, /mixed\/HTTPRoute\/cart-route: waiting \(canary cart-v2\): not measured: not in effect/);
  });

  test('--plan: targetRef picks one split, its canary and gates apply, flags win, the plan\'s window is the default', async () => {
    const plan = writePlan('trio.yaml', [
      'apiVersion: canary-lens.dev/v1alpha1', 'kind: RolloutPlan', 'metadata: { name: trio, namespace: gates }',
      'spec:',
      '  targetRef: { kind: TrafficSplit, name: trio-ts }',
      '  canary: t-v2',
      '  window: 2m',
      '  holdTime: 5m',
      '  gates: { minRequests: 200, successRate: { min: 98 }, latencyP99: { maxRatioToStable: 1.1, maxMs: 400 } }', '',
    ].join('\n'));
    // Without the plan the last backend, t-v3, is the canary: no requests at all.
    const bare = await cli([...at(), '--format', 'json', SPLITS, '-n', NS]);
    const trio = json(bare.stdout).splits.find((s) => s.name === 'trio-ts')!;
    assert.deepEqual([trio.canary, trio.verdict, trio.gates[0]!.value], ['t-v3', 'insufficient', 0]);

    const r = await cli([...at(), '--plan', plan, '--format', 'json', SPLITS]);
    assert.equal(r.code, 0, r.stderr);
    const doc = json(r.stdout);
    assert.equal(doc.window, '2m');
    assert.deepEqual(doc.splits.map((s) => [s.name, s.canary, s.stable, s.verdict]), [['trio-ts', 't-v2', ['t-v1', 't-v3'], 'pass']]);
    const [requests, success, latency] = doc.splits[0]!.gates as [JsonGate, JsonGate, JsonGate];
    // Over 2 m: twelve steps of 20 requests (the hand computation of expected.ts is for 1 m: six steps).
    const oneMinute = want(expectedOf('trio-ts'), 't-v2', { ...DEFAULTS, ratio: 1.1, maxMs: 400 });
    assert.deepEqual([requests.value, requests.threshold], [2 * oneMinute.requests, 200]);
    assert.deepEqual([success.value, success.threshold], [100, 99]);
    assert.match(success.label, /≥ 98%/);
    // Same profile every step: the last interval's P99 is the same whatever the window.
    close(latency.value, oneMinute.p99, 'trio p99');
    close(latency.threshold, oneMinute.p99Threshold, 'trio p99 threshold');

    // Flags win over the plan: --window, --min-requests, --canary.
    const flagged = await cli([...at(), '--plan', plan, '--window', '1m', '--min-requests', '500', '--canary', 't-v1', '--format', 'json', SPLITS]);
    assert.equal(flagged.code, 3, flagged.stderr);
    const f = json(flagged.stdout);
    assert.equal(f.window, '1m');
    const [fr] = f.splits[0]!.gates as [JsonGate];
    assert.deepEqual([f.splits[0]!.canary, fr.value, fr.threshold], ['t-v1', want(expectedOf('trio-ts'), 't-v1', DEFAULTS).requests, 500]);

    // The plan's namespace is the namespace read: none of these splits is in it.
    const elsewhere = writePlan('elsewhere.yaml', 'apiVersion: canary-lens.dev/v1alpha1\nkind: RolloutPlan\nmetadata: { namespace: prod }\nspec:\n  targetRef: { kind: TrafficSplit, name: trio-ts }\n');
    const none = await cli([...at(), '--plan', elsewhere, SPLITS]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no TrafficSplit, HTTPRoute or GRPCRoute with an apex Service in namespace prod/);
  });

  test('exit 2: a bad plan, a target not found, bad flags, Prometheus unreachable', async () => {
    const badPlan = writePlan('bad.yaml', 'apiVersion: canary-lens.dev/v1alpha1\nkind: RolloutPlan\nspec:\n  steps: [50, 10]\n  gates: { minRequests: 0 }\n');
    const missing = writePlan('missing.yaml', 'apiVersion: canary-lens.dev/v1alpha1\nkind: RolloutPlan\nspec:\n  targetRef: { kind: HTTPRoute, name: healthy-ts }\n');
    const closedPort = await freePort();
    const cases: Array<[string[], RegExp]> = [
      [[...at(), '--plan', badPlan, SPLITS], /^canary-lens: .*bad\.yaml: spec\.gates\.minRequests must be >= 1$/m],
      [[...at(), '--plan', path.join(dir, 'nowhere.yaml'), SPLITS], /nowhere\.yaml: cannot read the plan: ENOENT/],
      [[...at(), '--plan', missing, SPLITS], /the plan's targetRef HTTPRoute healthy-ts is not among the splits read \(TrafficSplit\/healthy-ts, /],
      [[...at(), '--max-p99-ratio', '0.5', SPLITS], /--max-p99-ratio must be at least 1, not 0\.5[\s\S]*usage: canary-lens gate/],
      [[...at(), '--min-success', 'high', SPLITS], /--min-success must be a percentage between 0 and 100/],
      [[...at(), '--bogus', SPLITS], /unknown option --bogus[\s\S]*usage: canary-lens gate/],
      [['--at', EVAL_RFC3339, SPLITS], /--prometheus URL is required with PATHs[\s\S]*usage: canary-lens gate/],
      [['--prometheus', `http://127.0.0.1:${closedPort}`, SPLITS], new RegExp(`Prometheus unreachable at http://127\\.0\\.0\\.1:${closedPort}: .*ECONNREFUSED`)],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
    }
    const help = await runCli(['gate', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: canary-lens gate /);
    assert.match((await runCli(['--help'])).stdout, /usage: canary-lens gate/);
  });
});
