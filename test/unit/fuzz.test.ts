/**
 * Fuzzing the language service facade with mutated manifests (seeded, deterministic).
 *
 * Seeds: the emojivoto examples plus generated documents of every split shape. Each manifest is one to three
 * mutations of a seed: truncation, random insertions and deletions, deep nesting, 1 MB scalars, tabs,
 * anchors/aliases (billion laughs included), duplicate keys, `---` lines, CRLF, unicode, odd weights and tokens.
 * Each goes through setFile + indexSome + diagnostics (own and complete), completion, hover, document symbols,
 * code actions, definition and references at a random position, and one random incremental edit.
 *
 * Asserted: nothing throws; every range the service returns (diagnostics, completion edits, hover, symbols,
 * code action edits, locations in the file) lies inside the text; after the edit the file's text is the edited
 * text and its diagnostics equal a fresh file's; no manifest takes over 100 ms (see BUDGET_MS).
 *
 * FUZZ_SEED and FUZZ_COUNT (environment) change the run for exploration; the defaults are what CI runs.
 * A failing manifest is written to the temp folder so it can be replayed.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, Position, Range, TextEdit } from 'vscode-languageserver-types';
import { LanguageService } from '../../src/service/languageService';
import { lineStarts, linesOf, offsetAt, positionAt, rangeInside } from '../support/text';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);
/**
 * Per manifest, all operations together. A manifest over budget is re-run twice; it fails if every run is over.
 * Manifests of LARGE bytes or more (the 1 MB scalars) get BUDGET_MS per LARGE bytes: each is parsed three times
 * (open, completion's probe, the edit), and the yaml library alone takes 10-70 ms to parse 1 MB (quoted scalars
 * full of escapes being the slowest), so the check there is that time stays linear in the size.
 */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 100);
const LARGE = 256 * 1024;
const budgetFor = (length: number): number => BUDGET_MS * Math.max(1, length / LARGE);
/** Every FRESH_EVERY-th manifest (and every edit that adds or removes a `---`) is compared with a fresh file. */
const FRESH_EVERY = 4;
const MB = 1 << 20;

// ---- deterministic randomness ------------------------------------------------------------------------------
class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  /** mulberry32: [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  pick<T>(list: readonly T[]): T { return list[this.int(list.length)]!; }
  chance(p: number): boolean { return this.next() < p; }
}

// ---- seeds -----------------------------------------------------------------------------------------------
const EXAMPLES_DIR = path.resolve(__dirname, '../../examples/emojivoto');
const EXAMPLE_FILES = readdirSync(EXAMPLES_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const EXAMPLES = EXAMPLE_FILES.map((f) => readFileSync(path.join(EXAMPLES_DIR, f), 'utf8'));
/** An example by file name (not by position: more examples may come). */
const example = (name: string): string => {
  const i = EXAMPLE_FILES.indexOf(name);
  if (i < 0) throw new Error(`no example ${name} in ${EXAMPLES_DIR}`);
  return EXAMPLES[i]!;
};
const TRAFFIC_SPLIT_EXAMPLE = example('web-svc-ts.yaml');

