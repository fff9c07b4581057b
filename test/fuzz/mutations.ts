/**
 * What the fuzz suite does to a seed text. Two families:
 * - MUTATIONS: random damage (truncation, insertions, deletions, tokens, odd values, anchors, billion laughs, `---`,
 *   CRLF, tabs, unicode, deep nesting, 1 MB scalars), each a text transform;
 * - ITEMS: one generator per numbered item of issue 13, each building the shape that once broke the service. An item
 *   may add workspace files (`others`) and may say what the service must answer (`expect`); the expectation holds only
 *   while the item is the last thing applied, so a later mutation drops it.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import type { LanguageService } from '../../src/service/languageService';
import { lineStarts, offsetAt, positionAt } from '../support/text';
import { Rng } from './rng';
import { HTTP_ROUTE_EXAMPLE, TRAFFIC_SPLIT_EXAMPLE } from './seeds';

export const MB = 1 << 20;

/** What an item's expectation sees: the service after the case's own checks, the case's file and its diagnostics. */
export interface ExpectContext {
  ls: LanguageService;
  uri: string;
  text: string;
  diagnostics: Diagnostic[];
}
/** Throws (an assertion) when the service's answer is wrong; may replace the case's file (it is the last step). */
export type Expectation = (c: ExpectContext) => void;

/** A case being built: its text, further workspace files, and what an item expects of it. */
export interface Draft {
  text: string;
  others: string[];
  expect?: Expectation;
  /** The big end of an item's range (its own test asks for it on every other case; the random mix rarely). */
  big?: boolean;
}

type Transform = (text: string, rng: Rng) => string;
export interface Mutation { weight: number; apply: (d: Draft, rng: Rng) => void }

const textual = (weight: number, fn: Transform): Mutation => ({ weight, apply: (d, r) => { d.text = fn(d.text, r); } });

