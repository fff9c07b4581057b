import type { CodeAction, TextEdit } from 'vscode-languageserver-types';
import { lineStarts, offsetAt } from './text';

/**
 * Apply LSP text edits to a text, the way an editor does: every range refers to the original text, and
 * overlapping edits are an error (a client would reject them). Positions must lie inside a line, before its
 * line break, so an edit that splits a CRLF or points past a line fails loudly instead of being clamped.
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[], starts = lineStarts(text)): string {
  const resolved = edits
    .map((e, order) => ({
      start: offsetAt(text, e.range.start, { strict: true, starts }),
      end: offsetAt(text, e.range.end, { strict: true, starts }),
      newText: e.newText,
      order,
    }))
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