const GENERATED = [
  // HTTPRoute with matches, filters, two rules (one unreachable), a cross-namespace backend and a default weight.
  `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: books
  namespace: shop
spec:
  parentRefs:
    - name: books
      kind: Service
      group: core
      port: 8080
  rules:
    - matches:
        - path: { type: PathPrefix, value: /api }
          headers:
            - name: x-canary
              value: "true"
      backendRefs:
        - name: books-v2
          port: 8080
    - backendRefs:
        - name: books-v1
          port: 8080
          weight: 90
        - name: books-v2
          namespace: other
          port: 8080
          weight: 10
    - backendRefs:
        - name: books-v1
          port: 8080
`,
  // policy.linkerd.io route, a parentRef without kind, a backendRef without port, an unknown backend kind.
  `apiVersion: policy.linkerd.io/v1beta3
kind: HTTPRoute
metadata:
  name: authors
  namespace: shop
spec:
  parentRefs:
    - name: authors
  rules:
    - backendRefs:
        - name: authors-v1
          weight: 0
        - name: authors-v2
          kind: Deployment
          weight: 0
`,
  // v1alpha1 quantities, v1alpha3 with matches, v1alpha4, all-zero weights, a bad name.
  `apiVersion: split.smi-spec.io/v1alpha1
kind: TrafficSplit
metadata:
  name: q
  namespace: shop
spec:
  service: web
  backends:
    - service: web-v1
      weight: 1500m
    - service: web-v2
      weight: 1.5k
---
apiVersion: split.smi-spec.io/v1alpha3
kind: TrafficSplit
metadata:
  name: m
spec:
  service: bookstore.bookstore
  matches:
    - kind: HTTPRouteGroup
      name: r
  backends:
    - service: $NAMESPACE
      weight: 0
    - service: web-v2
      weight: 0
---
apiVersion: split.smi-spec.io/v1alpha4
kind: TrafficSplit
metadata: {name: flow, namespace: shop}
spec: {service: web, backends: [{service: web-v1, weight: 1}, {service: web-v1, weight: 1}]}
`,
  // Context documents: Services, workloads, a ServiceProfile with dstOverrides, a ReferenceGrant, a CronJob.
  `apiVersion: v1
kind: Service
metadata:
  name: books
  namespace: shop
spec:
  selector: {app: books}
  ports:
    - {name: http, port: 8080, targetPort: http}
---
apiVersion: v1
kind: Service
metadata: {name: books-v1, namespace: shop}
spec: {selector: {app: books, version: v1}, ports: [{port: 8080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: books-v1, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: books, version: v1}
---
apiVersion: linkerd.io/v1alpha2
kind: ServiceProfile
metadata:
  name: books.shop.svc.cluster.local
  namespace: shop
spec:
  dstOverrides:
    - authority: books-v1.shop.svc.cluster.local:8080
      weight: 1
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: g, namespace: other}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: shop}]
  to: [{group: "", kind: Service}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: c, namespace: shop}
spec: {jobTemplate: {spec: {template: {metadata: {labels: {app: c}}}}}}
`,
  // JSON (flow) style, kind not at column 0.
  `{"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit", "metadata": {"name": "j", "namespace": "emojivoto"},
 "spec": {"service": "web-apex", "backends": [{"service": "web-svc", "weight": 1}, {"service": "nope", "weight": -1}]}}
`,
  // Helm template (skipped quietly), old and unknown API versions, a comment-only document, an empty document.
  `# {{ .Release.Name }}
apiVersion: {{ .Values.api }}
kind: TrafficSplit
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: HTTPRoute
metadata: {name: old}
spec:
  rules: [{backendRefs: [{name: a, port: 1}]}]
---
apiVersion: networking.x-k8s.io/v1alpha1
kind: HTTPRoute
metadata: {name: ancient}
---
# only a comment
---
`,
  '',
  '---\n---\n',
  'kind: TrafficSplit\n',
];

const SEEDS = [...EXAMPLES, ...GENERATED, EXAMPLES.join('---\n')];

