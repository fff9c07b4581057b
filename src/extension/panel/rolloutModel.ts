import type { RolloutActionName, RolloutGateView, RolloutPhaseName, RolloutView } from '../../protocol/messages';
import { splitKey } from './history';

/**
 * The guided rollouts the panel shows (src/rollout, protocol `RolloutView`), as plain data (no `vscode`, no DOM): each
 * on the card of the split it drives, or in a card of its own above the splits when the panel shows no such split.
 * The words are built here, once: the step timeline, the time left, each gate's value against its threshold, who
 * drives it and the buttons for what a person may do now. A button carries the rollout's key; the extension acts only
 * on a rollout it was given, and only with an action that rollout offers.
 */

export type RolloutGateWord = 'pass' | 'fail' | 'waiting' | 'skipped';

export interface PanelRolloutGate {
  id: RolloutGateView['id'];
  /** `success rate`, `P99`, `requests`. */
  name: string;
  /** The plan's bound in words: `success rate ≥ 99% and ≥ stable − 1`. */
  label: string;
  verdict: RolloutGateWord;
  /** `99.2% ≥ 99%`, `12 ms ≤ 15 ms`, `140 ≥ 100 requests`; `40 requests, needs ≥ 100` while waiting. */
  comparison: string;
  /** Where the threshold comes from, or why the gate was not judged. */
  detail: string;
  unit: RolloutGateView['unit'];
  /** The value at each evaluation of the current step, oldest first. */
  history: (number | null)[];
}

export interface PanelRolloutAction {
  action: RolloutActionName;
  label: string;
  aria: string;
}

export interface PanelRollout {
  /** The rollout's own key (its split as `splitKey` writes it): what its buttons post. */
  key: string;
  split: RolloutView['split'];
  /** `TrafficSplit web-split`, `HTTPRoute emoji-route rule 2`. */
  title: string;
  canary: string;
  phase: RolloutPhaseName;
  /** The colour of its edge: blue while it runs, yellow when paused or unattended, green done, red rolled back. */
  tone: 'progress' | 'paused' | 'ok' | 'failed' | 'idle';
  steps: { percent: number; state: 'done' | 'current' | 'next' }[];
  /** `step 2/4 · 25%`. */
  stepText: string;
  /** `1:20 left` while a step holds; `gates in 9 s` while it settles (its window still holds the previous step's traffic). */
  left?: string;
  statusKind: string;
  message: string;
  /** `hold 5m · window 1m`. */
  plan: string;
  startedBy: string;
  /** Unix seconds. */
  startedAt: number;
  /** Who drives it, in words: `you`, `ci-job-7 (canary-lens CLI)`, or that no runner does. */
  driver: { text: string; kind: 'you' | 'other' | 'none' };
  gates: PanelRolloutGate[];
  actions: PanelRolloutAction[];
}

const GATE_NAMES: { readonly [G in RolloutGateView['id']]: string } = { requests: 'requests', successRate: 'success rate', latencyP99: 'P99' };
/** The bound each gate is judged against (src/rollout/gates.ts): at least so many requests and so much success, at most so much latency. */
const COMPARATORS: { readonly [G in RolloutGateView['id']]: { ok: string; not: string } } = {
  requests: { ok: '≥', not: '<' }, successRate: { ok: '≥', not: '<' }, latencyP99: { ok: '≤', not: '>' },
};
const VERDICT_WORDS: { readonly [V in RolloutGateView['verdict']]: RolloutGateWord } = { pass: 'pass', fail: 'fail', insufficient: 'waiting', skipped: 'skipped' };
const PHASE_TONES: { readonly [P in RolloutPhaseName]: PanelRollout['tone'] } = {
  running: 'progress', paused: 'paused', completed: 'ok', 'rolled-back': 'failed', cancelled: 'idle',
};
export const ROLLOUT_ACTIONS: readonly RolloutActionName[] = ['advance', 'pause', 'resume', 'rollback', 'cancel'];
const ACTION_LABELS: { readonly [A in RolloutActionName]: string } = { advance: 'Advance', pause: 'Pause', resume: 'Resume', rollback: 'Roll back', cancel: 'Cancel' };

export function isRolloutAction(value: unknown): value is RolloutActionName {
  return typeof value === 'string' && (ROLLOUT_ACTIONS as readonly string[]).includes(value);
}

/** The key a rollout's buttons carry: its split, as the cards key theirs. */
export function rolloutKey(split: RolloutView['split']): string {
  return splitKey({ kind: split.kind, namespace: split.namespace, name: split.name, ...(split.rule !== undefined ? { rule: split.rule } : {}) });
}

/**
 * Whether a card shows the split a rollout drives: same kind, namespace and name, and the same rule (1-based; a route
 * with one rule has a card without one, and a rollout without one drives the first rule).
 */
export function drivesSplit(split: RolloutView['split'], card: { kind: string; namespace: string; name: string; rule?: number }): boolean {
  return card.kind === split.kind && card.namespace === split.namespace && card.name === split.name && (card.rule ?? 1) === (split.rule ?? 1);
}

