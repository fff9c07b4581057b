import { YAMLParseError, type Document } from 'yaml';
import { countLineBreaks, eolOf, lineEndOf, lineStartsOf } from './lineBreaks';
import { nestingDepth } from './nesting';
import { parseKubectlDocument } from './yamlOptions';
import { lastAtMost } from './search';
import type { Position, Range } from 'vscode-languageserver-types';
import { isSplitKind } from '../model/kinds';
import { isControllerKind } from '../model/deliveryKinds';


/** Kinds read only for the facts the index keeps (references, ports, pod labels). */
export const CONTEXT_KINDS: ReadonlySet<string> = new Set([
  'Service', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod', 'Rollout', 'Job', 'CronJob',
  'ServiceProfile', 'ReferenceGrant', 'HTTPRouteGroup', 'Namespace', 'Link',
  // Progressive delivery (model/deliveryKinds.ts): what a Canary or Rollout owns, and the templates analyses name.
  'Canary', 'MetricTemplate', 'AnalysisTemplate', 'ClusterAnalysisTemplate',
]);

/**
 * Deeper than this, a document is not parsed: one `yaml-syntax` error at its start says so (src/service/document/
 * nesting.ts says why). kubectl's decoder allows more (go-yaml's max_flow_level / max_indents are 10,000), but no
 * manifest needs it.
 */
export const MAX_NESTING = 256;

/** A half-open span of character offsets, relative to the start of its part. */
export interface Span { start: number; end: number }

/**
 * `{{` where YAML structure goes — a line's content (after indentation and `- `) or a plain value (`key: {{ … }}`): a
 * Helm/Go template, not YAML yet. `{{` inside a value is data: Flagger's MetricTemplate queries (`{{ namespace }}`,
 * fluxcd/flagger pkg/metrics/providers) and Argo Rollouts' AnalysisTemplate arguments (`"{{args.service-name}}"`,
 * argoproj/argo-rollouts docs/features/analysis.md) are rendered by their controllers, not by a chart.
 */
