import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeLens, TextEdit } from 'vscode-languageserver-types';
import { WEIGHTS_COMMAND, type WeightCommandArgs, type WeightLensData } from '../../src/protocol/messages';
import { LanguageService } from '../../src/service/languageService';
import { MAX_BACKEND_LENSES, STALE_LENS_TITLE } from '../../src/service/features/lenses';
import { COMPACT_BACKENDS, LISTED_BACKENDS } from '../../src/service/features/weightCommand';
import { splitDocumentOf } from '../../src/service/model/adapters';
import { applyWeightAction } from '../../src/service/model/weights';
import { applyTextEdits } from '../support/edits';
import { hugeBackend, hugeSplit, hugeWeight, type HugeKind } from '../support/hugeSplits';

/**
 * Splits with many backends (issue 13 §1): the code-lens and outline payloads grow linearly with the backends, the
 * work per backend is bounded, per-backend lenses stop above MAX_BACKEND_LENSES, and weight lenses are resolved on
 * demand. Sizes and counts, never the clock.
 */

const URI = 'file:///work/huge.yaml';
const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

function service(kind: HugeKind, n: number): LanguageService {
  const ls = new LanguageService();
  ls.setFile(URI, hugeSplit(kind, n), 1);
  return ls;
}

/**
 * Counts reads of the split's backends (by index, as `map`, `reduce`, `some` and `for…of` read them) while `run`
 * runs: the split model is cached with its part, so features read this very array.
 */
