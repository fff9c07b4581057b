import { isAlias, isScalar, isSeq, visit, type Alias, type Node } from 'yaml';
import type { TextEdit } from 'vscode-languageserver-types';
import type { ApiVersionInfo } from '../model/kinds';
import type { Backend, Split } from '../model/split';
import type { YamlPart } from '../document/part';
import { formatQuantity } from '../model/weights';
import { editAt, insertPair, isBlockScalarSource, requote } from '../document/yamlEdits';
import { deref, isMergeKey, pairOf } from '../document/yamlNodes';

export type WeightUnit = ApiVersionInfo['weightUnit'];

/** Why a split's weights cannot be rewritten in place, or undefined when they can. */
export function weightsRefusal(part: YamlPart, split: Split): string | undefined {
  for (const b of split.backends) {
    const who = b.name?.value ?? `backend ${b.index + 1}`;
    if (b.weight.isAlias) return `the weight of ${who} is an alias: edit its anchor by hand`;
    if (b.weight.problem) return `the weight of ${who} is invalid (${b.weight.problem})`;
    if (b.weight.units === undefined) return `the weight of ${who} has no value`;
    // An anchored weight may be read elsewhere through an alias: rewriting it would change that too.
    const node = pairOf(b.node, 'weight')?.value;
    if (isScalar(node) && node.anchor) return `the weight of ${who} has an anchor (&${node.anchor}): edit it by hand`;
    const span = b.weight.span;
    if (span && isBlockScalarSource(part.text.slice(span.start, span.end))) {
      return `the weight of ${who} is a block scalar: edit it by hand`;
    }
  }
  return undefined;
}

/** A weight's text in the split's unit: integers as is, v1alpha1 quantities in the backend's own style. */
export function weightText(units: number, unit: WeightUnit | undefined, backend?: Backend): string {
  return unit === 'quantity' ? formatQuantity(units, backend?.weight.quantityStyle ?? 'whole') : String(units);
}

/**
 * The minimal edit that gives each backend of `split` the weight `units[i]` (in the split's unit: milli for
 * v1alpha1). Only changed weights are touched: a written weight's scalar characters are replaced (quoting
 * kept), and a backend relying on the default weight gets `weight: N` inserted. A weight inherited through a `<<`
 * merge key is never rewritten (its anchor's other readers would change too): the backend gets its own `weight: N`
 * after its pairs, which kubectl reads instead (go-yaml v2: the later key wins). Everything else stays byte
 * for byte. Refused when a weight cannot be rewritten safely (alias, anchor, invalid value, shared through an
 * anchor that something else reads).
 */
export function weightEdits(part: YamlPart, split: Split, units: number[], unit: WeightUnit | undefined): TextEdit[] | { refused: string } {
  if (units.length !== split.backends.length) {
    return { refused: `expected ${split.backends.length} weights, got ${units.length}` };
  }
  if (units.some((u) => !Number.isSafeInteger(u) || u < 0)) return { refused: 'weights must be non-negative integers' };
  const refusal = weightsRefusal(part, split);
  if (refusal) return { refused: refusal };
  const edits: TextEdit[] = [];
  /** Where the text changes: the start of each rewritten scalar, of each mapping that gets a pair. */
  const touched: number[] = [];
  const rewritten = new Set<number>();
  for (const [i, b] of split.backends.entries()) {
    const span = b.weight.span;
    if (span && !b.weight.inheritedFrom && units[i] !== b.weight.units) rewritten.add(span.start);
  }
  const explicit = new Set<Backend>();
  for (const [i, b] of split.backends.entries()) {
    const value = units[i]!;
    const from = b.weight.inheritedFrom;
    // An inherited weight needs its own key when it changes, and when the scalar it comes from is rewritten.
    if (value === b.weight.units && !(from && rewritten.has(from.start))) continue;
    const text = weightText(value, unit, b);
    const span = b.weight.span;
    if (span && !from) {
      edits.push(editAt(part, span, requote(part.text.slice(span.start, span.end), text)));
      touched.push(span.start);
      continue;
    }
    // A kind with a default weight (HTTPRoute; weightsRefusal rejects a missing required one), or an inherited one.
    const insert = b.node ? insertPair(part, b.node, 'weight', text) : undefined;
    if (!insert || !b.node?.range) return { refused: `cannot place a weight on ${b.name?.value ?? `backend ${b.index + 1}`}` };
    edits.push(insert);
    touched.push(b.node.range[0]);
    explicit.add(b);
  }
  const shared = sharedAnchor(part, split, touched, explicit);
  return shared ? { refused: shared } : edits;
}

/**
 * Why an edit at `touched` would change something besides the split's weights, or undefined: an offset inside an
 * anchored node that an alias elsewhere reads. An alias is harmless when it is a `<<` merge into a backend of this
 * split whose weight is its own after the edit (kubectl reads that instead).
 */
function sharedAnchor(part: YamlPart, split: Split, touched: number[], explicit: Set<Backend>): string | undefined {
  if (touched.length === 0 || !part.text.includes('*')) return undefined;
  const doc = part.doc;
  const anchored: Node[] = [];
  const aliases: Alias[] = [];
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) aliases.push(node);
      else if (node.anchor && node.range) anchored.push(node);
    },
  });
  if (aliases.length === 0) return undefined;
  const ownWeight = (b: Backend) => explicit.has(b) || (b.weight.span !== undefined && !b.weight.inheritedFrom && !b.weight.isAlias);
  const covered = (alias: Alias) => split.backends.some((b) => ownWeight(b) && b.node?.items.some((p) =>
    isMergeKey(p.key) && (p.value === alias || (isSeq(p.value) && p.value.items.includes(alias)))));
  for (const node of anchored) {
    const [start, end] = node.range!;
    if (!touched.some((t) => t >= start && t < end)) continue;
    const readers = aliases.filter((a) => a.source === node.anchor && deref(a, doc) === node);
    if (readers.some((a) => !covered(a))) return `the weights are shared through the anchor &${node.anchor}: edit them by hand`;
  }
  return undefined;
}
