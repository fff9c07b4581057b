import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { YamlFile } from '../../src/service/document/file';
// Positions computed independently of YamlFile.
import { positionAt } from '../support/text';

const DOCS = [
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: web-svc\n',
  '---\napiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata:\n  name: ts\nspec:\n  service: web-apex\n  backends:\n    - service: web-svc\n      weight: 500\n',
  '--- # comment\nkind: HTTPRoute\n',
  '---\r\nkind: Service\r\nmetadata:\r\n  name: crlf\r\n',
  '---\n',
];

test('a fresh file splits at --- lines only', () => {
  const f = new YamlFile('u', 'a: 1\n---\nb: 2\n  ---\nc: "---"\n---x\n--- \nd: 4');
  assert.deepEqual(f.parts.map((p) => p.text), ['a: 1\n', '---\nb: 2\n  ---\nc: "---"\n---x\n', '--- \nd: 4']);
  assert.deepEqual(f.parts.map((p) => [p.start, p.startLine]), [[0, 0], [5, 1], [34, 6]]);
});

test('prescan reads kind and apiVersion at the top level only', () => {
  const f = new YamlFile('u', 'apiVersion: "split.smi-spec.io/v1alpha2" # x\nkind: TrafficSplit\nspec:\n  kind: Service\n');
  assert.equal(f.parts[0]!.kind, 'TrafficSplit');
  assert.equal(f.parts[0]!.apiVersion, 'split.smi-spec.io/v1alpha2');
  assert.equal(new YamlFile('u', '{"kind": "TrafficSplit"}').parts[0]!.kindUnknown, true);
});

test('positions round-trip through parts, LF and CRLF', () => {
  const text = DOCS.join('');
  const f = new YamlFile('u', text);
  for (let o = 0; o <= text.length; o++) {
    const p = f.positionAt(o);
    if (text[o - 1] === '\r' && text[o] === '\n') continue; // inside a CRLF pair: not a position an editor sends
    assert.deepEqual(p, positionAt(text, o), `offset ${o}`);
    assert.equal(f.offsetAt(p), o, `offset ${o}`);
  }
});

test('incremental edits give the same parts as splitting the edited text afresh, and keep untouched parses', () => {
  const edit = fc.record({ a: fc.nat(), b: fc.nat(), text: fc.constantFrom('', 'x', '\n', '---\n', '\n---\n', '-', 'kind: HTTPRoute\n', '\r\n', 'weight: 5') });
  fc.assert(fc.property(fc.array(fc.constantFrom(...DOCS), { minLength: 1, maxLength: 8 }), fc.array(edit, { minLength: 1, maxLength: 6 }), (docs, edits) => {
    let text = docs.join('');
    const file = new YamlFile('u', text);
    for (const e of edits) {
      // Never between \r and \n: no editor sends such a position.
      const clean = (o: number): number => (text[o - 1] === '\r' && text[o] === '\n' ? o + 1 : o);
      const start = clean(e.a % (text.length + 1));
      const end = clean(Math.min(text.length, start + (e.b % 12)));
      const before = new Map(file.parts.map((p) => [p, p.text]));
      const { fresh } = file.applyChanges([{ range: { start: positionAt(text, start), end: positionAt(text, end) }, text: e.text }], 1);
      text = text.slice(0, start) + e.text + text.slice(end);
      const expected = new YamlFile('u', text);
      assert.deepEqual(file.parts.map((p) => p.text), expected.parts.map((p) => p.text));
      assert.deepEqual(file.parts.map((p) => [p.start, p.startLine]), expected.parts.map((p) => [p.start, p.startLine]));
      assert.equal(file.text, text);
      // Parts that survived are the same objects with the same text; only new texts are reported fresh.
      for (const p of file.parts) {
        if (before.has(p)) assert.equal(before.get(p), p.text);
        else assert.ok(fresh.includes(p));
      }
    }
  }), { numRuns: 300 });
});

test('an edit inside one document of many re-splits only its neighbourhood', () => {
  const docs = Array.from({ length: 1000 }, (_, i) => `---\nkind: Service\nmetadata:\n  name: s${i}\n`);
  const text = docs.join('');
  const file = new YamlFile('u', text);
  const old = [...file.parts];
  const offset = text.indexOf('name: s500') + 'name: s'.length;
  const { fresh, removed } = file.applyChanges([{ range: { start: positionAt(text, offset), end: positionAt(text, offset + 1) }, text: '9' }], 2);
  assert.equal(removed.length, 1);
  assert.equal(fresh.length, 1);
  assert.equal(fresh[0]!.text, '---\nkind: Service\nmetadata:\n  name: s900\n');
  assert.equal(file.parts.filter((p, i) => p === old[i]).length, 999);
});

test('a full-text change keeps the parts whose text did not change', () => {
  const file = new YamlFile('u', DOCS.join(''));
  const second = file.parts[1]!;
  const { fresh } = file.applyChanges([{ text: DOCS[0]! + DOCS[1]! + '---\nkind: X\n' }], 3);
  assert.equal(file.parts[1], second);
  assert.deepEqual(fresh.map((p) => p.text), ['---\nkind: X\n']);
});
