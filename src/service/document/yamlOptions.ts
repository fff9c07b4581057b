import { Composer, Parser, YAMLParseError, type Document, type DocumentOptions, type ParseOptions, type ScalarTag, type SchemaOptions, type Tags } from 'yaml';
import { kubectlLexer } from './kubectlLexer';
import { parserText } from './lineBreaks';

/**
 * Manifests are read the way kubectl reads them. kubectl decodes each document with
 * k8s.io/apimachinery pkg/util/yaml/decoder.go (YAMLToJSONDecoder.Decode → sigs.k8s.io/yaml.Unmarshal into a
 * runtime.RawExtension, whose UnmarshalJSON means no string coercion: kubernetes-sigs/yaml yaml.go,
 * convertToJSONableObject), and sigs.k8s.io/yaml parses with go.yaml.in/yaml/v2 (go-yaml v2.4, a YAML 1.1 parser).
 * So a plain scalar is resolved by go-yaml v2's resolve() (yaml/go-yaml v2.4.2 resolve.go), not by YAML 1.2's
 * core schema, and `<<` merge keys are honoured (decode.go, mapping/merge).
 *
 * The `yaml` package's own `yaml-1.1` schema is close but not the same; the scalar tags below replace its int, float
 * and timestamp tags with go-yaml v2's rules:
 * - ints: Go's strconv.ParseInt(s, 0, 64) after removing every `_`: `0x`/`0X`, `0o`/`0O`, `0b`/`0B`, a leading `0`
 *   for octal (`010` is 8), a sign; beyond int64 ParseUint, then the float rule. `08` is the float 8.
 * - floats: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` after removing `_` (so `1e3` needs no dot or
 *   exponent sign, unlike YAML 1.1); a scalar starting with `.` goes to ParseFloat as written; `.inf`, `.nan`.
 * - no base-60 (`1:20` is a string: "Base 60 floats … are purposefully unsupported here"), and a timestamp decoded
 *   into interface{} stays the string as written (decode.go: "for backward compatibility reasons we set it as a
 *   string"), so no timestamp tag.
 * Bools (`y`, `yes`, `on`, `true` … in three spellings), null (`~`, `null`, empty) and `<<` are the same in both.
 * Left as the `yaml` package has them (no split field depends on them): explicit `!!binary`, `!!omap`, `!!pairs`,
 * `!!set`; go-yaml v2 overriding an explicit key written before a `<<` is read by ./yamlNodes.ts, not by `toJS()`.
 */

const INT_TAG = 'tag:yaml.org,2002:int';
const FLOAT_TAG = 'tag:yaml.org,2002:float';
const TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's ParseInt/ParseUint with base 0, on text without underscores (strconv/atoi.go). */
const GO_INT = /^([-+]?)(?:0[bB]([01]+)|0[oO]([0-7]+)|0[xX]([0-9a-fA-F]+)|0([0-7]*)|([1-9][0-9]*))$/;
/** resolve.go's yamlStyleFloat. */
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** What Go's ParseFloat accepts of a scalar that starts with `.` (resolve.go passes it unchanged). */
const DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOATS: ReadonlyMap<string, number> = new Map([
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Infinity] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, -Infinity] as const),
]);
const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULL = new Set(['', '~', 'null', 'Null', 'NULL']);

/** A plain scalar as kubectl reads it: go-yaml v2's resolve() (numbers as JS numbers). */
export type KubectlScalar =
  | { type: 'null'; value: null }
  | { type: 'bool'; value: boolean }
  | { type: 'int' | 'float'; value: number }
  | { type: 'string'; value: string };

function goInt(plain: string): number | undefined {
  const m = GO_INT.exec(plain);
  if (!m) return undefined;
  const [, sign, bin, oct, hex, leadingZero, dec] = m;
  const digits = bin !== undefined ? `0b${bin}` : oct !== undefined ? `0o${oct}` : hex !== undefined ? `0x${hex}`
    : leadingZero !== undefined ? `0o${leadingZero || '0'}` : dec!;
  const magnitude = BigInt(digits);
  const n = sign === '-' ? -magnitude : magnitude;
  // ParseInt's int64, then ParseUint's uint64 (which takes no sign); beyond that the float rule decides.
  const fits = sign === '' ? n <= UINT64_MAX : n >= INT64_MIN && n <= INT64_MAX;
  if (!fits) return undefined;
  return Number(n);
}

