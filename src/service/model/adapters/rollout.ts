import type { Document } from 'yaml';
import type { DeliveryDocument } from '../delivery';

/** Argo Rollout → delivery model. STUB: filled in by the Argo work. */
export function adaptRollout(_doc: Document.Parsed): DeliveryDocument | undefined {
  return undefined;
}
