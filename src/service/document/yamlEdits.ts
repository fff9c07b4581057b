import type { TextEdit } from 'vscode-languageserver-types';
import type { Pair, YAMLMap, YAMLSeq } from 'yaml';
import { lineEndOf, lineStartOf, nextLineStart } from './lineBreaks';
import type { Span, YamlPart } from './part';

/**
 * Minimal text edits over a part's source: every helper touches the fewest characters it can, so comments,
 * quoting, key order, indentation and line endings around the edit stay as written.
 */

// Lines break at `\n`, `\r\n` and a lone `\r` (./lineBreaks.ts); a new line gets the part's own line break (YamlPart.eol).

type Ranged = { range?: [number, number, number] | null } | null | undefined;

export function editAt(part: YamlPart, span: Span, newText: string): TextEdit {
  return { range: part.rangeOf(span), newText };
}

/** Back up over trailing white space: block nodes' ranges end after their last line break. */
export function contentEnd(text: string, start: number, end: number): number {
  let i = end;
  while (i > start && /\s/.test(text[i - 1]!)) i--;
  return i;
}

/** `plain` written in the quoting style of `written` (a scalar's source text). */
export function requote(written: string, plain: string): string {
  const q = written[0];
  return q === '"' || q === "'" ? `${q}${plain}${q}` : plain;
}

/** Whether a scalar's source is a block scalar (`|`, `>`): its text spans lines and is not rewritten in place. */
export function isBlockScalarSource(written: string): boolean {
  return written[0] === '|' || written[0] === '>';
}

function startOf(node: Ranged): number | undefined { return node?.range?.[0]; }
function endOf(node: Ranged): number | undefined { return node?.range?.[1]; }

function pairEnd(pair: Pair<unknown, unknown>): number | undefined {
  return endOf(pair.value as Ranged) ?? endOf(pair.key as Ranged);
}

/**
 * Insert `key: value` into a mapping after the pair `after` (default: its last pair). Block map: a new line
 * after that pair's last line, indented like the map's keys, with the part's line break. Flow map: `, key: value`
 * right after that pair (a trailing comma or comment stays after it).
 */
export function insertPair(part: YamlPart, map: YAMLMap, key: string, value: string, after?: Pair<unknown, unknown>): TextEdit | undefined {
  const text = part.text;
  const pairs = map.items;
  const anchor = after ?? pairs[pairs.length - 1];
  if (map.flow) {
    if (!anchor) {
      const open = startOf(map);
      return open === undefined ? undefined : editAt(part, { start: open + 1, end: open + 1 }, `${key}: ${value}`);
    }
    const at = pairEnd(anchor);
    return at === undefined ? undefined : editAt(part, { start: at, end: at }, `, ${key}: ${value}`);
  }
  const firstKey = startOf(pairs[0]?.key as Ranged);
  const anchorStart = startOf(anchor?.key as Ranged);
  const anchorEnd = anchor ? pairEnd(anchor) : undefined;
  if (firstKey === undefined || anchorStart === undefined || anchorEnd === undefined) return undefined;
  const lineStart = lineStartOf(text, firstKey);
  // `- name: a`: the keys sit after the dash, so the new line's indent is the dash's width in spaces.
  const indent = text.slice(lineStart, firstKey).replace(/[^\t]/g, ' ');
  const at = lineEndOf(text, contentEnd(text, anchorStart, anchorEnd));
  return editAt(part, { start: at, end: at }, `${part.eol}${indent}${key}: ${value}`);
}

/**
 * Delete item `index` of a sequence. Block sequence: the item's whole lines, from its `-` line to its last
 * content line (comment lines after it stay). Flow sequence: the item and the comma that separates it.
 */
export function deleteSeqItem(part: YamlPart, seq: YAMLSeq, index: number): TextEdit | undefined {
  const text = part.text;
  const items = seq.items as Ranged[];
  const item = items[index];
  const start = startOf(item);
  const end = endOf(item);
  if (start === undefined || end === undefined) return undefined;
  if (seq.flow) {
    const prevEnd = index > 0 ? endOf(items[index - 1]) : undefined;
    const nextStart = startOf(items[index + 1]);
    if (prevEnd !== undefined) return editAt(part, { start: prevEnd, end }, '');
    return editAt(part, { start, end: nextStart ?? end }, '');
  }
  // The `-` may sit on an earlier line (`-\n  name: a`): start at the dash's line.
  let dash = start;
  while (dash > 0 && /\s/.test(text[dash - 1]!)) dash--;
  const from = dash > 0 && text[dash - 1] === '-' ? lineStartOf(text, dash - 1) : lineStartOf(text, start);
  const to = nextLineStart(text, contentEnd(text, start, end));
  return editAt(part, { start: from, end: to }, '');
}


/**
 * The span of a document's content: from the line of its root node to the end of its last content line. What is
 * outside (the `---` line, comments before and after, the final line break) is kept when the content is replaced.
 */
export function contentSpan(part: YamlPart, root: Ranged): Span | undefined {
  const start = startOf(root);
  const end = endOf(root);
  if (start === undefined || end === undefined) return undefined;
  const text = part.text;
  const lineStart = lineStartOf(text, start);
  const from = /^[ \t]*$/.test(text.slice(lineStart, start)) ? lineStart : start;
  return { start: from, end: lineEndOf(text, contentEnd(text, start, end)) };
}
