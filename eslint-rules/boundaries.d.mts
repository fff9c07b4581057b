// Types of boundaries.mjs, for test/unit/boundaries.test.ts.
import type { ESLint, Rule } from 'eslint';

/** Packages each package under src/ may import, besides itself. */
export declare const ALLOWED: Readonly<Record<string, readonly string[]>>;
/** The rule: `boundaries/packages` in eslint.config.mjs. Option: `{ root }`, the repository root (default: the rule's parent directory). */
export declare const rule: Rule.RuleModule;
declare const plugin: ESLint.Plugin;
export default plugin;
