import { isAlias, isMap, isPair, isScalar, isSeq, Scalar, visit, type Alias, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Span } from './part';
import type { Located } from '../model/split';

/** Small, total accessors over the `yaml` syntax tree: wrong shapes give undefined, never a throw. */

export function spanOf(node: { range?: [number, number, number] | null } | null | undefined): Span | undefined {
  const r = node?.range;
  return r ? { start: r[0], end: r[1] } : undefined;
}

/**
 * The pair of `key` in a mapping. With `doc`, the mapping is read as kubectl reads it: an alias is followed, and
 * `<<` merge keys are honoured (see entryOf), so the pair may be one of an anchored mapping.
 */
export function pairOf(map: unknown, key: string, doc?: Document): Pair<Node, Node | null> | undefined {
  if (doc) return entryOf(map, key, doc)?.pair;
  if (!isMap(map)) return undefined;
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && item.key.value === key) return item as Pair<Node, Node | null>;
  }
  return undefined;
}

export function mapAt(map: unknown, key: string, doc?: Document): YAMLMap | undefined {
  const v = valueOf(pairOf(map, key, doc), doc);
  return isMap(v) ? v : undefined;
}

export function seqAt(map: unknown, key: string, doc?: Document): YAMLSeq | undefined {
  const v = valueOf(pairOf(map, key, doc), doc);
  return isSeq(v) ? v : undefined;
}

// ---- merge keys and aliases, as kubectl reads them -------------------------------------------------------------

/** A key of a mapping as kubectl reads it: the pair that gives its value, and the `<<` pair it came through. */
export interface Entry {
  pair: Pair<Node, Node | null>;
  /** The merge pair (`<<: *stable`) of the mapping read, when the key is not written in it but inherited. */
  via?: Pair<Node, Node | null>;
}

/** An alias's anchored node; undefined for a missing anchor (a yaml-syntax error already). */
export function deref(node: unknown, doc: Document | undefined): unknown {
  if (!isAlias(node) || !doc) return node;
  return aliasTargets(doc).get(node);
}

const TARGETS = new WeakMap<Document, Map<Alias, Node>>();

/**
 * Every alias of a document with its anchored node: the last node with that anchor before the alias, as
 * `Alias.resolve` finds it (github.com/eemeli/yaml src/nodes/Alias.ts). One walk per document: `resolve` walks the
 * whole document per alias, and 5,000 aliased backends made that quadratic.
 */
function aliasTargets(doc: Document): Map<Alias, Node> {
  let targets = TARGETS.get(doc);
  if (!targets) {
    const found = new Map<Alias, Node>();
    const anchors = new Map<string, Node>();
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) {
          const target = anchors.get(node.source);
          if (target) found.set(node, target);
        } else if (node.anchor) {
          anchors.set(node.anchor, node);
        }
      },
    });
    TARGETS.set(doc, found);
    targets = found;
  }
  return targets;
}

function valueOf(pair: Pair<Node, Node | null> | undefined, doc: Document | undefined): unknown {
  return deref(pair?.value, doc);
}

/** A `<<` key: the merge tag resolves it to a symbol (`merge: true`, src/service/document/yamlOptions.ts). */
export function isMergeKey(key: unknown): boolean {
  if (!isScalar(key) || (key.type !== undefined && key.type !== Scalar.PLAIN)) return false;
  return key.value === '<<' || (typeof key.value === 'symbol' && key.value.description === '<<');
}

/** The key of a pair as the text kubectl's JSON has (`true` for `yes`, `8` for `010`). */
function keyName(key: unknown): string | undefined {
  if (!isScalar(key) || key.value === null || typeof key.value === 'object' || typeof key.value === 'symbol') return undefined;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a YAML scalar's value: string, number, boolean or bigint
  return String(key.value);
}

/** Deeper merge chains than this are not followed (an anchor merged into itself would never end). */
const MAX_MERGE_DEPTH = 32;

/**
 * The keys of a mapping as kubectl reads them, with go-yaml v2's merge semantics (yaml/go-yaml v2.4.2 decode.go,
 * `mapping` and `merge`): pairs are applied in the order written and a later one wins, so a `<<` overrides the
 * explicit keys written before it (and is overridden by those after it, the usual style); `<<: [*a, *b]` applies
 * the list from its end, so `*a` wins over `*b`. A merged mapping's own `<<` keys count too.
 */
export function entriesOf(map: unknown, doc: Document | undefined, depth = 0): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const m = deref(map, doc);
  if (!isMap(m) || depth > MAX_MERGE_DEPTH) return out;
  for (const item of m.items) {
    if (!isPair(item)) continue;
    const pair = item as Pair<Node, Node | null>;
    if (isMergeKey(pair.key)) {
      const value = deref(pair.value, doc);
      const sources = isSeq(value) ? [...value.items].reverse() : [pair.value];
      for (const source of sources) {
        for (const [k, e] of entriesOf(source, doc, depth + 1)) out.set(k, { pair: e.pair, via: pair });
      }
      continue;
    }
    const k = keyName(pair.key);
    if (k !== undefined) out.set(k, { pair });
  }
  return out;
}

/** One key of a mapping as kubectl reads it (see entriesOf). */
export function entryOf(map: unknown, key: string, doc: Document | undefined): Entry | undefined {
  const m = deref(map, doc);
  if (!isMap(m)) return undefined;
  // The common case, no merge key: the last pair of that key, without building the whole map.
  if (!m.items.some((p) => isMergeKey(p.key))) {
    let found: Entry | undefined;
    for (const item of m.items) if (isPair(item) && keyName(item.key) === key) found = { pair: item as Pair<Node, Node | null> };
    return found;
  }
  return entriesOf(m, doc).get(key);
}

