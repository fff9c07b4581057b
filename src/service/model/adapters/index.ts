import type { SplitDocument } from '../split';
import type { DeliveryDocument } from '../delivery';
import type { PlanDocument } from '../rolloutPlan';
import type { YamlPart } from '../../document/part';
import { isSplitKind, KINDS } from '../kinds';
import { CONTROLLER_KINDS, isDeliveryKind, isPlanKind } from '../deliveryKinds';
import { isOurControllerDocument } from '../documentKind';
import { rootMap } from '../../document/yamlNodes';
import { readHeader } from './header';

/** The split model of a part, or undefined when the part is not a split document (cached per part text). */
export function splitDocumentOf(part: YamlPart): SplitDocument | undefined {
  return part.memo('splitDocument', () => {
    if (part.templated) return undefined;
    const kind = rootMap(part.doc)?.get('kind');
    if (!isSplitKind(kind)) return undefined;
    const entry = KINDS[kind];
    const header = readHeader(part.doc, entry);
    return header ? entry.adapter(part.doc, header) : undefined;
  });
}

/** The delivery model of a part (a Canary or a Rollout), or undefined (cached per part text). */
export function deliveryDocumentOf(part: YamlPart): DeliveryDocument | undefined {
  return part.memo('deliveryDocument', () => {
    if (part.templated || part.doc.errors.length > 0) return undefined;
    const kind = rootMap(part.doc)?.get('kind');
    return isDeliveryKind(kind) ? CONTROLLER_KINDS[kind].adapter?.(part.doc) : undefined;
  });
}

/** The plan model of a part (a RolloutPlan of our group), or undefined (cached per part text). */
export function planDocumentOf(part: YamlPart): PlanDocument | undefined {
  return part.memo('planDocument', () => {
    if (part.templated) return undefined;
    const kind = rootMap(part.doc)?.get('kind');
    return isPlanKind(kind) && isOurControllerDocument(part) ? CONTROLLER_KINDS[kind].planAdapter?.(part.doc) : undefined;
  });
}
