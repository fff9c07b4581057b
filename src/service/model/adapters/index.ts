import type { SplitDocument } from '../split';
import type { YamlPart } from '../../document/part';
import { isSplitKind, KINDS } from '../kinds';
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
