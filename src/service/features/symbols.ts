import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import { splitDocumentOf } from '../model/adapters';
import type { FeatureContext } from './context';
import type { Backend, Split, SplitDocument } from '../model/split';
import type { Span, YamlPart } from '../document/part';
import { shareOf, shortPercent, unitsText } from './present';

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
  return {
    name: doc.name?.value ?? `(unnamed ${doc.kind})`,
    detail: `${doc.kind} ${doc.apiVersion?.value ?? '(no apiVersion)'}`,
    kind: SymbolKind.Object,
    // The whole `---` document, without the blank lines and comments trailing it up to the next one.
    range: part.rangeOf({ start: 0, end: part.text.trimEnd().length }),
    selectionRange: part.rangeOf(doc.name?.span ?? doc.kindSpan),
    children: only ? only.backends.map((b) => backendSymbol(part, doc, only, b)) : doc.splits.map((s) => splitSymbol(part, doc, s)),
  };
}

function splitSymbol(part: YamlPart, doc: SplitDocument, split: Split): DocumentSymbol {
  // The model keeps the split's key span and its backends' spans; the rule's range is their union.
  const spans = [split.span, ...split.backends.map((b) => b.span)];
  const range: Span = { start: Math.min(...spans.map((s) => s.start)), end: Math.max(...spans.map((s) => s.end)) };
  return {
    name: `rule ${split.index + 1}${split.apex ? ` → ${split.apex.name.value}` : ''}`,
    kind: SymbolKind.Struct,
    range: part.rangeOf(range),
    selectionRange: part.rangeOf(split.span),
    children: split.backends.map((b) => backendSymbol(part, doc, split, b)),
  };
}

function backendSymbol(part: YamlPart, doc: SplitDocument, split: Split, b: Backend): DocumentSymbol {
  const share = shareOf(split, b);
  const weight = b.weight.units === undefined ? 'invalid weight' : `weight ${unitsText(b.weight.units, doc.api)}${b.weight.span ? '' : ' (default)'}`;
  return {
    name: `${b.name?.value ?? '(unnamed)'} ${share ? shortPercent(share.fraction) : '–'}`,
    detail: weight,
    kind: SymbolKind.Field,
    range: part.rangeOf(b.span),
    selectionRange: part.rangeOf(b.name?.span ?? b.span),
  };
}
