/**
 * A rollout's state as it lives on the split object: one annotation holding JSON, so it survives a reload, shows in
 * a colleague's Canary Lens, and can be resumed or cancelled from another window or the CLI. Pure: encoding,
 * decoding (with the reason a value is refused) and the lease check. Writes go through the cluster layer with the
 * object's resourceVersion, so two runners cannot both take the lease (the API server refuses the second write, 409).
 */
import type { GateReport, GateVerdict, OverallVerdict } from './gates';
import type { RolloutPlan } from './plan';

export const ROLLOUT_ANNOTATION = 'canary-lens.dev/rollout';
export const STATE_VERSION = 1;
/** Entries of gate history kept on the object (an annotation is at most 256 KiB with all the others). */
export const HISTORY_LIMIT = 50;

/**
 * running: driving; paused: stopped by a gate, a foreign change or the user, weights held; completed: the last step
 * held; rolled-back: weights back at the start; cancelled: stopped by a person, weights left where they were.
 */
export type RolloutPhase = 'running' | 'paused' | 'completed' | 'rolled-back' | 'cancelled';
export const ENDED_PHASES: readonly RolloutPhase[] = ['completed', 'rolled-back', 'cancelled'];

/** Why a rollout is paused or waiting: each has its own words (src/rollout/words.ts). */
export type StopReason =
  | { kind: 'gate-failed'; gates: string[] }
  | { kind: 'changed-by'; managers: string[]; weights: number[] }
  | { kind: 'taken-over'; controller: string }
  | { kind: 'paused-by-user'; by: string };

export interface Holder {
  /** Who runs it: `alice@laptop (VS Code)`, `ci-job-123 (canary-lens CLI)`. */
  id: string;
  /** Unix seconds of the last renewal. */
  renewedAt: number;
  /** The lease lapses this long after renewedAt. */
  leaseSeconds: number;
}

export interface HistoryEntry {
  /** Unix seconds. */
  at: number;
  step: number;
  verdict: OverallVerdict;
  /** The gates' verdicts, in order (requests, success rate, P99). */
  gates: GateVerdict[];
  /** The canary's values, same order (null: none). */
  values: (number | null)[];
}

export interface RolloutState {
  v: typeof STATE_VERSION;
  plan: RolloutPlan;
  /** The split's backends (names) and their weights when the rollout started: what Roll back restores. */
  backends: string[];
  startWeights: number[];
  canary: string;
  /** The total the steps' weights are written in (steps.ts stepTotal). */
  total: number;
  /** Index into plan.steps of the step in the cluster; -1 before the first is applied. */
  step: number;
  phase: RolloutPhase;
  startedAt: number;
  startedBy: string;
  /** When the current step's weights were applied (Unix seconds). */
  stepStartedAt: number;
  /** First evaluation of an unbroken run of passing gates at this step (covering only this step's traffic). */
  heldSince?: number;
  /** The weights this rollout last applied: any other weights in the cluster were written by someone else. */
  applied: number[];
  stopped?: StopReason;
  holder?: Holder;
  history: HistoryEntry[];
}

export class StateError extends Error {}

export function encodeState(state: RolloutState): string {
  return JSON.stringify({ ...state, history: state.history.slice(-HISTORY_LIMIT) });
}

const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** The state in an annotation's value; throws StateError saying what is wrong (a newer version, broken JSON). */
export function decodeState(text: string): RolloutState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StateError(`the ${ROLLOUT_ANNOTATION} annotation is not JSON (${(e as Error).message}): remove it to start again`);
  }
  const s = raw as Partial<RolloutState> | null;
  if (!s || typeof s !== 'object') throw new StateError(`the ${ROLLOUT_ANNOTATION} annotation is not an object`);
  if (s.v !== STATE_VERSION) throw new StateError(`the ${ROLLOUT_ANNOTATION} annotation has version ${String(s.v)}; this Canary Lens reads version ${STATE_VERSION}: update it`);
  const missing = (['plan', 'backends', 'startWeights', 'canary', 'total', 'step', 'phase', 'startedAt', 'stepStartedAt', 'applied'] as const).filter((k) => s[k] === undefined);
  if (missing.length > 0) throw new StateError(`the ${ROLLOUT_ANNOTATION} annotation lacks ${missing.join(', ')}`);
  if (!isNumberArray(s.startWeights) || !isNumberArray(s.applied)) throw new StateError(`the ${ROLLOUT_ANNOTATION} annotation has weights that are not numbers`);
  return { history: [], startedBy: 'unknown', ...s } as RolloutState;
}

/** The state on an object's annotations: undefined when none; a StateError when unreadable. */
export function stateOf(annotations: Record<string, string> | undefined): RolloutState | undefined {
  const text = annotations?.[ROLLOUT_ANNOTATION];
  return text === undefined ? undefined : decodeState(text);
}

/** Whether the holder's lease is still live at `now`. */
export function leaseLive(holder: Holder | undefined, now: number): holder is Holder {
  return holder !== undefined && now < holder.renewedAt + holder.leaseSeconds;
}

/** Who may drive at `now`: `me` when the lease is free, lapsed or mine; otherwise the live holder. */
export function leaseFor(state: RolloutState, me: string, now: number): { mine: true } | { mine: false; holder: Holder } {
  return leaseLive(state.holder, now) && state.holder.id !== me ? { mine: false, holder: state.holder } : { mine: true };
}

/** The history entry of one evaluation. */
export function historyEntry(at: number, step: number, report: GateReport): HistoryEntry {
  return { at, step, verdict: report.verdict, gates: report.gates.map((g) => g.verdict), values: report.gates.map((g) => g.value) };
}
