import type { Location, Position } from 'vscode-languageserver-types';
import type { FeatureContext } from './languageService';

// PLACEHOLDER: being written.
export function definition(_ctx: FeatureContext, _position: Position): Location[] { return []; }
export function references(_ctx: FeatureContext, _position: Position, _includeDeclaration: boolean): Location[] { return []; }
