import type { DeliveryOp, PanelModel, PanelSplit } from './model';
import type { PanelDelivery } from './deliveryModel';
import { bar, esc, renderNotice } from './render';

/**
 * The Canaries and Rollouts section of the panel's HTML, as pure functions of the model (bundled into the webview
 * with ./render.ts, under the same rules: everything from the cluster through `esc`, no inline styles or handlers,
 * real buttons with labels). A delivery's buttons carry `data-delivery-op` and `data-delivery`; the extension runs
 * them only for a card it showed, and every action asks for a confirmation there.
 */

function deliveryButton(d: PanelDelivery, op: DeliveryOp, text: string, aria: string, primary = false): string {
  return `<button type="button" class="cl-button${primary ? '' : ' cl-button--secondary'}" data-delivery-op="${esc(op)}" data-delivery="${esc(d.key)}" `
    + `data-focus="${esc(`delivery:${op}:${d.key}`)}" aria-label="${esc(aria)}" title="${esc(aria)}">${esc(text)}</button>`;
}

function fact(cls: string, label: string, value: string): string {
  return `<div class="cl-metric"><dt>${esc(label)}</dt><dd class="${cls}">${esc(value)}</dd></div>`;
}

function renderShares(d: PanelDelivery): string {
  if (!d.split) return '';
  const what = `${d.split.kind} ${d.split.name}`;
  if (d.shares.length === 0) {
    return `<p class="cl-delivery-split">moves <code>${esc(what)}</code> (not among the splits shown)</p>`;
  }
  return `<p class="cl-delivery-split">moves <code>${esc(what)}</code>: desired and observed shares</p>`
    + `<ul class="cl-delivery-shares" aria-label="${esc(`Shares of ${what}`)}">`
    + d.shares.map((b) => `<li class="cl-delivery-share"><span class="cl-backend-name">${esc(b.name)}</span>`
      + `<div class="cl-bars">${bar('desired', b.desired, false, b.name)}${bar('observed', b.observed, b.flagged, b.name)}</div></li>`).join('')
    + '</ul>';
}

function renderGates(d: PanelDelivery): string {
  if (!d.gates) return '';
  return `<div class="cl-gates"><p class="cl-gates-title">${esc(d.gates.title)}</p>`
    + `<ul class="cl-gates-help">${d.gates.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></div>`;
}

function renderDelivery(d: PanelDelivery, index: number): string {
  const id = `cl-delivery-${index}`;
  const title = `${d.kind} ${d.name}`;
  const facts = [
    d.weightText !== undefined ? fact('cl-delivery-weight', 'weight', d.weightText) : '',
    d.stepText !== undefined ? fact('cl-delivery-step', 'step', d.stepText) : '',
    d.checksText !== undefined ? fact('cl-delivery-checks', 'failed checks', d.checksText) : '',
  ].join('');
  return `<article class="cl-delivery cl-delivery--${esc(d.tone)}" aria-labelledby="${id}" data-delivery="${esc(d.key)}">`
    + `<h2 class="cl-split-title" id="${id}"><span class="cl-kind">${esc(d.kind)}</span> <span class="cl-delivery-name">${esc(d.name)}</span> `
    + `<span class="cl-tag cl-phase cl-phase--${esc(d.tone)}" data-phase="${esc(d.phase)}">${esc(d.phase)}</span>`
    + d.flags.map((f) => ` <span class="cl-tag${f === 'aborted' ? ' cl-tag--flagged' : ''}">${esc(f)}</span>`).join('')
    + '</h2>'
    + `<p class="cl-split-meta">${esc(d.controller)} · namespace ${esc(d.namespace)}</p>`
    + (facts ? `<dl class="cl-metrics cl-delivery-facts">${facts}</dl>` : '')
    + (d.message ? `<p class="cl-delivery-message">${esc(d.message)}</p>` : '')
    + renderShares(d)
    + `<div class="cl-actions cl-delivery-actions" role="group" aria-label="${esc(`Actions on ${title}`)}">`
    + deliveryButton(d, 'open', `Open ${d.kind}`, `Open ${title}: its manifest in the workspace, else the object in the cluster (read-only)`)
    + d.actions.map((a, i) => deliveryButton(d, a.action, a.label, a.aria, i === 0)).join('')
    + '</div>'
    + renderGates(d)
    + '</article>';
}

/** The section: notices of the delivery kinds, then a card per Canary and Rollout. Empty when there is neither. */
export function renderDeliverySection(m: PanelModel): string {
  const cards = m.deliveries ?? [];
  const notices = m.deliveryNotices ?? [];
  if (cards.length === 0 && notices.length === 0) return '';
  return '<section class="cl-deliveries" aria-label="Canaries and Rollouts">'
    + notices.map(renderNotice).join('')
    + cards.map(renderDelivery).join('')
    + '</section>';
}

/** A managed split's card says who moves its weights, and offers that object instead of hand edits. */
export function renderOwnerNote(s: PanelSplit): string {
  const o = s.owner;
  if (!o) return '';
  const owner = `${o.kind} ${o.name}`;
  return `<p class="cl-owner" data-owner="${esc(o.deliveryKey)}"><span class="cl-flag-icon" aria-hidden="true">⚙</span> `
    + `${esc(`Managed by ${owner} (${o.controller}): a hand edit of its weights is reverted; change the ${o.kind}.`)}</p>`;
}

export function ownerButton(s: PanelSplit): string {
  const o = s.owner;
  if (!o) return '';
  const aria = `Open ${o.kind} ${o.name}, which moves the weights of ${s.kind} ${s.name}`;
  return `<button type="button" class="cl-button" data-delivery-op="open" data-delivery="${esc(o.deliveryKey)}" `
    + `data-focus="${esc(`owner:${s.key}`)}" aria-label="${esc(aria)}" title="${esc(aria)}">${esc(`Open ${o.kind} ${o.name}`)}</button>`;
}
