import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { CanaryPanelProvider } from './panel/viewProvider';
import type { PanelSource } from './panel/source';

/**
 * Registers the side panel's webview view at activation, and nothing more: the panel's code (view provider, stats,
 * rendering) is evaluated only when the view is first shown (`import()` stays lazy in the esbuild bundle).
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

export function registerPanel(context: vscode.ExtensionContext, deps: PanelGlueDeps): vscode.Disposable {
  let provider: Promise<CanaryPanelProvider> | undefined;
  const host = deps.cluster as SourceHost | undefined;
  const load = () => (provider ??= import('./panel/viewProvider.js').then((m) => new m.CanaryPanelProvider({
    extensionUri: context.extensionUri,
    log: deps.log,
    client: deps.client,
    source: () => (typeof host?.panelSource === 'function' ? host.panelSource() : undefined),
  })));
  const registration = vscode.window.registerWebviewViewProvider(PANEL_VIEW_ID, {
    resolveWebviewView: async (view) => (await load()).resolveWebviewView(view),
  }, { webviewOptions: { retainContextWhenHidden: false } });
  return { dispose: () => {
    registration.dispose();
    void provider?.then((p) => p.dispose());
  } };
}
