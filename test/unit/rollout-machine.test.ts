import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, cancel, decide, formatLeft, resume, rollBack, startRollout, type Observation } from '../../src/rollout/machine';
import { DEFAULT_PLAN, overPlan } from '../../src/rollout/plan';
import { planWeights, stepTotal } from '../../src/rollout/steps';
import { decodeState, encodeState, leaseFor, ROLLOUT_ANNOTATION, stateOf, StateError, type RolloutState } from '../../src/rollout/state';
import type { GateReport, OverallVerdict } from '../../src/rollout/gates';

test('steps: the canary gets the step\'s share of the start\'s total; the others keep their proportions', () => {
  assert.deepEqual(planWeights([900, 100], 1, [10, 25, 50, 100]), [[900, 100], [750, 250], [500, 500], [0, 1000]]);
  // HTTPRoute defaults 1/1 cannot say 10%: written in 100 units.
  assert.equal(stepTotal([1, 1], [10, 25, 50, 100]), 100);
  assert.deepEqual(planWeights([1, 1], 1, [10, 25]), [[90, 10], [75, 25]]);
  // Two stable backends at 3:1 keep 3:1 of the rest (640 of 800); a canary in the middle.
  assert.deepEqual(planWeights([600, 0, 200], 1, [20]), [[480, 160, 160]]);
  // A step of 12.5% needs 1000 units.
  assert.equal(stepTotal([50, 50], [12.5, 100]), 1000);
  // Every result sums to the total.
  for (const w of planWeights([7, 3, 1], 2, [1, 33, 66, 100])) assert.equal(w.reduce((a, b) => a + b, 0), 100);
});

const PLAN = overPlan(DEFAULT_PLAN, { holdTime: '2m', window: '1m', steps: [10, 50, 100] });
const SPLIT = { backends: ['web-svc', 'web-svc-2'], weights: [1000, 0] };

function report(verdict: OverallVerdict): GateReport {
  const v = verdict === 'pass' ? 'pass' : verdict === 'fail' ? 'fail' : 'insufficient';
  return {
    canary: 'web-svc-2', stable: ['web-svc'], verdict,
    gates: [
      { id: 'requests', label: 'requests ≥ 100', verdict: verdict === 'insufficient' ? 'insufficient' : 'pass', value: 150, threshold: 100, comparator: '>=', unit: 'requests', detail: verdict === 'insufficient' ? 'not enough traffic: 12 of 100' : '150' },
      { id: 'successRate', label: 'success rate ≥ 99%', verdict: v, value: 90, threshold: 99, comparator: '>=', unit: '%', detail: '90% < 99%' },
    ],
  };
}

function obs(state: RolloutState, now: number, verdict: OverallVerdict = 'pass', extra: Partial<Observation> = {}): Observation {
  return { now, live: { weights: state.applied, managers: [] }, gates: report(verdict), ...extra };
}

test('machine: a healthy canary settles, holds for holdTime − window, advances, and completes at the last step', () => {
  const start = startRollout(PLAN, SPLIT, 'web-svc-2', 'alice', 0);
  assert.deepEqual(start.apply?.weights, [900, 100]);
  let s = start.state;
  let d = decide(s, obs(s, 30));
  assert.equal(d.status.kind, 'settling'); // the window still holds the start's traffic
  d = decide(d.state, obs(d.state, 60));
  assert.equal(d.status.kind, 'holding');
  assert.equal(d.state.heldSince, 60);
  d = decide(d.state, obs(d.state, 100));
  assert.match(d.status.message, /step 1\/3 \(web-svc-2 10%\): gates ✓, 20 s left/);
  assert.equal(d.apply, undefined);
  d = decide(d.state, obs(d.state, 120));
  assert.equal(d.status.kind, 'advancing');
  assert.deepEqual(d.apply?.weights, [500, 500]);
  s = d.state;
  assert.equal(s.step, 1);
  // Last step: after its hold, complete; nothing more to apply.
  s = { ...s, step: 2, applied: [0, 1000], stepStartedAt: 200 };
  d = decide(s, obs(s, 260));
  d = decide(d.state, obs(d.state, 320));
  assert.equal(d.state.phase, 'completed');
  assert.equal(d.apply, undefined);
  // The gate history runs across steps: four evaluations at step 1, two at step 3.
  assert.deepEqual(d.state.history.map((h) => h.step), [0, 0, 0, 0, 2, 2]);
});

