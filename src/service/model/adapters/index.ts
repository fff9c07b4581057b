import type { SplitDocument } from '../split';
import type { YamlPart } from '../../document/part';
import { isSplitKind } from '../apiVersions';
import { rootMap } from '../../document/yamlNodes';
import { readHeader } from './header';
import { adaptHttpRoute } from './httpRoute';
import { adaptTrafficSplit } from './trafficSplit';

const ADAPTERS = { TrafficSplit: adaptTrafficSplit, HTTPRoute: adaptHttpRoute } as const;

/** The split model of a part, or undefined when the part is not a split document (cached per part text). */
export function splitDocumentOf(part: YamlPart): SplitDocument | undefined {
  return part.memo('splitDocument', () => {
    if (part.templated) return undefined;
    const kind = rootMap(part.doc)?.get('kind');
    if (!isSplitKind(kind)) return undefined;
    const header = readHeader(part.doc, kind);
    return header ? ADAPTERS[kind](part.doc, header) : undefined;
  });
}
