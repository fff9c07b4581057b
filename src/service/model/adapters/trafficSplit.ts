import { isMap, type Document } from 'yaml';
import type { Backend, NameRef, Split, SplitDocument } from '../split';
import { deref, isAlias, keySpan, mapAt, seqAt, spanOf, stringAt } from '../../document/yamlNodes';
import type { DocumentHeader } from './header';
import { readWeightOf } from './weight';

/** SMI TrafficSplit: one split per document; apex = spec.service, backends = spec.backends. */
export function adaptTrafficSplit(doc: Document.Parsed, header: DocumentHeader): SplitDocument {
  // Read as kubectl reads it: aliases followed, `<<` merge keys honoured (src/service/document/yamlNodes.ts).
  const spec = mapAt(header.root, 'spec', doc);
  const names: NameRef[] = [];
  const apexName = stringAt(spec, 'service', doc);
  if (apexName) names.push({ ...apexName, what: 'spec.service' });
  const backendsSeq = seqAt(spec, 'backends', doc);
  const backends: Backend[] = [];
  backendsSeq?.items.forEach((written, index) => {
    const span = spanOf(written as { range?: [number, number, number] });
    if (!span) return;
    const item = deref(written, doc);
    const alias = isAlias(written);
    // A backend written as an alias (`- *stable`) is located at the alias, as an inherited field is at its `<<`.
    const read = isMap(item) ? stringAt(item, 'service', doc) : undefined;
    const name = read && alias ? { value: read.value, span } : read;
    if (name) names.push({ ...name, what: 'backend service' });
    backends.push({
      index,
      // SMI backends are always core Services of the split's namespace.
      group: '',
      kind: 'Service',
      ns: header.base.ns,
      ...(name ? { name } : {}),
      weight: readWeightOf(doc, isMap(item) ? item : undefined, header.api, alias ? span : undefined),
      portRequired: false,
      span,
      // An alias's mapping is its anchor's: no edit may land there through this backend.
      ...(isMap(item) && !alias ? { node: item } : {}),
    });
  });
  const matchesKey = keySpan(spec, 'matches', doc);
  const split: Split = {
    index: 0,
    label: header.name?.value ?? 'TrafficSplit',
    ...(apexName ? { apex: { name: apexName } } : {}),
    backends,
    span: keySpan(spec, 'backends', doc) ?? keySpan(header.root, 'spec', doc) ?? header.kindSpan,
    region: { start: 0, end: doc.range[2] },
    ...(backendsSeq ? { backendsNode: backendsSeq } : {}),
    ...(matchesKey ? { matches: matchesKey } : {}),
  };
  return { ...header.base, names: [...header.names, ...names], splits: [split] };
}
