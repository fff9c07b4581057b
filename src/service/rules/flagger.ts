import type { DeliveryRule } from './rule';

/** STUB: the flagger rules (filled in by the flagger work). */
export const FLAGGER_RULES: readonly DeliveryRule[] = [];
