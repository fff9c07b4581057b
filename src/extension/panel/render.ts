import type { SparkPoint } from './history';
import type { NoticeAction, PanelBackend, PanelModel, PanelNotice, PanelSplit, SplitOp } from './model';
import { ownerButton, renderDeliverySection, renderOwnerNote } from './deliveryRender';
import { renderEditorRow } from './editorRender';
import { renderCardlessRollouts, renderRolloutSection } from './rolloutRender';

/**
 * The side panel's HTML, as pure functions of the model: the extension renders the first body into the
 * shell, the webview script re-renders with the same `renderPanelBody` on every model. Rules kept here:
 * - every string from the cluster, a file or an error message goes through `esc` (text and attributes alike);
 * - no `style` attributes and no inline event handlers (the CSP allows neither): widths are SVG geometry;
 * - colours only through VS Code's theme variables; real `<button>`s with `aria-label`s and a visible focus.
 * No `vscode`, no DOM, no Node: this file is bundled into the webview too.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text for element content and double-quoted attribute values. */
export function esc(value: string | number | boolean | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const DASH = '-';

export function formatPercent(v: number | null, digits = 1): string {
  return v === null || !Number.isFinite(v) ? DASH : `${(v * 100).toFixed(digits)}%`;
}

/** Success rate as Linkerd shows it (`94.12%`). */
export function formatSuccessRate(v: number | null): string {
  return formatPercent(v, 2);
}

export function formatRpsValue(v: number | null): string {
  return v === null || !Number.isFinite(v) ? DASH : `${v.toFixed(1)} rps`;
}

export function formatMs(v: number | null): string {
  return v === null || !Number.isFinite(v) ? DASH : `${Math.round(v)} ms`;
}

function wholePercent(v: number | null): string {
  return v === null ? DASH : `${Math.round(v * 100)}%`;
}

export function clockTime(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Sparklines: inline SVG, no library.

export const SPARK_WIDTH = 100;
export const SPARK_HEIGHT = 20;

/**
 * The value range a sparkline spans: RPS from 0 to the window's maximum; success rates from a floor to 100%, the
 * floor being 90% unless the rate went lower (then the tenth below its minimum), so that a drop of a few points
 * shows and 100% is always the top line.
 */
export function sparklineRange(values: readonly number[], field: 'success' | 'rps'): { lo: number; hi: number } {
  if (field === 'rps') return { lo: 0, hi: Math.max(...values, 0) };
  const min = Math.min(...values, 1);
  return { lo: Math.max(0, Math.min(0.9, Math.floor(min * 10 + 1e-9) / 10)), hi: 1 };
}

/**
 * Polyline segments (`"x,y x,y ..."`) of one field over [from, to]: a null value breaks the line. The y range is
 * `sparklineRange`; y grows downwards (SVG), 1 unit of padding.
 */
export function sparklineSegments(points: readonly SparkPoint[], field: 'success' | 'rps', from: number, to: number): string[] {
  const span = Math.max(1e-9, to - from);
  const inRange = points.filter((p) => p.t >= from && p.t <= to);
  const values = inRange.map((p) => p[field]).filter((v): v is number => v !== null && Number.isFinite(v));
  const { lo, hi } = sparklineRange(values, field);
  const y = (v: number) => {
    const frac = hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0;
    return round2(SPARK_HEIGHT - 1 - frac * (SPARK_HEIGHT - 2));
  };
  const x = (t: number) => round2(((t - from) / span) * SPARK_WIDTH);
  const segments: string[] = [];
  let current: string[] = [];
  for (const p of inRange) {
    const v = p[field];
    if (v === null || !Number.isFinite(v)) {
      if (current.length > 0) segments.push(current.join(' '));
      current = [];
      continue;
    }
    current.push(`${x(p.t)},${y(v)}`);
  }
  if (current.length > 0) segments.push(current.join(' '));
  return segments;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function renderSparkline(points: readonly SparkPoint[], field: 'success' | 'rps', from: number, to: number, label: string): string {
  const segments = sparklineSegments(points, field, from, to);
  const values = points.filter((p) => p.t >= from && p.t <= to).map((p) => p[field]).filter((v): v is number => v !== null);
  const fmt = field === 'success' ? formatPercent : formatRpsValue;
  const minutes = Math.round((to - from) / 60);
  const summary = values.length === 0
    ? `${label}, last ${minutes} minutes: no data yet`
    : `${label}, last ${minutes} minutes: from ${fmt(values[0]!)} to ${fmt(values[values.length - 1]!)}, between ${fmt(Math.min(...values))} and ${fmt(Math.max(...values))}`;
  const range = sparklineRange(values, field);
  const scale = values.length === 0 ? '' : `<span class="cl-spark-scale" aria-hidden="true">${esc(field === 'success' ? `${Math.round(range.lo * 100)}–100%` : `0–${formatRpsValue(range.hi)}`)}</span>`;
  return `<span class="cl-spark-wrap"><span class="cl-spark-label" aria-hidden="true">${esc(label)}${scale}</span>${sparkSvg(segments, field, summary)}</span>`;
}

/** The SVG of a sparkline's segments (`sparklineSegments`), coloured as `field`'s, with `summary` as its text. */
export function sparkSvg(segments: readonly string[], field: 'success' | 'rps', summary: string): string {
  const shapes = segments.map((s) => (s.includes(' ')
    ? `<polyline points="${s}" vector-effect="non-scaling-stroke"/>`
    : `<circle cx="${s.split(',')[0]}" cy="${s.split(',')[1]}" r="1.2"/>`)).join('');
  return `<svg class="cl-spark cl-spark--${field}" viewBox="0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}" preserveAspectRatio="none" role="img" aria-label="${esc(summary)}">`
    + `<title>${esc(summary)}</title><line class="cl-spark-base" x1="0" y1="${SPARK_HEIGHT - 0.5}" x2="${SPARK_WIDTH}" y2="${SPARK_HEIGHT - 0.5}" vector-effect="non-scaling-stroke"/>${shapes}</svg>`;
}

// ---------------------------------------------------------------------------------------------------------------
// Bars.

export function bar(kind: 'desired' | 'observed', share: number | null, flagged: boolean, backend: string): string {
  const width = share === null ? 0 : round2(Math.min(1, Math.max(0, share)) * 100);
  const word = kind === 'desired' ? 'desired share (weight)' : 'observed share (traffic)';
  const label = `${backend}: ${word} ${formatPercent(share)}`;
  return `<div class="cl-bar-row"><span class="cl-bar-label" aria-hidden="true">${kind}</span>`
    + `<svg class="cl-bar" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label="${esc(label)}">`
    + `<rect class="cl-bar-track" x="0" y="0" width="100" height="6"/>`
    + (share === null ? '' : `<rect class="cl-bar-fill cl-bar-fill--${kind}${flagged ? ' cl-bar-fill--flagged' : ''}" x="0" y="0" width="${width}" height="6"/>`)
    + `</svg><span class="cl-bar-value">${formatPercent(share)}</span></div>`;
}

// ---------------------------------------------------------------------------------------------------------------
// Pieces.

function actionButton(a: NoticeAction, index: number): string {
  const focus = `cmd:${a.command}:${a.arg ?? ''}:${index}`;
  return `<button type="button" class="cl-button${index > 0 ? ' cl-button--secondary' : ''}" data-cmd="${esc(a.command)}"${a.arg ? ` data-arg="${esc(a.arg)}"` : ''} data-focus="${esc(focus)}" aria-label="${esc(a.label)}${a.arg ? ` (${esc(a.arg)})` : ''}">${esc(a.label)}</button>`;
}

export function renderNotice(n: PanelNotice): string {
  const icon = n.severity === 'error' ? '✖' : n.severity === 'warning' ? '⚠' : 'ℹ';
  return `<div class="cl-notice cl-notice--${n.severity}" data-state="${esc(n.state)}">`
    + `<p class="cl-notice-title"><span class="cl-notice-icon" aria-hidden="true">${icon}</span> ${esc(n.title)}</p>`
    + (n.detail && n.detail !== n.title ? `<p class="cl-notice-detail">${esc(n.detail)}</p>` : '')
    + (n.nextStep ? `<p class="cl-next"><span class="cl-next-label">Next step:</span> ${esc(n.nextStep)}</p>` : '')
    + (n.actions.length > 0 ? `<div class="cl-actions">${n.actions.map(actionButton).join('')}</div>` : '')
    + '</div>';
}

function splitTitle(s: PanelSplit): string {
  return `${s.kind} ${s.name}${s.rule !== undefined ? ` rule ${s.rule}` : ''}`;
}

function splitButton(s: PanelSplit, op: SplitOp, text: string, aria: string, primary = false): string {
  return `<button type="button" class="cl-button${primary ? '' : ' cl-button--secondary'}" data-op="${op}" data-split="${esc(s.key)}" data-focus="${esc(`op:${op}:${s.key}`)}" aria-label="${esc(aria)}" title="${esc(aria)}">${esc(text)}</button>`;
}

function splitActions(s: PanelSplit, step: number): string {
  const title = splitTitle(s);
  const c = s.canary;
  const many = s.backends.length > 1;
  // A split a Canary or Rollout moves: hand edits would be reverted, so its owner is offered instead of them.
  if (s.owner) {
    return `<div class="cl-actions cl-split-actions" role="group" aria-label="${esc(`Actions on ${title}`)}">`
      + splitButton(s, 'open', 'Open manifest', `Open the manifest of ${title} in the editor`)
      + ownerButton(s)
      + '</div>';
  }
  return `<div class="cl-actions cl-split-actions" role="group" aria-label="${esc(`Actions on ${title}`)}">`
    + splitButton(s, 'open', 'Open manifest', `Open the manifest of ${title} in the editor`)
    + (many ? splitButton(s, 'shift', `Shift ${step}% → ${c}`, `Shift ${step}% of the traffic of ${title} toward ${c} in the manifest (then Apply)`) : '')
    + (many ? splitButton(s, 'promote', `Promote ${c}`, `Promote ${c}: all the traffic of ${title}, in the manifest (then Apply)`) : '')
    + (many ? splitButton(s, 'rollback', `Roll back ${c}`, `Roll back ${c}: no traffic of ${title}, in the manifest (then Apply)`) : '')
    + splitButton(s, 'apply', 'Apply…', `Apply the manifest of ${title} to the cluster (dry run, diff, confirm)`, true)
    + '</div>';
}

function flagText(b: PanelBackend): string {
  const shares = `observed ${wholePercent(b.observedShare)} vs desired ${wholePercent(b.desiredShare)}`;
  return b.flag === 'no-series'
    ? `${shares}: not one request reached ${b.name} while the split serves traffic; the mesh is not honouring this split`
    : `${shares}: the mesh is not honouring this split`;
}

function renderBackend(s: PanelSplit, b: PanelBackend, model: PanelModel): string {
  const to = model.now;
  const from = to - model.historySeconds;
  // The tag marks what the split's buttons act on; a managed split has none (its controller knows its canary).
  const isCanary = !s.owner && b.name === s.canary && s.backends.length > 1;
  // Latency the latest refresh did not measure (no new histogram samples in the window): the last value, dimmed.
  const stale = b.latencyStaleSince !== undefined ? `no new latency samples since ${clockTime(b.latencyStaleSince)}; last value shown` : undefined;
  const metrics: [string, string, string, string?][] = [
    ['success', 'success rate', formatSuccessRate(b.success)],
    ['RPS', 'requests per second', formatRpsValue(b.rps)],
    ['P50', 'latency P50', formatMs(b.latencyMs.p50), stale],
    ['P95', 'latency P95', formatMs(b.latencyMs.p95), stale],
    ['P99', 'latency P99', formatMs(b.latencyMs.p99), stale],
    // Only the route family classifies timeouts (stat-outbound's TIMEOUTS, per backend: before retries).
    ...(s.family === 'route' ? [['timeouts', 'timeouts (before retries)', formatSuccessRate(b.timeouts)] as [string, string, string]] : []),
  ];
  return `<li class="cl-backend${b.flagged ? ' cl-backend--flagged' : ''}">`
    + `<div class="cl-backend-head"><span class="cl-backend-name">${esc(b.name)}</span>`
    + (isCanary ? '<span class="cl-tag">canary</span>' : '')
    + `<span class="cl-weight">weight ${esc(b.weightText)}</span></div>`
    + `<div class="cl-bars">${bar('desired', b.desiredShare, false, b.name)}${bar('observed', b.observedShare, b.flagged, b.name)}</div>`
    + (b.flagged ? `<p class="cl-flag" data-flagged="true"><span class="cl-flag-icon" aria-hidden="true">⚠</span> ${esc(flagText(b))}</p>` : '')
    + `<dl class="cl-metrics">${metrics.map(([dt, aria, dd, note]) => `<div class="cl-metric"><dt title="${esc(aria)}">${esc(dt)}</dt><dd${note ? ` class="cl-stale" title="${esc(note)}"` : ''} aria-label="${esc(`${aria} ${dd === DASH ? 'no data' : dd}${note ? ` (${note})` : ''}`)}">${esc(dd)}</dd></div>`).join('')}</dl>`
    + `<div class="cl-sparks">${renderSparkline(b.history, 'success', from, to, 'success')}${renderSparkline(b.history, 'rps', from, to, 'RPS')}</div>`
    + '</li>';
}

function renderSplit(s: PanelSplit, index: number, model: PanelModel): string {
  const id = `cl-split-${index}`;
  const meta = [
    `apex <code>${esc(s.apex)}</code>${s.apexNamespace ? ` in ${esc(s.apexNamespace)}` : ''}`,
    `namespace ${esc(s.namespace)}`,
    s.unmeasured ? `<span class="cl-unmeasured">not measured: ${esc(s.unmeasured)}</span>` : s.hasTraffic === false ? 'no traffic' : s.rps !== null ? esc(formatRpsValue(s.rps)) : '',
    s.family ? `<span class="cl-family" data-family="${esc(s.family)}">${esc(s.family)} metrics</span>` : '',
    // The route's own numbers count after retries (stat-outbound's route row); the backends' before.
    s.route?.hasData ? `route (after retries): success ${esc(formatSuccessRate(s.route.success))}, timeouts ${esc(formatSuccessRate(s.route.timeouts))}, retries <span class="cl-retries">${esc(formatSuccessRate(s.route.retries))}</span>` : '',
  ].filter(Boolean).join(' · ');
  const flagged = s.backends.filter((b) => b.flagged).length;
  return `<article class="cl-split${s.flagged ? ' cl-split--flagged' : ''}" aria-labelledby="${id}" data-split="${esc(s.key)}">`
    + `<h2 class="cl-split-title" id="${id}"><span class="cl-kind">${esc(s.kind)}</span> <span class="cl-split-name">${esc(s.name)}</span>${s.rule !== undefined ? ` <span class="cl-rule">rule ${s.rule}</span>` : ''}`
    + (s.notInEffect ? ` <span class="cl-tag cl-tag--shadowed" title="${esc(s.notInEffect.why)}">not in effect (${esc(s.notInEffect.short)})</span>` : '')
    + (s.flagged ? ` <span class="cl-tag cl-tag--flagged" aria-label="${esc(`${flagged} backend${flagged === 1 ? '' : 's'} off their weight`)}">⚠ not honoured</span>` : '')
    + '</h2>'
    + `<p class="cl-split-meta">${meta}</p>`
    + renderOwnerNote(s)
    + renderEditorRow(s)
    + renderRolloutSection(s.rollout)
    + splitActions(s, model.step)
    + `<ul class="cl-backends" aria-label="${esc(`Backends of ${splitTitle(s)}`)}">${s.backends.map((b) => renderBackend(s, b, model)).join('')}</ul>`
    + '</article>';
}

function renderHeader(m: PanelModel): string {
  const where = m.context || m.namespace
    ? `<p class="cl-where">${m.context ? `context <b>${esc(m.context)}</b>` : ''}${m.context && m.namespace ? ' · ' : ''}${m.namespace ? `namespace <b>${esc(m.namespace)}</b>` : ''}</p>`
    : '';
  const meta = [
    m.prometheus ? `Prometheus ${esc(m.prometheus.url)} (${esc(m.prometheus.origin)})` : '',
    m.family ? `${esc(m.family)} metrics` : '',
    `window ${esc(m.window)}`,
    m.updatedAt !== undefined ? `updated ${clockTime(m.updatedAt)}` : '',
  ].filter(Boolean).join(' · ');
  return `<header class="cl-header">${where}<p class="cl-meta">${meta}</p></header>`;
}

/** The panel's inner HTML for a model (the same in the extension and in the webview). */
export function renderPanelBody(model: PanelModel): string {
  // Canaries and Rollouts come first when there are some (their progress is what is watched); their kinds' states alone after the splits.
  const deliveries = renderDeliverySection(model);
  const cardsFirst = (model.deliveries?.length ?? 0) > 0;
  return renderHeader(model)
    + (model.notices.length > 0 ? `<section class="cl-notices" aria-label="Status">${model.notices.map(renderNotice).join('')}</section>` : '')
    + renderCardlessRollouts(model)
    + (cardsFirst ? deliveries : '')
    + (model.splits.length > 0 ? `<section class="cl-splits" aria-label="Splits">${model.splits.map((s, i) => renderSplit(s, i, model)).join('')}</section>` : '')
    + (cardsFirst ? '' : deliveries);
}

// ---------------------------------------------------------------------------------------------------------------
// The document shell.

export interface PanelHtmlOptions {
  /** Fresh per document: base64 or hex, at least 16 characters. */
  nonce: string;
  /** `webview.cspSource`. */
  cspSource: string;
  /** `webview.asWebviewUri(dist/panel.js)`. */
  scriptUri: string;
  /** An extra stylesheet from the extension (optional: the panel's own CSS is inlined with the nonce). */
  styleUri?: string;
  initialState?: PanelModel;
}

/**
 * `webview.cspSource` as VS Code gives it: one or more source expressions separated by spaces. VS Code 1.100 gives
 * `'self' https://*.vscode-cdn.net` (plus the extension's own origin when it is served from a CDN). Accepted: the
 * keyword `'self'` and host or scheme sources; refused: anything that could end the directive or add a keyword
 * (`;`, `,`, quotes) and a bare `*`. Returns the sources joined by single spaces, or undefined when refused.
 */
export function cspSourceList(cspSource: string): string | undefined {
  const tokens = cspSource.trim().split(/\s+/).filter(Boolean);
  const ok = tokens.length > 0 && tokens.every((t) => t === "'self'" || (/^[^;,'"]+$/.test(t) && t !== '*'));
  return ok ? tokens.join(' ') : undefined;
}

export function contentSecurityPolicy(nonce: string, cspSource: string): string {
  return `default-src 'none'; img-src ${cspSource} data:; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
}

export function renderPanelHtml(o: PanelHtmlOptions): string {
  if (!/^[A-Za-z0-9+/_=-]{16,}$/.test(o.nonce)) throw new Error('renderPanelHtml: the nonce must be at least 16 base64 characters');
  const cspSource = cspSourceList(o.cspSource);
  if (cspSource === undefined) throw new Error('renderPanelHtml: not a CSP source');
  const nonce = esc(o.nonce);
  return '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="UTF-8">\n'
    + `<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(o.nonce, cspSource))}">\n`
    + '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n<title>Canary Lens</title>\n'
    + `<style nonce="${nonce}">${PANEL_CSS}</style>\n`
    + (o.styleUri ? `<link rel="stylesheet" nonce="${nonce}" href="${esc(o.styleUri)}">\n` : '')
    + '</head>\n<body>\n'
    + `<main id="root" class="cl-root">${o.initialState ? renderPanelBody(o.initialState) : '<p class="cl-meta">Loading…</p>'}</main>\n`
    + `<script nonce="${nonce}" src="${esc(o.scriptUri)}"></script>\n`
    + '</body>\n</html>\n';
}

/**
 * The panel's stylesheet: theme colours only through VS Code's CSS variables. Each card is a size container
 * (webviews are Chromium): a card under 250 px puts each share bar under its label at full width and lets its buttons
 * fill their rows; one of 500 px or more lays its backends out in columns (name, shares, numbers, sparklines). Button
 * labels wrap, never clipped; sparklines go one per row when two would squeeze their labels.
 */
export const PANEL_CSS = `:root{color-scheme:light dark}
body{margin:0;padding:0 8px 12px;color:var(--vscode-foreground);background:transparent;font-family:var(--vscode-font-family);font-size:var(--vscode-font-size);line-height:1.4}
.cl-root{display:flex;flex-direction:column;gap:10px}
.cl-header{padding-top:6px}
.cl-where,.cl-meta{margin:0;color:var(--vscode-descriptionForeground);font-size:.92em;overflow-wrap:anywhere}
.cl-where b{color:var(--vscode-foreground);font-weight:600}
.cl-notices{display:flex;flex-direction:column;gap:8px}
.cl-notice{border:1px solid var(--vscode-widget-border,var(--vscode-panel-border));border-left-width:3px;border-radius:3px;padding:6px 8px;background:var(--vscode-textBlockQuote-background,transparent)}
.cl-notice--info{border-left-color:var(--vscode-charts-blue)}
.cl-notice--warning{border-left-color:var(--vscode-editorWarning-foreground,var(--vscode-charts-yellow))}
.cl-notice--error{border-left-color:var(--vscode-errorForeground,var(--vscode-charts-red))}
.cl-notice p{margin:0 0 4px;overflow-wrap:anywhere}
.cl-notice-title{font-weight:600;overflow-wrap:anywhere}
.cl-notice-detail{color:var(--vscode-descriptionForeground);white-space:pre-wrap;overflow-wrap:anywhere;font-size:.92em}
.cl-next-label{font-weight:600}
.cl-actions{display:flex;flex-wrap:wrap;gap:4px;margin-top:4px}
.cl-button{font:inherit;font-size:.92em;padding:2px 8px;border-radius:2px;border:1px solid var(--vscode-button-border,transparent);color:var(--vscode-button-foreground);background:var(--vscode-button-background);cursor:pointer;max-width:100%;white-space:normal;overflow-wrap:normal;text-align:center}
.cl-button:hover{background:var(--vscode-button-hoverBackground)}
.cl-button--secondary{color:var(--vscode-button-secondaryForeground);background:var(--vscode-button-secondaryBackground)}
.cl-button--secondary:hover{background:var(--vscode-button-secondaryHoverBackground)}
.cl-button:focus{outline:none}
.cl-button:focus-visible{outline:2px solid var(--vscode-focusBorder);outline-offset:2px}
.cl-splits{display:flex;flex-direction:column;gap:12px}
.cl-split{border:1px solid var(--vscode-widget-border,var(--vscode-panel-border));border-radius:4px;padding:8px}
.cl-split--flagged{border-color:var(--vscode-charts-orange)}
.cl-split-title{margin:0;font-size:1.05em;font-weight:600;overflow-wrap:anywhere}
.cl-kind{font-weight:400;font-size:.85em;padding:0 4px;border-radius:2px;color:var(--vscode-badge-foreground);background:var(--vscode-badge-background)}
.cl-rule{font-weight:400;color:var(--vscode-descriptionForeground)}
.cl-split-meta{margin:2px 0 0;color:var(--vscode-descriptionForeground);font-size:.92em;overflow-wrap:anywhere}
.cl-split-meta code{font-family:var(--vscode-editor-font-family);color:var(--vscode-foreground)}
.cl-tag{font-size:.8em;padding:0 4px;margin-left:4px;border-radius:2px;border:1px solid var(--vscode-charts-purple);color:var(--vscode-charts-purple)}
.cl-tag--flagged{border-color:var(--vscode-charts-orange);color:var(--vscode-charts-orange)}
.cl-tag--shadowed{border-color:var(--vscode-descriptionForeground);color:var(--vscode-descriptionForeground)}
.cl-backends{list-style:none;margin:8px 0 0;padding:0;display:flex;flex-direction:column;gap:8px}
.cl-backend{border-top:1px solid var(--vscode-widget-border,var(--vscode-panel-border));padding-top:6px}
.cl-backend-head{display:flex;align-items:baseline;gap:4px;flex-wrap:wrap}
.cl-backend-name{font-weight:600;font-family:var(--vscode-editor-font-family);overflow-wrap:anywhere}
.cl-weight{margin-left:auto;color:var(--vscode-descriptionForeground);font-size:.9em}
.cl-bars{display:flex;flex-direction:column;gap:2px;margin-top:4px}
.cl-bar-row{display:grid;grid-template-columns:4.6em 1fr 3.6em;align-items:center;gap:6px}
.cl-bar-label{color:var(--vscode-descriptionForeground);font-size:.88em}
.cl-bar{width:100%;height:8px;display:block}
.cl-bar-track{fill:var(--vscode-charts-lines,var(--vscode-widget-border));opacity:.35}
.cl-bar-fill--desired{fill:var(--vscode-charts-blue)}
.cl-bar-fill--observed{fill:var(--vscode-charts-green)}
.cl-bar-fill--flagged{fill:var(--vscode-charts-orange)}
.cl-bar-value{text-align:right;font-variant-numeric:tabular-nums;font-size:.9em}
.cl-flag{margin:4px 0 0;color:var(--vscode-charts-orange);font-size:.92em}
.cl-metrics{display:grid;grid-template-columns:repeat(auto-fill,minmax(4.8em,1fr));gap:2px 8px;margin:6px 0 0}
.cl-metric{display:flex;flex-direction:column}
.cl-metric dt{color:var(--vscode-descriptionForeground);font-size:.82em}
.cl-metric dd{margin:0;font-variant-numeric:tabular-nums}
.cl-metric dd.cl-stale{color:var(--vscode-descriptionForeground);font-style:italic}
.cl-sparks{display:grid;grid-template-columns:repeat(auto-fit,minmax(9em,1fr));gap:2px 8px;margin-top:4px}
.cl-spark-wrap{display:flex;flex-direction:column;min-width:0}
.cl-spark-label{color:var(--vscode-descriptionForeground);font-size:.8em;display:flex;justify-content:space-between;gap:4px;white-space:nowrap}
.cl-spark-scale{opacity:.8;font-variant-numeric:tabular-nums}
.cl-spark{width:100%;height:22px;display:block;overflow:visible}
.cl-spark polyline{fill:none;stroke-width:1.5;stroke-linejoin:round;stroke-linecap:round}
.cl-spark--success polyline{stroke:var(--vscode-charts-green)}
.cl-spark--success circle{fill:var(--vscode-charts-green)}
.cl-spark--rps polyline{stroke:var(--vscode-charts-blue)}
.cl-spark--rps circle{fill:var(--vscode-charts-blue)}
.cl-spark-base{stroke:var(--vscode-charts-lines,var(--vscode-widget-border));stroke-width:1;opacity:.5}
.cl-deliveries{display:flex;flex-direction:column;gap:10px}
.cl-delivery{border:1px solid var(--vscode-widget-border,var(--vscode-panel-border));border-left-width:3px;border-radius:3px;padding:6px 8px}
.cl-delivery--ok{border-left-color:var(--vscode-charts-green)}
.cl-delivery--progress{border-left-color:var(--vscode-charts-blue)}
.cl-delivery--paused{border-left-color:var(--vscode-charts-yellow)}
.cl-delivery--failed{border-left-color:var(--vscode-errorForeground,var(--vscode-charts-red))}
.cl-delivery-name{font-family:var(--vscode-editor-font-family);overflow-wrap:anywhere}
.cl-phase--failed{color:var(--vscode-errorForeground,var(--vscode-charts-red))}
.cl-delivery-message{margin:4px 0 0;overflow-wrap:anywhere}
.cl-delivery-split{margin:6px 0 0;color:var(--vscode-descriptionForeground);font-size:.92em}
.cl-delivery-shares{list-style:none;margin:2px 0 0;padding:0;display:flex;flex-direction:column;gap:4px}
.cl-gates{margin-top:6px;font-size:.92em}
.cl-gates p{margin:2px 0}
.cl-gates-title{color:var(--vscode-descriptionForeground)}
.cl-gates-help{margin:2px 0 0;padding-left:1.2em;color:var(--vscode-descriptionForeground)}
.cl-owner{margin:4px 0 0;font-size:.92em}
.cl-rollouts{display:flex;flex-direction:column;gap:10px}
.cl-rollout-card{border:1px solid var(--vscode-widget-border,var(--vscode-panel-border));border-radius:4px;padding:8px}
.cl-rollout{margin-top:6px;padding:4px 0 4px 8px;border-left:3px solid var(--vscode-charts-blue);font-size:.95em}
.cl-rollout--paused{border-left-color:var(--vscode-charts-yellow)}
.cl-rollout--ok{border-left-color:var(--vscode-charts-green)}
.cl-rollout--failed{border-left-color:var(--vscode-errorForeground,var(--vscode-charts-red))}
.cl-rollout--idle{border-left-color:var(--vscode-descriptionForeground)}
.cl-rollout p{margin:2px 0;overflow-wrap:anywhere}
.cl-ro-head .cl-tag{margin-left:0}
.cl-ro-title{font-weight:600}
.cl-ro-left{font-variant-numeric:tabular-nums;font-weight:600}
.cl-ro-steps{list-style:none;margin:2px 0;padding:0;display:flex;flex-wrap:wrap;gap:2px 6px;font-variant-numeric:tabular-nums}
.cl-ro-step{white-space:nowrap;color:var(--vscode-descriptionForeground)}
.cl-ro-step--done{color:var(--vscode-charts-green)}
.cl-ro-step--current{color:var(--vscode-foreground);font-weight:600}
.cl-ro-arrow{color:var(--vscode-descriptionForeground);font-weight:400}
.cl-ro-message{color:var(--vscode-descriptionForeground)}
.cl-ro-gates{list-style:none;margin:4px 0;padding:0;display:flex;flex-direction:column;gap:4px}
.cl-ro-gate{display:grid;grid-template-columns:minmax(0,1fr) auto;grid-template-areas:"name verdict" "value value" "spark spark";column-gap:6px;align-items:baseline}
.cl-ro-gate>*{min-width:0}
.cl-ro-gate-name{grid-area:name;overflow-wrap:anywhere}
.cl-ro-gate-value{grid-area:value;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.cl-ro-verdict{grid-area:verdict;white-space:nowrap;font-size:.9em}
.cl-ro-verdict--pass{color:var(--vscode-charts-green)}
.cl-ro-verdict--fail{color:var(--vscode-errorForeground,var(--vscode-charts-red));font-weight:600}
.cl-ro-verdict--waiting,.cl-ro-verdict--skipped{color:var(--vscode-descriptionForeground)}
.cl-ro-spark{grid-area:spark;display:block;align-self:center;margin-top:2px}
.cl-ro-spark .cl-spark{height:14px}
.cl-ro-gate--fail .cl-spark polyline{stroke:var(--vscode-errorForeground,var(--vscode-charts-red))}
.cl-ro-gate--fail .cl-spark circle{fill:var(--vscode-errorForeground,var(--vscode-charts-red))}
.cl-ro-driver{color:var(--vscode-descriptionForeground);font-size:.92em}
.cl-ro-driver b{color:var(--vscode-foreground);font-weight:600}
.cl-ro-unattended{color:var(--vscode-editorWarning-foreground,var(--vscode-charts-yellow))}
.cl-split,.cl-delivery,.cl-rollout-card{container-type:inline-size}
@container (max-width:250px) or (min-width:500px){.cl-bar-row{grid-template-columns:1fr auto;grid-template-areas:"label value" "bar bar";row-gap:1px}.cl-bar-label{grid-area:label}.cl-bar{grid-area:bar}.cl-bar-value{grid-area:value}}
@container (max-width:250px){.cl-actions .cl-button{flex:1 1 auto}}
@container (min-width:500px){.cl-ro-gate{grid-template-columns:minmax(7em,1fr) minmax(9em,1.5fr) minmax(5em,auto) minmax(8em,1.2fr);grid-template-areas:"name value verdict spark";column-gap:14px}.cl-ro-spark{margin-top:0}}
@container (min-width:500px){.cl-backend{display:grid;grid-template-columns:minmax(7em,1fr) minmax(9em,1.5fr) minmax(11em,2fr) minmax(8em,1.2fr);column-gap:14px;align-items:start}.cl-backend>*{min-width:0}.cl-backend-head{grid-area:1/1;flex-direction:column;align-items:flex-start;gap:0}.cl-backend-head .cl-tag{margin-left:0}.cl-weight{margin-left:0}.cl-bars{grid-area:1/2;margin-top:2px}.cl-metrics{grid-area:1/3;margin-top:0}.cl-sparks{grid-area:1/4;margin-top:0;grid-template-columns:1fr}.cl-flag{grid-area:2/1/3/-1}.cl-delivery-share{display:grid;grid-template-columns:minmax(7em,1fr) minmax(12em,2.5fr);column-gap:14px;align-items:start}}
@media (forced-colors:active){.cl-bar-fill,.cl-spark polyline{forced-color-adjust:auto}.cl-button:focus-visible{outline-color:Highlight}}`;
