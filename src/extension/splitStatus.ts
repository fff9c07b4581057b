import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LANGUAGE_ID, splitAtRequest, type SplitAtParams, type SplitAtResult } from '../protocol/messages';

/**
 * A status bar item for the split under the cursor: its shares, and its live numbers while they are measured (the
 * editor shows the split, so they are whenever a cluster and Prometheus are there). Asks the server
 * (`canaryLens/splitAt`) when the cursor rests, so typing sends nothing, and again when new numbers reached the server
 * (`onDidSendStats`): no polling.
 */
export function registerSplitStatus(
  client: () => LanguageClient | undefined,
  onDidSendStats: (listener: () => void) => vscode.Disposable,
): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('canaryLens.split', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Canary Lens: split under the cursor';
  let timer: NodeJS.Timeout | undefined;
  let asked = 0;
  const update = async (): Promise<void> => {
    const editor = vscode.window.activeTextEditor;
    const c = client();
    if (!editor || editor.document.languageId !== LANGUAGE_ID || !c?.isRunning()) { item.hide(); return; }
    const ticket = ++asked;
    const params: SplitAtParams = {
      textDocument: { uri: c.code2ProtocolConverter.asUri(editor.document.uri) },
      position: c.code2ProtocolConverter.asPosition(editor.selection.active),
    };
    let split: SplitAtResult;
    try {
      split = await c.sendRequest(splitAtRequest, params);
    } catch {
      split = null; // the server restarted or the document closed: nothing to show
    }
    if (ticket !== asked) return;
    if (!split) { item.hide(); return; }
    const shares = split.backends.map((b) => `${b.name} ${Math.round(b.share * 100)}%`).join(' · ');
    item.text = `$(pulse) ${split.label}: ${split.live ?? shares}`;
    item.tooltip = `${split.label}: ${shares}${split.live ? `\nLive: ${split.live}` : '\nNo live numbers: they need the cluster connection and Prometheus.'}`;
    item.command = { title: 'Show the Canary Lens panel', command: 'canaryLens.panel.focus' };
    item.show();
  };
  const soon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void update(), 300);
  };
  const subs = [
    item,
    vscode.window.onDidChangeTextEditorSelection(soon),
    vscode.window.onDidChangeActiveTextEditor(soon),
    { dispose: () => clearTimeout(timer) },
    // Each refresh's numbers are pushed: the item follows without a cursor move.
    onDidSendStats(() => { if (vscode.window.activeTextEditor?.document.languageId === LANGUAGE_ID) void update(); }),
  ];
  soon();
  return vscode.Disposable.from(...subs);
}