export const CHARS = [
  'a', 'z', '0', '9', ' ', ' ', '  ', '\n', '\n', '\t', '\r', '\r\n', ':', ': ', '-', '- ', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`',
  '{', '}', '[', ']', ',', '?', '\\', 'é', '日本', '🐤', '\u200b', '\ufeff', '\u202e', '\u0000', '\u00a0', '\u2028', '\uD800', '\uDC00',
];
export const TOKENS = [
  ': ', '- ', '? ', '|\n', '>-\n', '!!str ', '!!int ', '!!map ', '!custom ', '%YAML 1.2\n---\n', '%TAG ! tag:x:\n', '...\n', '<<: *a\n',
  '&a ', '*a', '*undefined', 'weight: ', 'weight: -1', 'kind: HTTPRoute\n', 'kind: TrafficSplit\n', 'kind: Service\n',
  'apiVersion: gateway.networking.k8s.io/v1\n', 'apiVersion: split.smi-spec.io/v1alpha1\n', 'backendRefs:\n  - name: x\n',
  'backends:\n- service: a\n  weight: 1\n', 'parentRefs: []\n', 'spec: null\n', '{{ .Values.x }}', '---\n', '\n---\n', '--- |\n', '--- # c\n',
  'metadata:\n  name: dup\n', 'port: 80\n', 'namespace: other\n', '"\\u00e9\\x41\\ud800"', "'it''s'", '0x1F', '1e400', '.nan', '-.inf',
  '\r', '\r\n', '\r---\r', '𝕏', '\ufeff', '<<: *stable\n', 'yes', '010', '1_000',
];
const ODD_VALUES = [
  '-0', '-1', '0', '1e400', '0x1F', '0o17', '.inf', '-.inf', '.nan', '500m', '1.5', '1.5k', '1Ki', '99999999999999999999', '1000001',
  "'10'", '"10"', 'null', '~', 'true', '[]', '{}', '', '*a', '&a 5', '!!int 3', '!!str 3', '|\n  5', '>\n  5', '`5`', '@', '5 # c',
];
const KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'spec', 'service', 'backends', 'weight', 'rules', 'backendRefs', 'parentRefs', 'port', 'group', 'matches', 'x'];
/** YAML 1.1 scalars that YAML 1.2 reads otherwise (octal, underscores, booleans, sexagesimal). */
export const YAML11_SCALARS = ['010', '0o10', '1_000', '0b101', '1:30', '+12', 'yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'ON', '0x_1F', '.5', '1.0e+2'];
const YAML11_BOOLEANS = new Set(['yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'ON']);

export const at = (text: string, offset: number, insert: string, removeCount = 0): string => text.slice(0, offset) + insert + text.slice(offset + removeCount);

/** A random `key: value` value span (or undefined when the text has none). */
function valueSpan(text: string, rng: Rng, key?: string): { start: number; end: number } | undefined {
  const re = key ? new RegExp(`${key}:[ \\t]*([^\\r\\n]*)`, 'g') : /:[ \t]+([^\r\n]+)/g;
  const spans: { start: number; end: number }[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) spans.push({ start: m.index + m[0].length - m[1]!.length, end: m.index + m[0].length });
  return spans.length ? rng.pick(spans) : undefined;
}
export function replaceValue(text: string, rng: Rng, value: string, key?: string): string {
  const span = valueSpan(text, rng, key) ?? valueSpan(text, rng);
  return span ? text.slice(0, span.start) + value + text.slice(span.end) : text + value;
}

export function billionLaughs(levels: number, indent: string): string {
  let s = `${indent}lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n`;
  for (let i = 1; i < levels; i++) s += `${indent}lol${i}: &lol${i} [${Array(9).fill(`*lol${i - 1}`).join(', ')}]\n`;
  return s;
}

export const MUTATIONS: Record<string, Mutation> = {
  truncate: textual(10, (t, r) => t.slice(0, r.int(t.length + 1))),
  insertChars: textual(14, (t, r) => {
    let out = t;
    for (let i = r.range(1, 8); i > 0; i--) out = at(out, r.int(out.length + 1), r.pick(CHARS));
    return out;
  }),
  deleteChars: textual(12, (t, r) => {
    let out = t;
    for (let i = r.range(1, 4); i > 0 && out.length > 0; i--) out = at(out, r.int(out.length), '', r.range(1, r.chance(0.2) ? 200 : 8));
    return out;
  }),
  insertToken: textual(10, (t, r) => at(t, r.chance(0.5) ? r.pick(lineStarts(t)) : r.int(t.length + 1), r.pick(TOKENS))),
  oddValue: textual(10, (t, r) => replaceValue(t, r, r.pick(ODD_VALUES), r.chance(0.6) ? 'weight' : undefined)),
  renameKey: textual(5, (t, r) => {
    const keys = [...t.matchAll(/^([ \t-]*)([A-Za-z]+):/gm)];
    if (!keys.length) return t;
    const m = r.pick(keys);
    return at(t, m.index + m[1]!.length, r.pick(KEYS), m[2]!.length);
  }),
  duplicateLine: textual(6, (t, r) => {
    const starts = lineStarts(t);
    const i = r.int(starts.length);
    const line = t.slice(starts[i], starts[i + 1] ?? t.length);
    return at(t, starts[i]!, line.endsWith('\n') ? line : `${line}\n`);
  }),
  swapLines: textual(3, (t, r) => {
    const lines = t.split('\n');
    const a = r.int(lines.length);
    const b = r.int(lines.length);
    [lines[a], lines[b]] = [lines[b]!, lines[a]!];
    return lines.join('\n');
  }),
  separator: textual(8, (t, r) => at(t, r.pick(lineStarts(t)), r.pick(['---\n', '---', '--- \n', '---\r\n', '---\r', '...\n---\n', '--- !!map\n']))),
  crlf: textual(6, (t, r) => (r.chance(0.7) ? t.replace(/\n/g, '\r\n') : t.replace(/\n/g, () => (r.chance(0.3) ? '\r\n' : r.chance(0.1) ? '\r' : '\n')))),
  tabs: textual(5, (t, r) => t.replace(/^( +)/gm, (m) => (r.chance(0.3) ? '\t'.repeat(Math.max(1, m.length >> 1)) : r.chance(0.2) ? `\t${m}` : m))),
  unicode: textual(6, (t, r) => {
    const u = ['é', 'ß', '日本語', '🐤🐤', 'a\u0301', '\u200b', '\u202e', '\ufeff', '\uD800', '\uDFFF', '\u2028', '\u0085', '\u00a0', '𝕏'];
    if (r.chance(0.2)) return `\ufeff${t}`;
    if (r.chance(0.3)) return replaceValue(t, r, r.pick(u) + r.pick(['web-svc', 'x', '']), r.pick(['name', 'service', undefined]));
    let out = t;
    for (let i = r.range(1, 5); i > 0; i--) out = at(out, r.int(out.length + 1), r.pick(u));
    return out;
  }),
  anchors: textual(6, (t, r) => {
    switch (r.int(6)) {
      case 0: return replaceValue(replaceValue(t, r, '&w 50', 'weight'), r, '*w', 'weight');
      case 1: return t.replace(/^(\s*)- (service|name): /m, '$1- &b\n$1  $2: ').replace(/(\n\s*)- (service|name): ([^\n]*)\n(\s*weight[^\n]*\n)?$/, '$1- *b\n');
      case 2: return t.replace(/^metadata:\n/m, `metadata:\n  <<: &m {namespace: merged}\n  labels: &l {a: b}\n  annotations: *l\n`);
      case 3: return replaceValue(t, r, r.pick(['*nope', '&a [*a]', '&a {x: *a}', '*', '&', '&a &b x']));
      case 4: return t.replace(/^spec:/m, `x:\n${billionLaughs(r.range(5, 12), '  ')}spec:`).replace(/backendRefs:[^\n]*|backends:[^\n]*/, (m) => `${m.split(':')[0]}: *lol${r.range(3, 4)}`);
      default: return `${billionLaughs(10, '')}${t}`;
    }
  }),
  deepNesting: textual(2, (t, r) => {
    const n = r.pick([50, 500, 500, 1000]);
    const m = Math.min(n, 500); // block nesting by indentation: 500 levels already make 250 KB
    const shapes = [
      '['.repeat(n),
      '['.repeat(n) + ']'.repeat(n),
      '{a: '.repeat(n),
      '{a: '.repeat(n) + '1' + '}'.repeat(n),
      '- '.repeat(n),
      `\n${Array.from({ length: m }, (_, i) => `${' '.repeat(2 * i)}- `).join('\n')}x`,
      `\n${Array.from({ length: m }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')} 1`,
      '&a '.repeat(n),
      '!t '.repeat(n),
      '"'.repeat(n),
    ];
    return replaceValue(t, r, r.pick(shapes), r.pick(['weight', 'service', 'name', 'backendRefs', 'backends', undefined]));
  }),
  hugeScalar: textual(0.05, (t, r) => {
    const shapes = [
      () => 'x'.repeat(MB),
      () => '9'.repeat(MB),
      () => `"${'\\u00e9'.repeat(MB / 6)}"`,
      () => `'${"''".repeat(MB / 2)}'`,
      () => `|\n${`${' '.repeat(8)}${'y'.repeat(56)}\n`.repeat(MB / 64)}`,
      () => `# ${'c'.repeat(MB)}`,
    ];
    return replaceValue(t, r, r.pick(shapes)(), r.pick(['weight', 'name', 'service', undefined]));
  }),
};

