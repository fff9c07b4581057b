import * as vscode from 'vscode';
import { ManifestFile as YamlFile, type ManifestDocument as YamlPart } from '../cluster/manifests';
import { applyFailureLine, ClusterError, describeError, managersWords, ownerOfObject, planApply, type ApplyPlan, type ClusterLog, type KubeConfig } from '../cluster';
import { kindNames } from '../service/model/kinds';
import { EXTENSION_WORDING } from './wording';
import type { ObjectOwner } from '../protocol/messages';
import { ownerRefusal } from '../protocol/ownerWords';
import { applyBlockedWords, blocksApply, type ApplyBlocker } from '../protocol/applyWords';
import {
  ALWAYS_SAVE_BUTTON, appliedMarker, appliedMessage, fileNameOf, markApplied, readSaveAfterApply, SAVE_AFTER_APPLY_SETTING, SAVE_BUTTON,
  saveButtons, saveDecision, saveFailedMessage,
} from './afterApply';

/**
 * "Apply to cluster" in VS Code: dry run → diff (live vs. result) → modal confirmation → server-side apply.
 * The cluster work is `planApply`; this file only asks, shows and reports.
 */

export const APPLY_SCHEME = 'canary-lens-apply';

export interface ApplyConnection {
  kc: KubeConfig;
  context: string;
  namespace: string;
}

export interface ApplyDeps {
  log: ClusterLog;
  safe: (text: string) => string;
  diagnostics: vscode.DiagnosticCollection;
  content: ApplyContentProvider;
  connection: () => ApplyConnection | undefined;
  /** Why there is no connection (shown instead of applying). */
  notConnected: () => string;
  /**
   * Who owns the split document at `part` of `uri` (`canaryLens/owners`: a Canary or Rollout of the workspace or the
   * cluster); absent or failing, Apply goes on without asking.
   */
  owners?: (uri: vscode.Uri, part: number) => Promise<ObjectOwner[]>;
  /** The diagnostics the editor shows for `uri` (vscode.languages.getDiagnostics), for Apply's refusal of a document with errors. */
  published?: (uri: vscode.Uri) => readonly vscode.Diagnostic[];
}

/** What the lens or a caller passes: a document and optionally the `---` part index (SplitRef has both). */
export interface ApplyTarget { uri?: string | vscode.Uri; part?: number }

/** Virtual documents for the diff: `canary-lens-apply:/<id>/live/<name>.yaml` and `.../result/...`. */
export class ApplyContentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private next = 0;

  /** Store a live/result pair; returns the two URIs. Older pairs are dropped (only the last few diffs matter). */
  put(name: string, live: string, result: string): { left: vscode.Uri; right: vscode.Uri } {
    const id = ++this.next;
    const left = vscode.Uri.from({ scheme: APPLY_SCHEME, path: `/${id}/cluster/${name}.yaml` });
    const right = vscode.Uri.from({ scheme: APPLY_SCHEME, path: `/${id}/after-apply/${name}.yaml` });
    this.texts.set(left.toString(), live);
    this.texts.set(right.toString(), result);
    for (const key of [...this.texts.keys()]) if (this.texts.size > 20) this.texts.delete(key);
    return { left, right };
  }

  /** The diff's right side once applied: its first line says so (for a diff tab that stays open). */
  markApplied(uri: vscode.Uri, marker: string): void {
    const text = this.texts.get(uri.toString());
    if (text === undefined) return;
    this.texts.set(uri.toString(), markApplied(text, marker));
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# This diff has expired: run Apply to Cluster again.\n';
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}

/** Runs `task`; a progress notification appears only when it takes longer than a second. */
export async function withDelayedProgress<T>(title: string, task: () => Promise<T>): Promise<T> {
  const promise = task();
  let settled = false;
  const timer = setTimeout(() => {
    if (settled) return;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, () => promise.catch(() => undefined));
  }, 1000);
  try {
    return await promise;
  } finally {
    settled = true;
    clearTimeout(timer);
  }
}

function toUri(u: string | vscode.Uri): vscode.Uri {
  return typeof u === 'string' ? vscode.Uri.parse(u) : u;
}

interface Planned { part: YamlPart; plan: ApplyPlan }

/** The split documents to apply: the one under the cursor (or `target.part`), or every split document of the file. */
function documentsToApply(file: YamlFile, scope: 'split' | 'file', target: ApplyTarget, editor: vscode.TextEditor | undefined, doc: vscode.TextDocument): YamlPart[] | string {
  if (scope === 'file') {
    const parts = file.parts.filter((p) => p.isSplit);
    return parts.length > 0 ? parts : `Canary Lens: this file has no ${kindNames('or')} to apply.`;
  }
  let part: YamlPart | undefined;
  if (target.part !== undefined) part = file.parts[target.part];
  else if (editor && editor.document === doc) part = file.partAt(editor.selection.active);
  if (!part || !part.isSplit) return `Canary Lens: put the cursor in a ${kindNames('or')} document to apply it (or use Apply File to Cluster).`;
  return [part];
}

