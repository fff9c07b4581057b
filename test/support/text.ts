/**
 * Plain-text position helpers for tests, written independently of the server's own (YamlFile, YamlPart), so
 * tests check the server's positions against a second implementation. LSP's rules: a line ends at `\n`, `\r\n` or
 * a lone `\r` (each one break, not part of the line), and characters are UTF-16 code units, as JS string indices
 * are (https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#textDocuments).
 * U+2028 and U+2029 are not line breaks.
 */
import type { Position, Range } from 'vscode-languageserver-types';

/** One line break: `\r\n` first, so it is never read as a `\r` and then a `\n`. */
const BREAK = /\r\n|\r|\n/g;

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (const m of text.matchAll(BREAK)) starts.push(m.index + m[0].length);
  return starts;
}

/** The lines of `text` without their line breaks (`\r\n`, `\r` or `\n`). */
export function linesOf(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/**
 * The zero-based position of an offset in `text`. An offset between the `\r` and `\n` of a `\r\n` is no position in
 * LSP: it is read as the end of its line, before the `\r`.
 */
export function positionAt(text: string, offset: number): Position {
  const o = text[offset - 1] === '\r' && text[offset] === '\n' ? offset - 1 : offset;
  let line = 0;
  let start = 0;
  for (let i = 0; i < o; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) { line++; start = i + 1; }
  }
  return { line, character: o - start };
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
    const end = next === undefined ? text.length : next - (text.slice(next - 2, next) === '\r\n' ? 2 : 1);
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
