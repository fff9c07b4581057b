import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  APPLY_TO_CLUSTER_COMMAND, FILE_GLOB, LANGUAGE_ID, splitAtRequest, WEIGHTS_COMMAND,
  type ApplyToClusterArgs, type SplitAtParams, type SplitAtResult, type WeightCommandAction, type WeightCommandArgs,
} from '../../protocol/messages';
import { findInText, mayContain, type ManifestTarget } from './manifest';
import type { PanelCommand, PanelSplit, SplitOp } from './model';

/**
 * What the panel's buttons do. The panel shows live objects; shifting, promoting and rolling back edit the
 * manifest, exactly as the lenses do, and Apply sends it: so every split button first opens the manifest that
 * defines the split (found in the workspace by kind, name and namespace) with the cursor on the split, then
 *  - shift / promote / roll back: asks the server which split is there (`canaryLens/splitAt`, as the palette
 *    commands do) and runs the lens command `canary-lens.server.applyWeights` on the canary (the last backend);
 *  - apply: runs `canaryLens.applyToCluster` on that document part (dry run, diff, confirmation).
 */

export interface ActionDeps {
  client: () => LanguageClient | undefined;
  log: vscode.LogOutputChannel;
}

const MAX_FILES = 5000;
const MAX_BYTES = 2 * 1024 * 1024;

interface Found {
  uri: vscode.Uri;
  offset: number;
  score: number;
  /** Lower is better: -1 the document asked for, 0 the active editor, 1 an open document, 2 a file on disk. */
  rank: number;
}

/** The manifest of a live split in the workspace (open documents first: their text may be newer than the disk). */
export async function findManifest(target: ManifestTarget, prefer?: string): Promise<Found | undefined> {
  const hits: Found[] = [];
  const seen = new Set<string>();
  const active = vscode.window.activeTextEditor?.document.uri.toString();
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.languageId !== LANGUAGE_ID) continue;
    seen.add(doc.uri.toString());
    const hit = findInText(doc.getText(), target);
    if (hit) hits.push({ uri: doc.uri, ...hit, rank: doc.uri.toString() === prefer ? -1 : doc.uri.toString() === active ? 0 : 1 });
  }
  const files = (await vscode.workspace.findFiles(FILE_GLOB, '**/node_modules/**', MAX_FILES)).filter((u) => !seen.has(u.toString()));
  files.sort((a, b) => a.path.localeCompare(b.path));
  const decoder = new TextDecoder();
  for (let i = 0; i < files.length; i += 16) {
    const batch = await Promise.all(files.slice(i, i + 16).map(async (uri) => {
      try {
        const bytes = await vscode.workspace.fs.readFile(uri);
        if (bytes.byteLength > MAX_BYTES) return undefined;
        const text = decoder.decode(bytes);
        if (!mayContain(text, target)) return undefined;
        const hit = findInText(text, target);
        return hit ? { uri, ...hit, rank: 2 } : undefined;
      } catch {
        return undefined;
      }
    }));
    for (const h of batch) if (h) hits.push(h);
  }
  hits.sort((a, b) => b.score - a.score || a.rank - b.rank);
  return hits[0];
}

function targetOf(split: PanelSplit): ManifestTarget {
  return { kind: split.kind, name: split.name, namespace: split.namespace, ...(split.rule !== undefined ? { rule: split.rule } : {}) };
}

function label(split: PanelSplit): string {
  return `${split.kind} ${split.name}${split.rule !== undefined ? ` rule ${split.rule}` : ''} (namespace ${split.namespace})`;
}