/** Why Apply refuses: the first owned document's owner, in the words of `managed-by-controller`; undefined when none is owned. */
async function ownedRefusal(deps: ApplyDeps, uri: vscode.Uri, file: YamlFile, parts: readonly YamlPart[]): Promise<string | undefined> {
  if (!deps.owners) return undefined;
  const owned: { part: YamlPart; owner: ObjectOwner }[] = [];
  for (const part of parts) {
    let owners: ObjectOwner[];
    try {
      owners = await deps.owners(uri, file.parts.indexOf(part));
    } catch (e) {
      deps.log.warn(`Asking the language server who owns the document failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    if (owners[0]) owned.push({ part, owner: owners[0] });
  }
  const first = owned[0];
  if (!first) return undefined;
  const more = owned.length > 1 ? ` (${owned.length} documents of this file are managed so)` : '';
  return `${ownerRefusal(first.owner, first.part.kind ?? 'split')}${more}`;
}

/** The source of the language server's diagnostics (service/rules/codes.ts `SOURCE`; the extension may not import rules). */
const DIAGNOSTIC_SOURCE = 'canary-lens';

/**
 * The error diagnostics the language server published in `parts` (as the Apply lens counts them): Apply refuses
 * them in the lens's words. Read from what the editor shows rather than asked for, so there is no round trip.
 */
function errorsIn(deps: ApplyDeps, uri: vscode.Uri, file: YamlFile, parts: readonly YamlPart[]): ApplyBlocker[] {
  const inParts = (line: number): boolean => parts.includes(file.parts[file.partIndexAtLine(line)]!);
  return (deps.published?.(uri) ?? [])
    .filter((d) => d.source === DIAGNOSTIC_SOURCE && d.severity === vscode.DiagnosticSeverity.Error && inParts(d.range.start.line))
    .map((d) => ({ code: String(typeof d.code === 'object' ? d.code.value : d.code), line: d.range.start.line + 1 }))
    .filter((e) => blocksApply(e.code))
    .sort((a, b) => a.line - b.line);
}

function label(plan: ApplyPlan): string {
  return `${plan.kind} ${plan.namespace}/${plan.name}`;
}

export async function runApply(deps: ApplyDeps, scope: 'split' | 'file', target: ApplyTarget = {}): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const doc = target.uri ? await vscode.workspace.openTextDocument(toUri(target.uri)) : editor?.document;
  if (!doc) {
    void vscode.window.showInformationMessage(`Canary Lens: open a YAML file with a ${kindNames('or')} first.`);
    return;
  }
  const conn = deps.connection();
  if (!conn) {
    void vscode.window.showWarningMessage(deps.safe(deps.notConnected()));
    return;
  }
  const file = new YamlFile(doc.uri.toString(), doc.getText(), doc.version);
  const parts = documentsToApply(file, scope, target, editor, doc);
  if (typeof parts === 'string') {
    void vscode.window.showInformationMessage(parts);
    return;
  }
  // A split a Canary or Rollout owns is refused with the words of its warning: the controller reverts the edit.
  const refusal = await ownedRefusal(deps, doc.uri, file, parts);
  if (refusal) {
    void vscode.window.showWarningMessage(deps.safe(refusal));
    return;
  }
  const errors = errorsIn(deps, doc.uri, file, parts);
  if (errors.length > 0) {
    void vscode.window.showWarningMessage(`Canary Lens: not applied: ${applyBlockedWords(errors)}.`);
    return;
  }
  deps.diagnostics.delete(doc.uri);
  const version = doc.version;

  // 1. Dry run every document (nothing is written).
  let planned: Planned[];
  try {
    planned = await withDelayedProgress(`Canary Lens: dry run against ${conn.context}…`, async () => {
      const out: Planned[] = [];
      for (const part of parts) {
        try {
          out.push({ part, plan: await planApply(part.text, { kc: conn.kc, selectedNamespace: conn.namespace, log: deps.log, wording: EXTENSION_WORDING }) });
        } catch (e) {
          throw e instanceof ClusterError ? Object.assign(e, { part }) : e;
        }
      }
      return out;
    });
  } catch (e) {
    reportFailure(deps, doc, e, `The dry run against "${conn.context}"`);
    return;
  }

  // The live object may say more than the workspace does: the controller's ownerReferences or field manager.
  const liveOwned = planned.flatMap((p) => {
    const owner = p.plan.live ? ownerOfObject(p.plan.live) : undefined;
    return owner ? [{ plan: p.plan, owner }] : [];
  })[0];
  if (liveOwned) {
    void vscode.window.showWarningMessage(deps.safe(`${ownerRefusal(liveOwned.owner, liveOwned.plan.kind)} (${label(liveOwned.plan)} in ${conn.context})`));
    return;
  }

  if (planned.every((p) => p.plan.noop)) {
    const what = planned.length === 1 ? label(planned[0]!.plan) : `${planned.length} documents`;
    void vscode.window.showInformationMessage(`Canary Lens: ${what} already match${planned.length === 1 ? 'es' : ''} the cluster (${conn.context}); nothing to apply.`);
    return;
  }

  // 2. The diff: live objects vs. what the dry run says they become.
  const name = planned.length === 1 ? `${planned[0]!.plan.namespace}-${planned[0]!.plan.name}` : doc.uri.path.split('/').pop()!.replace(/\.ya?ml$/, '');
  const join = (texts: string[]) => texts.join('---\n');
  const { left, right } = deps.content.put(
    name,
    join(planned.map((p) => p.plan.liveYaml || `# ${label(p.plan)} does not exist in the cluster yet\n`)),
    join(planned.map((p) => p.plan.resultYaml)),
  );
  const title = planned.length === 1 ? `${label(planned[0]!.plan)}: cluster ↔ after apply` : `${planned.length} documents: cluster ↔ after apply`;
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });

  // 3. The confirmation says where it goes, and who loses fields when forced.
  const namespaces = [...new Set(planned.map((p) => p.plan.namespace))];
  const fromSelection = planned.some((p) => p.plan.namespaceSource === 'selection');
  const conflicts = planned.filter((p) => p.plan.conflict);
  const detailLines = planned.map((p) => `${label(p.plan)}: ${!p.plan.live ? 'will be created' : p.plan.changed ? 'will change (see the diff)' : 'same content; Canary Lens takes field ownership'}`);
  for (const c of conflicts) detailLines.push(`${label(c.plan)}: ${c.plan.conflict!.message}. Force Apply takes ${c.plan.conflict!.conflictFields.length === 1 ? 'it' : 'them'} over from ${managersWords(c.plan.conflict!.managers)}.`);
  if (fromSelection) detailLines.push(`A document without metadata.namespace goes to "${conn.namespace}", the namespace selected in Canary Lens.`);
  const what = planned.length === 1 ? `${planned[0]!.plan.kind} "${planned[0]!.plan.name}"` : `${planned.length} documents`;
  const question = `Apply ${what} to namespace ${namespaces.map((n) => `"${n}"`).join(', ')}${fromSelection ? ' (from your selection)' : ''} in context "${conn.context}"?`;
  const action = conflicts.length > 0 ? 'Force Apply' : 'Apply';
  const answer = await vscode.window.showWarningMessage(deps.safe(question), { modal: true, detail: deps.safe(detailLines.join('\n')) }, action);
  if (answer !== action) return;
  if (doc.version !== version) {
    void vscode.window.showWarningMessage('Canary Lens: the document changed during the confirmation; run Apply again to see a fresh diff.');
    return;
  }
  const done = await applyAll(deps, doc, planned, conflicts.length > 0);
  if (!done) return;
  // The cluster now holds what the editor shows: the diff has been answered, and the file is offered for saving.
  if (!(await closeDiff(left, right))) deps.content.markApplied(right, appliedMarker(conn.context, namespaces, new Date()));
  await reportApplied(deps, doc, done, conn.context);
}