// ---- mutations ----------------------------------------------------------------------------------------------
const CHARS = [
  'a', 'z', '0', '9', ' ', ' ', '  ', '\n', '\n', '\t', '\r', '\r\n', ':', ': ', '-', '- ', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`',
  '{', '}', '[', ']', ',', '?', '\\', 'é', '日本', '🐤', '\u200b', '\ufeff', '\u202e', '\u0000', '\u00a0', '\u2028', '\uD800', '\uDC00',
];
const TOKENS = [
  ': ', '- ', '? ', '|\n', '>-\n', '!!str ', '!!int ', '!!map ', '!custom ', '%YAML 1.2\n---\n', '%TAG ! tag:x:\n', '...\n', '<<: *a\n',
  '&a ', '*a', '*undefined', 'weight: ', 'weight: -1', 'kind: HTTPRoute\n', 'kind: TrafficSplit\n', 'kind: Service\n',
  'apiVersion: gateway.networking.k8s.io/v1\n', 'apiVersion: split.smi-spec.io/v1alpha1\n', 'backendRefs:\n  - name: x\n',
  'backends:\n- service: a\n  weight: 1\n', 'parentRefs: []\n', 'spec: null\n', '{{ .Values.x }}', '---\n', '\n---\n', '--- |\n', '--- # c\n',
  'metadata:\n  name: dup\n', 'port: 80\n', 'namespace: other\n', '"\\u00e9\\x41\\ud800"', "'it''s'", '0x1F', '1e400', '.nan', '-.inf',
];
const ODD_VALUES = [
  '-0', '-1', '0', '1e400', '0x1F', '0o17', '.inf', '-.inf', '.nan', '500m', '1.5', '1.5k', '1Ki', '99999999999999999999', '1000001',
  "'10'", '"10"', 'null', '~', 'true', '[]', '{}', '', '*a', '&a 5', '!!int 3', '!!str 3', '|\n  5', '>\n  5', '`5`', '@', '5 # c',
];
const KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'spec', 'service', 'backends', 'weight', 'rules', 'backendRefs', 'parentRefs', 'port', 'group', 'matches', 'x'];

type Mutation = (text: string, rng: Rng) => string;

const at = (text: string, offset: number, insert: string, removeCount = 0): string => text.slice(0, offset) + insert + text.slice(offset + removeCount);
/** A random `key: value` value span (or undefined when the text has none). */
function valueSpan(text: string, rng: Rng, key?: string): { start: number; end: number } | undefined {
  const re = key ? new RegExp(`${key}:[ \\t]*([^\\n]*)`, 'g') : /:[ \t]+([^\n]+)/g;
  const spans: { start: number; end: number }[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) spans.push({ start: m.index + m[0].length - m[1]!.length, end: m.index + m[0].length });
  return spans.length ? rng.pick(spans) : undefined;
}
function replaceValue(text: string, rng: Rng, value: string, key?: string): string {
  const span = valueSpan(text, rng, key) ?? valueSpan(text, rng);
  return span ? text.slice(0, span.start) + value + text.slice(span.end) : text + value;
}

function billionLaughs(levels: number, indent: string): string {
  let s = `${indent}lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n`;
  for (let i = 1; i < levels; i++) s += `${indent}lol${i}: &lol${i} [${Array(9).fill(`*lol${i - 1}`).join(', ')}]\n`;
  return s;
}

const MUTATIONS: Record<string, { weight: number; apply: Mutation }> = {
  truncate: { weight: 10, apply: (t, r) => t.slice(0, r.int(t.length + 1)) },
  insertChars: {
    weight: 14,
    apply: (t, r) => {
      let out = t;
      for (let i = r.range(1, 8); i > 0; i--) out = at(out, r.int(out.length + 1), r.pick(CHARS));
      return out;
    },
  },
  deleteChars: {
    weight: 12,
    apply: (t, r) => {
      let out = t;
      for (let i = r.range(1, 4); i > 0 && out.length > 0; i--) {
        const start = r.int(out.length);
        out = at(out, start, '', r.range(1, r.chance(0.2) ? 200 : 8));
      }
      return out;
    },
  },
  insertToken: { weight: 10, apply: (t, r) => at(t, r.chance(0.5) ? r.pick(lineStarts(t)) : r.int(t.length + 1), r.pick(TOKENS)) },
  oddValue: { weight: 10, apply: (t, r) => replaceValue(t, r, r.pick(ODD_VALUES), r.chance(0.6) ? 'weight' : undefined) },
  renameKey: {
    weight: 5,
    apply: (t, r) => {
      const keys = [...t.matchAll(/^([ \t-]*)([A-Za-z]+):/gm)];
      if (!keys.length) return t;
      const m = r.pick(keys);
      const start = m.index + m[1]!.length;
      return at(t, start, r.pick(KEYS), m[2]!.length);
    },
  },
  duplicateLine: {
    weight: 6,
    apply: (t, r) => {
      const starts = lineStarts(t);
      const i = r.int(starts.length);
      const line = t.slice(starts[i], starts[i + 1] ?? t.length);
      return at(t, starts[i]!, line.endsWith('\n') ? line : `${line}\n`);
    },
  },
  swapLines: {
    weight: 3,
    apply: (t, r) => {
      const lines = t.split('\n');
      const a = r.int(lines.length);
      const b = r.int(lines.length);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    },
  },
  separator: { weight: 8, apply: (t, r) => at(t, r.pick(lineStarts(t)), r.pick(['---\n', '---', '--- \n', '---\r\n', '...\n---\n', '--- !!map\n'])) },
  crlf: { weight: 6, apply: (t, r) => (r.chance(0.7) ? t.replace(/\n/g, '\r\n') : t.replace(/\n/g, () => (r.chance(0.3) ? '\r\n' : r.chance(0.1) ? '\r' : '\n'))) },
  tabs: { weight: 5, apply: (t, r) => t.replace(/^( +)/gm, (m) => (r.chance(0.3) ? '\t'.repeat(Math.max(1, m.length >> 1)) : r.chance(0.2) ? `\t${m}` : m)) },
  unicode: {
    weight: 6,
    apply: (t, r) => {
      const u = ['é', 'ß', '日本語', '🐤🐤', 'a\u0301', '\u200b', '\u202e', '\ufeff', '\uD800', '\uDFFF', '\u2028', '\u0085', '\u00a0', '𝕏'];
      if (r.chance(0.2)) return `\ufeff${t}`;
      if (r.chance(0.3)) return replaceValue(t, r, r.pick(u) + r.pick(['web-svc', 'x', '']), r.pick(['name', 'service', undefined]) );
      let out = t;
      for (let i = r.range(1, 5); i > 0; i--) out = at(out, r.int(out.length + 1), r.pick(u));
      return out;
    },
  },
  anchors: {
    weight: 6,
    apply: (t, r) => {
      switch (r.int(6)) {
        case 0: return replaceValue(replaceValue(t, r, '&w 50', 'weight'), r, '*w', 'weight');
        case 1: return t.replace(/^(\s*)- (service|name): /m, '$1- &b\n$1  $2: ').replace(/(\n\s*)- (service|name): ([^\n]*)\n(\s*weight[^\n]*\n)?$/, '$1- *b\n');
        case 2: return t.replace(/^metadata:\n/m, `metadata:\n  <<: &m {namespace: merged}\n  labels: &l {a: b}\n  annotations: *l\n`);
        case 3: return replaceValue(t, r, r.pick(['*nope', '&a [*a]', '&a {x: *a}', '*', '&', '&a &b x']));
        case 4: return t.replace(/^spec:/m, `x:\n${billionLaughs(r.range(5, 12), '  ')}spec:`).replace(/backendRefs:[^\n]*|backends:[^\n]*/, (m) => `${m.split(':')[0]}: *lol${r.range(3, 4)}`);
        default: return `${billionLaughs(10, '')}${t}`;
      }
    },
  },
  deepNesting: {
    weight: 2,
    apply: (t, r) => {
      const n = r.pick([50, 500, 500, 1000]);
      const m = Math.min(n, 500); // block nesting: 500 levels already make 250 KB of indentation
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
    },
  },
  hugeScalar: {
    weight: 0.15,
    apply: (t, r) => {
      const shapes = [
        () => 'x'.repeat(MB),
        () => '9'.repeat(MB),
        () => `"${'\\u00e9'.repeat(MB / 6)}"`,
        () => `'${"''".repeat(MB / 2)}'`,
        () => `|\n${`${' '.repeat(8)}${'y'.repeat(56)}\n`.repeat(MB / 64)}`,
        () => `# ${'c'.repeat(MB)}`,
      ];
      return replaceValue(t, r, r.pick(shapes)(), r.pick(['weight', 'name', 'service', undefined]));
    },
  },
};
const MUTATION_NAMES = Object.keys(MUTATIONS);
const TOTAL_WEIGHT = MUTATION_NAMES.reduce((s, k) => s + MUTATIONS[k]!.weight, 0);
function pickMutation(rng: Rng): string {
  let x = rng.next() * TOTAL_WEIGHT;
  for (const name of MUTATION_NAMES) if ((x -= MUTATIONS[name]!.weight) < 0) return name;
  return MUTATION_NAMES[0]!;
}