/** go-yaml v2's resolve() for a plain (untagged, unquoted) scalar. */
export function kubectlScalar(source: string): KubectlScalar {
  if (NULL.has(source)) return { type: 'null', value: null };
  if (TRUE.has(source)) return { type: 'bool', value: true };
  if (FALSE.has(source)) return { type: 'bool', value: false };
  const special = SPECIAL_FLOATS.get(source);
  if (special !== undefined) return { type: 'float', value: special };
  const first = source[0]!;
  if (first === '.') {
    // Go's ParseFloat fails on overflow (1e400): then go-yaml keeps the string.
    const f = DOT_FLOAT.test(source) ? Number(source) : NaN;
    return Number.isFinite(f) ? { type: 'float', value: f } : { type: 'string', value: source };
  }
  if (first === '+' || first === '-' || (first >= '0' && first <= '9')) {
    const plain = source.replace(/_/g, '');
    const int = goInt(plain);
    if (int !== undefined) return { type: 'int', value: int };
    const f = GO_FLOAT.test(plain) ? Number(plain) : NaN;
    if (Number.isFinite(f)) return { type: 'float', value: f };
  }
  return { type: 'string', value: source };
}

/** A pattern that matches exactly the plain scalars go-yaml v2 resolves to `type` (the `yaml` package calls test()). */
class KubectlPattern extends RegExp {
  constructor(private readonly type: 'int' | 'float') { super(type === 'int' ? GO_INT.source : GO_FLOAT.source); }
  override test(source: string): boolean { return kubectlScalar(source).type === this.type; }
}

function kubectlNumber(tag: ScalarTag, type: 'int' | 'float'): ScalarTag {
  const { format: _format, ...rest } = tag;
  return { ...rest, test: new KubectlPattern(type), resolve: (source: string) => kubectlScalar(source).value };
}

/** The `yaml-1.1` schema's tags with go-yaml v2's ints and floats, and without timestamps (see above). */
function kubectlTags(tags: Tags): Tags {
  // The schema's tags are objects; a name (TagId) would only come from a caller's list, and none is given.
  const objects = tags.filter((t) => typeof t !== 'string');
  const plain = (tag: string) => objects.find((t): t is ScalarTag => t.tag === tag && t.format === undefined && !('collection' in t && t.collection));
  const int = plain(INT_TAG);
  const float = plain(FLOAT_TAG);
  const kept = objects.filter((t) => t.tag !== INT_TAG && t.tag !== FLOAT_TAG && t.tag !== TIMESTAMP_TAG);
  return [...kept, ...(int ? [kubectlNumber(int, 'int')] : []), ...(float ? [kubectlNumber(float, 'float')] : [])];
}

/**
 * The options every manifest is parsed with (with the caller's own, such as `uniqueKeys`). `schema` is given as well
 * as `version`, so a `%YAML 1.2` directive does not switch a document back to the core schema: go-yaml v2 has one
 * set of rules.
 */
export const KUBECTL_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  schema: 'yaml-1.1',
  merge: true,
  customTags: kubectlTags,
};

/**
 * One manifest document parsed as kubectl reads it: KUBECTL_YAML, a lone `\r` as a line break (parserText keeps
 * every offset), and quoted scalars read by go-yaml's rules (./kubectlLexer.ts: lines indented no deeper than their
 * key continue them). `options` are the caller's own (`uniqueKeys`, `logLevel`, ...). Errors are not prettified (the
 * `yaml` package does that in parseDocument only): their `pos` is what callers read.
 *
 * This is the `yaml` package's parseDocument with its "user-provided lexer" pipeline (src/parse/parser.ts).
 */
export function parseKubectlDocument(text: string, options: KubectlParseOptions = {}): Document.Parsed {
  const source = parserText(text);
  const { lineCounter } = options;
  const parser = new Parser(lineCounter?.addNewLine);
  function* tokens() {
    lineCounter?.addNewLine(0);
    for (const lexeme of kubectlLexer().lex(source)) yield* parser.next(lexeme);
    yield* parser.end();
  }
  const composed = new Composer({ ...KUBECTL_YAML, ...options }).compose(tokens(), true, source.length);
  let doc: Document.Parsed | undefined;
  for (const next of composed) {
    if (!doc) doc = next;
    else if (doc.options.logLevel !== 'silent') {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  // compose(…, forceDoc) yields at least one document, an empty one for an empty text.
  return doc!;
}

/** The caller's parse options; `prettyErrors` only as false (see parseKubectlDocument). */
export type KubectlParseOptions = ParseOptions & DocumentOptions & { prettyErrors?: false };
