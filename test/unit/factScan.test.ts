import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { FACT_PATHS } from '../../src/service/workspace/context';
import { scanBlockYaml, scanParsed } from '../../src/service/workspace/factScan';
import { YamlFile } from '../../src/service/document/file';
import { parserText } from '../../src/service/document/lineBreaks';
import { generateManifest } from '../bench/generate';

const EXAMPLES = join(__dirname, '..', '..', 'examples', 'emojivoto');
const docs = [
  ...readdirSync(EXAMPLES).flatMap((f) => new YamlFile('u', readFileSync(join(EXAMPLES, f), 'utf8')).parts.map((p) => p.text)),
  ...new YamlFile('u', generateManifest(300, 7)).parts.map((p) => p.text),
];

// The text as the service hands it to the parser (a lone \r made a \n): the scanner reads lines the same way.
function full(text: string): ReturnType<typeof scanParsed> {
  return scanParsed(parseDocument(parserText(text), { uniqueKeys: true }), FACT_PATHS);
}

test('the scanner reads the plain block YAML of real manifests without falling back', () => {
  let answered = 0;
  for (const text of docs) {
    const scanned = scanBlockYaml(text, FACT_PATHS);
    if (scanned) { answered++; assert.deepEqual(scanned, full(text), text); }
  }
  assert.ok(answered / docs.length > 0.95, `answered ${answered} of ${docs.length}`);
});

test('spans and values: ports, labels, quoted values, comments, CRLF', () => {
  const text = '---\r\nkind: Service # c\r\nmetadata:\r\n  name: "web"\r\n  labels: {a: b}\r\nspec:\r\n  selector:\r\n    app: web # x\r\n  ports:\r\n  - name: http\r\n    port: 80\r\n    targetPort: 8080\r\n';
  const scanned = scanBlockYaml(text, ['kind', 'metadata/name', 'spec/selector', 'spec/ports']);
  assert.ok(scanned);
  assert.deepEqual([...scanned].map(([k, v]) => [k, v.value, text.slice(v.span.start, v.span.end)]), [
    ['kind', 'Service', 'Service'], ['metadata/name', 'web', '"web"'], ['spec/selector/app', 'web', 'web'],
    ['spec/ports/#0/name', 'http', 'http'], ['spec/ports/#0/port', '80', '80'], ['spec/ports/#0/targetPort', '8080', '8080'],
  ]);
});

test('falls back where only a parser can say', () => {
  const cases = [
    'kind: Service\nmetadata:\n  name: &a web\n', // anchor on a wanted value
    'kind: Service\nmetadata:\n  name: *a\n',
    'kind: Service\nmetadata: {name: web}\n',
    'kind: Service\nmetadata:\n  name: "we\\"b"\n',
    'kind: Service\nmetadata:\n  name: web\n    more\n', // a multi-line plain scalar
    'kind: Service\nmetadata:\n  name: !!str 080\n',
    'kind: Service\nmetadata:\n  name: 080\n',
    'kind: Service\nmetadata:\n  name: true\n',
    'kind: Service\nmetadata:\n  name: |\n    web\n',
    'kind: Service\n<<: *base\n',
    'kind: Service\nmetadata:\n\tname: web\n',
  ];
  for (const text of cases) assert.equal(scanBlockYaml(text, FACT_PATHS), undefined, text);
});

test('property: on YAML that parses, wherever the scanner answers, it answers what the full parser reads', () => {
  const pieces = ['', ' ', '  ', '- ', '#', ': ', ':', '"', "'", '{', '}', '[', ']', '&a ', '*a', '!', '|', '>', '\t', '\r', '\n', '---', '...', 'x', '0', '-1', '1.5', 'null', 'name', 'labels', 'ports', 'port', 'spec', 'metadata', 'kind'];
  fc.assert(fc.property(fc.constantFrom(...docs), fc.array(fc.record({ at: fc.nat(), cut: fc.nat({ max: 6 }), put: fc.array(fc.constantFrom(...pieces), { maxLength: 3 }) }), { minLength: 1, maxLength: 4 }), (doc, edits) => {
    let text = doc;
    for (const e of edits) {
      const at = e.at % (text.length + 1);
      text = text.slice(0, at) + e.put.join('') + text.slice(at + e.cut);
    }
    const scanned = scanBlockYaml(text, FACT_PATHS);
    // A broken document has no one right reading: the parser's recovery is as much a guess as the scanner's.
    if (scanned && parseDocument(parserText(text), { uniqueKeys: true }).errors.length === 0) assert.deepEqual(scanned, full(text), JSON.stringify(text));
  }), { numRuns: Number(process.env.FC_RUNS ?? 3000) });
});
