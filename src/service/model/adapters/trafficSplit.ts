import { isMap, type Document } from 'yaml';
import type { Backend, NameRef, Split, SplitDocument } from '../split';
import { keySpan, mapAt, pairOf, seqAt, spanOf, stringAt } from '../../document/yamlNodes';
import type { DocumentHeader } from './header';
import { readWeight } from './weight';

/** SMI TrafficSplit: one split per document; apex = spec.service, backends = spec.backends. */
export function adaptTrafficSplit(doc: Document.Parsed, header: DocumentHeader): SplitDocument {
  const spec = mapAt(header.root, 'spec');
  const names: NameRef[] = [];
  const apexName = stringAt(spec, 'service');
  if (apexName) names.push({ ...apexName, what: 'spec.service' });
  const backendsSeq = seqAt(spec, 'backends');
  const backends: Backend[] = [];
  backendsSeq?.items.forEach((item, index) => {
    const span = spanOf(item as { range?: [number, number, number] });
    if (!span) return;
    const name = isMap(item) ? stringAt(item, 'service') : undefined;
    if (name) names.push({ ...name, what: 'backend service' });
    backends.push({
      index,
      // SMI backends are always core Services of the split's namespace.
      group: '',
      kind: 'Service',
      ns: header.base.ns,
      ...(name ? { name } : {}),
      weight: readWeight(doc, isMap(item) ? pairOf(item, 'weight')?.value : undefined, header.api),
      portRequired: false,
      span,
      ...(isMap(item) ? { node: item } : {}),
    });
  });
  const matchesKey = keySpan(spec, 'matches');
  const split: Split = {
    index: 0,
    label: header.name?.value ?? 'TrafficSplit',
    ...(apexName ? { apex: { name: apexName } } : {}),
    backends,
    span: keySpan(spec, 'backends') ?? keySpan(header.root, 'spec') ?? header.kindSpan,
    region: { start: 0, end: doc.range[2] },
    ...(backendsSeq ? { backendsNode: backendsSeq } : {}),
    ...(matchesKey ? { matches: matchesKey } : {}),
  };
  return { ...header.base, names: [...header.names, ...names], splits: [split] };
}
