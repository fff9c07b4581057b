import type { CodeAction, Diagnostic, Range } from 'vscode-languageserver-types';
import type { FeatureContext } from './languageService';

// PLACEHOLDER: being written.
export function codeActions(_ctx: FeatureContext, _range: Range, _diagnostics: readonly Diagnostic[]): CodeAction[] { return []; }
