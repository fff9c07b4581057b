import {
  CodeLensRefreshRequest,
  ErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  type Connection,
  type InitializeParams,
  type ServerCapabilities,
} from 'vscode-languageserver/node';
import { WEIGHTS_COMMAND, type WeightCommandAction, type WeightCommandResult } from '../protocol/messages';
import type { LanguageService } from '../service/languageService';
import { weightCommandArgs } from '../service/features/weightCommand';

/** Code lenses and the weight command over LSP: the service computes, this file talks. */

export const LENS_CAPABILITIES: Pick<ServerCapabilities, 'codeLensProvider' | 'executeCommandProvider'> = {
  // Weight lenses are resolved when shown: their tooltips are O(n) in the split's size (lenses.ts).
  codeLensProvider: { resolveProvider: true },
  executeCommandProvider: { commands: [WEIGHTS_COMMAND] },
};

/** What the client can do that the weight command uses, read from `initialize`. */
export interface LensClient {
  /** Takes versioned `documentChanges`, so it refuses an edit for a document version it no longer has. */
  versionedEdits: boolean;
  /** Understands `workspace/codeLens/refresh`. */
  refresh: boolean;
}

export function lensClient(params: InitializeParams): LensClient {
  const ws = params.capabilities.workspace;
  return { versionedEdits: ws?.workspaceEdit?.documentChanges === true, refresh: ws?.codeLens?.refreshSupport === true };
}

const UNDO_LABEL: Record<WeightCommandAction['type'], string> = {
  shift: 'shift weights', promote: 'promote', rollback: 'roll back', even: 'even split', normalize: 'normalise weights',
};

/** Handles `workspace/executeCommand` for WEIGHTS_COMMAND: one `workspace/applyEdit` (one undo), or a warning. */
export function registerWeightCommand(connection: Connection, ls: LanguageService, client: () => LensClient): void {
  connection.onExecuteCommand(async ({ command, arguments: args }): Promise<WeightCommandResult> => {
    if (command !== WEIGHTS_COMMAND) throw new ResponseError(ErrorCodes.InvalidParams, `Unknown command ${String(command)}`);
    const parsed = weightCommandArgs(Array.isArray(args) ? args[0] : undefined);
    if (!parsed) throw new ResponseError(ErrorCodes.InvalidParams, `Invalid params: ${WEIGHTS_COMMAND} takes one WeightCommandArgs`);
    const result = ls.weightsEdit(parsed, client().versionedEdits);
    if ('refused' in result) return refuse(connection, result.refused);
    const { applied, failureReason } = await connection.workspace.applyEdit({ label: `Canary Lens: ${UNDO_LABEL[parsed.action.type]}`, edit: result.edit });
    return applied ? { applied } : refuse(connection, `Canary Lens: the editor did not apply the weight change${failureReason ? `: ${failureReason}` : ''}`);
  });
}

/** A `window/showMessage` notification: `window.showWarningMessage` would send a request and wait for an answer. */
function refuse(connection: Connection, reason: string): WeightCommandResult {
  void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: reason });
  return { applied: false, reason };
}

/** Asks the client to request lenses again (after a settings change moved the step). */
export function refreshLenses(connection: Connection, client: LensClient): void {
  if (!client.refresh) return;
  connection.sendRequest(CodeLensRefreshRequest.type).catch((e: unknown) => connection.console.warn(`Code lens refresh failed: ${String(e)}`));
}