test('machine: not enough traffic or lost stats break the hold; nothing is applied while a gate cannot be evaluated', () => {
  let s = startRollout(PLAN, SPLIT, 'web-svc-2', 'alice', 0).state;
  let d = decide(s, obs(s, 60));
  d = decide(d.state, obs(d.state, 90, 'insufficient'));
  assert.equal(d.status.kind, 'waiting');
  assert.match(d.status.message, /not enough traffic/);
  assert.equal(d.state.heldSince, undefined);
  d = decide(d.state, obs(d.state, 100));
  assert.equal(d.state.heldSince, 100); // the run starts again
  s = d.state;
  d = decide(s, { now: 170, live: { weights: s.applied, managers: [] }, statsError: 'Prometheus unreachable' });
  assert.equal(d.status.kind, 'stats-lost');
  assert.equal(d.apply, undefined);
  d = decide(s, { now: 170, clusterError: 'connection refused' });
  assert.equal(d.status.kind, 'cluster-lost');
  assert.equal(d.apply, undefined);
  assert.equal(d.state.heldSince, undefined);
});

test('machine: a failed gate pauses and Roll back restores the start; with autoRollback it rolls back by itself', () => {
  const s = startRollout(PLAN, SPLIT, 'web-svc-2', 'alice', 0).state;
  const d = decide(s, obs(s, 70, 'fail'));
  assert.equal(d.state.phase, 'paused');
  assert.equal(d.apply, undefined);
  assert.match(d.status.message, /gate failed: success rate ≥ 99%: 90% < 99%\. Paused; Roll back restores 1000\/0/);
  const back = rollBack(d.state, 80, 'alice');
  assert.deepEqual(back.apply?.weights, [1000, 0]);
  assert.equal(back.state.phase, 'rolled-back');
  // Once ended, nothing more happens.
  assert.equal(decide(back.state, obs(back.state, 90)).apply, undefined);

  const auto = startRollout({ ...PLAN, autoRollback: true }, SPLIT, 'web-svc-2', 'ci', 0).state;
  const a = decide(auto, obs(auto, 70, 'fail'));
  assert.deepEqual(a.apply?.weights, [1000, 0]);
  assert.equal(a.state.phase, 'rolled-back');
});

test('machine: weights changed by another field manager pause it and name the manager; Resume re-applies the step', () => {
  const s = startRollout(PLAN, SPLIT, 'web-svc-2', 'alice', 0).state;
  const d = decide(s, { now: 70, live: { weights: [500, 500], managers: ['kubectl apply'] }, gates: report('pass') });
  assert.equal(d.state.phase, 'paused');
  assert.match(d.status.message, /changed by kubectl apply \(now 500\/500, the rollout set 900\/100\)/);
  const r = resume(d.state, 100);
  assert.deepEqual(r.apply?.weights, [900, 100]);
  assert.equal(r.state.phase, 'running');
  // A controller that takes the split over stops it, with its name.
  const t = decide(s, { now: 70, live: { weights: s.applied, managers: [], controller: 'Flagger Canary web' }, gates: report('pass') });
  assert.match(t.status.message, /Flagger Canary web has taken the split over/);
});

test('machine: with autoAdvance off the step waits for Advance, which is refused before the gates have held', () => {
  const s = startRollout({ ...PLAN, autoAdvance: false }, SPLIT, 'web-svc-2', 'alice', 0).state;
  let d = decide(s, obs(s, 60));
  assert.match((advance(d.state, obs(d.state, 70)) as { refused: string }).refused, /gates ✓, 50 s left/);
  d = decide(d.state, obs(d.state, 120));
  assert.equal(d.status.kind, 'ready');
  assert.equal(d.apply, undefined);
  const a = advance(d.state, obs(d.state, 125));
  assert.ok(!('refused' in a));
  assert.deepEqual(a.apply?.weights, [500, 500]);
  assert.equal(a.state.plan.autoAdvance, false);
  assert.match(cancel(a.state, 'bob').status.message, /cancelled by bob; the weights stay at 500\/500/);
  assert.equal(formatLeft(80), '1:20');
});

test('state: the annotation round-trips; a broken or newer one is refused with what to do; the lease is held until it lapses', () => {
  const s = startRollout(PLAN, SPLIT, 'web-svc-2', 'alice', 0).state;
  const held = { ...s, holder: { id: 'alice (VS Code)', renewedAt: 100, leaseSeconds: 30 } };
  assert.deepEqual(stateOf({ [ROLLOUT_ANNOTATION]: encodeState(held) }), held);
  assert.equal(stateOf({}), undefined);
  assert.throws(() => decodeState('{'), (e: unknown) => e instanceof StateError && /not JSON.*remove it to start again/.test(e.message));
  assert.throws(() => decodeState(JSON.stringify({ ...s, v: 2 })), /version 2; this Canary Lens reads version 1/);
  assert.deepEqual(leaseFor(held, 'ci (canary-lens CLI)', 120), { mine: false, holder: held.holder });
  assert.deepEqual(leaseFor(held, 'alice (VS Code)', 120), { mine: true });
  assert.deepEqual(leaseFor(held, 'ci (canary-lens CLI)', 131), { mine: true });
});
