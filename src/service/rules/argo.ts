import type { DeliveryRule } from './rule';

/** STUB: the argo rules (filled in by the argo work). */
export const ARGO_RULES: readonly DeliveryRule[] = [];
