/**
 * Guided rollouts for the panel tests, built by the rollout library's own `rolloutView` (src/rollout/view.ts) from a
 * state on the split and a gate report, as the extension's rollout controller builds them: a running rollout holding
 * step 2 of 4 with every gate passing, a paused one whose success rate failed, and one nobody drives any more.
 */
import type { RolloutView } from '../../src/protocol/messages';
import type { GateReport, GateResult } from '../../src/rollout/gates';
import type { RolloutStatus } from '../../src/rollout/machine';
import { DEFAULT_PLAN, overPlan } from '../../src/rollout/plan';
import type { RolloutState } from '../../src/rollout/state';
import { rolloutView } from '../../src/rollout/view';
import { NOW } from './support';

export const ME = 'dev@laptop (VS Code)';
const PLAN = overPlan(DEFAULT_PLAN, { steps: [10, 25, 50, 100], holdTime: '5m', window: '1m', autoAdvance: true });

function gate(id: GateResult['id'], verdict: GateResult['verdict'], value: number | null, threshold: number | null): GateResult {
  const shape = {
    requests: { label: 'requests ≥ 100', comparator: '>=', unit: 'requests' },
    successRate: { label: 'success rate ≥ 99% and ≥ stable − 1', comparator: '>=', unit: '%' },
    latencyP99: { label: 'P99 ≤ 1.5 × stable and ≤ 15 ms', comparator: '<=', unit: 'ms' },
  } as const;
  return { id, verdict, value, threshold, ...shape[id], detail: `${id}: ${String(value)} against ${String(threshold)}` };
}

export function report(gates: GateResult[]): GateReport {
  return { canary: 'web-svc-2', stable: ['web-svc'], verdict: gates.some((g) => g.verdict === 'fail') ? 'fail' : 'pass', gates };
}

export const PASSING = report([gate('requests', 'pass', 140, 100), gate('successRate', 'pass', 99.2, 99), gate('latencyP99', 'pass', 12, 15)]);
export const FAILING = report([gate('requests', 'pass', 180, 100), gate('successRate', 'fail', 97.1, 99), gate('latencyP99', 'pass', 13, 15)]);

function state(extra: Partial<RolloutState>): RolloutState {
  return {
    v: 1, plan: PLAN, backends: ['web-svc', 'web-svc-2'], startWeights: [1000, 0], canary: 'web-svc-2', total: 1000, step: 1, phase: 'running',
    startedAt: NOW - 600, startedBy: ME, stepStartedAt: NOW - 150, applied: [750, 250],
    holder: { id: ME, renewedAt: NOW - 5, leaseSeconds: 60 },
    // Four evaluations of step 2 (and one of step 1, which its sparklines leave out).
    history: [
      { at: NOW - 200, step: 0, verdict: 'pass', gates: ['pass', 'pass', 'pass'], values: [300, 100, 9] },
      ...[0, 1, 2, 3].map((i) => ({
        at: NOW - 80 + i * 20, step: 1, verdict: 'pass' as const, gates: ['pass', 'pass', 'pass'] as GateResult['verdict'][],
        values: [110 + i * 10, 99.6 - i * 0.1, 10 + i * 0.5],
      })),
    ],
    ...extra,
  };
}

const TARGET = { kind: 'TrafficSplit' as const, name: 'web-split', namespace: 'emojivoto' };

/** Step 2/4 (25%), every gate passing, 1:20 left of its hold, driven by this window. */
export function runningView(): RolloutView {
  const status: RolloutStatus = { kind: 'holding', secondsLeft: 80, message: 'step 2/4 (web-svc-2 25%): gates ✓, 1:20 left' };
  return rolloutView(TARGET, state({}), { status, report: PASSING, me: ME, now: NOW });
}

/** Paused at step 2/4 because the success rate failed (97.1% < 99%). */
export function pausedView(target: { kind: 'TrafficSplit' | 'HTTPRoute'; name: string; namespace: string; rule?: number } = TARGET): RolloutView {
  const status: RolloutStatus = {
    kind: 'paused', reason: { kind: 'gate-failed', gates: ['successRate'] },
    message: 'step 2/4 (web-svc-2 25%): gate failed: success rate ≥ 99%: 97.1% < 99%. Paused; Roll back restores 1000/0',
  };
  return rolloutView(target, state({ phase: 'paused', stopped: { kind: 'gate-failed', gates: ['successRate'] } }), { status, report: FAILING, me: ME, now: NOW });
}

/** Running, but the window that drove it closed ten minutes ago: its lease lapsed. */
export function unattendedView(target: { kind: 'TrafficSplit' | 'HTTPRoute'; name: string; namespace: string; rule?: number } = TARGET): RolloutView {
  return rolloutView(target, state({ holder: { id: 'ci-job-7 (canary-lens CLI)', renewedAt: NOW - 600, leaseSeconds: 60 } }), { me: ME, now: NOW });
}

/** Another runner (the CLI in CI) drives it now. */
export function otherDriverView(): RolloutView {
  const status: RolloutStatus = { kind: 'waiting', message: 'step 2/4 (web-svc-2 25%): waiting: not enough traffic' };
  return rolloutView(TARGET, state({ holder: { id: 'ci-job-7 (canary-lens CLI)', renewedAt: NOW - 5, leaseSeconds: 60 } }), { status, report: PASSING, me: ME, now: NOW });
}

/** Just moved to step 2/4 (5 s ago, window 1m): the last report is step 1's, taken before the move. */
export function settlingView(): RolloutView {
  const status: RolloutStatus = { kind: 'advancing', message: 'step 2 of 4: web-svc-2 25%' };
  return rolloutView(TARGET, state({ stepStartedAt: NOW - 5, history: [] }), { status, report: PASSING, me: ME, now: NOW });
}
