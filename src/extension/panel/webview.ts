import type { FromWebview, PanelModel, ToWebview } from './model';
import { renderPanelBody } from './render';

/**
 * The webview's script (bundled to `dist/panel.js`: browser, IIFE, minified). It renders each model the extension
 * posts with the same `renderPanelBody` the extension used for the first paint, keeps the focused button focused
 * across re-renders, and posts button clicks back. It holds no logic of its own: commands run in the extension.
 *
 * The project compiles without the DOM library (Node code must not see DOM globals), so the few DOM types used
 * here are declared locally.
 */

interface El {
  innerHTML: string;
  dataset: Record<string, string | undefined>;
  closest(selector: string): El | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El>;
  focus(options?: { preventScroll?: boolean }): void;
  getAttribute(name: string): string | null;
  addEventListener(type: string, listener: (e: { target: unknown; key?: string; preventDefault(): void }) => void): void;
}
interface Doc extends El {
  getElementById(id: string): El | null;
  activeElement: El | null;
}
interface Win {
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  scrollY: number;
  scrollTo(x: number, y: number): void;
}
interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare const document: Doc;
declare const window: Win;
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root');
let lastHtml: string | undefined;

function render(model: PanelModel): void {
  if (!root) return;
  const html = renderPanelBody(model);
  // The same model again (a refresh with equal numbers) changes nothing: no flicker, no lost selection.
  if (html === lastHtml) return;
  lastHtml = html;
  const focusKey = document.activeElement?.closest('[data-focus]')?.dataset.focus;
  const scroll = window.scrollY;
  root.innerHTML = html;
  if (focusKey) {
    const same = Array.from(root.querySelectorAll('[data-focus]')).find((e) => e.dataset.focus === focusKey);
    same?.focus({ preventScroll: true });
  }
  window.scrollTo(0, scroll);
}

window.addEventListener('message', (e) => {
  const m = e.data as ToWebview | undefined;
  if (!m || m.type !== 'model' || !m.model) return;
  vscode.setState({ model: m.model });
  render(m.model);
});

document.addEventListener('click', (e) => {
  const target = e.target as El | null;
  const button = target?.closest?.('button[data-cmd], button[data-op], button[data-delivery-op], button[data-rollout-action]');
  if (!button) return;
  const { cmd, arg, op, split, deliveryOp, delivery, rolloutAction, rollout } = button.dataset;
  if (cmd) vscode.postMessage({ type: 'command', command: cmd as never, ...(arg ? { arg } : {}) });
  else if (op && split !== undefined) vscode.postMessage({ type: 'split', op: op as never, key: split });
  else if (deliveryOp && delivery !== undefined) vscode.postMessage({ type: 'delivery', op: deliveryOp as never, key: delivery });
  else if (rolloutAction && rollout !== undefined) vscode.postMessage({ type: 'rollout', action: rolloutAction as never, key: rollout });
});

// The view was hidden and is shown again (no retained context): paint the last model at once, then ask for a fresh one.
const saved = vscode.getState() as { model?: PanelModel } | undefined;
if (saved?.model) render(saved.model);
vscode.postMessage({ type: 'ready' });
