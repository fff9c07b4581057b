import type { DocumentSymbol } from 'vscode-languageserver-types';
import type { FeatureContext } from './languageService';

// PLACEHOLDER: being written.
export function documentSymbols(_ctx: FeatureContext): DocumentSymbol[] { return []; }
