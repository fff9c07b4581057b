import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import {
  LANGUAGE_ID, splitAtRequest, WEIGHTS_COMMAND,
  type SplitAtParams, type SplitSummary, type WeightCommandAction, type WeightCommandArgs,
} from '../protocol/messages';
import { kindNames } from '../service/model/kinds';

/**
 * Palette commands (category Canary Lens) on the split under the cursor. The server does the work: it says which
 * split is there (`canaryLens/splitAt`) and executes the same command the lenses carry. Without a server or a
 * split they explain why instead of failing.
 */

interface PaletteCommand {
  id: string;
  /** Quick pick prompt for the target backend; absent when the action has no target. */
  prompt?: (split: SplitSummary) => string;
  action: (split: SplitSummary, target: number) => WeightCommandAction;
}

const COMMANDS: PaletteCommand[] = [
  {
    id: 'canaryLens.shiftToward',
    prompt: (s) => `Shift ${s.step}% of the traffic toward`,
    action: (s, target) => ({ type: 'shift', target, points: s.step }),
  },
  {
    id: 'canaryLens.shiftAway',
    prompt: (s) => `Shift ${s.step}% of the traffic away from`,
    action: (s, target) => ({ type: 'shift', target, points: -s.step }),
  },
  { id: 'canaryLens.promote', prompt: () => 'Promote (all the traffic goes to)', action: (_, target) => ({ type: 'promote', target }) },
  { id: 'canaryLens.rollback', prompt: () => 'Roll back (no traffic goes to)', action: (_, target) => ({ type: 'rollback', target }) },
  { id: 'canaryLens.evenSplit', action: () => ({ type: 'even' }) },
];

export function registerCommands(client: () => LanguageClient | undefined): vscode.Disposable[] {
  return COMMANDS.map((c) => vscode.commands.registerCommand(c.id, () => run(client(), c)));
}

async function run(client: LanguageClient | undefined, command: PaletteCommand): Promise<void> {
  if (!client?.isRunning()) {
    void vscode.window.showWarningMessage('Canary Lens: the language server is not running. See the Canary Lens output for details.');
    return;
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== LANGUAGE_ID) {
    void vscode.window.showInformationMessage(`Canary Lens: put the cursor in a ${kindNames('or')} in a YAML file first.`);
    return;
  }
  const c2p = client.code2ProtocolConverter;
  const params: SplitAtParams = { textDocument: { uri: c2p.asUri(editor.document.uri) }, position: c2p.asPosition(editor.selection.active) };
  try {
    const split = await client.sendRequest(splitAtRequest, params);
    if (!split) {
      void vscode.window.showInformationMessage(`Canary Lens: there is no ${kindNames('or')} rule with backends at the cursor.`);
      return;
    }
    if (split.blocked) {
      void vscode.window.showWarningMessage(split.blocked);
      return;
    }
    const target = command.prompt ? await pickBackend(split, command.prompt(split)) : 0;
    if (target === undefined) return; // the pick was dismissed
    const { uri, version, part, split: index, fingerprint } = split;
    const args: WeightCommandArgs = { uri, version, part, split: index, fingerprint, action: command.action(split, target) };
    // The server applies the edit through workspace/applyEdit, or shows why not.
    await client.sendRequest(ExecuteCommandRequest.type, { command: WEIGHTS_COMMAND, arguments: [args] });
  } catch (e) {
    void vscode.window.showWarningMessage(`Canary Lens: ${e instanceof Error ? e.message : String(e)}`);
  }
}

interface BackendItem extends vscode.QuickPickItem { index: number }

/** The backend to act on; the canary (last backend) is the default. Undefined when dismissed. */
function pickBackend(split: SplitSummary, prompt: string): Promise<number | undefined> {
  if (split.backends.length === 1) return Promise.resolve(0);
  const items: BackendItem[] = split.backends.map((b, index) => ({
    index,
    label: b.name,
    description: `${Number((b.share * 100).toFixed(1))}% (weight ${b.weight})${index === split.canary ? ' · canary' : ''}`,
  }));
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<BackendItem>();
    pick.title = `Canary Lens: ${split.label}`;
    pick.placeholder = prompt;
    pick.items = items;
    pick.activeItems = [items[split.canary]!];
    let chosen: number | undefined;
    pick.onDidAccept(() => {
      chosen = (pick.selectedItems[0] ?? pick.activeItems[0])?.index;
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(chosen);
    });
    pick.show();
  });
}
