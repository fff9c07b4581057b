import type { Span } from './part';
import { lineEndOf, lineStartsOf } from './lineBreaks';
import { lastAtMost } from './search';

/**
 * What is at an offset of a part, read from the lines of block YAML rather than from the syntax tree: while
 * a document is being typed the tree is often wrong (`serv` alone on a line becomes the key `serv backends`),
 * but indentation still says where the cursor is. Flow collections (`{...}`, `[...]`) are not looked into.
 */

export type Path = (string | number)[];

/** One piece of a line: a sequence dash, a `key:` (with where its value lies), or a bare scalar. */
export interface LineToken {
  type: 'item' | 'key' | 'scalar';
  col: number;
  /** End column of the dash, of the key text (quotes included) or of the scalar. */
  end: number;
  key?: string;
  /** Key only: columns of the value written on the same line (equal when empty), comment excluded. */
  valueStart?: number;
  valueEnd?: number;
}

export interface Cursor {
  /** `key`: where a key of the mapping at `path` goes; `value`: in the value of the key at `path`. */
  at: 'key' | 'value';
  path: Path;
  /** Part-relative span of the word a completion replaces (empty when nothing is typed yet). */
  span: Span;
  /** Key position on a written `key:` (not on a half-typed word): the key's name. */
  key?: string;
  /** The other keys of the mapping holding the cursor (or the key), each with its value as written on its line. */
  siblings: Map<string, string>;
}

const DOC_MARKER = /^(---|\.\.\.)(\s|$)/;
const KEY = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"{[\]},&*!|>%@`-][^#]*?|-[^\s#][^#]*?))[ \t]*:(?=[ \t]|$)/;

function skipBlanks(line: string, i: number): number {
  while (line[i] === ' ' || line[i] === '\t') i++;
  return i;
}

