/**
 * Multi-line quoted scalars whose lines are indented no deeper than their key: kubectl's go-yaml v2 reads them
 * (its scanner checks no indentation inside a quoted scalar, and its emitter writes them so, as in Flagger's
 * crd.yaml); YAML 1.2 and the `yaml` package want them indented deeper. They parse clean, to the value the same
 * scalar has when indented deeper, at the offsets of the original text; what neither reader accepts still errs,
 * where the `yaml` package puts the error. Every case is built from a template: no fixtures.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isScalar, parseDocument, Scalar, visit } from 'yaml';
import { YamlFile } from '../../src/service/document/file';
import { closingQuote } from '../../src/service/document/kubectlLexer';
import { lineStartsOf } from '../../src/service/document/lineBreaks';
import { KUBECTL_YAML, parseKubectlDocument } from '../../src/service/document/yamlOptions';
import { LanguageService } from '../../src/service/languageService';

const FLAGGER_CRD = join(__dirname, '..', '..', 'vendor', 'crds', 'flagger-v1.44.0.yaml');

/** The `yaml` package as it is, with the same options: the reading of valid YAML 1.2 these must agree with. */
const strictParse = (text: string) => parseDocument(text, { ...KUBECTL_YAML, prettyErrors: false, uniqueKeys: true });
const kubectlParse = (text: string) => parseKubectlDocument(text, { prettyErrors: false, uniqueKeys: true });
const errorsOf = (doc: { errors: { code: string; pos: [number, number] }[] }) => doc.errors.map((e) => `${e.code}@${e.pos[0]}`);

/**
 * A document with one quoted value at `key` (under `outer:` `inner:`, so the key is at column 4), whose
 * continuation lines are indented by `indent` spaces.
 */
function nested(quote: string, lines: string[], indent: number): string {
  const [first, ...rest] = lines.map((l, i) => (i === lines.length - 1 ? `${l}${quote}` : l));
  return ['outer:', '  inner:', `    key: ${quote}${first}`, ...rest.map((l) => (l === '' ? '' : ' '.repeat(indent) + l)), '    after: 1', ''].join('\n');
}

const SCALARS: { quote: string; lines: string[] }[] = [
  { quote: "'", lines: ['APIVersion defines the versioned schema of this representation', 'of an object. Servers should convert recognized schemas', "to the latest: it''s https://x.io/a#b"] },
  { quote: "'", lines: ['a', '', '', 'b   ', '  # not a comment', '- not an item'] },
  { quote: '"', lines: ['a \\"quoted\\" word\\', 'joined \\t tab\\\\', 'c: d', '', '[e, f]'] },
];

test('continuation lines at the key\'s column, less, or column 0 read as the same scalar indented deeper', () => {
  for (const { quote, lines } of SCALARS) {
    const expected = strictParse(nested(quote, lines, 6));
    assert.deepEqual(errorsOf(expected), [], 'the deeper form is valid YAML 1.2');
    for (const indent of [0, 1, 2, 3, 4]) {
      const text = nested(quote, lines, indent);
      assert.ok(errorsOf(strictParse(text)).length > 0, `the yaml package alone refuses ${JSON.stringify(text)}`);
      const doc = kubectlParse(text);
      assert.deepEqual(errorsOf(doc), [], text);
      assert.deepEqual(doc.toJS(), expected.toJS(), text);
    }
  }
});

test('the scalar node spans exactly its quotes in the original text', () => {
  for (const { quote, lines } of SCALARS) {
    const text = nested(quote, lines, 4);
    const doc = kubectlParse(text);
    const open = text.indexOf(quote);
    const close = closingQuote(text, open);
    let seen = 0;
    visit(doc, {
      Scalar(_key, node) {
        if (node.type !== Scalar.QUOTE_SINGLE && node.type !== Scalar.QUOTE_DOUBLE) return;
        seen++;
        assert.deepEqual(node.range?.slice(0, 2), [open, close + 1]);
      },
    });
    assert.equal(seen, 1);
    const after = doc.getIn(['outer', 'inner', 'after'], true);
    assert.ok(isScalar(after) && after.range, 'the key after the scalar is read');
    assert.equal(text.slice(after.range[0], after.range[1]), '1');
  }
});

test('in sequences, flow collections, and under an explicit key', () => {
  const cases = [
    ['items:\n- \'a\nb\'\n- c\n', 'items:\n- \'a\n  b\'\n- c\n'],
    ['k:\n  - a: \'x\n y\'\n    b: 1\n', 'k:\n  - a: \'x\n      y\'\n    b: 1\n'],
    ['a:\n  b: {c: \'x\ny\'}\n', 'a:\n  b: {c: \'x\n    y\'}\n'],
    ['a:\n  b: ["x\ny", z]\n', 'a:\n  b: ["x\n    y", z]\n'],
    ['k:\n  ? \'x\n y\'\n  : 1\n', 'k:\n  ? \'x\n    y\'\n  : 1\n'],
  ];
  for (const [text, deeper] of cases) {
    const doc = kubectlParse(text!);
    assert.deepEqual(errorsOf(doc), [], text);
    assert.deepEqual(doc.toJS(), strictParse(deeper!).toJS(), text);
  }
});