/** The diff tab showing `left` ↔ `right` (in any group: the user may have moved it) is closed; false when none was. */
async function closeDiff(left: vscode.Uri, right: vscode.Uri): Promise<boolean> {
  // Absent in a stand-in `vscode` without tabs (the glue tests that do not look at them).
  const groups = vscode.window.tabGroups as vscode.TabGroups | undefined;
  if (!groups) return false;
  const tabs = groups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff
    && t.input.original.toString() === left.toString() && t.input.modified.toString() === right.toString());
  if (tabs.length === 0) return false;
  try {
    return await groups.close(tabs);
  } catch {
    return false;
  }
}

/** The success message, and the save `canaryLens.apply.saveAfterApply` asks for (see afterApply.ts). */
async function reportApplied(deps: ApplyDeps, doc: vscode.TextDocument, done: readonly string[], context: string): Promise<void> {
  const config = vscode.workspace.getConfiguration('canaryLens');
  // `=== true`: a document a stand-in `vscode` makes may lack the flags; it is then a saved file.
  const untitled = doc.isUntitled === true;
  const decision = saveDecision({ dirty: doc.isDirty === true, untitled, setting: readSaveAfterApply(config.get(SAVE_AFTER_APPLY_SETTING)) });
  const name = fileNameOf(doc.uri.path);
  /** Saves; a save that did not happen is said (and the message then does not claim it). */
  const save = async (): Promise<boolean> => {
    try {
      // false: not dirty any more (saved meanwhile: fine), or the save did not happen (a Save As dialog cancelled).
      if ((await doc.save()) || !doc.isDirty) return true;
      void vscode.window.showWarningMessage(deps.safe(saveFailedMessage(name)));
    } catch (e) {
      void vscode.window.showWarningMessage(deps.safe(saveFailedMessage(name, e instanceof Error ? e.message : String(e))));
    }
    return false;
  };
  const said = decision === 'save' && !(await save()) ? 'none' : decision;
  const choice = await vscode.window.showInformationMessage(deps.safe(appliedMessage(done, context, said, name)), ...saveButtons(said, untitled));
  if (choice === ALWAYS_SAVE_BUTTON) await config.update(SAVE_AFTER_APPLY_SETTING, 'always', vscode.ConfigurationTarget.Global);
  if (choice === SAVE_BUTTON || choice === ALWAYS_SAVE_BUTTON) await save();
}

