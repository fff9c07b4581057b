import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { documentSplitsRequest, type SplitObjectRef } from '../protocol/messages';
import { visibleYamlDocuments } from './visibleDocuments';

/**
 * Which split objects the visible editors show (a visible editor with a split's lenses is a view of its numbers):
 * asks the server (`canaryLens/documentSplits`, one request for all visible YAML editors) when the visible editors
 * change, a visible document is edited or the server (re)starts, and reports the set when it changes. No stats code.
 */

/** Editors come and go in bursts (a tab switch hides one and shows another): one request after they settle. */
const SETTLE_MS = 200;
/** Edits: the split's name or namespace may change, but not with every keystroke. */
const EDIT_SETTLE_MS = 600;

/**
 * A stable identity of a set of split objects, to tell a change from a repeat; with the versions of the documents
 * shown (`documents`), an edit is a change too (the panel compares their weights with the cluster's).
 */
export function refsKey(refs: readonly SplitObjectRef[], documents: readonly { uri: string; version: number }[] = []): string {
  return [...new Set(refs.map((r) => `${r.namespace}/${r.kind}/${r.name}`))].sort().join('\n')
    + documents.map((d) => `\n@${d.uri}#${d.version}`).sort().join('');
}

export function watchEditorSplits(client: () => LanguageClient | undefined, onChange: (refs: SplitObjectRef[]) => void): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  let asked = 0;
  let last = '';
  const report = (refs: SplitObjectRef[], documents: readonly vscode.TextDocument[]): void => {
    // Documents count only while they show splits: an edit elsewhere is no news for the panel.
    const key = refsKey(refs, refs.length > 0 ? documents.map((d) => ({ uri: d.uri.toString(), version: d.version })) : []);
    if (key === last) return;
    last = key;
    onChange(refs);
  };
  const update = async (): Promise<void> => {
    const ticket = ++asked;
    const documents = visibleYamlDocuments(vscode.window.visibleTextEditors);
    const uris = documents.map((d) => d.uri);
    const c = client();
    let refs: SplitObjectRef[] = [];
    if (uris.length > 0 && c?.isRunning()) {
      try {
        refs = await c.sendRequest(documentSplitsRequest, { textDocuments: uris.map((u) => ({ uri: c.code2ProtocolConverter.asUri(u) })) });
      } catch {
        refs = []; // the server is restarting: asked again when it runs
      }
    }
    if (ticket === asked) report(refs, documents);
  };
  const soon = (ms: number): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void update(), ms);
  };
  const subs: vscode.Disposable[] = [
    vscode.window.onDidChangeVisibleTextEditors(() => soon(SETTLE_MS)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && vscode.window.visibleTextEditors.some((ed) => ed.document === e.document)) soon(EDIT_SETTLE_MS);
    }),
    { dispose: () => clearTimeout(timer) },
  ];
  const c = client();
  if (c) subs.push(c.onDidChangeState((e) => { if (e.newState === State.Running || e.newState === State.Stopped) soon(SETTLE_MS); }));
  soon(SETTLE_MS);
  return vscode.Disposable.from(...subs);
}
