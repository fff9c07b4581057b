import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { RolloutActionName, RolloutView, SplitObjectRef } from '../protocol/messages';
import type { CanaryPanelProvider } from './panel/viewProvider';
import type { PanelSource } from './panel/source';
import type { EditorDocument } from './panel/editorWeights';
import { visibleYamlDocuments } from './visibleDocuments';

/**
 * Registers the side panel's webview view at activation, and nothing more: the panel's code (view provider, stats,
 * rendering) is evaluated only when the view is first shown or an editor first shows a split (`import()` stays lazy
 * in the esbuild bundle). The panel's engine also measures the splits visible editors show, for their lenses.
 */

export const PANEL_VIEW_ID = 'canaryLens.panel';

export interface PanelGlueDeps {
  log: vscode.LogOutputChannel;
  client: () => LanguageClient | undefined;
  /**
   * What activation got from the cluster layer. When it offers `panelSource(): PanelSource | Promise<...>` the
   * panel shows its splits and states; until then the panel says it is waiting for the cluster connection.
   */
  cluster?: object;
}

type SourceHost = { panelSource?: () => PanelSource | undefined | Promise<PanelSource | undefined> };

export interface PanelHandle extends vscode.Disposable {
  /** The split objects visible editors show; the first ones load the panel's engine (trusted workspaces only). */
  setEditorSplits(refs: readonly SplitObjectRef[]): void;
  /** Called after live numbers (or their clearing) reached the language server. */
  onDidSendStats(listener: () => void): vscode.Disposable;
  /**
   * The guided rollouts to show on their splits' cards (all of them each time; an empty list clears them). Kept until
   * the panel loads; the first non-empty list loads it in a trusted workspace.
   */
  setRollouts(views: readonly RolloutView[]): void;
  /** A rollout's button was clicked in the panel: the split it drives and the action (one the rollout offered). */
  onRolloutAction(listener: (split: RolloutView['split'], action: RolloutActionName) => void): vscode.Disposable;
}

export function registerPanel(context: vscode.ExtensionContext, deps: PanelGlueDeps): PanelHandle {
  let provider: Promise<CanaryPanelProvider> | undefined;
  const host = deps.cluster as SourceHost | undefined;
  const listeners = new Set<() => void>();
  const rolloutListeners = new Set<(split: RolloutView['split'], action: RolloutActionName) => void>();
  let rollouts: readonly RolloutView[] = [];
  let editorSplits: readonly SplitObjectRef[] = [];
  /** The visible YAML documents when the split objects were last reported (their text is read lazily, per version). */
  let editorDocuments: EditorDocument[] = [];
  const load = () => (provider ??= import('./panel/viewProvider.js').then((m) => {
    const p = new m.CanaryPanelProvider({
      extensionUri: context.extensionUri,
      log: deps.log,
      client: deps.client,
      source: () => (typeof host?.panelSource === 'function' ? host.panelSource() : undefined),
      onLiveStats: () => { for (const l of [...listeners]) l(); },
      onRolloutAction: (split, action) => { for (const l of [...rolloutListeners]) l(split, action); },
    });
    p.setEditorSplits(editorSplits, editorDocuments);
    p.setRollouts(rollouts);
    return p;
  }));
  const registration = vscode.window.registerWebviewViewProvider(PANEL_VIEW_ID, {
    resolveWebviewView: async (view) => (await load()).resolveWebviewView(view),
  }, { webviewOptions: { retainContextWhenHidden: false } });
  /** The visible documents as they are now (each read again only at a new version). */
  const documentsNow = (): void => {
    editorDocuments = editorSplits.length === 0 ? [] : visibleYamlDocuments(vscode.window.visibleTextEditors ?? []).map((d) => ({
      uri: d.uri.toString(), version: d.version, text: () => d.getText(),
    }));
  };
  const setEditorSplits = (refs: readonly SplitObjectRef[]): void => {
    editorSplits = refs;
    // The editors' weights, for the panel's "not applied" rows (the watcher reports an edit of a visible split too).
    documentsNow();
    // No cluster access in untrusted workspaces: nothing to measure, so nothing to load yet.
    if (!provider && (refs.length === 0 || !vscode.workspace.isTrusted)) return;
    load().then((p) => p.setEditorSplits(editorSplits, editorDocuments), (e: unknown) => deps.log.error(`The Canary Lens panel did not load: ${e instanceof Error ? e.message : String(e)}`));
  };
  const setRollouts = (views: readonly RolloutView[]): void => {
    rollouts = views;
    // As setEditorSplits: nothing to show before a rollout exists, and none without cluster access.
    if (!provider && (views.length === 0 || !vscode.workspace.isTrusted)) return;
    // A step writes the weights into the document and the cluster together: the documents are read again with the
    // views, so the card never shows the step's own edit as "not applied" while the editor watcher waits for typing to settle.
    documentsNow();
    load().then((p) => {
      p.setEditorSplits(editorSplits, editorDocuments);
      p.setRollouts(rollouts);
    }, (e: unknown) => deps.log.error(`The Canary Lens panel did not load: ${e instanceof Error ? e.message : String(e)}`));
  };
  const trust = vscode.workspace.onDidGrantWorkspaceTrust(() => {
    setEditorSplits(editorSplits);
    setRollouts(rollouts);
  });
  return {
    setEditorSplits,
    onDidSendStats: (listener) => {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    setRollouts,
    onRolloutAction: (listener) => {
      rolloutListeners.add(listener);
      return { dispose: () => rolloutListeners.delete(listener) };
    },
    dispose: () => {
      registration.dispose();
      trust.dispose();
      listeners.clear();
      rolloutListeners.clear();
      void provider?.then((p) => p.dispose());
    },
  };
}
