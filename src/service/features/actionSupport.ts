import type { CodeAction, CodeActionKind, Diagnostic, Position, Range, TextEdit } from 'vscode-languageserver-types';
import { splitDocumentOf } from '../model/adapters';
import type { FeatureContext } from './context';
import type { Split, SplitDocument } from '../model/split';
import type { Span, YamlPart } from '../document/part';

/** Shared by the quick fixes and the refactors: where an action applies and how its edit is wrapped. */

export interface Located {
  part: YamlPart;
  doc: SplitDocument;
}

/** The split document at a position, when the part is one and parses cleanly (edits on a broken parse could land anywhere). */
export function splitDocumentAt(ctx: FeatureContext, position: Position): Located | undefined {
  const part = ctx.file.partAt(position);
  if (!part.isSplit || part.doc.errors.length > 0) return undefined;
  const doc = splitDocumentOf(part);
  return doc ? { part, doc } : undefined;
}

/**
 * The split under the cursor: the one whose region (HTTPRoute rule, TrafficSplit document) or backends hold
 * `offset`; in a one-split document, that split from anywhere in it.
 */
export function splitAtOffset(doc: SplitDocument, offset: number): Split | undefined {
  const inside = doc.splits.find((s) => {
    const end = Math.max(s.region.end, s.span.end, s.backendsNode?.range?.[1] ?? 0, ...s.backends.map((b) => b.span.end));
    return offset >= Math.min(s.region.start, s.span.start) && offset <= end;
  });
  return inside ?? (doc.splits.length === 1 ? doc.splits[0] : undefined);
}

export function action(ctx: FeatureContext, title: string, kind: CodeActionKind, edits: TextEdit[], extra: Partial<CodeAction> = {}): CodeAction {
  return { title, kind, ...extra, edit: { changes: { [ctx.file.uri]: edits } } };
}

export function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character
    && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** Whether a diagnostic still points at `span` (guards fixes against diagnostics of an older text). */
export function pointsAt(part: YamlPart, d: Diagnostic, span: Span | undefined): boolean {
  return span !== undefined && sameRange(part.rangeOf(span), d.range);
}

/** Ports traffic reaches the split's backends on: the parentRef's port, else every port of the apex Service. */
export function apexPorts(ctx: FeatureContext, doc: SplitDocument, split: Split | undefined): number[] {
  const apex = split?.apex;
  if (!apex) return [];
  if (apex.port) return [apex.port.value];
  return ctx.index.services(apex.namespace?.value ?? doc.ns, apex.name.value)[0]?.ports.map((p) => p.port) ?? [];
}

export function intField(data: Record<string, unknown>, key: string): number | undefined {
  const v = data[key];
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
}

export function stringField(data: Record<string, unknown>, key: string): string | undefined {
  const v = data[key];
  return typeof v === 'string' ? v : undefined;
}