/** `1:20`, `45 s` (as src/rollout/machine.ts `formatLeft`, which the webview bundle does not carry). */
export function formatLeft(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` : `${s} s`;
}

const round2 = (v: number): string => String(Math.round(v * 100) / 100);

/** A gate's value in its unit: `99.2%`, `12 ms`, `140` (requests: the unit goes once, at the end of the line). */
export function gateValue(v: number, unit: RolloutGateView['unit']): string {
  if (unit === '%') return `${round2(v)}%`;
  if (unit === 'ms') return `${v >= 100 ? Math.round(v) : Math.round(v * 10) / 10} ms`;
  return String(Math.round(v));
}

/** `99.2% ≥ 99%`, `18 ms > 15 ms`, `140 ≥ 100 requests`; while waiting `40 requests, needs ≥ 100`; `-` for no value. */
export function gateComparison(g: RolloutGateView): string {
  const c = COMPARATORS[g.id];
  const tail = g.unit === 'requests' ? ' requests' : '';
  const value = g.value !== null ? gateValue(g.value, g.unit) : '-';
  const bound = g.threshold !== null ? gateValue(g.threshold, g.unit) : undefined;
  if ((g.verdict === 'pass' || g.verdict === 'fail') && g.value !== null && bound !== undefined) {
    return `${value} ${g.verdict === 'pass' ? c.ok : c.not} ${bound}${tail}`;
  }
  if (g.verdict === 'skipped') return `${value}${g.value !== null ? tail : ''}, not compared`;
  return `${value}${g.value !== null ? tail : ''}${bound !== undefined ? `, needs ${c.ok} ${bound}` : ''}`;
}

function driverOf(v: RolloutView): PanelRollout['driver'] {
  if (v.unattended) return { text: 'no runner: the split stays at this step', kind: 'none' };
  if (v.holder?.mine) return { text: 'you', kind: 'you' };
  if (v.holder) return { text: v.holder.id, kind: 'other' };
  return { text: 'no runner', kind: 'none' };
}

function actionOf(v: RolloutView, title: string, action: RolloutActionName): PanelRolloutAction {
  const at = v.steps[v.step];
  const next = v.steps[v.step + 1];
  const aria: { readonly [A in RolloutActionName]: string } = {
    advance: `Advance ${v.canary} to ${next ?? at ?? 0}% on ${title} (the gates held)`,
    pause: `Pause the rollout of ${v.canary} at ${at ?? 0}%: the weights stay until it is resumed`,
    resume: `Resume the rollout of ${v.canary}: apply step ${v.step + 1} (${at ?? 0}%) again and hold it`,
    rollback: `Roll back ${v.canary}: restore the weights of ${title} from before the rollout, and end it`,
    cancel: `Cancel the rollout of ${v.canary}: stop driving ${title}; its weights stay where they are`,
  };
  return { action, label: ACTION_LABELS[action], aria: aria[action] };
}

export function buildRollout(v: RolloutView): PanelRollout {
  const title = `${v.split.kind} ${v.split.name}${v.split.rule !== undefined ? ` rule ${v.split.rule}` : ''}`;
  const done = v.phase === 'completed';
  const left = v.status.secondsLeft;
  return {
    key: rolloutKey(v.split),
    split: v.split,
    title,
    canary: v.canary,
    phase: v.phase,
    tone: v.unattended ? 'paused' : PHASE_TONES[v.phase],
    steps: v.steps.map((percent, i) => ({ percent, state: i < v.step || (done && i === v.step) ? 'done' : i === v.step ? 'current' : 'next' })),
    stepText: `step ${Math.min(v.step + 1, v.steps.length)}/${v.steps.length} · ${v.steps[v.step] ?? 0}%`,
    ...(left !== undefined && Number.isFinite(left) && v.phase === 'running' ? { left: v.status.kind === 'settling' ? `gates in ${formatLeft(left)}` : `${formatLeft(left)} left` } : {}),
    statusKind: v.status.kind,
    message: v.status.message,
    plan: `hold ${v.holdTime} · window ${v.window}`,
    startedBy: v.startedBy,
    startedAt: v.startedAt,
    driver: driverOf(v),
    gates: v.gates.map((g) => ({
      id: g.id, name: GATE_NAMES[g.id], label: g.label, verdict: VERDICT_WORDS[g.verdict], comparison: gateComparison(g),
      detail: g.detail, unit: g.unit, history: [...g.history],
    })),
    // Only actions the panel knows a button for (the list is the rollout's own: its state decides).
    actions: v.actions.filter(isRolloutAction).map((a) => actionOf(v, title, a)),
  };
}

/**
 * The rollouts by where they show: on the card of the split each drives (by card index), the others on their own.
 * One rollout per split (the state lives on the split object); should two views name one split, the first wins.
 */
export function placeRollouts(views: readonly RolloutView[], cards: readonly { kind: string; namespace: string; name: string; rule?: number }[]): { onCards: Map<number, PanelRollout>; cardless: PanelRollout[] } {
  const onCards = new Map<number, PanelRollout>();
  const cardless: PanelRollout[] = [];
  const seen = new Set<string>();
  for (const v of views) {
    const r = buildRollout(v);
    if (seen.has(r.key)) continue;
    seen.add(r.key);
    const i = cards.findIndex((c) => drivesSplit(v.split, c));
    if (i >= 0 && !onCards.has(i)) onCards.set(i, r);
    else cardless.push(r);
  }
  return { onCards, cardless };
}
