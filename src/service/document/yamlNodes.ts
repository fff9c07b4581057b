import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Span } from './part';
import type { Located } from '../model/split';

/** Small, total accessors over the `yaml` syntax tree: wrong shapes give undefined, never a throw. */

export function spanOf(node: { range?: [number, number, number] | null } | null | undefined): Span | undefined {
  const r = node?.range;
  return r ? { start: r[0], end: r[1] } : undefined;
}

export function pairOf(map: unknown, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(map)) return undefined;
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && item.key.value === key) return item as Pair<Node, Node | null>;
  }
  return undefined;
}

export function mapAt(map: unknown, key: string): YAMLMap | undefined {
  const v = pairOf(map, key)?.value;
  return isMap(v) ? v : undefined;
}

export function seqAt(map: unknown, key: string): YAMLSeq | undefined {
  const v = pairOf(map, key)?.value;
  return isSeq(v) ? v : undefined;
}

export function keySpan(map: unknown, key: string): Span | undefined {
  return spanOf(pairOf(map, key)?.key);
}

/** The span of a pair's value, or of its key when the value is empty. */
export function valueOrKeySpan(map: unknown, key: string): Span | undefined {
  const pair = pairOf(map, key);
  return spanOf(pair?.value ?? undefined) ?? spanOf(pair?.key);
}

/** A scalar value as a string (numbers too: `name: 123` is still a name), located at its value. */
export function stringAt(map: unknown, key: string): Located<string> | undefined {
  const v = pairOf(map, key)?.value;
  const span = spanOf(v);
  if (!span || !isScalar(v) || v.value === null || typeof v.value === 'object') return undefined;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a YAML scalar's value: string, number, boolean or bigint
  return { value: String(v.value), span };
}

export function numberAt(map: unknown, key: string): Located<number> | undefined {
  const v = pairOf(map, key)?.value;
  const span = spanOf(v);
  if (!span || !isScalar(v)) return undefined;
  const n = typeof v.value === 'number' ? v.value : typeof v.value === 'string' && /^\d+$/.test(v.value) ? Number(v.value) : NaN;
  return Number.isFinite(n) ? { value: n, span } : undefined;
}

/** The document's root mapping, if it is one. */
export function rootMap(doc: Document.Parsed): YAMLMap | undefined {
  return isMap(doc.contents) ? doc.contents : undefined;
}

/** Plain string→string mapping (labels, selectors); non-scalar entries are skipped. */
export function stringMap(map: unknown): Record<string, string> | undefined {
  if (!isMap(map)) return undefined;
  const out: Record<string, string> = {};
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && isScalar(item.value) && item.value.value !== null) {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a YAML scalar's value: string, number, boolean or bigint
      out[String(item.key.value)] = String(item.value.value);
    }
  }
  return out;
}

export { isAlias, isMap, isScalar, isSeq };
