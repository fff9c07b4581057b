/**
 * What every answer of the service must satisfy, whatever the input: ranges inside the document under LSP's line
 * rules (`\n`, `\r\n` and a lone `\r` each end a line; characters count UTF-16 code units; no position inside a
 * `\r\n` or a surrogate pair), ordered ranges, symbols whose selection lies inside their range, edits that apply.
 * The line rules are test/support/text.ts's, a second implementation next to the service's own.
 */
import { strict as assert } from 'node:assert';
import type { CodeAction, CodeLens, CompletionItem, DocumentSymbol, Location, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { applyTextEdits } from '../support/edits';
import { lineStarts, linesOf, rangeInside } from '../support/text';

/** A text, its lines (without their breaks) and their start offsets, computed once per text. */
export interface Doc { text: string; lines: string[]; starts: number[] }
export const docOf = (text: string): Doc => ({ text, lines: linesOf(text), starts: lineStarts(text) });

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** Whether a position (inside its line) falls between the two halves of a surrogate pair. */
export function splitsSurrogate(doc: Doc, p: Position): boolean {
  const line = doc.lines[p.line];
  return line !== undefined && p.character > 0 && isHigh(line.charCodeAt(p.character - 1)) && isLow(line.charCodeAt(p.character));
}

export function checkRange(doc: Doc, r: Range | undefined, what: string): void {
  assert.ok(r, `${what}: no range`);
  assert.ok(rangeInside(doc.text, r, doc.lines), `${what}: range ${JSON.stringify(r)} is outside the text (${doc.lines.length} lines; line ${r.end.line} has ${doc.lines[r.end.line]?.length ?? 'no'} characters)`);
  for (const p of [r.start, r.end]) assert.ok(!splitsSurrogate(doc, p), `${what}: ${JSON.stringify(p)} splits a surrogate pair`);
}

export function checkEdits(doc: Doc, edits: readonly TextEdit[] | undefined, what: string): void {
  for (const e of edits ?? []) checkRange(doc, e.range, what);
  // As an editor would apply them: not overlapping, every position inside its line.
  if (edits?.length) applyTextEdits(doc.text, edits, doc.starts);
}

export function checkCompletion(doc: Doc, items: CompletionItem[]): void {
  assert.ok(Array.isArray(items), 'completion returns an array');
  for (const item of items) {
    assert.equal(typeof item.label, 'string', 'completion item has a label');
    const edit = item.textEdit;
    if (edit && 'range' in edit) checkRange(doc, edit.range, `completion ${item.label}`);
    if (edit && 'insert' in edit) {
      checkRange(doc, edit.insert, `completion ${item.label} (insert)`);
      checkRange(doc, edit.replace, `completion ${item.label} (replace)`);
    }
    checkEdits(doc, item.additionalTextEdits, `completion ${item.label} (additional)`);
  }
}

const contains = (outer: Range, inner: Range): boolean => before(outer.start, inner.start) && before(inner.end, outer.end);
const before = (a: Position, b: Position): boolean => a.line < b.line || (a.line === b.line && a.character <= b.character);

export function checkSymbols(doc: Doc, symbols: DocumentSymbol[], depth = 0): void {
  assert.ok(Array.isArray(symbols), 'document symbols are an array');
  assert.ok(depth < 64, 'symbol tree too deep');
  for (const s of symbols) {
    checkRange(doc, s.range, `symbol ${s.name}`);
    checkRange(doc, s.selectionRange, `symbol ${s.name} (selection)`);
    // VS Code rejects the whole outline otherwise ("selectionRange must be contained in fullRange").
    assert.ok(contains(s.range, s.selectionRange), `symbol ${s.name}: selection ${JSON.stringify(s.selectionRange)} is outside its range ${JSON.stringify(s.range)}`);
    // VS Code rejects the outline for a symbol without a name too.
    assert.ok(s.name.length > 0, `a symbol without a name: ${JSON.stringify({ ...s, children: s.children?.length })}`);
    checkSymbols(doc, s.children ?? [], depth + 1);
  }
}

/** The edits of a workspace edit to `uri`, from `changes` and `documentChanges`. */
export function editsTo(edit: WorkspaceEdit | undefined, uri: string): TextEdit[][] {
  const out: TextEdit[][] = [];
  const changes = edit?.changes?.[uri];
  if (changes) out.push(changes);
  for (const change of edit?.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri) out.push(change.edits.filter((e): e is TextEdit => 'range' in e));
  }
  return out;
}

export function checkActions(doc: Doc, uri: string, actions: CodeAction[]): void {
  assert.ok(Array.isArray(actions), 'code actions are an array');
  for (const a of actions) {
    assert.equal(typeof a.title, 'string', 'a code action has a title');
    for (const edits of editsTo(a.edit, uri)) checkEdits(doc, edits, `code action "${a.title}"`);
    for (const d of a.diagnostics ?? []) checkRange(doc, d.range, `code action "${a.title}" (its diagnostic)`);
  }
}

export function checkLenses(doc: Doc, lenses: CodeLens[], resolvable: boolean): void {
  assert.ok(Array.isArray(lenses), 'code lenses are an array');
  for (const l of lenses) {
    checkRange(doc, l.range, `code lens ${l.command?.title ?? '(unresolved)'}`);
    if (!resolvable) assert.ok(l.command, `code lens at ${JSON.stringify(l.range)} has no command and there is no codeLens/resolve`);
  }
}

/** Locations in the known files are inside them; others must name a file the service knows. */
export function checkLocations(docs: ReadonlyMap<string, Doc>, locations: Location[], what: string): void {
  assert.ok(Array.isArray(locations), `${what} returns an array`);
  for (const l of locations) {
    const doc = docs.get(l.uri);
    assert.ok(doc, `${what}: a location in ${l.uri}, which is no file of the workspace`);
    checkRange(doc, l.range, `${what} in ${l.uri}`);
  }
}
