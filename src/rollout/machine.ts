/**
 * The rollout as a pure state machine: given the state on the split, what was just observed (live weights, who
 * wrote them, the gates) and the time, what to do next. The runner (extension or CLI) does the I/O: it applies the
 * weights a decision asks for through the apply path, then writes the decision's state to the split.
 *
 * Timing: a step's window first holds the previous step's traffic, so evaluations count only from `stepStartedAt +
 * window`. From then on every evaluation must pass; the step advances when the passing run is `holdTime − window`
 * long, so the evaluations together cover the step's traffic from its start to `holdTime` after it. Anything short
 * of a pass (not enough traffic, stats lost) breaks the run; nothing is applied while a gate cannot be evaluated.
 */
import { planSeconds } from './plan';
import { ENDED_PHASES, historyEntry, type RolloutState, type StopReason } from './state';
import { stepWeights, stepTotal } from './steps';
import type { GateReport } from './gates';
import type { RolloutPlan } from './plan';

export interface Observation {
  /** Unix seconds. */
  now: number;
  /** The split in the cluster; absent when it could not be read (clusterError says why). */
  live?: {
    /** Weights in the state's backend order (null: that backend is gone from the split). */
    weights: (number | null)[];
    /** Field managers other than ours that own the weights (from managedFields), for "changed by". */
    managers: string[];
    /** A progressive delivery controller that has taken the split over (Flagger, Argo Rollouts), if any. */
    controller?: string;
  };
  clusterError?: string;
  /** The gates on this refresh; absent when stats could not be read (statsError says why). */
  gates?: GateReport;
  statsError?: string;
}

/** What the panel, status bar, lens and CLI show; `message` is one line in the user's words. */
export type RolloutStatus =
  | { kind: 'settling'; message: string; secondsLeft: number }
  | { kind: 'holding'; message: string; secondsLeft: number }
  | { kind: 'waiting'; message: string }
  | { kind: 'ready'; message: string }
  | { kind: 'advancing'; message: string }
  | { kind: 'paused'; message: string; reason: StopReason }
  | { kind: 'cluster-lost'; message: string }
  | { kind: 'stats-lost'; message: string }
  | { kind: 'ended'; message: string };

export interface Decision {
  state: RolloutState;
  /** Weights to apply before writing `state` (the next step, the current one again, or the start's). */
  apply?: { weights: number[]; why: string };
  status: RolloutStatus;
}

const pct = (p: number): string => `${p}%`;
const sameWeights = (a: readonly (number | null)[], b: readonly number[]): boolean => a.length === b.length && a.every((w, i) => w === b[i]);

/** A new rollout: its first step's weights to apply, and the state to write once they are in. */
export function startRollout(plan: RolloutPlan, split: { backends: string[]; weights: number[] }, canary: string, by: string, now: number): Decision {
  const canaryIndex = split.backends.indexOf(canary);
  if (canaryIndex < 0) throw new RangeError(`${canary} is not a backend of the split (${split.backends.join(', ')})`);
  const total = stepTotal(split.weights, plan.steps);
  const first = stepWeights(split.weights, canaryIndex, plan.steps[0]!, total);
  const state: RolloutState = {
    v: 1, plan, backends: [...split.backends], startWeights: [...split.weights], canary, total, step: 0, phase: 'running',
    startedAt: now, startedBy: by, stepStartedAt: now, applied: first, history: [],
  };
  return { state, apply: { weights: first, why: `step 1 of ${plan.steps.length}: ${canary} ${pct(plan.steps[0]!)}` }, status: settling(state, now) };
}

/** The weights of step `i` of a state. */
export function weightsAt(state: RolloutState, i: number): number[] {
  return stepWeights(state.startWeights, state.backends.indexOf(state.canary), state.plan.steps[i]!, state.total);
}

/** While the step's first window runs: its stats still hold the previous step's traffic, so no gate counts yet. */
export function settling(state: RolloutState, now: number): RolloutStatus {
  const { window } = planSeconds(state.plan);
  const left = Math.max(0, state.stepStartedAt + window - now);
  return { kind: 'settling', secondsLeft: left, message: `step ${state.step + 1}/${state.plan.steps.length} (${state.canary} ${pct(state.plan.steps[state.step]!)}): the stats window still holds the previous step's traffic; gates count in ${Math.ceil(left)} s` };
}

function paused(state: RolloutState, reason: StopReason, message: string): Decision {
  return { state: { ...state, phase: 'paused', stopped: reason, heldSince: undefined }, status: { kind: 'paused', reason, message } };
}

