import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { TextEdit } from 'vscode-languageserver-types';
import { splitDocumentOf } from '../../src/service/model/adapters';
import type { YamlFile } from '../../src/service/document/file';
import { LanguageService } from '../../src/service/languageService';
import type { Split, SplitDocument } from '../../src/service/model/split';
import type { YamlPart } from '../../src/service/document/part';
import { weightEdits, weightsRefusal } from '../../src/service/features/weightEdits';
import { applyTextEdits } from '../support/edits';

// Kept small: the machine is shared.
const RUNS = { numRuns: 40 };
const URI = 'file:///work/edits.yaml';
const FIXTURES = join(__dirname, '..', 'fixtures', 'edits');

const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

interface Located { part: YamlPart; partIndex: number; doc: SplitDocument; split: Split }

function load(text: string): YamlFile {
  return new LanguageService().setFile(URI, text);
}

/** Every split of every clean split document of a file. */
function splits(file: YamlFile): Located[] {
  return file.parts.flatMap((part, partIndex) => {
    const doc = part.isSplit && part.doc.errors.length === 0 ? splitDocumentOf(part) : undefined;
    return doc ? doc.splits.map((split) => ({ part, partIndex, doc, split })) : [];
  });
}

function splitIn(text: string, partIndex: number, splitIndex: number): Located {
  const found = splits(load(text)).find((s) => s.partIndex === partIndex && s.split.index === splitIndex);
  assert.ok(found, `split ${splitIndex} of part ${partIndex} after the edit`);
  return found;
}

function edit(text: string, partIndex: number, splitIndex: number, units: number[]): string {
  const at = splitIn(text, partIndex, splitIndex);
  const edits = weightEdits(at.part, at.split, units, at.doc.api?.weightUnit);
  assert.ok(Array.isArray(edits), `refused: ${JSON.stringify(edits)}`);
  return applyTextEdits(text, edits);
}

/**
 * The text with every weight scalar masked and every `weight: <mask>` pair that an insertion could have made
 * removed (in both texts alike): two texts that differ only in weight values and inserted weights mask equally.
 */
function masked(text: string): string {
  const file = load(text);
  const spans = splits(file)
    .flatMap(({ part, split }) => split.backends.flatMap((b) => (b.weight.span ? [{ start: part.start + b.weight.span.start, end: part.start + b.weight.span.end }] : [])))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + '\u00a7W' + out.slice(s.end);
  return out.replace(/\r?\n[ \t]*weight: \u00a7W|, weight: \u00a7W/g, '');
}

const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml')).sort();
const read = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

describe('weightEdits: exact results', () => {
  test('v1alpha2 with comments everywhere: only the two scalars change', () => {
    const text = read('ts-v1alpha2-comments.yaml');
    const out = edit(text, 2, 0, [500, 500]);
    assert.equal(out, text.replace('weight: 900 # ninety percent', 'weight: 500 # ninety percent').replace('- weight: 100\n', '- weight: 500\n'));
  });

  test('hex and spaced weights, dash on its own line, document end marker', () => {
    const text = read('ts-v1alpha2-comments.yaml');
    const out = edit(text, 3, 0, [3, 23]);
    assert.equal(out, text.replace('weight: 0x10', 'weight: 3').replace('weight:   10      # spaced', 'weight:   23      # spaced'));
  });

  test('unchanged weights get no edit; all unchanged gives no edits', () => {
    const text = read('ts-v1alpha2-comments.yaml');
    const at = splitIn(text, 2, 0);
    assert.deepEqual(weightEdits(at.part, at.split, [900, 100], 'integer'), []);
    const one = weightEdits(at.part, at.split, [900, 7], 'integer') as TextEdit[];
    assert.equal(one.length, 1);
    assert.equal(one[0]!.newText, '7');
  });

  test('v1alpha1 quantities keep their quoting and their style', () => {
    const text = read('ts-v1alpha1-quantities.yaml');
    const out = edit(text, 0, 0, [250, 750, 0, 2000, 1500]);
    assert.equal(out, text
      .replace('weight: 500m', 'weight: 250m')
      .replace('weight: "250m"', 'weight: "750m"')
      .replace("weight: '1'", "weight: '0'")
      .replace('weight: 0.5', 'weight: 2')
      .replace('weight: 1\n', 'weight: 1500m\n'));
  });

  test('v1alpha1 in a flow document', () => {
    const text = read('ts-v1alpha1-quantities.yaml');
    assert.equal(edit(text, 1, 0, [1000, 0]), text.replace('weight: 100m}', 'weight: 1000m}').replace('weight: "900m"', 'weight: "0m"'));
  });

  test('HTTPRoute defaults: weight inserted in block maps (after nested filters) and flow maps (trailing comma too)', () => {
    const text = read('httproute-defaults.yaml');
    const out = edit(text, 0, 0, [10, 20, 30, 40, 3]);
    assert.equal(out, text
      .replace('        - name: a\n          port: 8080\n', '        - name: a\n          port: 8080\n          weight: 10\n')
      .replace('                set: [{name: x, value: y}]\n', '                set: [{name: x, value: y}]\n          weight: 20\n')
      .replace('{name: c, port: 8080}', '{name: c, port: 8080, weight: 30}')
      .replace('{ name: d, port: 8080, }', '{ name: d, port: 8080, weight: 40, }'));
  });

  test('HTTPRoute: a default that stays 1 is left alone; the indentation follows the item', () => {
    const text = read('httproute-defaults.yaml');
    const out = edit(text, 0, 1, [1, 4]);
    assert.equal(out, text.replace('      - name: b\n        port: 8080\n', '      - name: b\n        port: 8080\n        weight: 4\n'));
  });

  test('HTTPRoute flow document and an insertion at the end of a file without a final line break', () => {
    const text = read('mixed-kinds.yaml');
    assert.equal(edit(text, 4, 0, [0, 2]), text.replace('{name: a, port: 80}', '{name: a, port: 80, weight: 0}'));
    assert.equal(edit(text, 5, 0, [1, 9]), `${text}\n      weight: 9`);
  });

  test('CRLF: replaced scalars and inserted lines use CRLF, nothing else moves', () => {
    const text = crlf(read('httproute-defaults.yaml'));
    const out = edit(text, 0, 1, [1, 4]);
    assert.equal(out, text.replace('      - name: b\r\n        port: 8080\r\n', '      - name: b\r\n        port: 8080\r\n        weight: 4\r\n'));
    const mixed = crlf(read('mixed-kinds.yaml'));
    assert.equal(edit(mixed, 5, 0, [1, 9]), `${mixed}\r\n      weight: 9`);
  });

  test('other kinds and other splits in the file are untouched', () => {
    const text = read('mixed-kinds.yaml');
    const out = edit(text, 1, 0, [1, 9]);
    assert.equal(out, text.replace('          weight: 7\n', '          weight: 1\n').replace('          weight: 3\n', '          weight: 9\n'));
    assert.ok(out.includes('data:\n  weight: "500"'));
  });
});

