import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { ClusterPanelSource } from './panel/source';
import { locatePrometheus } from '../stats/locate';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { clusterFactsNotification, ownersRequest, type ClusterConnectionInfo, type ClusterFactsParams } from '../protocol/messages';
import { ApplyContentProvider, APPLY_SCHEME, runApply, type ApplyTarget } from './applyFlow';
import { DeliveryFlow } from './deliveryFlow';
import {
  ClusterError, ClusterSession, describeError, kubeconfigPaths, KubeconfigWatcher, listNamespaces, loadKubeconfig, readKubeconfig,
  type ClusterLog, type LoadedKubeconfig, type Redactor, type SessionOptions,
} from '../cluster';
import { createClusterLog } from './log';
import { RolloutFlow } from './rolloutFlow';
import { ClusterStatusBar } from './statusBar';
import { EXTENSION_WORDING } from './wording';

/**
 * Entry of the lazily loaded cluster bundle (`dist/cluster.js`): the VS Code side of src/cluster. It holds the selection
 * (context and namespace, remembered per workspace), one ClusterSession, the status bar item, the apply commands and
 * the cluster facts notification. Everything that talks to the API server is in `./cluster`.
 */

export interface ClusterDeps {
  context: vscode.ExtensionContext;
  channel: vscode.LogOutputChannel;
  client: () => LanguageClient | undefined;
  /** Backoff and intervals for the session (tests shorten them). */
  sessionOptions?: Partial<Pick<SessionOptions, 'backoff' | 'discoveryIntervalMs' | 'factsDebounceMs'>>;
}

/**
 * This window's name as a rollout runner: `user@host (VS Code <id>)`. The id is kept per workspace, so a reload
 * takes back the lease it held, while two windows on one machine are two runners (one lease, never both driving).
 */
function windowHolder(context: vscode.ExtensionContext): string {
  let id = context.workspaceState.get<string>(HOLDER_ID);
  if (!id) {
    id = randomBytes(3).toString('hex');
    void context.workspaceState.update(HOLDER_ID, id);
  }
  let user = 'someone';
  try { user = userInfo().username; } catch { /* no passwd entry in some containers: keep the neutral name */ }
  return `${user}@${hostname()} (VS Code ${id})`;
}
const HOLDER_ID = 'canaryLens.rollout.holderId';

const PICKED = 'canaryLens.cluster.selection';
interface Picked { context?: string; namespace?: string }

const EMPTY_FACTS: ClusterFactsParams = { namespaces: [], services: [], serviceProfiles: [] };

export class ClusterController implements vscode.Disposable {
  private readonly log: ClusterLog;
  private readonly safe: (text: string) => string;
  private readonly redactor: Redactor;
  private readonly statusBar: ClusterStatusBar;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('canary-lens-apply');
  private readonly content = new ApplyContentProvider();
  /** What the side panel shows of the cluster: the session's splits and states. */
  readonly panel: ClusterPanelSource;
  /** Argo Rollouts' actions behind a confirmation, and owners as the watch read them (./deliveryFlow.ts). */
  readonly delivery = new DeliveryFlow(() => ({
    ...this.applyDeps(),
    deliveries: () => this.panel.snapshot().deliveries ?? [],
    liveObject: (kind, namespace, name) => this.panel.liveObject(kind, namespace, name),
  }));
  /** Guided rollouts this window drives or finds on the cluster's splits (./rolloutFlow.ts). */
  readonly rollouts: RolloutFlow;
  private readonly disposables: vscode.Disposable[] = [];
  private loaded: LoadedKubeconfig | undefined;
  private session: ClusterSession | undefined;
  private configError: ClusterError | undefined;
  private kubeWatcher: KubeconfigWatcher | undefined;
  private lastFacts: ClusterFactsParams = EMPTY_FACTS;
  private sentFacts: string | undefined;