// ---- checks -------------------------------------------------------------------------------------------------
interface Case { index: number; seed: number; mutations: string[]; text: string }

function randomPosition(lines: string[], rng: Rng): Position {
  if (rng.chance(0.05)) return { line: lines.length + rng.int(3), character: rng.int(5) }; // past the end
  const line = rng.int(lines.length);
  const len = lines[line]!.length;
  return { line, character: rng.chance(0.05) ? len + 1 + rng.int(3) : rng.int(len + 1) };
}

/** A random incremental change (never splitting a CRLF pair, as editors never do) and the text it makes. */
function randomChange(text: string, rng: Rng): { range: Range; text: string; after: string } {
  const clean = (o: number): number => (text[o - 1] === '\r' && text[o] === '\n' ? o + 1 : o);
  const start = clean(rng.int(text.length + 1));
  const end = clean(Math.min(text.length, start + (rng.chance(0.5) ? 0 : rng.int(rng.chance(0.1) ? 400 : 12))));
  const insert = rng.chance(0.15) ? rng.pick(['---\n', '\n---\n', '---']) : rng.chance(0.5) ? rng.pick(TOKENS) : rng.chance(0.5) ? rng.pick(CHARS) : '';
  return { range: { start: positionAt(text, start), end: positionAt(text, end) }, text: insert, after: text.slice(0, start) + insert + text.slice(end) };
}

