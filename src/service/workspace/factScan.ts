import { isMap, isScalar, isSeq, type Document } from 'yaml';
import { breakLengthAt, lineEndOf } from '../document/lineBreaks';
import type { Span } from '../document/part';
import { deref, entriesOf } from '../document/yamlNodes';

/**
 * The scalar values at the few paths the index needs from a context document (names, labels, selectors,
 * ports), read two ways: `scanBlockYaml`, a line scanner that needs no syntax tree and so keeps indexing a
 * big workspace cheap, and `scanParsed`, the same over a full parse. The line scanner reads plain block YAML
 * only; where a line it needs uses anything else (flow collections, anchors, aliases, tags, escapes,
 * multi-line scalars, typed values) it gives up, and the caller parses. A property test holds the scanner to
 * `scanParsed` on every well-formed input where it answers (a broken document has no one right reading).
 */

export interface ScannedValue { value: string; span: Span }

/** Values by path: keys joined by '/', sequence items as `#index` (`spec/ports/#0/port`). */
export type Scanned = Map<string, ScannedValue>;

/** Path prefixes whose scalar values are wanted. */
export type Wanted = readonly string[];

function wants(wanted: Wanted, path: string): boolean {
  return wanted.some((w) => path === w || path.startsWith(`${w}/`));
}

/** Whether anything below `path` may be wanted (so its shape matters). */
function leadsTo(wanted: Wanted, path: string): boolean {
  return wanted.some((w) => path === w || path.startsWith(`${w}/`) || w.startsWith(`${path}/`));
}