function backendReads(ls: LanguageService, run: () => void): number {
  const part = ls.getFile(URI)!.parts[0]!;
  const split = splitDocumentOf(part)!.splits[0]!;
  const original = split.backends;
  let reads = 0;
  split.backends = new Proxy(original, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  try {
    run();
  } finally {
    split.backends = original;
  }
  return reads;
}

/** The weights a text's `weight:` lines hold, in order. */
const weightsIn = (text: string): number[] => [...text.matchAll(/weight: (\d+)/g)].map((m) => Number(m[1]));

/** Runs a resolved weight lens's command against the service; returns the new text. */
function execute(ls: LanguageService, lens: CodeLens): string {
  assert.equal(lens.command?.command, WEIGHTS_COMMAND);
  const result = ls.weightsEdit(lens.command.arguments![0] as WeightCommandArgs);
  assert.ok('edit' in result, JSON.stringify(result));
  return applyTextEdits(ls.getFile(URI)!.text, result.edit.changes![URI] as TextEdit[]);
}

const dataOf = (lens: CodeLens): WeightLensData => lens.data as WeightLensData;
/** A shift in the direction of `sign`. */
const isShift = (action: WeightLensData['action'], sign: 1 | -1): boolean => action.type === 'shift' && Math.sign(action.points) === sign;

describe('huge splits: code lenses', () => {
  test('below the cap the response grows linearly: the same bytes for each further backend, and few of them', () => {
    // Per-backend increments between 25 → 50 and 50 → 100 backends: the same when each lens is O(1), about double
    // when each lens lists every backend (its tooltip).
    const size = (n: number): number => bytes(service('TrafficSplit', n).codeLenses(URI));
    const [s25, s50, s100] = [25, 50, MAX_BACKEND_LENSES].map(size) as [number, number, number];
    const first = (s50 - s25) / 25;
    const second = (s100 - s50) / (MAX_BACKEND_LENSES - 50);
    assert.ok(second <= first * 1.2, `bytes per backend: ${first.toFixed(0)} from 25 to 50, ${second.toFixed(0)} from 50 to 100`);
    assert.ok(second < 1000, `${second.toFixed(0)} bytes per backend (a share, +step and −step)`);
  });

  test('below the cap the first response computes no command of a weight lens, and every lens reads O(1) backends', () => {
    const n = MAX_BACKEND_LENSES;
    const ls = service('TrafficSplit', n);
    let lenses: CodeLens[] = [];
    const reads = backendReads(ls, () => { lenses = ls.codeLenses(URI); });
    assert.ok(reads <= 20 * n, `${reads} reads of the backends for ${n} backends`);
    const actions = lenses.filter((l) => !l.command);
    assert.equal(actions.length, 2 * n + 5, '+step and −step per backend; the five split actions (the weights are uneven)');
    assert.ok(actions.every((l) => dataOf(l).uri === URI && dataOf(l).version === 1 && dataOf(l).part === 0 && dataOf(l).split === 0));
    assert.ok(lenses.every((l) => bytes(l) < 400), 'no lens carries a list of the backends');
  });

  for (const n of [1_000, 4_000]) {
    test(`${n.toLocaleString('en')} backends (above the cap): the split's own lenses and exactly one saying why there are no more`, () => {
      const ls = service('TrafficSplit', n);
      const lenses = ls.codeLenses(URI);
      const capped = lenses.filter((l) => l.command?.title.includes('per-backend lenses are off'));
      assert.deepEqual(capped.map((l) => l.command!.title), [
        `${n.toLocaleString('en')} backends: per-backend lenses are off above ${MAX_BACKEND_LENSES}; use Shift or Even split above, or edit the weights`,
      ]);
      const splitLine = lenses[0]!.range.start.line;
      assert.ok(lenses.every((l) => l.range.start.line === splitLine), 'no lens above a backend');
      assert.ok(lenses.length <= 10, `${lenses.length} lenses`);
      assert.equal(lenses[0]!.command!.title.split('/').length, COMPACT_BACKENDS + 1, 'the shares of the first backends, then how many more');
      assert.match(lenses[0]!.command!.title, new RegExp(`/… ${(n - COMPACT_BACKENDS).toLocaleString('en')} more$`));
      assert.equal(lenses[0]!.command!.tooltip!.split(' · ').length, LISTED_BACKENDS + 1, 'the tooltip names the first backends, then how many more');
      assert.match(lenses[0]!.command!.tooltip!, new RegExp(` · … ${(n - LISTED_BACKENDS).toLocaleString('en')} more$`));
      for (const l of lenses.filter((x) => !x.command)) {
        const done = ls.resolveCodeLens(l)!;
        assert.ok(bytes(done) < 2000, `resolved ${done.command?.title}: ${bytes(done)} bytes`);
      }
    });
  }

  test('the response is the same size whatever the number of backends above the cap; its work is linear', () => {
    const at1k = service('TrafficSplit', 1_000);
    const at4k = service('TrafficSplit', 4_000);
    const [b1k, b4k] = [bytes(at1k.codeLenses(URI)), bytes(at4k.codeLenses(URI))];
    assert.ok(b4k / 4_000 <= (b1k / 1_000) * 1.2 && b4k < 4_000, `${b1k} bytes at 1,000 backends, ${b4k} at 4,000`);
    const reads = backendReads(at4k, () => at4k.codeLenses(URI));
    assert.ok(reads <= 20 * 4_000, `${reads} reads of the backends for 4,000 backends`);
  });

  test('an HTTPRoute of 1,000 backendRefs breaks the schema (16 at most): one lens saying so', () => {
    const ls = service('HTTPRoute', 1_000);
    assert.deepEqual(ls.codeLenses(URI).map((l) => l.command?.title), ['Canary Lens: fix the schema error in spec.rules[0].backendRefs to shift weights']);
  });
});

describe('huge splits: resolving and executing', () => {
  test('a backend lens resolves to its shift, with a bounded preview; executing it shifts that backend', () => {
    const n = 50;
    const target = 7;
    const ls = service('TrafficSplit', n);
    const text = ls.getFile(URI)!.text;
    const line = text.split('\n').findIndex((l) => l.includes(`service: ${hugeBackend(target)}\n`) || l.endsWith(`service: ${hugeBackend(target)}`));
    const lens = ls.codeLenses(URI).find((l) => l.range.start.line === line && !l.command && dataOf(l).place === 'backend' && isShift(dataOf(l).action, 1));
    assert.ok(lens, `a +10% lens on line ${line}`);
    const done = ls.resolveCodeLens(JSON.parse(JSON.stringify(lens)) as CodeLens)!;
    assert.equal(done.command?.title, '+10%');
    const args = done.command.arguments![0] as WeightCommandArgs;
    assert.deepEqual(args.action, { type: 'shift', target, points: 10 });
    const units = Array.from({ length: n }, (_, i) => hugeWeight(i));
    const expected = applyWeightAction(units, { type: 'shift', target, points: 10 });
    assert.match(done.command.tooltip!, new RegExp(` · … ${n - LISTED_BACKENDS} more \\(weights ${expected.slice(0, LISTED_BACKENDS).join(' / ')} / … ${n - LISTED_BACKENDS} more\\)`));
    const out = execute(ls, done);
    assert.deepEqual(weightsIn(out), expected);
    assert.equal(out.replace(/weight: \d+/g, 'weight: N'), text.replace(/weight: \d+/g, 'weight: N'), 'only the weights change');
  });

  test('above the cap the split lenses still resolve and execute: Shift → the last backend of 1,000', () => {
    const n = 1_000;
    const ls = service('TrafficSplit', n);
    const lens = ls.codeLenses(URI).find((l) => !l.command && isShift(dataOf(l).action, 1));
    const done = ls.resolveCodeLens(lens!)!;
    assert.equal(done.command?.title, `Shift 10% → ${hugeBackend(n - 1)}`);
    const units = Array.from({ length: n }, (_, i) => hugeWeight(i));
    assert.deepEqual(weightsIn(execute(ls, done)), applyWeightAction(units, { type: 'shift', target: n - 1, points: 10 }));
  });

  test('a lens resolved after the document changed is a harmless label; data that is not a weight lens is refused', () => {
    const ls = service('TrafficSplit', 20);
    const lens = ls.codeLenses(URI).find((l) => !l.command)!;
    const file = ls.getFile(URI)!;
    ls.changeFile(URI, [{ text: file.text.replace('weight: 1\n', 'weight: 2\n') }], 2);
    assert.deepEqual(ls.resolveCodeLens(lens)!.command, { title: STALE_LENS_TITLE, command: '' });
    assert.equal(ls.resolveCodeLens({ range: lens.range, data: { ...dataOf(lens), place: 'elsewhere' } }), undefined);
    assert.equal(ls.resolveCodeLens({ range: lens.range }), undefined);
  });
});

describe('huge splits: document symbols', () => {
  for (const kind of ['TrafficSplit', 'HTTPRoute'] as const) {
    test(`${kind}: the outline grows linearly (bytes and reads of the backends per backend)`, () => {
      const size = (n: number): number => bytes(service(kind, n).documentSymbols(URI));
      const [at1k, at4k] = [size(1_000) / 1_000, size(4_000) / 4_000];
      assert.ok(at4k <= at1k * 1.2 && at4k < 300, `bytes per backend: ${at1k.toFixed(0)} at 1,000, ${at4k.toFixed(0)} at 4,000`);
      const ls = service(kind, 4_000);
      let children = 0;
      const reads = backendReads(ls, () => { children = ls.documentSymbols(URI)[0]!.children!.length; });
      assert.equal(children, 4_000);
      assert.ok(reads <= 10 * 4_000, `${reads} reads of the backends for 4,000 backends`);
    });
  }
});