function checkRange(text: string, lines: string[], r: Range | undefined, what: string): void {
  assert.ok(r, `${what}: no range`);
  assert.ok(rangeInside(text, r, lines), `${what}: range ${JSON.stringify(r)} is outside the text (${lines.length} lines)`);
}

function checkEdits(text: string, lines: string[], edits: readonly TextEdit[] | undefined, what: string): void {
  for (const e of edits ?? []) checkRange(text, lines, e.range, what);
}

function checkCompletion(text: string, lines: string[], items: CompletionItem[]): void {
  assert.ok(Array.isArray(items), 'completion returns an array');
  for (const item of items) {
    const edit = item.textEdit;
    if (edit && 'range' in edit) checkRange(text, lines, edit.range, `completion ${item.label}`);
    if (edit && 'insert' in edit) {
      checkRange(text, lines, edit.insert, `completion ${item.label} (insert)`);
      checkRange(text, lines, edit.replace, `completion ${item.label} (replace)`);
    }
    checkEdits(text, lines, item.additionalTextEdits, `completion ${item.label} (additional)`);
  }
}

function checkSymbols(text: string, lines: string[], symbols: DocumentSymbol[], depth = 0): void {
  assert.ok(Array.isArray(symbols));
  assert.ok(depth < 50, 'symbol tree too deep');
  for (const s of symbols) {
    checkRange(text, lines, s.range, `symbol ${s.name}`);
    checkRange(text, lines, s.selectionRange, `symbol ${s.name} (selection)`);
    checkSymbols(text, lines, s.children ?? [], depth + 1);
  }
}

function checkActions(text: string, lines: string[], uri: string, actions: CodeAction[]): void {
  assert.ok(Array.isArray(actions));
  for (const a of actions) {
    checkEdits(text, lines, a.edit?.changes?.[uri], `code action "${a.title}"`);
    for (const change of a.edit?.documentChanges ?? []) {
      if ('textDocument' in change && change.textDocument.uri === uri) {
        checkEdits(text, lines, change.edits.filter((e): e is TextEdit => 'range' in e), `code action "${a.title}"`);
      }
    }
  }
}

const shown = (ds: Diagnostic[]): unknown[] => ds.map((d) => ({ code: d.code, range: d.range, severity: d.severity, message: d.message }));

const CONTEXT_URI = 'file:///fuzz/context/emojivoto.yaml';

interface Timing { ms: number; steps: string }