// ---- the items of issue 13 ---------------------------------------------------------------------------------

/** A split whose weights are all 0: its `weights-all-zero` error shows that the service analysed it. */
function markerSplit(rng: Rng): string {
  return rng.chance(0.5)
    ? TRAFFIC_SPLIT_EXAMPLE.replace(/weight: 500/g, 'weight: 0')
    : HTTP_ROUTE_EXAMPLE.replace(/weight: (90|10)/g, 'weight: 0');
}

/** `prefix` then `---` and a marker split; expects the marker's error inside the marker's lines. */
function beforeMarker(d: Draft, rng: Rng, prefix: string): void {
  const marker = markerSplit(rng);
  const glue = prefix.endsWith('\n') || prefix.endsWith('\r') ? '' : '\n';
  d.text = `${prefix}${glue}---\n${marker}`;
  d.expect = expectMarker(d.text.length - marker.length);
}

/** A ConfigMap (not a split) whose `data` holds `body`, to put in front of a marker split. */
const configMap = (body: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n${body}`;

/** `n` block levels: `- - - …` on one line, or one more space of indentation per level; then a dedent. */
function deepBlock(n: number, rng: Rng): string {
  const body = rng.chance(0.9)
    ? `  x: ${'- '.repeat(n)}deep\n`
    : `  x:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 3)}a:`).join('\n')} 1\n`;
  return `${body}  back: at the top\n`; // the dedent
}