const TEMPLATE = /^[ \t]*(?:-[ \t]+)*(?:[^\s#'"{][^#\r\n]*?:[ \t]+)?\{\{/gm;
const TOP_KIND = /^kind:[ \t]*(["']?)([A-Za-z][A-Za-z0-9]*)\1[ \t]*(?:#.*)?$/gm;
const TOP_API_VERSION = /^apiVersion:[ \t]*(["']?)([^\s"'#]+)\1[ \t]*(?:#.*)?$/gm;

/**
 * The first match of a line-anchored /gm regex whose line is a line to YAML: with the m flag `^` and `$` also stop at
 * U+2028 and U+2029, which are no line breaks in YAML 1.2 or LSP (./lineBreaks.ts), so a match there is skipped (a
 * `kind:` it would have found is then left to the parser). `\r` is a line break for both. (A /gm regex stays as fast
 * as the plain scan; a lookbehind for [\r\n] made it 20 times slower.)
 */
function firstOnLine(re: RegExp, text: string, toLineEnd = true): RegExpExecArray | undefined {
  const separator = (c: number): boolean => c === 0x2028 || c === 0x2029;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (!separator(text.charCodeAt(m.index - 1)) && !(toLineEnd && separator(text.charCodeAt(m.index + m[0].length)))) return m;
  }
  return undefined;
}

/**
 * One `---` document of a file. It keeps its own text, so an edit elsewhere in the file leaves it (and its
 * parse) untouched; only its place in the file (`start`, `startLine`) moves.
 */
export class YamlPart {
  /** Offset of the part's first character in the file; updated when an earlier part changes length. */
  start = 0;
  /** Zero-based line of the part's first character in the file. */
  startLine = 0;
  /** Kind and apiVersion as a cheap line scan sees them (undefined when not written at top level). */
  readonly kind: string | undefined;
  readonly apiVersion: string | undefined;
  /** A Helm/Go template: skipped quietly. */
  readonly templated: boolean;
  /** Number of line breaks in the text. */
  readonly lineBreaks: number;

  private parsed: Document.Parsed | undefined;
  private lineStartsCache: number[] | undefined;
  /** Per-part caches owned by features (split model, facts, own diagnostics); dropped with the part. */
  readonly cache = new Map<string, unknown>();

  constructor(readonly text: string) {
    this.templated = text.includes('{{') && firstOnLine(TEMPLATE, text, false) !== undefined;
    this.kind = firstOnLine(TOP_KIND, text)?.[2];
    this.apiVersion = firstOnLine(TOP_API_VERSION, text)?.[2];
    this.lineBreaks = countLineBreaks(text);
  }

  get end(): number { return this.start + this.text.length; }

  /** Whether a full parse is needed to learn the kind (flow style, or kind not at column 0). */
  get kindUnknown(): boolean { return this.kind === undefined && /\bkind\b/.test(this.text); }

  get isSplit(): boolean {
    if (this.templated) return false;
    if (this.kind !== undefined) return isSplitKind(this.kind);
    return this.kindUnknown && isSplitKind(this.doc.get('kind'));
  }

  /**
   * A progressive delivery document (Canary, Rollout), a template its analysis names, or a RolloutPlan (every kind
   * of model/deliveryKinds.ts): diagnosed like a split (schema, its kind's rules), though it has no weights of its own.
   */
  get isControllerKind(): boolean {
    if (this.templated) return false;
    if (this.kind !== undefined) return isControllerKind(this.kind);
    return this.kindUnknown && isControllerKind(this.doc.get('kind'));
  }

  /** Whether the document gets more than `yaml-syntax`: a split or a progressive delivery kind. */
  get isAnalysed(): boolean { return this.isSplit || this.isControllerKind; }

  /** The parsed document, parsed on first use and kept while the part's text is unchanged. */
  get doc(): Document.Parsed {
    if (!this.parsed) {
      const depth = nestingDepth(this.text, MAX_NESTING);
      // logLevel 'error': the library's warnings (e.g. from toJS on a map with collection keys) would go to stderr.
      this.parsed = parseKubectlDocument(depth > MAX_NESTING ? '' : this.text, { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false, logLevel: 'error' });
      if (depth > MAX_NESTING) {
        const end = Math.max(1, lineEndOf(this.text, 0));
        this.parsed.errors.push(new YAMLParseError([0, end], 'IMPOSSIBLE', `nesting deeper than ${MAX_NESTING} levels: not analysed`));
      }
    }
    return this.parsed;
  }

  /** The part's own line break (its first; `\n` when it has none), for the lines an edit inserts; found once per text. */
  get eol(): string { return this.memo('eol', () => eolOf(this.text)); }

  get isParsed(): boolean { return this.parsed !== undefined; }

  /** Cached per-part value, computed once per text. */
  memo<T>(key: string, compute: () => T): T {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const value = compute();
    this.cache.set(key, value);
    return value;
  }

  /** Where each line starts, under LSP's rules (`\n`, `\r\n`, a lone `\r`); computed once per part. */
  private get lineStarts(): number[] {
    this.lineStartsCache ??= lineStartsOf(this.text);
    return this.lineStartsCache;
  }

  /** File position of a part-relative offset. */
  positionAt(offset: number): Position {
    let o = Math.max(0, Math.min(offset, this.text.length));
    // Between the \r and \n of a CRLF is no position in LSP: it is the end of the line, before the \r.
    if (this.text.charCodeAt(o) === 10 && this.text.charCodeAt(o - 1) === 13) o--;
    const starts = this.lineStarts;
    const line = lastAtMost(starts.length, (i) => starts[i]!, o);
    return { line: this.startLine + line, character: o - starts[line]! };
  }

  /** Part-relative offset of a file position (clamped into the part). */
  offsetAt(position: Position): number {
    const starts = this.lineStarts;
    const line = position.line - this.startLine;
    if (line < 0) return 0;
    if (line >= starts.length) return this.text.length;
    const lineStart = starts[line]!;
    // Clamped to the line's end, before its break (two characters for a \r\n, one for a \n or a lone \r).
    let lineEnd = this.text.length;
    if (line + 1 < starts.length) {
      const next = starts[line + 1]!;
      lineEnd = this.text.charCodeAt(next - 1) === 10 && this.text.charCodeAt(next - 2) === 13 ? next - 2 : next - 1;
    }
    return Math.min(lineStart + Math.max(0, position.character), lineEnd);
  }

  /**
   * The range of a span, never splitting a surrogate pair (characters are UTF-16 code units in LSP, and half an emoji
   * is no character an editor can show or edit): an end inside one moves past it, a start before it. A span the
   * parser reports (an error at one code unit, widened to one) may otherwise end between the two halves.
   */
  rangeOf(span: Span): Range {
    const t = this.text;
    const inPair = (o: number): boolean => (t.charCodeAt(o - 1) & 0xfc00) === 0xd800 && (t.charCodeAt(o) & 0xfc00) === 0xdc00;
    const start = inPair(span.start) ? span.start - 1 : span.start;
    const end = inPair(span.end) ? span.end + 1 : span.end;
    return { start: this.positionAt(start), end: this.positionAt(Math.max(start, end)) };
  }
}