export async function runSplitOp(op: SplitOp, split: PanelSplit, deps: ActionDeps): Promise<void> {
  // A card whose weights a visible editor changed acts on that editor's document (its "not applied" row).
  const found = await findManifest(targetOf(split), split.editor?.uri);
  if (!found) {
    void vscode.window.showInformationMessage(
      `Canary Lens: no manifest of ${label(split)} in this workspace. Open the folder that holds it: the panel's buttons edit and apply the manifest, as the lenses do.`,
    );
    return;
  }
  const doc = await vscode.workspace.openTextDocument(found.uri);
  const position = doc.positionAt(found.offset);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(position, position), preview: false });
  if (op === 'open') return;

  const client = deps.client();
  const running = client?.isRunning() ? client : undefined;
  if (op === 'apply') {
    // With the server: the exact `---` part; without: the apply command takes the part under the cursor.
    const summary = running ? await splitAt(running, doc, position).catch(() => null) : null;
    const args: ApplyToClusterArgs | undefined = summary ? { uri: summary.uri, part: summary.part } : undefined;
    await vscode.commands.executeCommand(APPLY_TO_CLUSTER_COMMAND, ...(args ? [args] : []));
    return;
  }
  if (!running) {
    void vscode.window.showWarningMessage('Canary Lens: the language server is not running. See the Canary Lens output for details.');
    return;
  }
  const summary = await splitAt(running, doc, position);
  if (!summary) {
    void vscode.window.showInformationMessage(`Canary Lens: the manifest of ${label(split)} has no split with backends at ${doc.uri.fsPath || doc.uri.toString()}:${position.line + 1}.`);
    return;
  }
  if (summary.blocked) {
    void vscode.window.showWarningMessage(summary.blocked);
    return;
  }
  // The canary by name (the live object and the file may list backends in another order), else the file's canary.
  const byName = summary.backends.findIndex((b) => b.name === split.canary);
  const target = byName >= 0 ? byName : summary.canary;
  const action: WeightCommandAction = op === 'shift'
    ? { type: 'shift', target, points: summary.step }
    : op === 'promote' ? { type: 'promote', target } : { type: 'rollback', target };
  const { uri, version, part, split: index, fingerprint } = summary;
  const args: WeightCommandArgs = { uri, version, part, split: index, fingerprint, action };
  deps.log.debug(`Panel: ${op} ${summary.backends[target]?.name ?? target} in ${summary.label}`);
  // The command a lens carries: the server edits the weights through workspace/applyEdit, or says why not.
  await vscode.commands.executeCommand(WEIGHTS_COMMAND, args);
}

function splitAt(client: LanguageClient, doc: vscode.TextDocument, position: vscode.Position): Promise<SplitAtResult> {
  const c2p = client.code2ProtocolConverter;
  const params: SplitAtParams = { textDocument: { uri: c2p.asUri(doc.uri) }, position: c2p.asPosition(position) };
  return client.sendRequest(splitAtRequest, params);
}

/** The settings of scope `machine-overridable` (package.json): paths and URLs of the machine the extension runs on. */
const MACHINE_SETTINGS = new Set(['canaryLens.kubeconfig', 'canaryLens.prometheus.url']);

/** The notices' buttons. `refresh` and `reconnect` also restart the panel's own stats. */
export async function runPanelCommand(command: PanelCommand, arg: string | undefined, deps: ActionDeps & { refresh(): void; forgetPrometheus(): void }): Promise<void> {
  switch (command) {
    case 'openSettings': {
      const query = arg ?? 'canaryLens';
      // In a remote window (code-server, Remote-SSH, WSL, Codespaces) the Settings editor lists machine-overridable
      // settings only on its Remote tab: the User tab it opens on would say "No Settings Found".
      if (vscode.env?.remoteName && MACHINE_SETTINGS.has(query)) await vscode.commands.executeCommand('workbench.action.openRemoteSettings', { query });
      else await vscode.commands.executeCommand('workbench.action.openSettings', query);
      return;
    }
    case 'reconnect':
      deps.forgetPrometheus();
      await vscode.commands.executeCommand('canaryLens.reconnectCluster');
      deps.refresh();
      return;
    case 'selectContext':
      await vscode.commands.executeCommand('canaryLens.selectContext');
      return;
    case 'selectNamespace':
      await vscode.commands.executeCommand('canaryLens.selectNamespace');
      return;
    case 'manageTrust':
      await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    case 'refresh':
      deps.refresh();
      return;
    case 'showLog':
      deps.log.show(true);
      return;
  }
}
