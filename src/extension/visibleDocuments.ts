import type * as vscode from 'vscode';
import { LANGUAGE_ID } from '../protocol/messages';

/**
 * The YAML documents visible editors show (files and untitled ones: not diffs' virtual sides or git's), once each:
 * what the editor-splits watcher asks the server about and the panel compares with the cluster. Its own module so
 * the panel's glue reads it without loading the language client.
 */

const SCHEMES = new Set(['file', 'untitled']);

export function visibleYamlDocuments(editors: readonly vscode.TextEditor[]): vscode.TextDocument[] {
  const seen = new Map<string, vscode.TextDocument>();
  for (const e of editors) {
    const doc = e.document;
    if (doc.languageId === LANGUAGE_ID && SCHEMES.has(doc.uri.scheme)) seen.set(doc.uri.toString(), doc);
  }
  return [...seen.values()];
}
