/**
 * What the panel, the status bar and the lenses show of a rollout (protocol `RolloutView`), from the state on the
 * split, the machine's last status and gate report, who is looking and when. Pure.
 */
import type { RolloutActionName, RolloutGateView, RolloutView } from '../protocol/messages';
import { formatLeft, settling, type RolloutStatus } from './machine';
import { planSeconds } from './plan';
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

/** Statuses a step's first window overrides: the step just moved, or it is settling. Stops and losses say more. */
const SETTLING_OVER: readonly string[] = ['advancing', 'settling'];

export function rolloutView(target: SplitTarget & { namespace: string }, state: RolloutState, opts: { status?: RolloutStatus; report?: GateReport; me?: string; now: number }): RolloutView {
  const { report, me, now } = opts;
  const unattended = state.phase === 'running' && !leaseLive(state.holder, now);
  // In the step's first window the gates of the last report judged the previous step's traffic (or mixed traffic):
  // none is shown as passing or failing until the window holds this step's alone.
  const settlingNow = state.phase === 'running' && !unattended && (opts.status === undefined || SETTLING_OVER.includes(opts.status.kind))
    && now < state.stepStartedAt + planSeconds(state.plan).window;
  const status = settlingNow ? settling(state, now) : opts.status;
  const stepHistory = state.history.filter((h) => h.step === state.step);
  const gates: RolloutGateView[] = GATE_IDS.map((id, i) => {
    const g = settlingNow ? undefined : report?.gates.find((x) => x.id === id);
    const last = settlingNow ? undefined : stepHistory[stepHistory.length - 1];
    const settlingWords = `settling: the ${state.plan.window} window still holds the previous step's traffic; counts in ${formatLeft(state.stepStartedAt + planSeconds(state.plan).window - now)}`;
    return {
      id,
      label: g?.label ?? report?.gates.find((x) => x.id === id)?.label ?? GATE_NAMES[id],
      verdict: g?.verdict ?? last?.gates[i] ?? 'insufficient',
      value: g?.value ?? last?.values[i] ?? null,
      threshold: g?.threshold ?? null,
      unit: id === 'requests' ? 'requests' : id === 'successRate' ? '%' : 'ms',
      detail: settlingNow ? settlingWords : g?.detail ?? (last ? 'as of the last evaluation' : 'not evaluated yet'),
      history: stepHistory.map((h) => h.values[i] ?? null),
    };
  });
  const holder = state.holder ? { ...state.holder, mine: me !== undefined && state.holder.id === me } : undefined;
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
  const left = v.status.secondsLeft !== undefined ? formatLeft(v.status.secondsLeft) : undefined;
  const tail = v.phase !== 'running' ? v.phase : v.unattended ? 'no runner'
    : left !== undefined ? (v.status.kind === 'settling' ? `gates in ${left}` : `${left} left`) : v.status.kind;
  return `Rollout ${v.canary} · ${share} · ${tail}`;
}

// The lens title is worded in the protocol package, where the language service can read it.
export { rolloutLensTitle } from '../protocol/rolloutWords';