describe('weightEdits: refusals', () => {
  const text = read('refusals.yaml');
  const refusal = (partIndex: number, units: number[]): string => {
    const at = splitIn(text, partIndex, 0);
    const r = weightEdits(at.part, at.split, units, at.doc.api?.weightUnit);
    assert.ok(!Array.isArray(r), 'expected a refusal');
    return r.refused;
  };

  test('an alias (and the anchor it reads) is never rewritten', () => {
    assert.match(refusal(0, [10, 90]), /alias|anchor/);
  });
  test('an anchored weight alone is refused too', () => {
    const anchored = 'apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata: {name: x}\nspec:\n  service: apex\n  backends:\n    - service: a\n      weight: &w 5\n    - service: b\n      weight: 5\n';
    const at = splitIn(anchored, 0, 0);
    assert.match((weightEdits(at.part, at.split, [1, 9], 'integer') as { refused: string }).refused, /anchor/);
  });
  test('a quoted integer, a negative weight and a missing required weight', () => {
    assert.match(refusal(1, [10, 90]), /invalid/);
    assert.match(refusal(2, [10, 90]), /invalid/);
    assert.match(refusal(3, [10, 90]), /invalid|required/);
  });
  test('wrong number of weights and non-integers', () => {
    const at = splitIn(read('mixed-kinds.yaml'), 1, 0);
    assert.ok(!Array.isArray(weightEdits(at.part, at.split, [1], 'integer')));
    assert.ok(!Array.isArray(weightEdits(at.part, at.split, [1.5, 2], 'integer')));
    assert.ok(!Array.isArray(weightEdits(at.part, at.split, [-1, 2], 'integer')));
  });
});

describe('weightEdits: corpus properties', () => {
  for (const name of fixtures) {
    for (const [variant, transform] of [['LF', (t: string) => t], ['CRLF', crlf]] as const) {
      const text = transform(read(name));
      for (const at of splits(load(text))) {
        if (at.split.backends.length === 0 || weightsRefusal(at.part, at.split)) continue;
        const title = `${name} (${variant}) part ${at.partIndex} split ${at.split.index}`;
        test(title, () => {
          const unit = at.doc.api?.weightUnit;
          const max = unit === 'quantity' ? 5000 : 2000;
          const n = at.split.backends.length;
          const units = fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.nat({ max })), { minLength: n, maxLength: n });
          fc.assert(fc.property(units, (target) => checkEdit(text, at, target, variant === 'CRLF')), RUNS);
        });
      }
    }
  }
});

function checkEdit(text: string, at: Located, target: number[], isCrlf: boolean): void {
  const unit = at.doc.api?.weightUnit;
  const edits = weightEdits(at.part, at.split, target, unit);
  assert.ok(Array.isArray(edits));
  const changed = at.split.backends.filter((b, i) => b.weight.units !== target[i]);
  assert.equal(edits.length, changed.length, 'one edit per changed weight, none for the others');
  for (const e of edits) {
    const start = at.part.offsetAt(e.range.start);
    const end = at.part.offsetAt(e.range.end);
    if (start === end) {
      assert.match(e.newText, isCrlf ? /^(\r\n *weight: \d+|, weight: \d+)$/ : /^(\n *weight: \d+|, weight: \d+)$/);
    } else {
      assert.ok(at.split.backends.some((b) => b.weight.span?.start === start && b.weight.span.end === end), 'a replacement covers exactly a weight scalar');
    }
  }
  const out = applyTextEdits(text, edits);
  assert.equal(masked(out), masked(text), 'everything but weights is byte-identical');
  if (isCrlf) assert.ok(!/[^\r]\n/.test(out), 'no bare LF in a CRLF file');
  const after = splitIn(out, at.partIndex, at.split.index);
  assert.deepEqual(after.split.backends.map((b) => b.weight.units), target);
  for (const [i, b] of after.split.backends.entries()) {
    const before = at.split.backends[i]!;
    if (!before.weight.span || !b.weight.span || before.weight.units === target[i]) continue;
    const was = at.part.text.slice(before.weight.span.start, before.weight.span.end);
    const now = after.part.text.slice(b.weight.span.start, b.weight.span.end);
    if (/^["']/.test(was)) assert.equal(now[0], was[0], 'quoting kept');
    if (unit === 'quantity') {
      assert.equal(b.weight.quantityStyle === 'milli', before.weight.quantityStyle === 'milli' || target[i]! % 1000 !== 0, `style of ${now}`);
    }
  }
}
