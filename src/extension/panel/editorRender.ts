import type { PanelSplit } from './model';
import { esc } from './render';

/**
 * The card's row for a visible editor that holds other weights than the cluster: "editor: 40/60, not applied" with
 * an Apply button (the card's `apply` op: the extension runs it on that editor's document, see actions.ts). Bundled
 * into the webview with ./render.ts, under its rules (everything through `esc`, no inline styles, labelled buttons).
 * A split a Canary or Rollout moves gets the words without the button: its Apply would be refused.
 */
export function renderEditorRow(s: PanelSplit): string {
  if (!s.editor) return '';
  const what = `${s.kind} ${s.name}${s.rule !== undefined ? ` rule ${s.rule}` : ''}`;
  const words = `editor: ${s.editor.weights}, not applied`;
  const aria = `Apply the editor's weights ${s.editor.weights} of ${what} to the cluster (dry run, diff, confirm)`;
  const button = s.owner ? '' : ` <button type="button" class="cl-button" data-op="apply" data-split="${esc(s.key)}" data-focus="${esc(`editor-apply:${s.key}`)}" aria-label="${esc(aria)}" title="${esc(aria)}">Apply</button>`;
  return `<div class="cl-editor-row cl-actions" data-editor="${esc(s.editor.uri)}"><span class="cl-editor-weights" title="${esc(`A visible editor holds other weights for ${what} than the cluster`)}">${esc(words)}</span>${button}</div>`;
}
