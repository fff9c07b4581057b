import type { PanelModel } from './model';
import type { SparkPoint } from './history';
import type { PanelRollout, PanelRolloutAction, PanelRolloutGate } from './rolloutModel';
import { gateValue } from './rolloutModel';
import { clockTime, esc, sparklineSegments, sparkSvg } from './render';

/**
 * A guided rollout's part of the panel's HTML, as pure functions of the model (bundled into the webview with
 * ./render.ts, under the same rules: everything through `esc`, no inline styles or handlers, real buttons with
 * labels). It sits on the card of the split it drives, or in a card of its own above the splits. Its buttons carry
 * `data-rollout-action` and `data-rollout` (the rollout's key); the extension acts only on a rollout it was given.
 */

const STEP_MARKS: { readonly [S in PanelRollout['steps'][number]['state']]: { mark: string; word: string } } = {
  done: { mark: ' ✓', word: 'done' }, current: { mark: ' ●', word: 'current step' }, next: { mark: '', word: 'next' },
};
const VERDICT_MARKS: { readonly [V in PanelRolloutGate['verdict']]: string } = { pass: '✓', fail: '✗', waiting: '…', skipped: '–' };

/** `10% ✓ → 25% ● → 50% → 100%`: the arrows and marks are for the eye, each step says its state in words. */
function renderSteps(r: PanelRollout): string {
  return `<ol class="cl-ro-steps" aria-label="${esc(`Steps of the rollout of ${r.canary}`)}">`
    + r.steps.map((s, i) => `<li class="cl-ro-step cl-ro-step--${s.state}" aria-label="${esc(`${s.percent}%, ${STEP_MARKS[s.state].word}`)}">`
      + (i > 0 ? '<span class="cl-ro-arrow" aria-hidden="true">→ </span>' : '')
      + `${esc(s.percent)}%<span aria-hidden="true">${STEP_MARKS[s.state].mark}</span></li>`).join('')
    + '</ol>';
}

/** The gate's values at this step's evaluations, drawn as the panel's sparklines are (percent as a success rate). */
function gateSpark(g: PanelRolloutGate): string {
  const percent = g.unit === '%';
  const points: SparkPoint[] = g.history.map((v, t) => {
    const value = v === null ? null : percent ? v / 100 : v;
    return { t, success: percent ? value : null, rps: percent ? null : value };
  });
  const field = percent ? 'success' : 'rps';
  const values = g.history.filter((v): v is number => v !== null && Number.isFinite(v));
  const fmt = (v: number) => `${gateValue(v, g.unit)}${g.unit === 'requests' ? ' requests' : ''}`;
  const summary = values.length === 0
    ? `${g.name} at this step: not evaluated yet`
    : `${g.name} at this step's ${g.history.length} evaluation${g.history.length === 1 ? '' : 's'}: from ${fmt(values[0]!)} to ${fmt(values[values.length - 1]!)}, between ${fmt(Math.min(...values))} and ${fmt(Math.max(...values))}`;
  return `<span class="cl-ro-spark">${sparkSvg(sparklineSegments(points, field, 0, Math.max(1, points.length - 1)), field, summary)}</span>`;
}

function renderGate(g: PanelRolloutGate): string {
  return `<li class="cl-ro-gate cl-ro-gate--${g.verdict}" data-gate="${esc(g.id)}" data-verdict="${esc(g.verdict)}">`
    + `<span class="cl-ro-gate-name" title="${esc(g.label)}">${esc(g.name)}</span>`
    + `<span class="cl-ro-gate-value" title="${esc(g.detail)}">${esc(g.comparison)}</span>`
    + `<span class="cl-ro-verdict cl-ro-verdict--${g.verdict}"><span aria-hidden="true">${VERDICT_MARKS[g.verdict]} </span>${esc(g.verdict)}</span>`
    + gateSpark(g)
    + '</li>';
}

function rolloutButton(r: PanelRollout, a: PanelRolloutAction, primary: boolean): string {
  return `<button type="button" class="cl-button${primary ? '' : ' cl-button--secondary'}" data-rollout-action="${esc(a.action)}" data-rollout="${esc(r.key)}" `
    + `data-focus="${esc(`rollout:${a.action}:${r.key}`)}" aria-label="${esc(a.aria)}" title="${esc(a.aria)}">${esc(a.label)}</button>`;
}

function renderDriver(r: PanelRollout): string {
  const who = r.driver.kind === 'none'
    ? `<span class="cl-ro-unattended">${esc(r.driver.text)}</span>`
    : `driven by <b>${esc(r.driver.text)}</b>`;
  return `<p class="cl-ro-driver" data-driver="${esc(r.driver.kind)}">${who} · started by ${esc(r.startedBy)} at ${esc(clockTime(r.startedAt))} · ${esc(r.plan)}</p>`;
}

/** The rollout's section on a card: nothing when no rollout drives the split. */
export function renderRolloutSection(r: PanelRollout | undefined): string {
  if (!r) return '';
  return `<section class="cl-rollout cl-rollout--${esc(r.tone)}" aria-label="${esc(`Rollout of ${r.canary} on ${r.title}`)}" data-rollout="${esc(r.key)}" data-status="${esc(r.statusKind)}">`
    + `<p class="cl-ro-head"><span class="cl-ro-title">Rollout of <span class="cl-backend-name">${esc(r.canary)}</span></span> `
    + `<span class="cl-tag cl-ro-phase" data-phase="${esc(r.phase)}">${esc(r.phase)}</span> `
    + `<span class="cl-ro-step-text">${esc(r.stepText)}</span>`
    + (r.left ? ` · <span class="cl-ro-left">${esc(r.left)}</span>` : '')
    + '</p>'
    + renderSteps(r)
    + `<p class="cl-ro-message">${esc(r.message)}</p>`
    + (r.gates.length > 0 ? `<ul class="cl-ro-gates" aria-label="${esc(`Gates of the rollout of ${r.canary}`)}">${r.gates.map(renderGate).join('')}</ul>` : '')
    + renderDriver(r)
    + (r.actions.length > 0
      ? `<div class="cl-actions cl-ro-actions" role="group" aria-label="${esc(`Actions on the rollout of ${r.canary}`)}">${r.actions.map((a, i) => rolloutButton(r, a, i === 0)).join('')}</div>`
      : '')
    + '</section>';
}

/** Rollouts of splits the panel has no card for: a card each, above the splits. */
export function renderCardlessRollouts(m: PanelModel): string {
  const rollouts = m.rollouts ?? [];
  if (rollouts.length === 0) return '';
  return '<section class="cl-rollouts" aria-label="Rollouts">'
    + rollouts.map((r, i) => `<article class="cl-rollout-card" aria-labelledby="cl-rollout-${i}">`
      + `<h2 class="cl-split-title" id="cl-rollout-${i}"><span class="cl-kind">${esc(r.split.kind)}</span> <span class="cl-split-name">${esc(r.split.name)}</span>`
      + (r.split.rule !== undefined ? ` <span class="cl-rule">rule ${esc(r.split.rule)}</span>` : '')
      + '</h2>'
      + `<p class="cl-split-meta">namespace ${esc(r.split.namespace)} · not among the splits shown</p>`
      + renderRolloutSection(r)
      + '</article>').join('')
    + '</section>';
}
