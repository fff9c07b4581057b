import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LANGUAGE_ID, splitAtRequest, type SplitAtParams, type SplitAtResult } from '../protocol/messages';

/**
 * A status bar item for the split under the cursor: its shares, and its live numbers when the panel measures them.
 * Asks the server (`canaryLens/splitAt`) when the cursor rests, so typing sends nothing.
 */
export function registerSplitStatus(client: () => LanguageClient | undefined): vscode.Disposable {
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
    item.tooltip = `${split.label}: ${shares}${split.live ? `\nLive: ${split.live}` : '\nLive numbers show while the Canary Lens panel is open.'}`;
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
  ];
  // Live numbers arrive every refresh: the item follows without a cursor move.
  const refresh = setInterval(() => { if (vscode.window.activeTextEditor?.document.languageId === LANGUAGE_ID) void update(); }, 5000);
  subs.push({ dispose: () => clearInterval(refresh) });
  soon();
  return vscode.Disposable.from(...subs);
}
