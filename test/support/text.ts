/**
 * Plain-text position helpers for tests, written independently of the server's own (YamlFile, YamlPart), so
 * tests check the server's positions against a second implementation. Lines end at `\n`; a `\r` before it is
 * not part of the line (LSP's view).
 */
import type { Position, Range } from 'vscode-languageserver-types';

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The lines of `text` without their line breaks (`\r\n` or `\n`). */
export function linesOf(text: string): string[] {
  return text.split('\n').map((l, i, all) => (i < all.length - 1 && l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** The zero-based position of an offset in `text`. */
export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/**
 * The offset of a position in `text`; throws for a line past the end. With `strict`, also for a character outside
 * its line (past its end, or inside its `\r\n`), as an editor applying an edit would. `starts` saves recomputing
 * the line starts (`lineStarts(text)`) for many positions.
 */
export function offsetAt(text: string, p: Position, options: { strict?: boolean; starts?: number[] } = {}): number {
  const starts = options.starts ?? lineStarts(text);
  const start = starts[p.line];
  if (start === undefined) throw new Error(`line ${p.line} is past the end (${starts.length} lines)`);
  if (options.strict) {
    const next = starts[p.line + 1];
    const end = next === undefined ? text.length : next - (text[next - 2] === '\r' ? 2 : 1);
    if (p.character < 0 || start + p.character > end) throw new Error(`character ${p.character} is outside line ${p.line}`);
  }
  return start + p.character;
}

/** Offset of the `nth` (0-based) occurrence of `needle`; throws when there is none. */
export function offsetOf(text: string, needle: string, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at === -1) throw new Error(`"${needle}" occurs fewer than ${nth + 1} times`);
  }
  return at;
}

/** Position `delta` characters into the `nth` (0-based) occurrence of `needle`. */
export const at = (text: string, needle: string, nth = 0, delta = 0): Position => positionAt(text, offsetOf(text, needle, nth) + delta);

/** Range of the `nth` (0-based) occurrence of `needle`; throws when there is none. */
export function rangeOf(text: string, needle: string, nth = 0): Range {
  const at = offsetOf(text, needle, nth);
  return { start: positionAt(text, at), end: positionAt(text, at + needle.length) };
}

/** Whether a range lies inside the text: lines exist, characters at most the line's length, start ≤ end. */
export function rangeInside(text: string, r: Range, lines = linesOf(text)): boolean {
  const ok = (p: Position): boolean =>
    Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0
    && p.line < lines.length && p.character <= lines[p.line]!.length;
  const ordered = r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character);
  return ok(r.start) && ok(r.end) && ordered;
}
