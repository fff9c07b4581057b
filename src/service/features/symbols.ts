import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import { splitDocumentOf } from '../model/adapters';
import type { FeatureContext } from './context';
import { totalUnits, type Backend, type Split, type SplitDocument } from '../model/split';
import type { Span, YamlPart } from '../document/part';
import { shortPercent, unitsText } from './present';

/**
 * The outline: one symbol per split document, named by metadata.name. A document with one split
 * (every TrafficSplit, an HTTPRoute with one rule) lists its backends directly: an extra level holding the
 * same backends would only be a click more. With several splits (HTTPRoute rules) each is a level of its
 * own, `rule 2 → web-apex`. Backends read `web-svc 50%`.
 */
export function documentSymbols(ctx: FeatureContext): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const part of ctx.file.parts) {
    const doc = part.isSplit ? splitDocumentOf(part) : undefined;
    if (doc) out.push(documentSymbol(part, doc));
  }
  return out;
}

function documentSymbol(part: YamlPart, doc: SplitDocument): DocumentSymbol {
  const only = doc.splits.length === 1 ? doc.splits[0] : undefined;
  // The whole `---` document, without the blank lines and comments trailing it up to the next one.
  const whole: Span = { start: 0, end: part.text.trimEnd().length };
  return {
    // VS Code refuses a whole outline that holds one symbol with an empty name (`name: ""`).
    name: doc.name?.value || `(unnamed ${doc.kind})`,
    detail: `${doc.kind} ${doc.apiVersion?.value ?? '(no apiVersion)'}`,
    kind: SymbolKind.Object,
    range: part.rangeOf(whole),
    selectionRange: part.rangeOf(within(doc.name?.span ?? doc.kindSpan, whole)),
    children: only ? backendSymbols(part, doc, only) : doc.splits.map((s) => splitSymbol(part, doc, s)),
  };
}

function splitSymbol(part: YamlPart, doc: SplitDocument, split: Split): DocumentSymbol {
  // The model keeps the split's key span and its backends' spans; the rule's range is their union. (A loop: spreading
  // 10,000 spans into Math.min is a call with 10,000 arguments.)
  const range: Span = { ...split.span };
  for (const b of split.backends) {
    range.start = Math.min(range.start, b.span.start);
    range.end = Math.max(range.end, b.span.end);
  }
  return {
    name: `rule ${split.index + 1}${split.apex ? ` → ${split.apex.name.value}` : ''}`,
    kind: SymbolKind.Struct,
    range: part.rangeOf(range),
    selectionRange: part.rangeOf(split.span),
    children: backendSymbols(part, doc, split),
  };
}

/** The split's total is summed once here, not per backend (`shareOf` sums it each time): linear in the backends. */
function backendSymbols(part: YamlPart, doc: SplitDocument, split: Split): DocumentSymbol[] {
  const total = totalUnits(split);
  return split.backends.map((b) => backendSymbol(part, doc, b, total));
}

function backendSymbol(part: YamlPart, doc: SplitDocument, b: Backend, total: number): DocumentSymbol {
  // As `shareOf`: no share for an invalid weight, or when every weight is 0.
  const share = b.weight.units === undefined || total <= 0 ? undefined : b.weight.units / total;
  const weight = b.weight.units === undefined ? 'invalid weight' : `weight ${unitsText(b.weight.units, doc.api)}${b.weight.span ? '' : ' (default)'}`;
  return {
    name: `${b.name?.value || '(unnamed)'} ${share === undefined ? '–' : shortPercent(share)}`,
    detail: weight,
    kind: SymbolKind.Field,
    range: part.rangeOf(b.span),
    selectionRange: part.rangeOf(within(b.name?.span ?? b.span, b.span)),
  };
}

/**
 * `span` when it lies inside `outer`, else `outer`: VS Code refuses an outline whose selection range is not inside
 * its symbol's range, and a backend written as an alias (`- *stable`) has its name where the anchor is, elsewhere.
 */
function within(span: Span, outer: Span): Span {
  return span.start >= outer.start && span.end <= outer.end ? span : outer;
}
