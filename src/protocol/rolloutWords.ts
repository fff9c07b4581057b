/**
 * The lens title of a guided rollout, here so the language service (which may not import src/rollout) and the
 * rollout's other views (src/rollout/view.ts re-exports it) word it alike. Pure.
 */
import type { RolloutView } from './messages';

/**
 * `Rollout 2/4 · gates ✓`, `Rollout 2/4 · gates ✗ · paused`, `Rollout 1/4 · gates waiting · no runner`, and
 * `Rollout 2/4 · gates settling` in a step's first window (its stats still hold the previous step's traffic).
 */
export function rolloutLensTitle(v: RolloutView): string {
  const judged = v.gates.filter((g) => g.verdict !== 'skipped');
  const gates = v.status.kind === 'settling' ? 'gates settling' : judged.some((g) => g.verdict === 'fail') ? 'gates ✗' : judged.every((g) => g.verdict === 'pass') ? 'gates ✓' : 'gates waiting';
  const phase = v.phase === 'running' ? (v.unattended ? ' · no runner' : '') : ` · ${v.phase}`;
  return `Rollout ${v.step + 1}/${v.steps.length} · ${gates}${phase}`;
}

/**
 * One rollout per split: its key (kind, namespace, name, 1-based rule; absent: 1), as the rollout controller keeps its
 * runs and the language service looks a split's rollout up for its lens.
 */
export function rolloutSplitKey(s: RolloutView['split']): string {
  return `${s.kind}/${s.namespace}/${s.name}/${s.rule ?? 1}`;
}
