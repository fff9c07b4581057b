import type { Document } from 'yaml';
import type { DeliveryDocument } from '../delivery';

/** Flagger Canary → delivery model. STUB: filled in by the Flagger work. */
export function adaptCanary(_doc: Document.Parsed): DeliveryDocument | undefined {
  return undefined;
}
