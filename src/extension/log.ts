import type * as vscode from 'vscode';
import { ClusterLog, Redactor } from '../cluster';

/**
 * The cluster layer's log over the extension's one `LogOutputChannel` ('Canary Lens'): every line goes through the
 * redactor, which knows the secrets of the loaded kubeconfig. Messages shown to the user go through `safe()`.
 */
export function createClusterLog(channel: vscode.LogOutputChannel): { log: ClusterLog; redactor: Redactor; safe: (text: string) => string } {
  const redactor = new Redactor();
  return { log: new ClusterLog(channel, redactor), redactor, safe: (text) => redactor.redact(text) };
}
