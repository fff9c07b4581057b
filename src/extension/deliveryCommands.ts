import * as vscode from 'vscode';
import {
  DELIVERY_ACTION_COMMAND, OPEN_OWNER_COMMAND,
  type DeliveryAction, type DeliveryActionArgs, type DeliveryKind, type ObjectOwner, type OpenOwnerArgs,
} from '../protocol/messages';
import type { ClusterController } from './clusterGlue';

/**
 * The client commands of progressive delivery, registered at activation as thin stubs (hidden from the palette; lenses
 * and the panel pass their arguments):
 * - `canaryLens.deliveryAction`: Argo Rollouts' promote, full promote, abort or retry on the connected cluster. Off in
 *   untrusted workspaces and refused without a connection; the confirmation and the call live in the cluster bundle
 *   (./deliveryFlow.ts), loaded on first use.
 * - `canaryLens.openOwner`: the Canary or Rollout that owns a split: its document at the given range, else its manifest
 *   found in the workspace, else the object as the cluster has it (a read-only YAML document), else where it is.
 */

export const LIVE_SCHEME = 'canary-lens-live';

const ACTIONS: readonly string[] = ['promote', 'promote-full', 'abort', 'retry'] satisfies readonly DeliveryAction[];
const KINDS: readonly string[] = ['Canary', 'Rollout'] satisfies readonly DeliveryKind[];

export const UNTRUSTED_DELIVERY_MESSAGE = 'Canary Lens: cluster access is off in untrusted workspaces. Trust this workspace to promote, abort or retry a Rollout.';
const BAD_ARGS = 'Canary Lens: this command runs from a lens or the Canary Lens panel, which name the object and the action.';

const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length < 254;

export function parseDeliveryActionArgs(raw: unknown): DeliveryActionArgs | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const o = raw as Record<string, unknown>;
  return isName(o.namespace) && isName(o.name) && typeof o.action === 'string' && ACTIONS.includes(o.action)
    ? { namespace: o.namespace, name: o.name, action: o.action as DeliveryAction }
    : undefined;
}

export function parseOpenOwnerArgs(raw: unknown): OpenOwnerArgs | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const o = raw as Record<string, unknown>;
  const w = o.owner as Record<string, unknown> | undefined;
  if (!w || typeof w !== 'object' || !isName(w.namespace) || !isName(w.name) || typeof w.kind !== 'string' || !KINDS.includes(w.kind)) return undefined;
  const owner = { ...(w as unknown as ObjectOwner) };
  const r = o.range as { start?: { line?: unknown; character?: unknown }; end?: { line?: unknown; character?: unknown } } | undefined;
  const pos = (p: { line?: unknown; character?: unknown } | undefined) => (p && Number.isInteger(p.line) && Number.isInteger(p.character) ? { line: p.line as number, character: p.character as number } : undefined);
  const start = pos(r?.start);
  const end = pos(r?.end);
  return { owner, ...(typeof o.uri === 'string' ? { uri: o.uri } : {}), ...(start && end ? { range: { start, end } } : {}) };
}

/** Read-only documents of live objects: `canary-lens-live:/<namespace>/<Kind>/<name>.yaml`. */
class LiveContent implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  put(owner: Pick<ObjectOwner, 'kind' | 'namespace' | 'name'>, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: LIVE_SCHEME, path: `/${owner.namespace}/${owner.kind}/${owner.name}.yaml` });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# Open the object again from its lens or the Canary Lens panel to read it from the cluster.\n';
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}

export interface DeliveryCommandDeps {
  log: vscode.LogOutputChannel;
  /** The cluster side (loads the cluster bundle); undefined in untrusted workspaces. */
  controller: () => Promise<ClusterController | undefined>;
}

export function registerDeliveryCommands(deps: DeliveryCommandDeps): vscode.Disposable[] {
  const content = new LiveContent();
  const fail = (what: string) => (e: unknown) => {
    deps.log.error(`${what} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    void vscode.window.showErrorMessage(`Canary Lens: ${what} failed. See the Canary Lens output for details.`);
  };
  return [
    content,
    vscode.workspace.registerTextDocumentContentProvider(LIVE_SCHEME, content),
    vscode.commands.registerCommand(DELIVERY_ACTION_COMMAND, (raw: unknown) => runAction(deps, raw).catch(fail(DELIVERY_ACTION_COMMAND))),
    vscode.commands.registerCommand(OPEN_OWNER_COMMAND, (raw: unknown) => openOwner(deps, content, raw).catch(fail(OPEN_OWNER_COMMAND))),
  ];
}

async function runAction(deps: DeliveryCommandDeps, raw: unknown): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(UNTRUSTED_DELIVERY_MESSAGE);
    return;
  }
  const args = parseDeliveryActionArgs(raw);
  if (!args) {
    void vscode.window.showInformationMessage(BAD_ARGS);
    return;
  }
  const controller = await deps.controller();
  if (!controller) {
    void vscode.window.showWarningMessage(UNTRUSTED_DELIVERY_MESSAGE);
    return;
  }
  await controller.delivery.run(args);
}

async function openOwner(deps: DeliveryCommandDeps, content: LiveContent, raw: unknown): Promise<void> {
  const args = parseOpenOwnerArgs(raw);
  if (!args) {
    void vscode.window.showInformationMessage(BAD_ARGS);
    return;
  }
  const { owner } = args;
  // 1. The document the lens named, at the owner's name.
  if (args.uri) {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
    const r = args.range;
    await vscode.window.showTextDocument(doc, {
      preview: false, ...(r ? { selection: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character) } : {}),
    });
    return;
  }
  // 2. Its manifest in the workspace (open documents first), as the panel finds a split's.
  const { findManifest } = await import('./panel/actions.js');
  const found = await findManifest({ kind: owner.kind, name: owner.name, namespace: owner.namespace });
  if (found) {
    const doc = await vscode.workspace.openTextDocument(found.uri);
    const at = doc.positionAt(found.offset);
    await vscode.window.showTextDocument(doc, { preview: false, selection: new vscode.Range(at, at) });
    return;
  }
  // 3. The object as the cluster has it, read-only.
  const controller = await deps.controller().catch(() => undefined);
  const yaml = controller?.delivery.liveYaml(owner);
  if (yaml) {
    const doc = await vscode.workspace.openTextDocument(content.put(owner, yaml));
    await vscode.window.showTextDocument(doc, { preview: true });
    return;
  }
  // 4. Where it is (kubectl resolves the kind's name to its resource).
  const where = controller?.delivery.where();
  const connected = where ? `the cluster connection (context ${where.context}, namespace ${where.namespace}) does not show it` : 'no cluster is connected';
  void vscode.window.showInformationMessage(
    `Canary Lens: ${owner.kind} ${owner.name} (${typeof owner.controller === 'string' ? `${owner.controller}, ` : ''}namespace ${owner.namespace}) is not in this workspace, and ${connected}. `
    + `Open the folder that holds its manifest, or read it with kubectl get ${owner.kind.toLowerCase()} ${owner.name} -n ${owner.namespace} -o yaml.`,
  );
}
