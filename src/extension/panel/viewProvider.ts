import { randomBytes } from 'node:crypto';
import {
  DELIVERY_ACTION_COMMAND, liveStatsNotification, OPEN_OWNER_COMMAND,
  type DeliveryActionArgs, type LiveStatsParams, type OpenOwnerArgs, type RolloutActionName, type RolloutView, type SplitObjectRef,
} from '../../protocol/messages';
import { toLiveStats } from '../../stats/live';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { FAMILY_SETTINGS, type FamilySetting } from '../../stats/types';
import { runPanelCommand, runSplitOp } from './actions';
import { DEFAULT_PANEL_SETTINGS, PanelController, type PanelSettings } from './controller';
import { parseWebviewMessage, type PanelModel, type ToWebview } from './model';
import { renderPanelHtml } from './render';
import type { PanelSource } from './source';
import type { EditorDocument } from './editorWeights';

/**
 * The side panel: a webview view in the `Canary Lens` activity-bar container. Scripts on, resources only
 * from dist/ and media/, a fresh nonce per document, no retained context (the webview repaints from its saved
 * state and the next model). The stats poller runs while the view is visible or an editor shows a live split.
 */

export interface ProviderDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  client: () => LanguageClient | undefined;
  /** The cluster layer's side of the panel; undefined while it is not (yet) linked. */
  source: () => Promise<PanelSource | undefined> | PanelSource | undefined;
  /** Live numbers (or their clearing) went to the language server: the status bar asks for its split again. */
  onLiveStats?: () => void;
  /** A rollout's button was clicked in the panel (an action the rollout offers): the rollout controller runs it. */
  onRolloutAction?: (split: RolloutView['split'], action: RolloutActionName) => void;
}

export function readPanelSettings(): PanelSettings {
  const c = vscode.workspace.getConfiguration('canaryLens');
  const family = c.get<string>('stats.family', 'auto');
  const refresh = c.get<number>('stats.refreshInterval', DEFAULT_PANEL_SETTINGS.refreshSeconds);
  const step = c.get<number>('lens.step', DEFAULT_PANEL_SETTINGS.step);
  return {
    prometheusUrl: (c.get<string>('prometheus.url', '') ?? '').trim(),
    family: (FAMILY_SETTINGS as readonly string[]).includes(family) ? (family as FamilySetting) : 'auto',
    window: (c.get<string>('stats.window', '1m') ?? '').trim() || '1m',
    refreshSeconds: typeof refresh === 'number' && refresh >= 1 ? refresh : DEFAULT_PANEL_SETTINGS.refreshSeconds,
    step: typeof step === 'number' && step > 0 ? step : DEFAULT_PANEL_SETTINGS.step,
  };
}

export function nonce(): string {
  return randomBytes(18).toString('base64');
}

