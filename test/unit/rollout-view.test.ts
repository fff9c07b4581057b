import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, startRollout } from '../../src/rollout/machine';
import { DEFAULT_PLAN, overPlan } from '../../src/rollout/plan';
import type { GateReport, GateResult } from '../../src/rollout/gates';
import { rolloutLensTitle, rolloutStatusBarText, rolloutView } from '../../src/rollout/view';

/**
 * What the panel and status bar show of a rollout right after its step moves: the stats window still holds the previous
 * step's traffic, so the last report (taken before the move) must not be shown as this step's gates, and no gate passes
 * on mixed traffic until one window has gone by.
 */

const PLAN = overPlan(DEFAULT_PLAN, { steps: [10, 25, 50, 100], holdTime: '2m', window: '1m' });
const TARGET = { kind: 'TrafficSplit' as const, name: 'web-svc-ts', namespace: 'emojivoto' };
const ME = 'me (VS Code)';

function passing(): GateReport {
  const g = (id: GateResult['id'], value: number): GateResult => ({ id, label: id, verdict: 'pass', value, threshold: 1, comparator: '>=', unit: 'requests', detail: `${id} ok` });
  return { canary: 'web-svc-2', stable: ['web-svc'], verdict: 'pass', gates: [g('requests', 150), g('successRate', 99.5), g('latencyP99', 12)] };
}

/** A rollout started at t0 that has held step 1 and just advanced to step 2 at `at`. */
function advancedAt(t0: number, at: number) {
  const started = startRollout(PLAN, { backends: ['web-svc', 'web-svc-2'], weights: [1000, 0] }, 'web-svc-2', ME, t0).state;
  const holder = { id: ME, renewedAt: at, leaseSeconds: 60 };
  let state = { ...started, holder };
  // Settled after one window, held for the rest of the hold, then advanced.
  state = { ...decide(state, { now: t0 + 61, live: { weights: [900, 100], managers: [] }, gates: passing() }).state, holder };
  const d = decide(state, { now: at, live: { weights: [900, 100], managers: [] }, gates: passing() });
  assert.equal(d.status.kind, 'advancing', d.status.message);
  return { decision: d, state: { ...d.state, holder } };
}

test('right after a step moves, the gates are settling: the last report (the previous step\'s) is not shown as passing', () => {
  const t0 = 1_000_000;
  const at = t0 + 121;
  const { decision, state } = advancedAt(t0, at);
  assert.equal(state.step, 1);
  const v = rolloutView(TARGET, state, { status: decision.status, report: passing(), me: ME, now: at + 5 });
  assert.equal(v.status.kind, 'settling');
  assert.match(v.status.message, /step 2\/4 .*previous step's traffic; gates count in 55 s/);
  for (const g of v.gates) {
    assert.equal(g.verdict, 'insufficient', `${g.id} is not judged while settling`);
    assert.equal(g.value, null);
    assert.match(g.detail, /^settling: the 1m window still holds the previous step's traffic; counts in 55 s$/);
  }
  assert.equal(rolloutStatusBarText(v), 'Rollout web-svc-2 · 25% · gates in 55 s');
  assert.equal(rolloutLensTitle(v), 'Rollout 2/4 · gates settling');
});

test('after the window, the step\'s own report shows (pass), and the status bar counts the hold down', () => {
  const t0 = 1_000_000;
  const at = t0 + 121;
  const { state } = advancedAt(t0, at);
  const d = decide(state, { now: at + 61, live: { weights: [750, 250], managers: [] }, gates: passing() });
  assert.equal(d.status.kind, 'holding');
  const v = rolloutView(TARGET, { ...d.state, holder: { id: ME, renewedAt: at + 61, leaseSeconds: 60 } }, { status: d.status, report: passing(), me: ME, now: at + 61 });
  assert.deepEqual(v.gates.map((g) => g.verdict), ['pass', 'pass', 'pass']);
  assert.deepEqual(v.gates.map((g) => g.value), [150, 99.5, 12]);
  assert.equal(rolloutStatusBarText(v), 'Rollout web-svc-2 · 25% · 1:00 left');
  assert.equal(rolloutLensTitle(v), 'Rollout 2/4 · gates ✓');
});

test('a rollout found on the cluster (no status of this window) in its first window is settling too; a pause or a lost cluster is not overridden', () => {
  const t0 = 1_000_000;
  const at = t0 + 121;
  const { state } = advancedAt(t0, at);
  assert.equal(rolloutView(TARGET, state, { now: at + 10 }).status.kind, 'settling');
  const lost = rolloutView(TARGET, state, { status: { kind: 'cluster-lost', message: 'the cluster cannot be reached' }, now: at + 10 });
  assert.equal(lost.status.kind, 'cluster-lost');
  const paused = rolloutView(TARGET, { ...state, phase: 'paused' }, { status: { kind: 'paused', message: 'paused by me', reason: { kind: 'paused-by-user', by: 'me' } }, now: at + 10 });
  assert.equal(paused.status.kind, 'paused');
  // Nobody renews the lease: "no runner" says more than settling.
  const lapsed = rolloutView(TARGET, { ...state, holder: { id: 'ci', renewedAt: at - 600, leaseSeconds: 60 } }, { now: at + 10 });
  assert.equal(lapsed.unattended, true);
  assert.equal(rolloutStatusBarText(lapsed), 'Rollout web-svc-2 · 25% · no runner');
});