/** The next move of a rollout given what was observed. */
export function decide(state: RolloutState, obs: Observation): Decision {
  const { now } = obs;
  const at = `step ${state.step + 1}/${state.plan.steps.length} (${state.canary} ${pct(state.plan.steps[state.step] ?? 0)})`;
  if (ENDED_PHASES.includes(state.phase)) return { state, status: { kind: 'ended', message: `the rollout is ${state.phase}` } };
  if (!obs.live) {
    return { state: { ...state, heldSince: undefined }, status: { kind: 'cluster-lost', message: `${at}: the cluster cannot be read (${obs.clusterError ?? 'no answer'}); nothing is applied until it can` } };
  }
  if (obs.live.controller) {
    return paused(state, { kind: 'taken-over', controller: obs.live.controller }, `${at}: ${obs.live.controller} has taken the split over; the rollout stops here (its weights are the controller's now)`);
  }
  if (!sameWeights(obs.live.weights, state.applied)) {
    const by = obs.live.managers.length > 0 ? obs.live.managers.join(', ') : 'someone else';
    return paused(state, { kind: 'changed-by', managers: obs.live.managers, weights: obs.live.weights.map((w) => w ?? 0) },
      `${at}: the weights were changed by ${by} (now ${obs.live.weights.map((w) => w ?? '-').join('/')}, the rollout set ${state.applied.join('/')}): paused; Resume re-applies this step, Roll back restores the start`);
  }
  if (state.phase === 'paused') return { state, status: { kind: 'paused', reason: state.stopped ?? { kind: 'paused-by-user', by: 'unknown' }, message: `${at}: paused` } };
  if (!obs.gates) {
    return { state: { ...state, heldSince: undefined }, status: { kind: 'stats-lost', message: `${at}: the stats cannot be read (${obs.statsError ?? 'no answer'}); the step holds and nothing is applied until they can` } };
  }

  const gates = obs.gates;
  const history = [...state.history, historyEntry(now, state.step, gates)];
  const next = { ...state, history };
  const { hold, window } = planSeconds(state.plan);
  if (now < state.stepStartedAt + window) return { state: { ...next, heldSince: undefined }, status: settling(next, now) };
  if (gates.verdict === 'fail') {
    const failed = gates.gates.filter((g) => g.verdict === 'fail');
    const words = failed.map((g) => `${g.label}: ${g.detail}`).join('; ');
    if (state.plan.autoRollback) {
      return {
        state: { ...next, phase: 'rolled-back', stopped: { kind: 'gate-failed', gates: failed.map((g) => g.id) }, applied: [...state.startWeights], heldSince: undefined },
        apply: { weights: [...state.startWeights], why: `gate failed at ${at}: ${words}; autoRollback` },
        status: { kind: 'ended', message: `${at}: gate failed (${words}); rolled back to ${state.startWeights.join('/')}` },
      };
    }
    return paused(next, { kind: 'gate-failed', gates: failed.map((g) => g.id) }, `${at}: gate failed: ${words}. Paused; Roll back restores ${state.startWeights.join('/')}`);
  }
  if (gates.verdict === 'insufficient') {
    const why = gates.reason ?? gates.gates.find((g) => g.verdict === 'insufficient')?.detail ?? 'not enough traffic';
    return { state: { ...next, heldSince: undefined }, status: { kind: 'waiting', message: `${at}: waiting: ${why}` } };
  }
  const heldSince = state.heldSince ?? now;
  const need = hold - window;
  const left = heldSince + need - now;
  if (left > 0) {
    return { state: { ...next, heldSince }, status: { kind: 'holding', secondsLeft: left, message: `${at}: gates ✓, ${formatLeft(left)} left` } };
  }
  if (state.step === state.plan.steps.length - 1) {
    return { state: { ...next, heldSince, phase: 'completed' }, status: { kind: 'ended', message: `${at}: gates held; the rollout is complete` } };
  }
  if (!state.plan.autoAdvance) {
    return { state: { ...next, heldSince }, status: { kind: 'ready', message: `${at}: gates held for ${state.plan.holdTime}; Advance to ${pct(state.plan.steps[state.step + 1]!)}` } };
  }
  return advanceFrom({ ...next, heldSince }, now);
}

function advanceFrom(state: RolloutState, now: number): Decision {
  const step = state.step + 1;
  const weights = weightsAt(state, step);
  const moved: RolloutState = { ...state, step, stepStartedAt: now, heldSince: undefined, applied: weights };
  const why = `step ${step + 1} of ${state.plan.steps.length}: ${state.canary} ${pct(state.plan.steps[step]!)}`;
  return { state: moved, apply: { weights, why }, status: { kind: 'advancing', message: why } };
}

/** Advance by hand: only once the gates have held (the status said `ready`), as autoAdvance would. */
export function advance(state: RolloutState, obs: Observation): Decision | { refused: string } {
  if (state.phase !== 'running') return { refused: `the rollout is ${state.phase}` };
  const d = decide({ ...state, plan: { ...state.plan, autoAdvance: false } }, obs);
  if (d.status.kind !== 'ready') return { refused: d.status.message };
  return advanceFrom({ ...d.state, plan: state.plan }, obs.now);
}

/** Roll back: the start's weights; the rollout ends. */
export function rollBack(state: RolloutState, now: number, by: string): Decision {
  return {
    state: { ...state, phase: 'rolled-back', applied: [...state.startWeights], heldSince: undefined, stepStartedAt: now },
    apply: { weights: [...state.startWeights], why: `rolled back by ${by}` },
    status: { kind: 'ended', message: `rolled back by ${by} to ${state.startWeights.join('/')}` },
  };
}

/** Resume a paused rollout: the current step's weights again (someone may have changed them), its hold from now. */
export function resume(state: RolloutState, now: number): Decision {
  const weights = weightsAt(state, state.step);
  const moved: RolloutState = { ...state, phase: 'running', stopped: undefined, heldSince: undefined, stepStartedAt: now, applied: weights };
  return { state: moved, apply: { weights, why: `resumed at step ${state.step + 1}` }, status: settling(moved, now) };
}

export function pause(state: RolloutState, by: string): Decision {
  return paused(state, { kind: 'paused-by-user', by }, `paused by ${by}`);
}

/** Cancel: the rollout stops driving; the weights stay where they are (say so). */
export function cancel(state: RolloutState, by: string, liveWeights: readonly number[] = state.applied): Decision {
  return { state: { ...state, phase: 'cancelled', heldSince: undefined }, status: { kind: 'ended', message: `cancelled by ${by}; the weights stay at ${liveWeights.join('/')}` } };
}

/** `1:20`, `45 s`. */
export function formatLeft(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` : `${s} s`;
}