/** About `n` flow levels in little text (`[` and `{"a":` mixed), closed or not. */
function deepFlow(n: number, rng: Rng): string {
  let open = '';
  let close = '';
  for (let i = 0; i < n; i++) {
    const map = rng.chance(0.3);
    open += map ? '{"a":' : '[';
    close = (map ? '}' : ']') + close;
  }
  return `${open}1${rng.chance(0.7) ? close : ''}`;
}

/** A TrafficSplit or HTTPRoute with `n` backends, the first one again at the end (a `duplicate-backend`). */
function hugeSplit(n: number, rng: Rng): { text: string; lastLine: number } {
  const http = rng.chance(0.5);
  const lines = http
    ? ['apiVersion: gateway.networking.k8s.io/v1', 'kind: HTTPRoute', 'metadata:', '  name: huge', '  namespace: emojivoto', 'spec:',
      '  parentRefs:', '    - name: web-apex', '      kind: Service', '      group: core', '      port: 80', '  rules:', '    - backendRefs:']
    : ['apiVersion: split.smi-spec.io/v1alpha2', 'kind: TrafficSplit', 'metadata:', '  name: huge', '  namespace: emojivoto', 'spec:',
      '  service: web-apex', '  backends:'];
  const entry = (name: string, weight: number): string[] => (http
    ? [`        - name: ${name}`, '          port: 80', `          weight: ${weight}`]
    : [`    - service: ${name}`, `      weight: ${weight}`]);
  for (let i = 0; i < n; i++) lines.push(...entry(i === 0 ? 'web-svc' : `web-svc-${i}`, rng.int(1000)));
  const lastLine = lines.length;
  lines.push(...entry('web-svc', 1));
  return { text: `${lines.join('\n')}\n`, lastLine };
}

/** A 1 MB line: a one-line (flow) split with thousands of backends, a comment, a plain or quoted scalar. */
function megaLine(rng: Rng): { text: string; split: boolean } {
  switch (rng.int(4)) {
    case 0: {
      const backends: string[] = [];
      for (let size = 0, i = 0; size < MB; i++) {
        const b = `{service: web-svc-${i}, weight: ${i % 7}}`;
        backends.push(b);
        size += b.length + 2;
      }
      return { split: true, text: `{apiVersion: split.smi-spec.io/v1alpha2, kind: TrafficSplit, metadata: {name: wide, namespace: emojivoto}, spec: {service: web-apex, backends: [${backends.join(', ')}]}}\n` };
    }
    case 1: return { split: false, text: configMap(`  note: ${'n'.repeat(MB)}\n`) };
    case 2: return { split: false, text: configMap(`  note: "${'\\t🐤'.repeat(MB / 8)}"\n`) };
    default: return { split: false, text: `# ${'c'.repeat(MB)}\n` };
  }
}

/** The line breaks of `text` made `\n` (a lone `\r` and `\r\n` are one break each, as LSP counts them). */
export const toLf = (text: string): string => text.replace(/\r\n?/g, '\n');

/**
 * The same text with other line breaks must get the same answers at the same positions: LSP counts `\n`, `\r\n`
 * and a lone `\r` alike, so lines and characters do not move.
 */
function expectSameAsLf(lf: string): Expectation {
  return ({ ls, uri, diagnostics }) => {
    const got = diagnostics.map(brief);
    const symbols = ls.documentSymbols(uri);
    ls.setFile(uri, lf, 1);
    ls.index.indexSome(Infinity);
    assertEqual(got, ls.diagnostics(uri).map(brief), 'diagnostics equal those of the text with \\n line breaks');
    assertEqual(symbols, ls.documentSymbols(uri), 'document symbols equal those of the text with \\n line breaks');
  };
}