test('Flagger v1.44.0\'s CRDs parse clean, every value as with the continuation lines indented deeper', () => {
  const text = readFileSync(FLAGGER_CRD, 'utf8');
  const parts = new YamlFile('file:///crd.yaml', text).parts.filter((p) => p.text.includes('kind: CustomResourceDefinition'));
  assert.equal(parts.length, 3);
  let shallow = 0;
  for (const part of parts) {
    assert.deepEqual(errorsOf(part.doc), [], 'no syntax error');
    // The same part with every line inside a multi-line single-quoted scalar indented two more spaces.
    const lines = part.text.split('\n');
    const starts = lineStartsOf(part.text);
    for (let i = 0; i < lines.length; i++) {
      const open = /^( *)[\w$-]+: '/.exec(lines[i]!);
      if (!open) continue;
      const end = closingQuote(part.text, starts[i]! + open[0].length - 1);
      const last = starts.filter((start) => start <= end).length - 1;
      for (let j = i + 1; j <= last; j++) {
        if (/^ */.exec(lines[j]!)![0].length <= open[1]!.length) shallow++;
        lines[j] = `  ${lines[j]}`;
      }
      i = last;
    }
    const deeper = strictParse(lines.join('\n'));
    assert.deepEqual(errorsOf(deeper), []);
    assert.deepEqual(part.doc.toJS(), deeper.toJS());
  }
  assert.ok(shallow > 0, 'the file has continuation lines at their key\'s column');
});

test('the language service reports no yaml-syntax in the Flagger CRDs, nor in a Canary with such an annotation', () => {
  const canary = [
    'apiVersion: flagger.app/v1beta1', 'kind: Canary', 'metadata:', '  name: web', '  annotations:',
    '    note: \'promoted by hand after the analysis of', '    the first run\'', 'spec:', '  targetRef:',
    '    apiVersion: apps/v1', '    kind: Deployment', '    name: web', '',
  ].join('\n');
  for (const [uri, text] of [['file:///crd.yaml', readFileSync(FLAGGER_CRD, 'utf8')], ['file:///canary.yaml', canary]] as const) {
    const ls = new LanguageService();
    ls.setFile(uri, text);
    ls.index.indexSome(Infinity);
    assert.deepEqual(ls.diagnostics(uri).filter((d) => d.code === 'yaml-syntax'), [], uri);
  }
});

test('what go-yaml refuses still errs, where the yaml package puts the error', () => {
  const broken = [
    'a:\n  b: \'x\n  y\n', // never closed
    'a:\n  b: \'x\nc: 1\n', // never closed, the next key at column 0
    'a:\n  b: \'x\n---\n  y\'\n', // a document marker inside
    'a:\n  b: \'x\n...\n  y\'\n',
    'a:\n  b: \'open\nc: it\'s\n', // closed by an apostrophe, then text: go-yaml "did not find expected key"
    'a:\n  b: \'x\ny\'z\n',
    'a:\n  b: \'x\ny\' - c\n',
    'metadata:\n  name: \'web\nspec:\n  service: \'x\'\n', // an open quote closed by a later value's
    'a:\n  \'x\n y\': 1\n', // a multi-line implicit key
    'a:\n  b:\n  \'x\n  y\'\n',
    'a:\n  b: "\\q\n y"\n', // an unknown escape
  ];
  for (const text of broken) {
    const ours = errorsOf(kubectlParse(text));
    assert.ok(ours.length > 0, `refused: ${JSON.stringify(text)}`);
    assert.equal(ours[0], errorsOf(strictParse(text))[0], `first error where the yaml package puts it: ${JSON.stringify(text)}`);
  }
  // An open quote in a Canary: the error on the line of the quote, as before (not at the next quote of the file).
  const canary = 'apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata:\n  name: \'web\nspec:\n  service:\n    port: 80\n    name: \'x\'\n';
  const ls = new LanguageService();
  ls.setFile('file:///c.yaml', canary);
  const lines = ls.diagnostics('file:///c.yaml').filter((d) => d.code === 'yaml-syntax').map((d) => d.range.start.line);
  assert.ok(lines.length > 0 && lines[0] === 3, `yaml-syntax on line 3: ${lines.join(', ')}`);
});

test('closingQuote: escapes as go-yaml reads them', () => {
  const cases: [string, number][] = [
    ["'a''b'", 5], ["'a'''", 4], ["''''", 3], ["'a", -1],
    ['"a\\"b"', 5], ['"a\\\\"b', 4], ['"a\\\\\\"b"', 7], ['"a\\\nb"', 5], ['"', -1],
  ];
  for (const [text, close] of cases) assert.equal(closingQuote(text, 0), close, text);
});