export function scanParsed(doc: Document.Parsed, wanted: Wanted): Scanned {
  const out: Scanned = new Map();
  // Aliases are followed and merge keys applied as kubectl reads them (entriesOf): a Service's ports may come from
  // `<<: *ports`. A budget of nodes keeps an alias bomb under a wanted path from expanding, and a bound on the depth
  // an alias that holds itself (`&a [*a]`) from recursing forever.
  let budget = MAX_WALKED_NODES;
  const walk = (at: unknown, path: string, depth = 0): void => {
    if (--budget < 0 || depth > MAX_WALK_DEPTH) return;
    const node = deref(at, doc);
    if (isMap(node)) {
      for (const [key, entry] of entriesOf(node, doc)) {
        const p = path === '' ? key : `${path}/${key}`;
        if (leadsTo(wanted, p)) walk(entry.pair.value, p, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => { if (leadsTo(wanted, `${path}/#${i}`)) walk(item, `${path}/#${i}`, depth + 1); });
    } else if (isScalar(node) && wants(wanted, path) && node.value !== null && typeof node.value !== 'object' && typeof node.value !== 'symbol' && node.range) {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a YAML scalar's value: string, number, boolean or bigint
      out.set(path, { value: String(node.value), span: { start: node.range[0], end: node.range[1] } });
    }
  };
  walk(doc.contents, '');
  return out;
}

/** Nodes scanParsed visits at most in one document: the wanted paths of a real manifest reach a few hundred. */
const MAX_WALKED_NODES = 100_000;
/** Levels scanParsed descends at most: the deepest wanted path (a pod template's labels) is six. */
const MAX_WALK_DEPTH = 32;

interface Frame { indent: number; path: string; seq: number; item: boolean }

const KEY = /^([A-Za-z0-9_./-]+|"[^"\\]*"|'[^']*')[ \t]*:(?=[ \t]|$)[ \t]*/;

/** Values at the wanted paths by a scan of the lines, or undefined when only a full parse can say. */
export function scanBlockYaml(text: string, wanted: Wanted): Scanned | undefined {
  const out: Scanned = new Map();
  const stack: Frame[] = [{ indent: -1, path: '', seq: 0, item: false }];
  const top = (): Frame => stack[stack.length - 1]!;
  let scalarKeyIndent = -1; // a key with a scalar value: a deeper line continues that scalar
  let blockScalar = false;
  let started = false;
  // Lines end at `\n`, `\r\n` or a lone `\r`, as YAML's do (../document/lineBreaks.ts).
  for (let lineStart = 0; lineStart <= text.length;) {
    const lineEnd = lineEndOf(text, lineStart);
    const line = text.slice(lineStart, lineEnd);
    const base = lineStart;
    lineStart = lineEnd + Math.max(1, breakLengthAt(text, lineEnd));
    const content = line.trimStart();
    const indent = line.length - content.length;
    if (content === '' ) continue;
    if (scalarKeyIndent >= 0 && indent > scalarKeyIndent) {
      if (blockScalar) continue;
      return undefined; // a multi-line plain scalar
    }
    scalarKeyIndent = -1;
    blockScalar = false;
    if (content.startsWith('#')) continue;
    if (indent === 0 && /^\.\.\.([ \t]|$)/.test(content)) return undefined; // a document end: let the parser decide
    if (indent === 0 && /^---([ \t]|$)/.test(content)) {
      if (started || stripComment(content.slice(3)) !== '') return undefined; // content on the marker line, or a second document
      started = true;
      continue;
    }
    if (/[\t\r]/.test(line.slice(0, indent)) || /^[%?&*!|>{["']/.test(content) && !KEY.test(content)) return undefined;
    let col = indent;
    let rest = content;
    while (rest === '-' || rest.startsWith('- ')) {
      while (stack.length > 1 && (top().indent > col || (top().indent === col && top().item))) stack.pop();
      const owner = top();
      const path = `${owner.path}/#${owner.seq++}`;
      stack.push({ indent: col, path, seq: 0, item: true });
      const after = rest.slice(1);
      col += after.length - after.trimStart().length + 1;
      rest = after.trimStart();
      if (rest.includes('\t')) return undefined;
    }
    if (rest === '' || rest.startsWith('#')) continue;
    while (stack.length > 1 && top().indent >= col) stack.pop();
    const parent = top();
    const m = KEY.exec(rest);
    if (!m) {
      if (leadsTo(wanted, parent.path) || parent.path === '') return undefined; // a scalar where we read, or no mapping at all
      scalarKeyIndent = col - 1;
      continue;
    }
    const key = m[1]!.replace(/^(["'])(.*)\1$/, '$2');
    if (key === '<<') return undefined;
    const path = parent.path === '' ? key : `${parent.path}/${key}`;
    const raw = stripComment(rest.slice(m[0].length));
    if (raw === undefined) return undefined;
    stack.push({ indent: col, path, seq: 0, item: false });
    if (raw === '') continue;
    scalarKeyIndent = col;
    if (/^[|>]/.test(raw)) {
      if (leadsTo(wanted, path)) return undefined;
      blockScalar = true;
      continue;
    }
    if (/^[[{]/.test(raw)) {
      if (leadsTo(wanted, path) || !/^(\[[^[\]{}]*\]|\{[^[\]{}]*\})$/.test(raw)) return undefined;
      continue;
    }
    if (!leadsTo(wanted, path)) {
      // An anchor may be read elsewhere through an alias; `a: b: c` is an error the parser recovers from its own way.
      if (/^[&*!@`%]/.test(raw) || (!/^["']/.test(raw) && /: |:$/.test(raw))) return undefined;
      continue;
    }
    const value = exactValue(raw);
    if (value === undefined) return undefined;
    const start = base + line.length - rest.length + m[0].length;
    if (wants(wanted, path)) out.set(path, { value, span: { start, end: start + raw.length } });
  }
  return out;
}

/** The value without a trailing comment; undefined when quoting makes the cut unsafe. */
function stripComment(text: string): string | undefined {
  if (text.startsWith('"') || text.startsWith("'")) {
    const close = text.indexOf(text[0]!, 1);
    if (close === -1) return undefined;
    const tail = text.slice(close + 1).trim();
    return tail === '' || tail.startsWith('#') ? text.slice(0, close + 1) : undefined;
  }
  const hash = text.search(/[ \t]#/);
  return (hash === -1 ? text : text.slice(0, hash)).trim();
}

/** A scalar the scanner reads exactly as the full parser stringifies it; undefined otherwise. */
function exactValue(raw: string): string | undefined {
  if (raw.startsWith("'")) return raw.includes("''") ? undefined : raw.slice(1, -1);
  if (raw.startsWith('"')) return raw.includes('\\') ? undefined : raw.slice(1, -1);
  if (/^[-?:,\][{}#&*!|>'"%@`]/.test(raw) || /: |:$|[ \t]#/.test(raw)) return /^-?[1-9]\d{0,14}$|^0$/.test(raw) ? raw : undefined;
  // Values the core schema types (null, booleans, other numbers) would read back differently: parse those.
  if (/^(~|null|true|false)$/i.test(raw)) return undefined;
  if (/^[-+]?(\.?\d|\.inf|\.nan)/i.test(raw)) return /^[1-9]\d{0,14}$|^0$/.test(raw) ? raw : undefined;
  return raw;
}