export const brief = (d: Diagnostic): unknown => ({ code: d.code, range: d.range, severity: d.severity, message: d.message });

function assertEqual(actual: unknown[], expected: unknown[], what: string): void {
  const a = actual.map((x) => JSON.stringify(x));
  const e = expected.map((x) => JSON.stringify(x));
  const i = a.findIndex((x, k) => x !== e[k]);
  if (i >= 0 || a.length !== e.length) {
    const k = i >= 0 ? i : Math.min(a.length, e.length);
    throw new Error(`${what}: ${a.length} vs ${e.length}, first difference at [${k}]:\n  got      ${a[k]?.slice(0, 400) ?? 'nothing'}\n  expected ${e[k]?.slice(0, 400) ?? 'nothing'}`);
  }
}

/** Line of an offset, and the text a diagnostic covers, under the test helpers' (LSP) line rules. */
const lineOf = (text: string, offset: number): number => positionAt(text, offset).line;
const coveredBy = (text: string, d: Diagnostic): string => text.slice(offsetAt(text, d.range.start), offsetAt(text, d.range.end));

/** A `weights-all-zero` error starting inside the marker split that begins at `offset`. */
function expectMarker(offset: number): Expectation {
  return ({ text, diagnostics }) => {
    const first = lineOf(text, offset);
    const last = lineOf(text, text.length);
    const found = diagnostics.find((d) => d.code === 'weights-all-zero' && d.range.start.line >= first && d.range.start.line <= last);
    if (!found) {
      throw new Error(`the split after the other document (lines ${first}-${last}) is not analysed: no weights-all-zero there; diagnostics ${JSON.stringify(diagnostics.map(brief)).slice(0, 600)}`);
    }
  };
}

