import type { CodeAction, Position, TextEdit } from 'vscode-languageserver-types';

/**
 * Apply LSP text edits to a text, the way an editor does: every range refers to the original text, and
 * overlapping edits are an error (a client would reject them). Positions must lie inside a line, before its
 * line break, so an edit that splits a CRLF or points past a line fails loudly instead of being clamped.
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStarts(text);
  const resolved = edits
    .map((e, order) => ({ start: offsetAt(text, starts, e.range.start), end: offsetAt(text, starts, e.range.end), newText: e.newText, order }))
    .sort((a, b) => a.start - b.start || a.order - b.order);
  let out = '';
  let pos = 0;
  for (const r of resolved) {
    if (r.end < r.start) throw new Error(`edit ends before it starts at offset ${r.start}`);
    if (r.start < pos) throw new Error(`overlapping edits at offset ${r.start}`);
    out += text.slice(pos, r.start) + r.newText;
    pos = r.end;
  }
  return out + text.slice(pos);
}

/** The edits a code action makes to `uri` (and a check that it edits nothing else). */
export function editsOf(action: CodeAction, uri: string): TextEdit[] {
  const changes = action.edit?.changes ?? {};
  const uris = Object.keys(changes);
  if (uris.length !== 1 || uris[0] !== uri) throw new Error(`action "${action.title}" edits ${uris.join(', ') || 'nothing'}, expected ${uri}`);
  return changes[uri]!;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function offsetAt(text: string, starts: number[], p: Position): number {
  const start = starts[p.line];
  if (start === undefined) throw new Error(`line ${p.line} is past the end (${starts.length} lines)`);
  const next = starts[p.line + 1];
  const end = next === undefined ? text.length : next - (text[next - 2] === '\r' ? 2 : 1);
  if (p.character < 0 || start + p.character > end) throw new Error(`character ${p.character} is outside line ${p.line}`);
  return start + p.character;
}
