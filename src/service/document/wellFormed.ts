/**
 * Whether a document certainly parses without errors, decided by one pass over its lines: no syntax tree.
 *
 * Every document of a file is checked for syntax errors (kubectl refuses the whole file for one broken document), and
 * a full parse of each of 20,000 context documents costs several times what indexing them does. Most of them are
 * plain block YAML, whose well-formedness a line scan can vouch for. The scan accepts a small subset: block mappings
 * with plain keys, block sequences, one-line scalars (plain, simply quoted), empty or simple flow sequences, block
 * scalars, comments. For anything else it answers false ("cannot say") and the caller parses. So it must never
 * answer true for a text the parser reports an error in; a property test holds it to that (test/unit/wellFormed.test.ts).
 */

/** A key the scan reads as a plain string (not a boolean or null under YAML 1.1 or 1.2, not a number, not `<<`). */
const KEY = /^([A-Za-z_][A-Za-z0-9_./-]*):(?: +|$)/;
const NOT_A_STRING_KEY = /^(?:y|yes|n|no|true|false|on|off|null)$/i;
const DASH = /^-(?: +|$)/;
const COMMENT_TAIL = '(?: +#.*| *)$';
const SINGLE_QUOTED = new RegExp(`^'(?:[^']|'')*'${COMMENT_TAIL}`);
const DOUBLE_QUOTED = new RegExp(`^"(?:[^"\\\\]|\\\\[\\\\"nt])*"${COMMENT_TAIL}`);
const FLOW_ITEM = `(?:[A-Za-z0-9_./=+][A-Za-z0-9_./=+-]*|'(?:[^']|'')*'|"(?:[^"\\\\])*")`;
const FLOW = new RegExp(`^(?:\\{ *\\}|\\[ *\\]|\\[ *${FLOW_ITEM}(?: *, *${FLOW_ITEM})* *\\])${COMMENT_TAIL}`);
const BLOCK_SCALAR = new RegExp(`^[|>][+-]?${COMMENT_TAIL}`);
/** Characters the scan vouches for (tabs, other controls and non-ASCII text go to the parser). */
const UNVOUCHED = /[^\n\r\x20-\x7e]|\r(?!\n)/;
/** The parser limits an implicit key to 1024 characters; long lines are left to it. */
const MAX_LINE = 1000;
/** Far below the nesting limit the parser is guarded by (part.ts MAX_NESTING). */
const MAX_FRAMES = 100;

type ValueKind = 'empty' | 'scalar' | 'block';

/** What a value written after `key:` or `- ` is; undefined when the scan cannot vouch for it. */
function valueKind(raw: string): ValueKind | undefined {
  if (raw === '' || raw.startsWith('#')) return 'empty';
  const first = raw[0]!;
  if (first === "'") return SINGLE_QUOTED.test(raw) ? 'scalar' : undefined;
  if (first === '"') return DOUBLE_QUOTED.test(raw) ? 'scalar' : undefined;
  if (first === '[' || first === '{') return FLOW.test(raw) ? 'scalar' : undefined;
  if (first === '|' || first === '>') return BLOCK_SCALAR.test(raw) ? 'block' : undefined;
  // A plain scalar: no indicator first (a `-` only before a word or number: `-c`, `-1`), ends at a comment.
  if (/^[?:,\]}#&*!%@`]/.test(raw) || (first === '-' && !/^-[A-Za-z0-9.]/.test(raw))) return undefined;
  const hash = raw.indexOf(' #');
  const value = (hash === -1 ? raw : raw.slice(0, hash)).trimEnd();
  // `a: b: c` nests a mapping in a compact one; `a: b:` too.
  return value.includes(': ') || value.endsWith(':') ? undefined : 'scalar';
}

interface Frame { type: 'map' | 'seq'; col: number; keys: Set<string>; compact: boolean }

