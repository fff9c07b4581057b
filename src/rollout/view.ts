/**
 * What the panel, the status bar and the lenses show of a rollout (protocol `RolloutView`), from the state on the
 * split, the machine's last status and gate report, who is looking and when. Pure.
 */
import type { RolloutActionName, RolloutGateView, RolloutView } from '../protocol/messages';
import { formatLeft, type RolloutStatus } from './machine';
import { leaseLive, ENDED_PHASES, type RolloutState } from './state';
import type { GateId, GateReport } from './gates';
import type { SplitTarget } from './manifest';

const GATE_IDS: readonly GateId[] = ['requests', 'successRate', 'latencyP99'];
const GATE_NAMES: Record<GateId, string> = { requests: 'requests', successRate: 'success rate', latencyP99: 'P99' };

/** What a person may do in a phase (Advance only when the step is ready and the plan waits for a click). */
export function rolloutActions(state: RolloutState, status: RolloutStatus | undefined): RolloutActionName[] {
  if (ENDED_PHASES.includes(state.phase)) return [];
  if (state.phase === 'paused') return ['resume', 'rollback', 'cancel'];
  return [...(status?.kind === 'ready' ? ['advance' as const] : []), 'pause', 'rollback', 'cancel'];
}

export function rolloutView(target: SplitTarget & { namespace: string }, state: RolloutState, opts: { status?: RolloutStatus; report?: GateReport; me?: string; now: number }): RolloutView {
  const { status, report, me, now } = opts;
  const stepHistory = state.history.filter((h) => h.step === state.step);
  const gates: RolloutGateView[] = GATE_IDS.map((id, i) => {
    const g = report?.gates.find((x) => x.id === id);
    const last = stepHistory[stepHistory.length - 1];
    return {
      id,
      label: g?.label ?? GATE_NAMES[id],
      verdict: g?.verdict ?? last?.gates[i] ?? 'insufficient',
      value: g?.value ?? last?.values[i] ?? null,
      threshold: g?.threshold ?? null,
      unit: id === 'requests' ? 'requests' : id === 'successRate' ? '%' : 'ms',
      detail: g?.detail ?? (last ? 'as of the last evaluation' : 'not evaluated yet'),
      history: stepHistory.map((h) => h.values[i] ?? null),
    };
  });
  const holder = state.holder ? { ...state.holder, mine: me !== undefined && state.holder.id === me } : undefined;
  const unattended = state.phase === 'running' && !leaseLive(state.holder, now);
  const shownStatus = status ?? { kind: state.phase === 'running' ? (unattended ? 'unattended' : 'running') : state.phase, message: statusWords(state, unattended) };
  return {
    split: { namespace: target.namespace, kind: target.kind, name: target.name, ...(target.rule !== undefined ? { rule: target.rule } : {}) },
    canary: state.canary, steps: [...state.plan.steps], step: state.step, phase: state.phase,
    status: { kind: shownStatus.kind, message: shownStatus.message, ...('secondsLeft' in shownStatus ? { secondsLeft: shownStatus.secondsLeft } : {}) },
    holdTime: state.plan.holdTime, window: state.plan.window, startedBy: state.startedBy, startedAt: state.startedAt,
    ...(holder ? { holder } : {}), unattended, gates, actions: rolloutActions(state, status),
  };
}

function statusWords(state: RolloutState, unattended: boolean): string {
  const at = `step ${state.step + 1}/${state.plan.steps.length} (${state.canary} ${state.plan.steps[state.step] ?? 0}%)`;
  if (unattended) return `${at}: no runner (the editor that drove it closed, or the CI job ended): the split stays at this step until one resumes it`;
  if (state.phase === 'paused') return `${at}: paused${state.stopped ? ` (${state.stopped.kind})` : ''}`;
  return `${at}: ${state.phase}`;
}

/** `Rollout web-svc-2 · 25% · 1:20 left` (status bar; the lens's `Rollout 2/4 · gates ✓` is rolloutLensTitle). */
export function rolloutStatusBarText(v: RolloutView): string {
  const share = `${v.steps[v.step] ?? 0}%`;
  const tail = v.phase !== 'running' ? v.phase : v.unattended ? 'no runner' : v.status.secondsLeft !== undefined ? `${formatLeft(v.status.secondsLeft)} left` : v.status.kind;
  return `Rollout ${v.canary} · ${share} · ${tail}`;
}

// The lens title is worded in the protocol package, where the language service can read it.
export { rolloutLensTitle } from '../protocol/rolloutWords';