/** Applies every planned document; returns what was done, or undefined when one failed or a conflict was not forced. */
async function applyAll(deps: ApplyDeps, doc: vscode.TextDocument, planned: Planned[], force: boolean): Promise<string[] | undefined> {
  const done: string[] = [];
  for (const { part, plan } of planned) {
    try {
      const outcome = await withDelayedProgress(`Canary Lens: applying ${label(plan)}…`, () => plan.apply(force));
      done.push(`${label(plan)} ${outcome.status}`);
    } catch (e) {
      if (e instanceof ClusterError && e.kind === 'conflict' && e.managers.length > 0 && !force) {
        const owners = managersWords(e.managers);
        const choice = await vscode.window.showWarningMessage(
          deps.safe(`Canary Lens: ${label(plan)}: ${e.message}. Force Apply to take ${e.conflictFields.length === 1 ? 'it' : 'them'} over from ${owners}?`),
          'Force Apply',
        );
        if (choice === 'Force Apply') {
          try {
            const outcome = await withDelayedProgress(`Canary Lens: force-applying ${label(plan)}…`, () => plan.apply(true));
            done.push(`${label(plan)} ${outcome.status} (forced)`);
            continue;
          } catch (e2) {
            reportFailure(deps, doc, Object.assign(e2 as object, { part }), `Applying ${label(plan)}`);
            return undefined;
          }
        }
        return undefined;
      }
      reportFailure(deps, doc, e instanceof ClusterError ? Object.assign(e, { part }) : e, `Applying ${label(plan)}`);
      return undefined;
    }
  }
  return done;
}

/** Errors as a message (with the next step) and, for 422s, diagnostics on the fields the server named. */
function reportFailure(deps: ApplyDeps, doc: vscode.TextDocument, e: unknown, what: string): void {
  if (!(e instanceof ClusterError)) {
    deps.log.error(`${what} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    void vscode.window.showErrorMessage(deps.safe(`Canary Lens: ${what} failed: ${e instanceof Error ? e.message : String(e)}`));
    return;
  }
  const part = (e as ClusterError & { part?: YamlPart }).part;
  if (part && e.causes.length > 0) {
    const diags = e.causes.map((c) => {
      const span = c.span ?? { start: 0, end: Math.min(part.text.length, part.text.indexOf('\n') >= 0 ? part.text.indexOf('\n') : part.text.length) };
      const r = part.rangeOf(span);
      const d = new vscode.Diagnostic(
        new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character),
        deps.safe(c.field ? `${c.field}: ${c.message}` : c.message),
        vscode.DiagnosticSeverity.Error,
      );
      d.source = 'canary-lens-apply';
      if (c.reason) d.code = c.reason;
      return d;
    });
    deps.diagnostics.set(doc.uri, diags);
  }
  deps.log.warn(applyFailureLine(what, e, EXTENSION_WORDING));
  const text = deps.safe(`Canary Lens: ${describeError(e, EXTENSION_WORDING)}`);
  if (e.kind === 'conflict' && e.stale) void vscode.window.showWarningMessage(text);
  else void vscode.window.showErrorMessage(text);
}