  constructor(private readonly deps: ClusterDeps) {
    const { log, redactor, safe } = createClusterLog(deps.channel);
    this.log = log;
    this.redactor = redactor;
    this.safe = safe;
    this.statusBar = new ClusterStatusBar(safe);
    this.panel = new ClusterPanelSource(safe, () => locatePrometheus({ ...(this.loaded ? { kc: this.loaded.kc } : {}), wording: EXTENSION_WORDING }));
    this.rollouts = new RolloutFlow({
      log, safe, connection: () => this.applyDeps().connection(), notConnected: () => this.applyDeps().notConnected(),
      liveSplits: () => this.session?.splits() ?? [],
      holder: windowHolder(this.deps.context),
    });
    this.disposables.push(
      this.rollouts, this.panel.onDidChange(() => this.rollouts.refreshFound()),
      this.statusBar, this.diagnostics, this.content,
      vscode.workspace.registerTextDocumentContentProvider(APPLY_SCHEME, this.content),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.diagnostics.delete(e.document.uri);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['canaryLens.kubeconfig', 'canaryLens.context', 'canaryLens.namespace'].some((s) => e.affectsConfiguration(s))) {
          // An explicit setting replaces what was picked from the status bar.
          if (!e.affectsConfiguration('canaryLens.kubeconfig')) void this.remember({});
          this.connect();
        }
      }),
    );
    const client = deps.client();
    if (client) {
      this.disposables.push(client.onDidChangeState(() => {
        this.sentFacts = undefined; // a restarted server has forgotten them
        this.sendFacts(this.lastFacts);
      }));
    }
  }

  private get settings(): { kubeconfig: string; context: string; namespace: string } {
    const c = vscode.workspace.getConfiguration('canaryLens');
    return { kubeconfig: c.get<string>('kubeconfig', '') ?? '', context: c.get<string>('context', '') ?? '', namespace: c.get<string>('namespace', '') ?? '' };
  }

  private get picked(): Picked {
    return this.deps.context.workspaceState.get<Picked>(PICKED) ?? {};
  }

  private remember(p: Picked): Thenable<void> {
    return this.deps.context.workspaceState.update(PICKED, p);
  }

  /** The kubeconfig setting with relative paths resolved against the first workspace folder. */
  private kubeconfigSetting(): string {
    const raw = this.settings.kubeconfig.trim();
    if (!raw) return '';
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return raw.split(path.delimiter).map((p) => (root && !path.isAbsolute(p) && !p.startsWith('~') ? path.join(root, p) : p)).join(path.delimiter);
  }

  /** (Re)load the kubeconfig and (re)start the session for the selected context and namespace. */
  connect(): void {
    this.session?.dispose();
    this.session = undefined;
    this.kubeWatcher?.dispose();
    const source = { setting: this.kubeconfigSetting() };
    this.kubeWatcher = new KubeconfigWatcher(kubeconfigPaths(source).paths, (file) => {
      this.log.info(`Kubeconfig ${file} changed: reconnecting`);
      this.connect();
    });
    const picked = this.picked;
    const s = this.settings;
    try {
      const context = picked.context || s.context || undefined;
      const loaded = loadKubeconfig(source, {
        ...(context ? { context } : {}),
        ...((picked.namespace && picked.context === context) || (!picked.context && picked.namespace) ? { namespace: picked.namespace } : s.namespace ? { namespace: s.namespace } : {}),
      }, EXTENSION_WORDING);
      this.redactor.addKubeconfig(loaded.kc);
      this.loaded = loaded;
      this.configError = undefined;
    } catch (e) {
      this.loaded = undefined;
      this.configError = e instanceof ClusterError ? e : new ClusterError('config', String(e));
      this.log.warn(`Cluster: ${describeError(this.configError, EXTENSION_WORDING)}`);
      this.statusBar.showConfigError(this.configError);
      this.panel.setConfigError(this.configError);
      this.sendFacts(EMPTY_FACTS);
      return;
    }
    const loaded = this.loaded;
    const session = new ClusterSession({ ...this.deps.sessionOptions, kc: loaded.kc, namespace: loaded.namespace, context: loaded.context, log: this.log, wording: EXTENSION_WORDING });
    this.session = session;
    this.panel.setSession(session, loaded.context);
    const connection = (): ClusterConnectionInfo => ({ context: loaded.context, namespace: loaded.namespace, state: session.state.state });
    session.on('state', (st) => {
      this.statusBar.showSession(loaded.context, st);
      this.sendFacts({ ...this.lastFacts, connection: connection() });
    });
    session.on('facts', (f) => this.sendFacts({ ...f, connection: connection() }));
    this.statusBar.showSession(loaded.context, session.state);
    this.sendFacts({ ...EMPTY_FACTS, connection: connection() });
    session.start();
  }

  private sendFacts(facts: ClusterFactsParams): void {
    this.lastFacts = facts;
    const client = this.deps.client();
    if (!client?.isRunning()) return;
    const key = JSON.stringify(facts);
    if (key === this.sentFacts) return;
    this.sentFacts = key;
    // By name, not by the typed object: this bundle (dist/cluster.js) has its own copy of vscode-jsonrpc, whose
    // parameter-structure objects the client's copy (dist/client.js) does not recognise.
    const params: ClusterFactsParams = facts;
    client.sendNotification(clusterFactsNotification.method, params).catch((e: unknown) => this.log.warn(`Could not send cluster facts: ${String(e)}`));
  }

  async selectContext(): Promise<void> {
    let contexts;
    try {
      contexts = readKubeconfig({ setting: this.kubeconfigSetting() }, EXTENSION_WORDING).contexts;
    } catch (e) {
      const err = e instanceof ClusterError ? e : new ClusterError('config', String(e));
      void vscode.window.showWarningMessage(this.safe(`Canary Lens: ${describeError(err, EXTENSION_WORDING)}`));
      return;
    }
    if (contexts.length === 0) {
      void vscode.window.showWarningMessage('Canary Lens: the kubeconfig has no contexts.');
      return;
    }
    const current = this.loaded?.context;
    const pick = await vscode.window.showQuickPick(
      contexts.map((c) => ({
        label: c.name,
        description: `${c.name === current ? '(current) ' : ''}${c.namespace ? `namespace ${c.namespace}` : ''}`,
        detail: c.server ? this.safe(c.server) : undefined,
      })),
      { title: 'Canary Lens: cluster context', placeHolder: 'Choose the kubeconfig context' },
    );
    if (!pick) return;
    await this.remember({ context: pick.label });
    this.connect();
    await this.selectNamespace();
  }

  async selectNamespace(): Promise<void> {
    if (!this.loaded) {
      void vscode.window.showWarningMessage(this.safe(`Canary Lens: ${this.configError ? describeError(this.configError, EXTENSION_WORDING) : 'no cluster selected'}`));
      return;
    }
    const loaded = this.loaded;
    const known = [loaded.namespace, ...loaded.contexts.filter((c) => c.name === loaded.context && c.namespace).map((c) => c.namespace!)];
    let result: { namespaces: string[]; forbidden?: ClusterError };
    try {
      result = await listNamespaces(loaded.kc, known);
    } catch (e) {
      const err = e instanceof ClusterError ? e : new ClusterError('other', String(e));
      this.log.warn(`Listing namespaces: ${err.message}`);
      result = { namespaces: [...new Set(known)] };
    }
    const OTHER = 'Other namespace…';
    const items: vscode.QuickPickItem[] = [
      ...result.namespaces.map((n) => ({ label: n, description: n === loaded.namespace ? '(current)' : '' })),
      { label: OTHER, description: result.forbidden ? 'listing namespaces is not allowed for this user' : '' },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: `Canary Lens: namespace in ${loaded.context}`, placeHolder: 'Choose the namespace' });
    if (!pick) return;
    let namespace = pick.label;
    if (namespace === OTHER) {
      const typed = await vscode.window.showInputBox({
        title: 'Canary Lens: namespace', prompt: 'Namespace name', value: loaded.namespace,
        validateInput: (v) => (/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v) ? undefined : 'A namespace is a DNS label: lowercase letters, digits and -'),
      });
      if (!typed) return;
      namespace = typed;
    }
    await this.remember({ context: loaded.context, namespace });
    this.connect();
  }

  reconnect(): void {
    this.log.info('Reconnecting on request');
    this.connect();
  }

  applyToCluster(target?: ApplyTarget): Promise<void> {
    return runApply(this.applyDeps(), 'split', normaliseTarget(target));
  }

  applyFileToCluster(target?: ApplyTarget): Promise<void> {
    return runApply(this.applyDeps(), 'file', normaliseTarget(target));
  }

  private applyDeps() {
    return {
      log: this.log, safe: this.safe, diagnostics: this.diagnostics, content: this.content,
      connection: () => (this.loaded ? { kc: this.loaded.kc, context: this.loaded.context, namespace: this.loaded.namespace } : undefined),
      notConnected: () => `Canary Lens: ${this.configError ? describeError(this.configError, EXTENSION_WORDING) : 'no cluster selected'}`,
      // Apply refuses a split a Canary or Rollout owns: the server knows the owners (workspace and cluster).
      published: (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri),
      owners: async (uri: vscode.Uri, part: number) => {
        const c = this.deps.client();
        return c?.isRunning() ? c.sendRequest(ownersRequest, { uri: c.code2ProtocolConverter.asUri(uri), part }) : [];
      },
    };
  }

  dispose(): void {
    this.session?.dispose();
    this.kubeWatcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Commands get a Uri (explorer/editor menus), a SplitRef-like object (lenses) or nothing (palette). */
function normaliseTarget(target: unknown): ApplyTarget {
  if (target instanceof vscode.Uri) return { uri: target };
  if (target && typeof target === 'object') {
    const t = target as { uri?: unknown; part?: unknown };
    return {
      ...(typeof t.uri === 'string' || t.uri instanceof vscode.Uri ? { uri: t.uri } : {}),
      ...(typeof t.part === 'number' ? { part: t.part } : {}),
    };
  }
  return {};
}

export function createClusterController(deps: ClusterDeps): ClusterController {
  const c = new ClusterController(deps);
  c.connect();
  return c;
}