/** Everything the fuzzer does with one manifest; returns the milliseconds taken (without the fresh-file check). */
function runCase(ls: LanguageService, c: Case, rng: Rng): Timing {
  const uri = `file:///fuzz/case-${c.index}.yaml`;
  const text = c.text;
  const lines = linesOf(text);
  let step = 'setFile';
  let elapsed: number;
  const times: string[] = [];
  let edit = '';
  let last = performance.now();
  const started = last;
  /** Starts the next step, noting how long the last one took. */
  const next = (name: string): void => {
    const now = performance.now();
    times.push(`${step.split(' ')[0]} ${(now - last).toFixed(1)}`);
    last = now;
    step = name;
  };
  try {
    ls.setFile(uri, text, 1);
    next('indexSome');
    ls.index.indexSome(Infinity);
    next('diagnostics (own)');
    for (const d of ls.diagnostics(uri, false)) checkRange(text, lines, d.range, `own diagnostic ${String(d.code)}`);
    next('diagnostics');
    const diagnostics = ls.diagnostics(uri);
    for (const d of diagnostics) checkRange(text, lines, d.range, `diagnostic ${String(d.code)}`);
    const position = randomPosition(lines, rng);
    next(`completion at ${JSON.stringify(position)}`);
    checkCompletion(text, lines, ls.completion(uri, position));
    next(`hover at ${JSON.stringify(position)}`);
    const hover = ls.hover(uri, position);
    if (hover?.range) checkRange(text, lines, hover.range, 'hover');
    next('documentSymbols');
    checkSymbols(text, lines, ls.documentSymbols(uri));
    const other = randomPosition(lines, rng);
    const range: Range = rng.chance(0.5) ? { start: position, end: position } : position.line <= other.line ? { start: position, end: other } : { start: other, end: position };
    const near = diagnostics.filter(() => rng.chance(0.7));
    next(`codeActions at ${JSON.stringify(range)}`);
    checkActions(text, lines, uri, ls.codeActions(uri, range, near));
    next(`definition at ${JSON.stringify(position)}`);
    for (const l of [...ls.definition(uri, position), ...ls.references(uri, position, rng.chance(0.5))]) {
      if (l.uri === uri) checkRange(text, lines, l.range, 'location');
    }

    const change = randomChange(text, rng);
    edit = JSON.stringify({ range: change.range, text: change.text });
    next(`changeFile ${JSON.stringify({ range: change.range, text: change.text })}`);
    const file = ls.changeFile(uri, [{ range: change.range, text: change.text }], 2);
    assert.ok(file, 'changeFile finds the file');
    const afterLines = linesOf(change.after);
    next('diagnostics-after-change');
    const afterDiagnostics = ls.diagnostics(uri);
    for (const d of afterDiagnostics) checkRange(change.after, afterLines, d.range, `diagnostic ${String(d.code)} after the change`);
    next('fresh comparison');
    elapsed = performance.now() - started;

    // Not timed: the edited file must read and diagnose exactly like a fresh file of the same text.
    assert.ok(file.text === change.after, 'the edited file holds the edited text');
    const removed = text.slice(offsetAt(text, change.range.start), offsetAt(text, change.range.end));
    if (c.index % FRESH_EVERY === 0 || change.text.includes('-') || removed.includes('-')) {
      const freshUri = `${uri}.fresh`;
      ls.setFile(freshUri, change.after, 1);
      ls.index.indexSome(Infinity);
      assert.deepEqual(shown(ls.diagnostics(uri)), shown(ls.diagnostics(freshUri)), 'incremental diagnostics equal a fresh parse');
      ls.removeFile(freshUri);
    }
  } catch (e) {
    const file = path.join(tmpdir(), `canary-lens-fuzz-${c.seed}-${c.index}.yaml`);
    writeFileSync(file, text);
    const message = e instanceof Error ? e.stack ?? e.message : String(e);
    throw new Error(`fuzz case ${c.index} (seed ${c.seed}, mutations ${c.mutations.join('+')}) failed in ${step}; text saved to ${file}${edit ? `; edit ${edit}` : ''}\n${message}`, { cause: e });
  } finally {
    ls.removeFile(uri);
  }
  return { ms: elapsed, steps: times.join(', ') };
}

function makeCase(index: number, rng: Rng): Case {
  let text = rng.pick(SEEDS);
  const mutations: string[] = [];
  for (let n = rng.chance(0.5) ? 1 : rng.range(2, 3); n > 0; n--) {
    const name = pickMutation(rng);
    mutations.push(name);
    text = MUTATIONS[name]!.apply(text, rng);
  }
  return { index, seed: SEED, mutations, text };
}

/**
 * Known bugs in files this test does not own, reported and tracked by the `todo` test at the end: a failure whose
 * kind matches is listed in the output but does not fail the run. Remove the entry once the bug is fixed.
 */
/** Re-runs of a manifest over budget (with a short pause first, for a machine busy with other work). */
const RETRIES = 3;

