import type { Hover, Position } from 'vscode-languageserver-types';
import type { FeatureContext } from './languageService';

// PLACEHOLDER: being written.
export function hover(_ctx: FeatureContext, _position: Position): Hover | null { return null; }