export class CanaryPanelProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private readonly controller: PanelController;
  private view: vscode.WebviewView | undefined;
  private lastModel: PanelModel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private viewDisposables: vscode.Disposable[] = [];
  private linkTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly deps: ProviderDeps) {
    this.controller = new PanelController({
      settings: readPanelSettings,
      trusted: () => vscode.workspace.isTrusted,
      post: (model) => this.post(model),
      log: (level, message) => deps.log[level](message),
      onStats: (result) => this.sendLive(toLiveStats(result)),
      // Numbers nobody refreshes would go stale in the lenses: clear them.
      onIdle: () => this.sendLive({ splits: [] }),
      onRolloutAction: (split, action) => deps.onRolloutAction?.(split, action),
    });
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['canaryLens.prometheus', 'canaryLens.stats', 'canaryLens.lens.step'].some((s) => e.affectsConfiguration(s))) this.controller.settingsChanged();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        void this.linkSource();
        this.controller.refreshNow();
      }),
    );
    void this.linkSource();
  }

  /** The split objects visible editors show: measured while the panel is closed too. */
  setEditorSplits(refs: readonly SplitObjectRef[], documents?: readonly EditorDocument[]): void {
    this.controller.setEditorSplits(refs);
    // Their weights, for the cards' "editor: …, not applied" rows.
    if (documents) this.controller.setEditorDocuments(documents);
  }

  /** The guided rollouts to show on their splits' cards (an empty list clears them). */
  setRollouts(views: readonly RolloutView[]): void {
    this.controller.setRollouts(views);
  }

  private sendLive(params: LiveStatsParams): void {
    const client = this.deps.client();
    if (!client?.isRunning()) return;
    client.sendNotification(liveStatsNotification, params).then(
      () => this.deps.onLiveStats?.(),
      (e: unknown) => this.deps.log.warn(`Could not send live stats: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  /** Asks for the cluster side until it is there (it loads in the background after activation). */
  private async linkSource(attempt = 0): Promise<void> {
    let source: PanelSource | undefined;
    try {
      source = await this.deps.source();
    } catch (e) {
      this.deps.log.warn(`Panel: the cluster source failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (this.disposed) return;
    if (source) {
      this.controller.setSource(source);
      return;
    }
    if (attempt < 10 && vscode.workspace.isTrusted && !this.disposed) {
      this.linkTimer = setTimeout(() => void this.linkSource(attempt + 1), Math.min(8000, 500 * 2 ** attempt));
    }
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    for (const d of this.viewDisposables) d.dispose();
    this.view = view;
    const { extensionUri } = this.deps;
    view.webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    const model = this.controller.model();
    view.webview.html = renderPanelHtml({
      nonce: nonce(),
      cspSource: view.webview.cspSource,
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'panel.js')).toString(),
      initialState: model,
    });
    this.viewDisposables = [
      view.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      view.onDidChangeVisibility(() => this.controller.setVisible(view.visible)),
      view.onDidDispose(() => {
        this.controller.setVisible(false);
        if (this.view === view) this.view = undefined;
        for (const d of this.viewDisposables) d.dispose();
        this.viewDisposables = [];
      }),
    ];
    this.controller.setVisible(view.visible);
  }

  private post(model: PanelModel): void {
    this.lastModel = model;
    const message: ToWebview = { type: 'model', model };
    void this.view?.webview.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    const m = parseWebviewMessage(raw);
    if (!m) {
      this.deps.log.debug('Panel: ignored a message from the webview');
      return;
    }
    if (m.type === 'ready') {
      this.controller.webviewReady();
      return;
    }
    const actionDeps = { client: this.deps.client, log: this.deps.log };
    const done = (p: Promise<void>, what: string) => p.catch((e: unknown) => {
      this.deps.log.error(`Panel: ${what} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      void vscode.window.showErrorMessage(`Canary Lens: ${what} failed. See the Canary Lens output for details.`);
    });
    if (m.type === 'command') {
      void done(runPanelCommand(m.command, m.arg, {
        ...actionDeps,
        refresh: () => this.controller.refreshNow(),
        forgetPrometheus: () => this.controller.forgetPrometheus(),
      }), m.command);
      return;
    }
    if (m.type === 'delivery') {
      // Only a Canary or Rollout the panel shows, and only an action its status offers; the command confirms first.
      const d = (this.lastModel ?? this.controller.model()).deliveries?.find((x) => x.key === m.key);
      if (!d) return;
      if (m.op === 'open') {
        // The command reads the owner's identity; `reference`: the panel knows it from the status naming the split.
        const args: OpenOwnerArgs = { owner: { controller: d.controller, kind: d.kind, namespace: d.namespace, name: d.name, via: 'reference' } };
        void done(Promise.resolve(vscode.commands.executeCommand(OPEN_OWNER_COMMAND, args)).then(() => undefined), `Open ${d.kind} from the panel`);
        return;
      }
      if (!d.actions.some((a) => a.action === m.op)) return;
      const args: DeliveryActionArgs = { namespace: d.namespace, name: d.name, action: m.op };
      void done(Promise.resolve(vscode.commands.executeCommand(DELIVERY_ACTION_COMMAND, args)).then(() => undefined), `${m.op} from the panel`);
      return;
    }
    if (m.type === 'rollout') {
      // The controller passes it on only for a rollout it was given, and only an action that rollout offers now.
      this.controller.rolloutAction(m.key, m.action);
      return;
    }
    // Only a split the panel shows can be acted on.
    const split = (this.lastModel ?? this.controller.model()).splits.find((s) => s.key === m.key);
    if (!split) return;
    void done(runSplitOp(m.op, split, actionDeps), `${m.op} from the panel`);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.linkTimer);
    this.controller.dispose();
    for (const d of [...this.viewDisposables, ...this.disposables]) d.dispose();
  }
}
