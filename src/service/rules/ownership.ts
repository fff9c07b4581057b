import type { Rule } from './rule';

/** STUB: managed-by-controller and collides-with-generated on splits (filled in by the ownership work). */
export const OWNERSHIP_RULES: readonly Rule[] = [];