/** A diagnostic of `code` exists, and one of them covers exactly `text` (after trimming quotes when `quoted`). */
function expectCovering(code: string, covered: string, quoted = false): Expectation {
  return ({ text, diagnostics }) => {
    const mine = diagnostics.filter((d) => d.code === code);
    const texts = mine.map((d) => coveredBy(text, d));
    const unquote = (s: string): string => (quoted ? s.replace(/^(["'])(.*)\1$/s, '$2') : s);
    if (!texts.some((s) => unquote(s) === covered)) {
      throw new Error(`no ${code} covering ${JSON.stringify(covered)}: ${code} covers ${JSON.stringify(texts)}; all: ${JSON.stringify(diagnostics.map(brief)).slice(0, 600)}`);
    }
  };
}

/** An error (any code) starting on the line of `offset`. */
function expectErrorOnLine(offset: number, what: string): Expectation {
  return ({ text, diagnostics }) => {
    const line = lineOf(text, offset);
    if (!diagnostics.some((d) => d.severity === 1 && d.range.start.line === line)) {
      throw new Error(`no error on line ${line} (${what}); diagnostics ${JSON.stringify(diagnostics.map(brief)).slice(0, 600)}`);
    }
  };
}

/** The backend Service, defined in the case's file and in another workspace file. */
const WEB_SVC = (port: number): string => `apiVersion: v1\nkind: Service\nmetadata:\n  name: web-svc\n  namespace: emojivoto\nspec:\n  selector: {app: web-svc}\n  ports:\n    - name: http\n      port: ${port}\n`;

/**
 * The items of issue 13, each a generator: applied to the draft (a seed, maybe already mutated), it builds the
 * item's shape. Heavy ones (1 MB, thousands of backends) weigh little in the random mix; each has its own test.
 */
export const ITEMS = {
  /** 2,000+ block levels, then a dedent: in a ConfigMap before a split, or inside the split (then yaml-syntax). */
  deepBlockNesting: {
    weight: 2,
    apply: (d, r) => {
      const n = r.range(2000, 2600);
      if (r.chance(0.6)) beforeMarker(d, r, configMap(deepBlock(n, r)));
      else {
        d.text = TRAFFIC_SPLIT_EXAMPLE.replace('spec:\n', `spec:\n${deepBlock(n, r)}`);
        d.expect = expectCode('yaml-syntax');
      }
    },
  },
  /** About 800 flow levels in about 2.5 KB. */
  deepFlowNesting: {
    weight: 2,
    apply: (d, r) => {
      const n = r.range(700, 900);
      if (r.chance(0.6)) beforeMarker(d, r, configMap(`  x: ${deepFlow(n, r)}\n`));
      else {
        d.text = TRAFFIC_SPLIT_EXAMPLE.replace('weight: 500 # the canary', `weight: ${deepFlow(n, r)}`);
        d.expect = expectCode('yaml-syntax');
      }
    },
  },
  /** A TrafficSplit or HTTPRoute with 1,000 to 10,000 backends; the first again at the end. */
  hugeSplit: {
    weight: 0.05,
    apply: (d, r) => {
      const { text, lastLine } = hugeSplit(d.big ?? r.chance(0.1) ? r.range(5000, 10000) : r.range(1000, 2000), r);
      d.text = text;
      d.expect = ({ diagnostics }) => {
        if (!diagnostics.some((x) => x.code === 'duplicate-backend' && x.range.start.line >= lastLine)) {
          throw new Error(`no duplicate-backend on the last backend (line ${lastLine} on): ${JSON.stringify(diagnostics.map(brief)).slice(0, 600)}`);
        }
      };
    },
  },
  /** A 1 MB single line, before a split or as the split. */
  megaLine: {
    weight: 0.03,
    apply: (d, r) => {
      const line = megaLine(r);
      if (line.split) d.text = line.text;
      else beforeMarker(d, r, line.text);
    },
  },
  /** Only `\r` ends the lines. */
  crOnlyLineEndings: {
    weight: 3,
    apply: (d) => {
      const lf = toLf(d.text);
      d.text = lf.replace(/\n/g, '\r');
      d.expect = expectSameAsLf(lf);
    },
  },
  /** `\n`, `\r\n` and `\r` mixed, line by line. */
  mixedLineEndings: {
    weight: 3,
    apply: (d, r) => {
      const lf = toLf(d.text);
      d.text = lf.replace(/\n/g, () => r.pick(['\n', '\r\n', '\r']));
      d.expect = expectSameAsLf(lf);
    },
  },
  /** Astral characters (two UTF-16 units each) before values on their line, and a BOM. */
  astralUnicode: {
    weight: 3,
    apply: (d, r) => {
      const astral = r.pick(['🐤', '𝕏', '😀😀', '𐐷', '🏳️‍🌈']);
      const weight = `-${r.range(1, 9)}`;
      d.text = TRAFFIC_SPLIT_EXAMPLE.replace('    - service: web-svc-2\n      weight: 500 # the canary\n', `    - {service: "${astral}web", weight: ${weight}} # ${astral}\n`);
      if (r.chance(0.3)) {
        d.text = `\ufeff${d.text}`;
        d.expect = undefined; // whether a BOM counts as a character is the client's business: only the generic checks
      } else {
        const both = [expectCovering('weight-invalid', weight), expectCovering('invalid-name', `${astral}web`, true)];
        d.expect = (c) => { for (const e of both) e(c); };
      }
    },
  },
  /** YAML 1.1 scalars as weights, ports and names (`010`, `1_000`, `yes`, `on` …). */
  yaml11Scalars: {
    weight: 3,
    apply: (d, r) => {
      const value = r.pick(YAML11_SCALARS);
      if (r.chance(0.5)) {
        d.text = replaceValue(d.text, r, value, r.pick(['weight', 'weight', 'port', 'name', 'service']));
        return;
      }
      // In a known split: a boolean is no weight in either YAML version (other values depend on the version).
      const base = r.chance(0.5) ? TRAFFIC_SPLIT_EXAMPLE : HTTP_ROUTE_EXAMPLE;
      const offset = base.indexOf('weight: ') + 'weight: '.length;
      d.text = at(base, offset, value, base.slice(offset).search(/[ \n]/));
      if (YAML11_BOOLEANS.has(value)) d.expect = expectErrorOnLine(offset, `weight: ${value}`);
    },
  },
  /** Backends built with merge keys (`- <<: *stable`). */
  mergeKeys: {
    weight: 3,
    apply: (d, r) => {
      d.text = r.chance(0.5)
        ? TRAFFIC_SPLIT_EXAMPLE.replace('    - service: web-svc\n', '    - &stable\n      service: web-svc\n').replace('    - service: web-svc-2\n      weight: 500 # the canary\n', `    - <<: *stable\n      service: web-svc-2\n${r.chance(0.5) ? '      weight: 0\n' : ''}`)
        : HTTP_ROUTE_EXAMPLE.replace('        - name: web-svc\n', '        - &stable\n          name: web-svc\n').replace('        - name: web-svc-2\n          port: 80\n          weight: 10\n', `        - <<: ${r.pick(['*stable', '[*stable]', '*nope', '{port: 80}'])}\n          name: web-svc-2\n`);
    },
  },
  /** A syntax error (tab indentation, an unclosed `[`) in a non-split document before a valid split. */
  nonSplitSyntaxError: {
    weight: 3,
    apply: (d, r) => {
      const broken = r.pick([
        configMap('\tkey: value\n'),
        configMap('  a:\n\t  b: c\n'),
        configMap('  list: [a, b\n  other: 1\n'),
        configMap('  list: [a, {b: c\n'),
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [web\nspec:\n\treplicas: 1\n',
        configMap('  x: "unclosed\n'),
      ]);
      beforeMarker(d, r, broken);
    },
  },
  /** parentRef ports: right, wrong, out of range, named, quoted, missing. */
  parentRefPorts: {
    weight: 3,
    apply: (d, r) => {
      const port = r.pick(['80', '8080', '0', '65536', '-1', 'http', '"80"', '80.5', '', '[80]']);
      const base = r.chance(0.5) || !/parentRefs:/.test(d.text) ? HTTP_ROUTE_EXAMPLE : d.text;
      d.text = r.chance(0.2) ? base.replace(/\n\s+port: 80\n(\s+rules:)/, '\n$1') : replaceValue(base, r, port, 'port');
      if (r.chance(0.3)) d.text = d.text.replace('    - name: web-apex\n', `    - name: web-apex\n      sectionName: ${r.pick(['http', 'grpc', '80'])}\n`);
    },
  },
  /** The same Service in this file and in another workspace file (and in the context file). */
  sameServiceTwoFiles: {
    weight: 3,
    apply: (d, r) => {
      const port = r.pick([80, 8080]);
      d.others.push(WEB_SVC(port));
      d.text = `${WEB_SVC(r.chance(0.5) ? port : 81)}---\n${r.chance(0.5) ? TRAFFIC_SPLIT_EXAMPLE : HTTP_ROUTE_EXAMPLE}`;
      const name = d.text.lastIndexOf('web-svc\n');
      d.expect = ({ ls, uri, text }) => {
        const line = lineOf(text, name);
        const position = { line, character: name - lineStarts(text)[line]! };
        const found = ls.definition(uri, position);
        if (found.length === 0) throw new Error(`no definition of web-svc at ${JSON.stringify(position)}, defined in two files`);
      };
    },
  },
} satisfies Record<string, Mutation>;

/** A diagnostic of `code` exists. */
function expectCode(code: string): Expectation {
  return ({ diagnostics }) => {
    if (!diagnostics.some((d) => d.code === code)) throw new Error(`no ${code}: ${JSON.stringify(diagnostics.map(brief)).slice(0, 600)}`);
  };
}

export const ALL_MUTATIONS: Record<string, Mutation> = { ...MUTATIONS, ...ITEMS };
/** A mutation's name, drawn by weight from `table`. */
export function pickMutation(rng: Rng, table: Record<string, Mutation>): string {
  const names = Object.keys(table);
  let x = rng.next() * names.reduce((s, k) => s + table[k]!.weight, 0);
  for (const name of names) if ((x -= table[name]!.weight) < 0) return name;
  return names[0]!;
}
