import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { APPLY_FILE_TO_CLUSTER_COMMAND, APPLY_TO_CLUSTER_COMMAND } from '../protocol/messages';
import type { ClusterController } from './clusterGlue';
import type { ClusterPanelSource } from './panel/source';

/**
 * The cluster commands as activation registers them: thin stubs that load the cluster bundle (`dist/cluster.js`,
 * with @kubernetes/client-node) on first use, so activation never evaluates it. Off in untrusted workspaces.
 */

type ClusterModule = typeof import('./clusterGlue');

const COMMANDS: Record<string, (c: ClusterController, arg?: unknown) => unknown> = {
  'canaryLens.selectContext': (c) => c.selectContext(),
  'canaryLens.selectNamespace': (c) => c.selectNamespace(),
  'canaryLens.reconnectCluster': (c) => c.reconnect(),
  [APPLY_TO_CLUSTER_COMMAND]: (c, arg) => c.applyToCluster(arg as never),
  [APPLY_FILE_TO_CLUSTER_COMMAND]: (c, arg) => c.applyFileToCluster(arg as never),
};

export const UNTRUSTED_MESSAGE = 'Canary Lens: cluster access is off in untrusted workspaces. Trust this workspace to choose a context or apply.';

export function registerClusterCommands(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  client: () => LanguageClient | undefined,
): {
  disposables: vscode.Disposable[]; connectLater: () => void; panelSource: () => Promise<ClusterPanelSource | undefined>;
  controller: () => Promise<ClusterController | undefined>;
  /** Calls `listener` with the controller once the cluster bundle has loaded (at once when it has). */
  onLoaded: (listener: (c: ClusterController) => void) => void;
} {
  let loading: Promise<ClusterController> | undefined;
  const loadedListeners: ((c: ClusterController) => void)[] = [];
  let loadedController: ClusterController | undefined;
  const load = (): Promise<ClusterController> => {
    loading ??= (async () => {
      const started = Date.now();
      // A separate bundle, required only now: esbuild leaves a require of a computed path alone.
      const file = context.asAbsolutePath('dist/cluster.js');
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a computed path, loaded on first use (see above)
      const mod = require(file) as ClusterModule;
      const controller = mod.createClusterController({ context, channel: log, client });
      context.subscriptions.push(controller);
      log.info(`Cluster support loaded in ${Date.now() - started} ms`);
      loadedController = controller;
      for (const l of loadedListeners) l(controller);
      return controller;
    })();
    loading.catch(() => { loading = undefined; });
    return loading;
  };

  const run = async (id: string, arg: unknown): Promise<void> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE);
      return;
    }
    try {
      await COMMANDS[id]!(await load(), arg);
    } catch (e) {
      log.error(`${id} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      void vscode.window.showErrorMessage(`Canary Lens: ${id} failed. See the Canary Lens output for details.`);
    }
  };

  const disposables = Object.keys(COMMANDS).map((id) => vscode.commands.registerCommand(id, (arg: unknown) => run(id, arg)));

  /** Connect in the background after activation (trusted workspaces only; when trust is granted later, then). */
  const connectLater = () => {
    const go = () => {
      setTimeout(() => {
        load().catch((e: unknown) => log.error(`Cluster support did not load: ${e instanceof Error ? e.message : String(e)}`));
      }, 250);
    };
    if (vscode.workspace.isTrusted) go();
    else context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(go));
  };
  /** The side panel's view of the cluster (loads the cluster bundle; none in untrusted workspaces). */
  const panelSource = async (): Promise<ClusterPanelSource | undefined> => (vscode.workspace.isTrusted ? (await load()).panel : undefined);
  /** The cluster side itself (loads the cluster bundle; none in untrusted workspaces): for the delivery commands. */
  const controller = async (): Promise<ClusterController | undefined> => (vscode.workspace.isTrusted ? load() : undefined);
  const onLoaded = (listener: (c: ClusterController) => void): void => {
    loadedListeners.push(listener);
    if (loadedController) listener(loadedController);
  };
  return { disposables, connectLater, panelSource, controller, onLoaded };
}
