import { isScalar } from 'yaml';
import type { TextEdit } from 'vscode-languageserver-types';
import type { ApiVersionInfo } from '../model/kinds';
import type { Backend, Split } from '../model/split';
import type { YamlPart } from '../document/part';
import { formatQuantity } from '../model/weights';
import { editAt, insertPair, isBlockScalarSource, requote } from '../document/yamlEdits';
import { pairOf } from '../document/yamlNodes';

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
 * kept), and a backend relying on the default weight gets `weight: N` inserted. Everything else stays byte
 * for byte. Refused when a weight cannot be rewritten safely (alias, anchor, invalid value).
 */
export function weightEdits(part: YamlPart, split: Split, units: number[], unit: WeightUnit | undefined): TextEdit[] | { refused: string } {
  if (units.length !== split.backends.length) {
    return { refused: `expected ${split.backends.length} weights, got ${units.length}` };
  }
  if (units.some((u) => !Number.isSafeInteger(u) || u < 0)) return { refused: 'weights must be non-negative integers' };
  const refusal = weightsRefusal(part, split);
  if (refusal) return { refused: refusal };
  const edits: TextEdit[] = [];
  for (const [i, b] of split.backends.entries()) {
    const value = units[i]!;
    if (value === b.weight.units) continue;
    const text = weightText(value, unit, b);
    const span = b.weight.span;
    if (span) {
      edits.push(editAt(part, span, requote(part.text.slice(span.start, span.end), text)));
      continue;
    }
    // Only a kind with a default weight (HTTPRoute) gets here: weightsRefusal rejects a missing required one.
    const insert = b.node ? insertPair(part, b.node, 'weight', text) : undefined;
    if (!insert) return { refused: `cannot place a weight on ${b.name?.value ?? `backend ${b.index + 1}`}` };
    edits.push(insert);
  }
  return edits;
}