export function certainlyWellFormed(text: string): boolean {
  if (UNVOUCHED.test(text)) return false;
  const frames: Frame[] = [];
  /** The last node's value continues on the next lines: a key's or a dash's, at this column. */
  let pending: { col: number; key: boolean } | undefined;
  /** The last line ended in a one-line scalar of the node at this column: a deeper line would continue it. */
  let scalarCol = -1;
  /** Inside a block scalar of the node at `col`; `indent` is its content's, once a line shows it. */
  let block: { col: number; indent: number; leadingBlank: number } | undefined;
  let started = false;

  /** Put a mapping key or a sequence item at `col`: into the open collection there, or as a new one. */
  const place = (col: number, type: Frame['type'], key = ''): boolean => {
    const open = pending;
    pending = undefined;
    // A value on the next lines starts deeper; a key's sequence may also start at the key's own column.
    if (open && (col > open.col || (open.key && type === 'seq' && col === open.col))) {
      frames.push({ type, col, keys: new Set([key]), compact: col === open.col });
      return frames.length <= MAX_FRAMES;
    }
    if (frames.length === 0) {
      frames.push({ type, col, keys: new Set([key]), compact: false });
      return col === 0;
    }
    let top = frames[frames.length - 1]!;
    // Dedent closes deeper collections; a key at the column of a key's sequence closes that sequence.
    while (frames.length > 1 && (top.col > col || (top.col === col && top.compact && top.type === 'seq' && type === 'map'))) {
      frames.pop();
      top = frames[frames.length - 1]!;
    }
    if (top.col !== col || top.type !== type) return false;
    if (type === 'map') {
      if (top.keys.has(key)) return false; // a duplicate key: the parser's error to word
      top.keys.add(key);
    }
    return true;
  };

  for (let lineStart = 0; lineStart < text.length;) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.charCodeAt(lineEnd - 1) === 13 ? text.slice(lineStart, lineEnd - 1) : text.slice(lineStart, lineEnd);
    lineStart = lineEnd + 1;
    if (line.length > MAX_LINE) return false;
    let indent = 0;
    while (line.charCodeAt(indent) === 32) indent++;
    const blank = indent === line.length;
    if (block) {
      if (blank) {
        // Leading empty lines deeper than the content make the parser ask for an indentation indicator.
        if (block.indent < 0) block.leadingBlank = Math.max(block.leadingBlank, line.length);
        continue;
      }
      if (indent > block.col) {
        if (block.indent < 0) {
          if (block.leadingBlank > indent) return false;
          block.indent = indent;
        } else if (indent < block.indent) {
          return false;
        }
        continue;
      }
      block = undefined;
    }
    if (blank || line[indent] === '#') continue;
    let rest = line.slice(indent);
    if (indent === 0 && rest.startsWith('---')) {
      // The document's start marker, before any content, alone on its line.
      if (started || !/^---(?: +#.*| *)$/.test(rest)) return false;
      continue;
    }
    started = true;
    if (scalarCol >= 0 && indent > scalarCol) return false; // a scalar continued on this line
    scalarCol = -1;
    let col = indent;
    let dashCol = -1;
    for (let m = DASH.exec(rest); m; m = DASH.exec(rest)) {
      if (!place(col, 'seq')) return false;
      pending = { col, key: false };
      dashCol = col;
      col += m[0].length;
      rest = rest.slice(m[0].length);
    }
    if (rest === '' || rest.startsWith('#')) continue;
    const k = KEY.exec(rest);
    let owner: number;
    let kind: ValueKind | undefined;
    if (k) {
      if (NOT_A_STRING_KEY.test(k[1]!) || !place(col, 'map', k[1])) return false;
      owner = col;
      kind = valueKind(rest.slice(k[0].length));
      if (kind === 'empty') { pending = { col, key: true }; continue; }
    } else {
      if (dashCol < 0) return false; // a scalar where a key belongs: a root scalar, or a continued one
      pending = undefined;
      owner = dashCol;
      kind = valueKind(rest);
      if (kind === 'empty') return false;
    }
    if (kind === undefined) return false;
    if (kind === 'block') block = { col: owner, indent: -1, leadingBlank: 0 };
    else scalarCol = owner;
  }
  return true;
}