test(`fuzz: ${COUNT} mutated manifests through the language service (seed ${SEED})`, { timeout: 180_000 }, async (t) => {
  const ls = new LanguageService();
  // Context the references resolve against: a workspace file and the cluster.
  ls.setFile(CONTEXT_URI, EXAMPLES.join('---\n'));
  ls.setClusterFacts({
    namespaces: ['default', 'shop'],
    facts: [
      { type: 'Service', name: 'books', ns: 'shop', ports: [{ port: 8080, name: 'http' }], selector: { app: 'books' }, readyEndpoints: 2 },
      { type: 'Service', name: 'web', ns: 'default', ports: [{ port: 80 }] },
    ],
  });
  ls.index.indexSome(Infinity);
  // Warm-up (not timed, not counted): compiles the schemas and JIT-compiles the paths.
  const warm = new Rng(SEED ^ 0x5eed);
  for (let i = 0; i < SEEDS.length * 3; i++) runCase(ls, { index: -1 - i, seed: SEED, mutations: ['warm-up'], text: SEEDS[i % SEEDS.length]! }, warm);

  const rng = new Rng(SEED);
  const started = performance.now();
  const byMutation = new Map<string, { count: number; max: number }>();
  const max = { small: { ms: 0, index: -1, mutations: '', length: 0 }, large: { ms: 0, index: -1, mutations: '', length: 0 } };
  let largeCount = 0;
  let largeMs = 0;
  const smallTimes: number[] = [];
  let retried = 0;
  // Failures are collected (one example per kind) so that one run shows every distinct problem.
  const failures = new Map<string, { count: number; example: string }>();
  const fail = (key: string, example: string): void => {
    const f = failures.get(key);
    if (f) f.count++; else failures.set(key, { count: 1, example });
  };
  for (let i = 0; i < COUNT; i++) {
    const c = makeCase(i, rng);
    const caseSeed = rng.int(2 ** 31);
    let timing: Timing;
    try {
      timing = runCase(ls, c, new Rng(caseSeed));
      const budget = budgetFor(c.text.length);
      if (timing.ms > budget) {
        // One slow run on a shared machine may be the scheduler or the GC: the same manifest is run again.
        retried++;
        for (let attempt = 0; attempt < RETRIES && timing.ms > budget; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          const again = runCase(ls, c, new Rng(caseSeed));
          if (again.ms < timing.ms) timing = again;
        }
        if (timing.ms > budget) {
          writeFileSync(path.join(tmpdir(), `canary-lens-fuzz-slow-${c.seed}-${c.index}.yaml`), c.text);
          fail(`over budget (${c.text.length >= LARGE ? `≥ ${LARGE / 1024} KB` : `${BUDGET_MS} ms`})`,
            `case ${i} (${c.mutations.join('+')}, ${c.text.length} chars) took ${timing.ms.toFixed(1)} ms or more on each of ${RETRIES + 1} runs (budget ${budget.toFixed(0)} ms): ${timing.steps}`);
        }
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const [where = '', cause = ''] = message.split('\n');
      // One kind per step and error (numbers and quoted values stripped, so the same bug counts once).
      const key = `${where.replace(/^.* failed in (\S+).*$/, '$1')}: ${cause.replace(/\d+/g, 'N').replace(/"[^"]*"/g, '"…"').slice(0, 160)}`;
      fail(key, `${message.split('\n').slice(0, 8).join('\n')}`);
      continue;
    }
    const ms = timing.ms;
    const size = c.text.length >= LARGE ? 'large' : 'small';
    if (size === 'large') { largeCount++; largeMs += ms; }
    if (ms > max[size].ms) max[size] = { ms, index: i, mutations: c.mutations.join('+'), length: c.text.length };
    if (size === 'large') continue; // percentiles and per-mutation maxima of the ordinary manifests only
    smallTimes.push(ms);
    for (const m of new Set(c.mutations)) {
      const s = byMutation.get(m) ?? { count: 0, max: 0 };
      s.count++;
      s.max = Math.max(s.max, ms);
      byMutation.set(m, s);
    }
  }
  const total = performance.now() - started;
  const describe = (m: typeof max.small): string => `${m.ms.toFixed(1)} ms (case ${m.index}: ${m.mutations}, ${m.length} chars)`;
  t.diagnostic(`${COUNT} manifests in ${(total / 1000).toFixed(1)} s; ${retried} re-run after going over budget`);
  smallTimes.sort((a, b) => a - b);
  const pct = (q: number): string => (smallTimes[Math.min(smallTimes.length - 1, Math.floor(q * smallTimes.length))] ?? 0).toFixed(1);
  t.diagnostic(`per manifest under ${LARGE / 1024} KB (budget ${BUDGET_MS} ms): p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, p99.9 ${pct(0.999)} ms, max ${describe(max.small)}`);
  t.diagnostic(`max per manifest of ${LARGE / 1024} KB or more (${largeCount} manifests, ${(largeMs / 1000).toFixed(1)} s in all, budget ${BUDGET_MS} ms per ${LARGE / 1024} KB): ${describe(max.large)}`);
  t.diagnostic(`max ms by mutation (under ${LARGE / 1024} KB): ${[...byMutation].sort((a, b) => b[1].max - a[1].max).map(([m, s]) => `${m} ${s.max.toFixed(1)} (${s.count})`).join(', ')}`);
  if (failures.size > 0) {
    const report = [...failures].map(([key, f]) => `- ${key} (${f.count} case${f.count === 1 ? '' : 's'}); first:\n${f.example.replace(/^/gm, '    ')}`);
    assert.fail(`${failures.size} kind${failures.size === 1 ? '' : 's'} of failure in ${COUNT} manifests:\n${report.join('\n')}`);
  }
});

/** Inputs that once broke something, or sit on an edge the random walk reaches rarely; same checks as above. */
const HAND_PICKED: Record<string, string> = {
  'a lone \\r before ---': 'kind: Service\r---\rapiVersion: v1\nkind: Service\nmetadata:\n  name: x\r---\n' + TRAFFIC_SPLIT_EXAMPLE,
  'U+2028 before ---': `kind: Service\u2028---\nmetadata: {name: x}\n---\n${TRAFFIC_SPLIT_EXAMPLE}`,
  // yaml-syntax with an empty span at a line end: widened onto the \r, it ended between \r and \n.
  'an empty error span on a CRLF': example('web-svc-ts-v1alpha1.yaml').replace(/\n/g, '\r\n').replace('    - service: web-svc\r\n', '!!str     - service: web-svc\r\n'),
  'a BOM': `\ufeff${TRAFFIC_SPLIT_EXAMPLE}`,
  'billion laughs under spec': example('web-httproute.yaml').replace('spec:', `x:\n${billionLaughs(12, '  ')}spec:`).replace('backendRefs:', 'backendRefs: *lol11\n      x:'),
  'an alias as a backend': TRAFFIC_SPLIT_EXAMPLE.replace('    - service: web-svc\n', '    - &b\n      service: web-svc\n').replace(/    - service: web-svc-2\n.*\n/, '    - *b\n'),
  '1 MB quoted scalar full of escapes': example('web-httproute.yaml').replace('web-canary', `'${"''".repeat(MB / 2)}'`),
  '500 unclosed [': example('web-httproute.yaml').replace('weight: 90', `weight: ${'['.repeat(500)}`),
  'only ---': '---',
  'only \\r\\n': '\r\n\r\n',
};

test('a --- after a lone \\r or U+2028 does not start a part mid-line (positions stay right)', () => {
  for (const br of ['\r', '\u2028', '\u2029']) {
    const text = `kind: Service\nmetadata: {name: a}${br}--- # c${br}x\n---\nkind: TrafficSplit\n`;
    const file = new LanguageService().setFile('file:///fuzz/lone.yaml', text);
    for (let o = 0; o <= text.length; o++) {
      assert.deepEqual(file.positionAt(o), positionAt(text, o), `${JSON.stringify(br)}: offset ${o}`);
      assert.equal(file.offsetAt(positionAt(text, o)), o, `${JSON.stringify(br)}: offset ${o}`);
    }
    assert.deepEqual(file.parts.map((p) => p.text), [text.slice(0, text.indexOf('---\nkind: T')), text.slice(text.indexOf('---\nkind: T'))]);
  }
});

test('hand-picked manifests', () => {
  const ls = new LanguageService();
  ls.setFile(CONTEXT_URI, EXAMPLES.join('---\n'));
  Object.entries(HAND_PICKED).forEach(([name, text], i) => {
    for (let seed = 1; seed <= (text.length >= LARGE ? 2 : 20); seed++) runCase(ls, { index: 100_000 + i, seed, mutations: [name], text }, new Rng(seed));
  });
});

test('a weight beyond 2^53 is weight-invalid, and code actions on it do not throw', () => {
  const ls = new LanguageService();
  const text = TRAFFIC_SPLIT_EXAMPLE.replace('weight: 500 # the current version', 'weight: 99999999999999999999');
  ls.setFile('file:///fuzz/big-weight.yaml', text);
  const diagnostics = ls.diagnostics('file:///fuzz/big-weight.yaml');
  assert.ok(diagnostics.some((d) => d.code === 'weight-invalid' && (typeof d.message === 'string' ? d.message : d.message.value).includes('too large')));
  const line = linesOf(text).findIndex((l) => l.includes('9999'));
  assert.doesNotThrow(() => ls.codeActions('file:///fuzz/big-weight.yaml', { start: { line, character: 0 }, end: { line, character: 0 } }, diagnostics));
});
