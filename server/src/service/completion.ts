import type { CompletionItem, Position } from 'vscode-languageserver-types';
import type { FeatureContext } from './languageService';

// PLACEHOLDER: being written (completion of keys, values, Service names, ports, snippets).
export function complete(_ctx: FeatureContext, _position: Position): CompletionItem[] { return []; }
