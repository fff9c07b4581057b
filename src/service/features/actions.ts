import type { CodeAction, Diagnostic, Range } from 'vscode-languageserver-types';
import { SOURCE } from '../rules/codes';
import { isDiagnosticCode } from '../rules/diagnostics';
import type { FeatureContext } from './context';
import { quickFixes } from './quickFixes';
import { refactors } from './refactors';

/**
 * Code actions at `range`: quick fixes for the Canary Lens diagnostics the client sent, then the refactors of the
 * split under the cursor. Every edit is a WorkspaceEdit on this file only, built from minimal text edits.
 */
export function codeActions(ctx: FeatureContext, range: Range, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const fixes = diagnostics.flatMap((d) => (d.source === SOURCE && isDiagnosticCode(d.code) ? quickFixes(ctx, d, d.code) : []));
  return [...fixes, ...refactors(ctx, range, fixes)];
}
