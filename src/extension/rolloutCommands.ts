import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { rolloutsNotification, START_ROLLOUT_COMMAND, type RolloutActionName, type RolloutsParams, type RolloutSplitArg, type RolloutView } from '../protocol/messages';
import { SPLIT_KINDS } from '../service/model/kinds';
import type { ClusterController } from './clusterGlue';
import type { PanelHandle } from './panelGlue';

/**
 * The guided rollout commands as activation registers them (hidden from the palette: the start lens and the panel pass
 * the split): thin stubs that load the cluster bundle, where the runner lives (./rolloutFlow.ts). Off in untrusted
 * workspaces. Once the bundle has loaded, every change of the rollouts goes to the panel and to the language server
 * (`canaryLens/rollouts`, for the lenses), and the panel's rollout buttons come back here.
 */

const ACTIONS: Record<string, RolloutActionName> = {
  'canaryLens.rollout.advance': 'advance',
  'canaryLens.rollout.pause': 'pause',
  'canaryLens.rollout.resume': 'resume',
  'canaryLens.rollout.rollBack': 'rollback',
  'canaryLens.rollout.cancel': 'cancel',
};

export const UNTRUSTED_ROLLOUT_MESSAGE = 'Canary Lens: cluster access is off in untrusted workspaces. Trust this workspace to run a guided rollout.';
const BAD_ARGS = 'Canary Lens: this command runs from a lens or the Canary Lens panel, which name the split.';

const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length < 254;

/** The split a lens or the panel passes, or undefined. */
export function parseRolloutSplit(raw: unknown): RolloutSplitArg | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const o = raw as Record<string, unknown>;
  if (!isName(o.name) || !isName(o.namespace) || typeof o.kind !== 'string' || !(SPLIT_KINDS as readonly string[]).includes(o.kind)) return undefined;
  const rule = Number.isInteger(o.rule) && (o.rule as number) > 0 ? (o.rule as number) : undefined;
  return { kind: o.kind as RolloutSplitArg['kind'], name: o.name, namespace: o.namespace, ...(rule !== undefined ? { rule } : {}) };
}

export interface RolloutCommandDeps {
  log: vscode.LogOutputChannel;
  client: () => LanguageClient | undefined;
  /** The cluster side (loads the cluster bundle); undefined in untrusted workspaces. */
  controller: () => Promise<ClusterController | undefined>;
  onLoaded: (listener: (c: ClusterController) => void) => void;
  panel: Pick<PanelHandle, 'setRollouts' | 'onRolloutAction'>;
}

export function registerRolloutCommands(deps: RolloutCommandDeps): vscode.Disposable[] {
  const fail = (what: string) => (e: unknown) => {
    deps.log.error(`${what} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    void vscode.window.showErrorMessage(`Canary Lens: ${what} failed. See the Canary Lens output for details.`);
  };
  const controller = async (): Promise<ClusterController | undefined> => {
    const c = vscode.workspace.isTrusted ? await deps.controller() : undefined;
    if (!c) void vscode.window.showWarningMessage(UNTRUSTED_ROLLOUT_MESSAGE);
    return c;
  };
  const start = async (rawUri: unknown, rawSplit: unknown): Promise<void> => {
    const split = parseRolloutSplit(rawSplit);
    const uri = rawUri instanceof vscode.Uri ? rawUri : typeof rawUri === 'string' ? vscode.Uri.parse(rawUri) : undefined;
    if (!split || !uri) {
      void vscode.window.showInformationMessage(BAD_ARGS);
      return;
    }
    await (await controller())?.rollouts.start(uri, split);
  };
  const act = async (action: RolloutActionName, rawSplit: unknown): Promise<void> => {
    const split = parseRolloutSplit(rawSplit);
    if (!split) {
      void vscode.window.showInformationMessage(BAD_ARGS);
      return;
    }
    await (await controller())?.rollouts.act(split, action);
  };

  let sent: string | undefined;
  let last: RolloutView[] = [];
  const publish = (views: RolloutView[]): void => {
    last = views;
    deps.panel.setRollouts(views);
    const client = deps.client();
    // What a lens shows (title, and the status's kind for its tooltip): not the countdown, which changes every tick.
    const key = JSON.stringify(views.map((v) => [v.split, v.step, v.steps.length, v.phase, v.unattended, v.status.kind, v.gates.map((g) => g.verdict)]));
    if (!client?.isRunning() || key === sent) return;
    sent = key;
    const params: RolloutsParams = { rollouts: views };
    client.sendNotification(rolloutsNotification, params).catch((e: unknown) => deps.log.warn(`Could not send the rollouts: ${String(e)}`));
  };
  const subscriptions: vscode.Disposable[] = [];
  deps.onLoaded((c) => { subscriptions.push(c.rollouts.onViews(publish)); });
  const client = deps.client();
  // A (re)started server knows no rollouts: it gets the last ones again.
  if (client) subscriptions.push(client.onDidChangeState(() => { sent = undefined; if (client.isRunning()) publish(last); }));

  return [
    vscode.commands.registerCommand(START_ROLLOUT_COMMAND, (uri: unknown, split: unknown) => start(uri, split).catch(fail(START_ROLLOUT_COMMAND))),
    ...Object.entries(ACTIONS).map(([id, action]) => vscode.commands.registerCommand(id, (split: unknown) => act(action, split).catch(fail(id)))),
    deps.panel.onRolloutAction((split, action) => { void act(action, split).catch(fail(`rollout ${action}`)); }),
    { dispose: () => { for (const s of subscriptions) s.dispose(); } },
  ];
}