/**
 * Where a diagnostic about a key's value goes: the value as written, or for an inherited key the value of the `<<`
 * that brought it (`*stable`): the fault is this mapping's, and the anchored mapping may well be right for itself.
 */
export function entrySpan(entry: Entry | undefined): Span | undefined {
  if (!entry) return undefined;
  if (entry.via) return spanOf(entry.via.value ?? undefined) ?? spanOf(entry.via.key);
  return spanOf(entry.pair.value ?? undefined) ?? spanOf(entry.pair.key);
}

/**
 * The document as kubectl's JSON has it (sigs.k8s.io/yaml YAMLToJSON): aliases followed, merge keys applied as
 * entriesOf reads them, keys as strings. Undefined for an alias to a missing anchor, and past `maxNodes` (an alias
 * bomb; go-yaml v2 refuses "excessive aliasing" too, decode.go allowedAliasRatio).
 */
export function kubectlJS(doc: Document): unknown {
  const read = kubectlRead(doc);
  return 'value' in read ? read.value : undefined;
}

/** Nodes a document may expand to through its aliases (kubectl's go-yaml refuses a document far smaller). */
export const MAX_EXPANDED_NODES = 100_000;

const READS = new WeakMap<Document, { value: unknown } | { error: string }>();

/** kubectlJS, or why kubectl would refuse the document; computed once per document. */
export function kubectlRead(doc: Document): { value: unknown } | { error: string } {
  let read = READS.get(doc);
  if (!read) {
    read = convertAsKubectl(doc);
    READS.set(doc, read);
  }
  return read;
}

class KubectlReadError extends Error {}

const MERGE_NEEDS_MAPS = 'a merge key `<<` takes a map or a list of maps (go-yaml v2 decode.go: "map merge requires map or sequence of maps as the value")';

/** Whether a `<<` value is one kubectl merges: a map, or a sequence of maps (aliases followed). */
function mergesMaps(value: unknown, doc: Document | undefined): boolean {
  const v = deref(value, doc);
  return isMap(v) || (isSeq(v) && v.items.every((i) => isMap(deref(i, doc))));
}

/**
 * One node as kubectl's JSON has it (see kubectlJS); undefined where kubectl would refuse it. The `yaml` package's own
 * `toJSON()` throws on a `<<` whose value is not a map (with `merge: true`), so nodes are never converted with it.
 */
export function kubectlNodeJS(node: unknown, doc: Document | undefined): unknown {
  if (node === undefined || node === null) return node;
  const read = convertAsKubectl(doc, node);
  return 'value' in read ? read.value : undefined;
}

function convertAsKubectl(doc: Document | undefined, root: unknown = doc?.contents): { value: unknown } | { error: string } {
  let budget = MAX_EXPANDED_NODES;
  const convert = (node: unknown, depth: number): unknown => {
    if (--budget < 0 || depth > 512) {
      throw new KubectlReadError(`its aliases expand to more than ${MAX_EXPANDED_NODES.toLocaleString('en')} nodes: kubectl refuses it ("document contains excessive aliasing", go-yaml v2 decode.go)`);
    }
    const n = deref(node, doc);
    if (n === undefined) throw new KubectlReadError('an alias names an anchor not defined before it');
    if (isScalar(n)) return typeof n.value === 'symbol' ? '<<' : n.value;
    if (isSeq(n)) return n.items.map((i) => convert(i, depth + 1));
    if (isMap(n)) {
      for (const item of n.items) if (isMergeKey(item.key) && !mergesMaps(item.value, doc)) throw new KubectlReadError(MERGE_NEEDS_MAPS);
      const out: Record<string, unknown> = {};
      for (const [k, e] of entriesOf(n, doc)) {
        Object.defineProperty(out, k, { value: convert(e.pair.value, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return null;
  };
  try {
    return { value: convert(root, 0) };
  } catch (e) {
    if (e instanceof KubectlReadError) return { error: e.message };
    throw e;
  }
}

export function keySpan(map: unknown, key: string, doc?: Document): Span | undefined {
  if (!doc) return spanOf(pairOf(map, key)?.key);
  const entry = entryOf(map, key, doc);
  return entry?.via ? spanOf(entry.via.key) : spanOf(entry?.pair.key);
}

/** The span of a pair's value, or of its key when the value is empty. */
export function valueOrKeySpan(map: unknown, key: string): Span | undefined {
  const pair = pairOf(map, key);
  return spanOf(pair?.value ?? undefined) ?? spanOf(pair?.key);
}

/** The value node of a key and where to point at it (see entrySpan); with `doc`, read as kubectl reads it. */
function located(map: unknown, key: string, doc: Document | undefined): { v: unknown; span: Span | undefined } {
  if (!doc) {
    const v = pairOf(map, key)?.value;
    return { v, span: spanOf(v) };
  }
  const entry = entryOf(map, key, doc);
  // An inherited key with no value in its anchor is absent, as it is when written in place.
  const span = entry && spanOf(entry.pair.value ?? undefined) ? entrySpan(entry) : undefined;
  return { v: deref(entry?.pair.value, doc), span };
}

/** A scalar value as a string (numbers too: `name: 123` is still a name), located at its value. */
export function stringAt(map: unknown, key: string, doc?: Document): Located<string> | undefined {
  const { v, span } = located(map, key, doc);
  if (!span || !isScalar(v) || v.value === null || typeof v.value === 'object' || typeof v.value === 'symbol') return undefined;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a YAML scalar's value: string, number, boolean or bigint
  return { value: String(v.value), span };
}

export function numberAt(map: unknown, key: string, doc?: Document): Located<number> | undefined {
  const { v, span } = located(map, key, doc);
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
