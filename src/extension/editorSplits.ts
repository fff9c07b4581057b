import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { documentSplitsRequest, LANGUAGE_ID, type SplitObjectRef } from '../protocol/messages';

/**
 * Which split objects the visible editors show (a visible editor with a split's lenses is a view of its numbers):
 * asks the server (`canaryLens/documentSplits`, one request for all visible YAML editors) when the visible editors
 * change, a visible document is edited or the server (re)starts, and reports the set when it changes. No stats code.
 */

const SCHEMES = new Set(['file', 'untitled']);
/** Editors come and go in bursts (a tab switch hides one and shows another): one request after they settle. */
const SETTLE_MS = 200;
/** Edits: the split's name or namespace may change, but not with every keystroke. */
const EDIT_SETTLE_MS = 600;

/** The documents of visible YAML editors, once each. */
export function visibleSplitDocuments(editors: readonly vscode.TextEditor[]): vscode.Uri[] {
  const seen = new Map<string, vscode.Uri>();
  for (const e of editors) {
    const doc = e.document;
    if (doc.languageId === LANGUAGE_ID && SCHEMES.has(doc.uri.scheme)) seen.set(doc.uri.toString(), doc.uri);
  }
  return [...seen.values()];
}

/** A stable identity of a set of split objects, to tell a change from a repeat. */
export function refsKey(refs: readonly SplitObjectRef[]): string {
  return [...new Set(refs.map((r) => `${r.namespace}/${r.kind}/${r.name}`))].sort().join('\n');
}

export function watchEditorSplits(client: () => LanguageClient | undefined, onChange: (refs: SplitObjectRef[]) => void): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  let asked = 0;
  let last = '';
  const report = (refs: SplitObjectRef[]): void => {
    const key = refsKey(refs);
    if (key === last) return;
    last = key;
    onChange(refs);
  };
  const update = async (): Promise<void> => {
    const ticket = ++asked;
    const uris = visibleSplitDocuments(vscode.window.visibleTextEditors);
    const c = client();
    let refs: SplitObjectRef[] = [];
    if (uris.length > 0 && c?.isRunning()) {
      try {
        refs = await c.sendRequest(documentSplitsRequest, { textDocuments: uris.map((u) => ({ uri: c.code2ProtocolConverter.asUri(u) })) });
      } catch {
        refs = []; // the server is restarting: asked again when it runs
      }
    }
    if (ticket === asked) report(refs);
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
