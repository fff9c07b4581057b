import * as path from 'node:path';
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { FILE_GLOB, LANGUAGE_ID } from '../protocol/messages';
import { registerClusterCommands } from './clusterCommands';
import { registerCommands } from './commands';
import { registerDeliveryCommands } from './deliveryCommands';
import { watchEditorSplits } from './editorSplits';
import { registerPanel } from './panelGlue';
import { registerRolloutCommands } from './rolloutCommands';
import { registerSplitStatus } from './splitStatus';
import { RED_HAT_YAML, resolveYamlSyntax, settingsMiddleware } from './yamlSyntax';

let client: LanguageClient | undefined;

/** Activation wires things up and nothing more: the server does the language work in its own process. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Canary Lens', { log: true });
  context.subscriptions.push(log);
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE_ID, scheme: 'file' }, { language: LANGUAGE_ID, scheme: 'untitled' }],
    // `yaml.validate` too: it decides `canaryLens.yamlSyntax: auto` (./yamlSyntax.ts), which the middleware resolves.
    synchronize: { configurationSection: ['canaryLens', 'yaml.validate'], fileEvents: vscode.workspace.createFileSystemWatcher(FILE_GLOB) },
    middleware: { workspace: settingsMiddleware(effectiveYamlSyntax) },
    // Before the first pull of the settings, so the first diagnostics already follow the choice.
    initializationOptions: () => ({ yamlSyntax: effectiveYamlSyntax() }),
    outputChannel: log,
  };
  client = new LanguageClient('canaryLens', 'Canary Lens', serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => void client?.stop() });
  // Installing, enabling or disabling the Red Hat YAML extension changes what `auto` means: the server pulls again.
  let syntax = effectiveYamlSyntax();
  context.subscriptions.push(vscode.extensions.onDidChange(() => {
    if (effectiveYamlSyntax() === syntax) return;
    syntax = effectiveYamlSyntax();
    if (client?.isRunning()) void client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }));
  // Registered before the server starts, so they can say it is not running instead of being missing.
  context.subscriptions.push(...registerCommands(() => client));
  // Cluster commands load the cluster bundle on first use; the session connects in the background after activation.
  const cluster = registerClusterCommands(context, log, () => client);
  context.subscriptions.push(...cluster.disposables);
  // Rollout actions and the owner of a split: stubs too, the cluster side loads with the cluster bundle.
  context.subscriptions.push(...registerDeliveryCommands({ log, controller: cluster.controller }));
  // The side panel's view; its code (with the stats poller) loads when the view is first shown or an editor shows a
  // split: visible editors are views of their splits' live numbers too.
  const panel = registerPanel(context, { log, client: () => client, cluster });
  context.subscriptions.push(panel, watchEditorSplits(() => client, (refs) => panel.setEditorSplits(refs)));
  // Guided rollouts: stubs too; the runner lives in the cluster bundle and reports to the panel and the lenses.
  context.subscriptions.push(...registerRolloutCommands({ log, client: () => client, controller: cluster.controller, onLoaded: cluster.onLoaded, panel }));
  context.subscriptions.push(registerSplitStatus(() => client, (l) => panel.onDidSendStats(l)));
  try {
    await client.start();
  } catch (e) {
    log.error(`The Canary Lens language server did not start: ${e instanceof Error ? e.message : String(e)}`);
    void vscode.window.showErrorMessage('Canary Lens: the language server did not start. See the Canary Lens output for details.');
  }
  cluster.connectLater();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** `canaryLens.yamlSyntax` with `auto` resolved: a disabled extension is not known to getExtension. */
function effectiveYamlSyntax(): 'always' | 'never' {
  return resolveYamlSyntax({
    setting: vscode.workspace.getConfiguration('canaryLens').get('yamlSyntax'),
    redHatYaml: vscode.extensions.getExtension(RED_HAT_YAML) !== undefined,
    validate: vscode.workspace.getConfiguration('yaml').get('validate'),
  });
}