/** End of a value or scalar that starts at `i`: before a ` #` comment (a quoted one ends at its quote). */
function scalarEnd(line: string, i: number): number {
  let end: number;
  const q = line[i];
  if (q === '"' || q === "'") {
    const close = line.indexOf(q, i + 1);
    end = close === -1 ? line.length : close + 1;
  } else {
    const hash = line.slice(i).search(/(^|\s)#/);
    end = hash === -1 ? line.length : i + hash;
  }
  while (end > i && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  return end;
}

/** The tokens of one line; none for blank, comment and document-marker lines. */
export function scanLine(line: string): LineToken[] {
  const tokens: LineToken[] = [];
  if (DOC_MARKER.test(line)) return tokens;
  let i = skipBlanks(line, 0);
  while (i < line.length && line[i] !== '#') {
    if (line[i] === '-' && (i + 1 === line.length || line[i + 1] === ' ' || line[i + 1] === '\t')) {
      tokens.push({ type: 'item', col: i, end: i + 1 });
      i = skipBlanks(line, i + 1);
      continue;
    }
    const m = KEY.exec(line.slice(i));
    if (m) {
      const key = m[1] ?? m[2]?.replace(/''/g, "'") ?? m[3]!;
      const keyLength = m[3] !== undefined ? m[3].length : (m[1] ?? m[2])!.length + 2;
      const valueStart = skipBlanks(line, i + m[0].length);
      tokens.push({ type: 'key', col: i, end: i + keyLength, key, valueStart, valueEnd: Math.max(valueStart, scalarEnd(line, valueStart)) });
    } else {
      tokens.push({ type: 'scalar', col: i, end: scalarEnd(line, i) });
    }
    break;
  }
  return tokens;
}

/** The lines of a part's text (without their line breaks: `\n`, `\r\n` or a lone `\r`, as LSP and YAML count them), scanned on demand. */
export class Lines {
  readonly text: string[];
  readonly starts: number[];
  private readonly scanned = new Map<number, LineToken[]>();

  constructor(source: string) {
    this.starts = lineStartsOf(source);
    this.text = this.starts.map((start) => source.slice(start, lineEndOf(source, start)));
  }

  tokensOf(line: number): LineToken[] {
    let t = this.scanned.get(line);
    if (!t) { t = scanLine(this.text[line] ?? ''); this.scanned.set(line, t); }
    return t;
  }

  lineOf(offset: number): number {
    return lastAtMost(this.starts.length, (i) => this.starts[i]!, offset);
  }

  /** A key whose value continues on the next lines (nothing written after it, or only an anchor or a tag). */
  opensBlock(line: number, t: LineToken): boolean {
    return t.type === 'key' && /^([&!]\S*\s*)*$/.test(this.text[line]!.slice(t.valueStart, t.valueEnd));
  }

  /** Index of the sequence item whose dash is the first token of `line`, at column `col`. */
  private itemIndex(line: number, col: number): number {
    let n = 0;
    for (let k = line - 1; k >= 0; k--) {
      const t = this.tokensOf(k);
      if (t.length === 0 || t[0]!.col > col) continue;
      // A line whose dashes reach `col` (`- - x`) holds the sequence's first item.
      if (t[0]!.col < col) return n + (t.some((x) => x.type === 'item' && x.col === col) ? 1 : 0);
      if (t[0]!.type !== 'item') break;
      n++;
    }
    return n;
  }

  /** The nearest line above holding the parent of a node at (`line`, `col`), and its tokens left of that node. */
  private parentOf(line: number, col: number, isItem: boolean): { line: number; tokens: LineToken[] } | undefined {
    for (let k = line - 1; k >= 0; k--) {
      const t = this.tokensOf(k);
      if (t.length === 0 || t[0]!.col > col) continue;
      const last = t[t.length - 1]!;
      // A sequence may sit at its key's own column (`backends:` then `- service: a` below it, same indent).
      const compact = isItem && last.col === col && this.opensBlock(k, last);
      if (t[0]!.col < col || compact) return { line: k, tokens: t.filter((x) => x.col < col || (compact && x === last)) };
    }
    return undefined;
  }

  /**
   * Keys and indexes from the root down to a position of `line`: the dashes in `lead` are written left of it
   * on that line, `col` is its column. Undefined when the position is inside a scalar.
   */
  pathTo(line: number, lead: LineToken[], col: number): Path | undefined {
    const reversed: Path = [];
    let at = line;
    let tokens = lead;
    if (tokens.length === 0) {
      const parent = this.parentOf(line, col, false);
      if (!parent) return [];
      ({ line: at, tokens } = parent);
    }
    for (;;) {
      for (let j = tokens.length - 1; j >= 0; j--) {
        const t = tokens[j]!;
        if (t.type !== 'item' && !this.opensBlock(at, t)) return undefined;
        // A dash after another dash on its line starts a new sequence: it is item 0.
        reversed.push(t.type === 'key' ? t.key! : j === 0 ? this.itemIndex(at, t.col) : 0);
      }
      const parent = this.parentOf(at, tokens[0]!.col, tokens[0]!.type === 'item');
      if (!parent) return reversed.reverse();
      ({ line: at, tokens } = parent);
    }
  }

  /** Keys at column `col` of the mapping around `line` (which begins on `line` when `startsHere`), but `line`'s own. */
  siblings(line: number, col: number, startsHere: boolean): Map<string, string> {
    const out = new Map<string, string>();
    const take = (k: number): void => {
      const t = this.tokensOf(k).find((x) => x.col === col);
      if (t?.type === 'key') out.set(t.key!, this.text[k]!.slice(t.valueStart, t.valueEnd));
    };
    for (let k = line - 1; k >= 0 && !startsHere; k--) {
      const t = this.tokensOf(k);
      if (t.length === 0 || t[0]!.col > col) continue;
      take(k);
      if (t[0]!.col < col) break;
    }
    for (let k = line + 1; k < this.text.length; k++) {
      const t = this.tokensOf(k);
      if (t.length === 0 || t[0]!.col > col) continue;
      if (t[0]!.col < col) break;
      take(k);
    }
    return out;
  }
}

/** What is at `offset` of a part's text; undefined where neither a key nor a value can go. */
export function cursorAt(source: string, offset: number, lines = new Lines(source)): Cursor | undefined {
  const line = lines.lineOf(offset);
  const start = lines.starts[line]!;
  const text = lines.text[line]!;
  const col = offset - start;
  const tokens = lines.tokensOf(line);
  let i = tokens.length - 1;
  while (i >= 0 && (tokens[i]!.type === 'item' ? tokens[i]!.col >= col : tokens[i]!.col > col)) i--;
  const cur = tokens[i];
  const span = (a: number, b: number): Span => ({ start: start + a, end: start + b });

  const keyAt = (mapCol: number, lead: LineToken[], s: Span, key?: string): Cursor | undefined => {
    const path = lines.pathTo(line, lead, mapCol);
    if (!path) return undefined;
    const siblings = lines.siblings(line, mapCol, lead.length > 0);
    return { at: 'key', path, span: s, ...(key !== undefined ? { key } : {}), siblings };
  };

  if (!cur) {
    // A blank line (or one with only a comment right of the cursor); not the indentation before a token.
    if (tokens.length > 0 || DOC_MARKER.test(text) || text.slice(0, col).includes('#')) return undefined;
    return keyAt(col, [], span(col, col));
  }
  if (cur.type === 'item') {
    // Right after a dash (`- |`): the first key of a new item; a bare `-|` needs its space first.
    if (tokens[i + 1] || col === cur.end) return undefined;
    return keyAt(col, tokens.slice(0, i + 1), span(col, col));
  }
  const lead = tokens.slice(0, i);
  if (cur.type === 'scalar') return col > cur.end ? undefined : keyAt(cur.col, lead, span(cur.col, cur.end));
  if (col <= cur.end) return keyAt(cur.col, lead, span(cur.col, cur.end), cur.key);
  // In the value: after the colon, within what is written (or at its start when nothing is).
  const { valueStart, valueEnd } = cur as Required<LineToken>;
  if (col <= text.indexOf(':', cur.end) || col > (valueEnd > valueStart ? valueEnd : valueStart)) return undefined;
  if (/^[[{|>]/.test(text.slice(valueStart, valueEnd))) return undefined; // flow collection or block scalar
  const path = lines.pathTo(line, lead, cur.col);
  if (!path) return undefined;
  return {
    at: 'value',
    path: [...path, cur.key!],
    span: valueEnd > valueStart ? span(valueStart, valueEnd) : span(col, col),
    siblings: lines.siblings(line, cur.col, lead.length > 0),
  };
}
