/**
 * The split a rollout drives, in the repo's manifest file: found by kind, name, namespace and rule, and rewritten
 * with a step's weights by the lenses' own byte-preserving edit (src/service/features/weightEdits.ts), so repo and
 * cluster agree after every step. Pure: text in, text out.
 */
import { YamlFile } from '../service/document/file';
import { splitDocumentOf } from '../service/model/adapters';
import { weightEdits } from '../service/features/weightEdits';
import type { SplitKind } from '../protocol/messages';
import type { YamlPart } from '../service/document/part';
import { appliedNamespace, type Split, type SplitDocument } from '../service/model/split';

export interface SplitTarget {
  kind: SplitKind;
  name: string;
  /** The object's namespace; absent: any (the first split of that kind and name). */
  namespace?: string;
  /** 1-based rule of a route; absent: the first rule. */
  rule?: number;
}

export interface LocatedSplit {
  /** The `---` document's own text: what the apply path sends. */
  partText: string;
  namespace: string;
  backends: string[];
  /** Weights in the split's unit (milli for TrafficSplit v1alpha1). */
  weights: number[];
}

interface Found { part: YamlPart; doc: SplitDocument; split: Split }

export function describeTarget(t: SplitTarget): string {
  return `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}${t.rule ? ` rule ${t.rule}` : ''}`;
}

/**
 * `selected`: the namespace a document without metadata.namespace is applied to (the context's, as Apply and kubectl
 * do); absent, such a document is in `default`.
 */
function find(file: YamlFile, target: SplitTarget, selected: string | undefined): Found | { problem: string } {
  for (const part of file.parts) {
    const doc = part.isSplit ? splitDocumentOf(part) : undefined;
    if (!doc || doc.kind !== target.kind || doc.name?.value !== target.name) continue;
    if (target.namespace !== undefined && appliedNamespace(doc, selected) !== target.namespace) continue;
    const split = doc.splits[(target.rule ?? 1) - 1];
    if (!split) return { problem: `${describeTarget(target)}: the route has ${doc.splits.length} weighted rule(s)` };
    return { part, doc, split };
  }
  return { problem: `${describeTarget(target)} is not in the file` };
}

/** The split in the file, or why it cannot be driven (absent, a backend without a name or a readable weight). */
export function locateSplit(uri: string, text: string, target: SplitTarget, selected?: string): LocatedSplit | { problem: string } {
  const found = find(new YamlFile(uri, text), target, selected);
  if ('problem' in found) return found;
  const { part, doc, split } = found;
  const backends: string[] = [];
  const weights: number[] = [];
  for (const b of split.backends) {
    if (!b.name) return { problem: `${describeTarget(target)}: backend ${b.index + 1} has no name` };
    if (b.weight.units === undefined) return { problem: `${describeTarget(target)}: the weight of ${b.name.value} cannot be read${b.weight.problem ? ` (${b.weight.problem})` : ''}` };
    backends.push(b.name.value);
    weights.push(b.weight.units);
  }
  return { partText: part.text, namespace: appliedNamespace(doc, selected), backends, weights };
}

/** The file with the split's weights set to `units` (only the changed weights' characters), or why not. */
export function withWeights(uri: string, text: string, target: SplitTarget, units: readonly number[], selected?: string): { text: string; partText: string } | { refused: string } {
  const file = new YamlFile(uri, text);
  const found = find(file, target, selected);
  if ('problem' in found) return { refused: found.problem };
  const { part, doc, split } = found;
  const edits = weightEdits(part, split, [...units], doc.api?.weightUnit);
  if (!Array.isArray(edits)) return { refused: `${describeTarget(target)}: ${edits.refused}` };
  // Part-relative offsets, applied last to first so earlier offsets stay valid.
  const spans = edits
    .map((e) => ({ start: part.offsetAt(e.range.start), end: part.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let partText = part.text;
  for (const s of spans) partText = partText.slice(0, s.start) + s.text + partText.slice(s.end);
  return { text: text.slice(0, part.start) + partText + text.slice(part.end), partText };
}
