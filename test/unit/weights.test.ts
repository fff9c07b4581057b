import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  applyWeightAction,
  formatQuantity,
  largestRemainder,
  parseQuantity,
  shares,
  shiftIsCoarse,
  totalOf,
  type Quantity,
  type WeightAction,
} from '../../src/service/model/weights.js';

// Kept small: the machine is shared. Each property finishes well under a second.
// FC_RUNS=5000 for a deeper local search.
const RUNS = { numRuns: Number(process.env['FC_RUNS'] ?? 300) };
const EPS = 1e-9;

const shift = (target: number, points: number): WeightAction => ({ type: 'shift', target, points });
const promote = (target: number): WeightAction => ({ type: 'promote', target });
const rollback = (target: number): WeightAction => ({ type: 'rollback', target });
const even: WeightAction = { type: 'even' };
const normalize = (total: number): WeightAction => ({ type: 'normalize', total });
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

describe('applyWeightAction: walkthrough and edge tables', () => {
  const cases: Array<[string, number[], WeightAction, number[]]> = [
    ['walkthrough 500/500 shift +25 to canary', [500, 500], shift(1, 25), [250, 750]],
    ['walkthrough 250/750 promote canary', [250, 750], promote(1), [0, 1000]],
    ['walkthrough 500/500 promote canary', [500, 500], promote(1), [0, 1000]],
    ['HTTPRoute 90/10 shift +10', [90, 10], shift(1, 10), [80, 20]],
    ['HTTPRoute 90/10 shift -10', [90, 10], shift(1, -10), [100, 0]],
    ['shift to the first backend', [90, 10], shift(0, -30), [60, 40]],
    ['shift past 100% clamps', [90, 10], shift(1, 150), [0, 100]],
    ['shift below 0% clamps', [90, 10], shift(1, -50), [100, 0]],
    ['shift at the clamp is a no-op', [0, 100], shift(1, 10), [0, 100]],
    ['shift 0 is identity', [3, 5, 7], shift(1, 0), [3, 5, 7]],
    ['others keep proportions', [600, 300, 100], shift(2, 10), [533, 267, 200]],
    ['others all 0 get the rest evenly', [0, 0, 100], shift(2, -10), [5, 5, 90]],
    ['rollback', [600, 300, 100], rollback(2), [667, 333, 0]],
    ['rollback, others all 0, evenly', [0, 0, 100], rollback(2), [50, 50, 0]],
    ['rollback, ties to lower index', [0, 0, 0, 10], rollback(3), [4, 3, 3, 0]],
    ['even', [90, 10], even, [50, 50]],
    ['even, ties to lower index', [1, 0, 0], even, [1, 0, 0]],
    ['even 3 over 1000', [1000, 0, 0], even, [334, 333, 333]],
    ['normalize 1,1 to 100', [1, 1], normalize(100), [50, 50]],
    ['normalize 500m/500m to 100', [500, 500], normalize(100), [50, 50]],
    ['normalize 1,2 to 100', [1, 2], normalize(100), [33, 67]],
    ['normalize all-zero is even', [0, 0, 0], normalize(1000), [334, 333, 333]],
    // Tiny totals: T is kept, so a step smaller than one unit still moves one unit (see module doc).
    ['HTTPRoute defaults 1/1 shift +10', [1, 1], shift(1, 10), [0, 2]],
    ['HTTPRoute defaults 0/2 shift -10 returns', [0, 2], shift(1, -10), [1, 1]],
    ['HTTPRoute defaults 1/1 shift -10', [1, 1], shift(1, -10), [2, 0]],
    ['1/1 shift +25 is exactly half a unit: rounds with the step', [1, 1], shift(1, 25), [0, 2]],
    ['1/1/1 shift +10: one unit, taken by largest remainder', [1, 1, 1], shift(2, 10), [1, 0, 2]],
    ['HTTPRoute defaults 1/1 promote', [1, 1], promote(0), [2, 0]],
    // All zero: T = 100, every share is 0.
    ['all-zero shift +10', [0, 0], shift(1, 10), [90, 10]],
    ['all-zero shift -10 sends all to others', [0, 0], shift(1, -10), [100, 0]],
    ['all-zero promote', [0, 0], promote(1), [0, 100]],
    ['all-zero rollback', [0, 0], rollback(0), [0, 100]],
    ['all-zero even', [0, 0], even, [50, 50]],
    ['all-zero 3 backends even', [0, 0, 0], even, [34, 33, 33]],
    // Single backend: shift and rollback have nowhere to send traffic and change nothing.
    ['single shift', [7], shift(0, -30), [7]],
    ['single rollback', [7], rollback(0), [7]],
    ['single zero rollback stays zero', [0], rollback(0), [0]],
    ['single zero shift stays zero', [0], shift(0, 10), [0]],
    ['single promote', [7], promote(0), [7]],
    ['single zero promote takes T=100', [0], promote(0), [100]],
    ['single even', [7], even, [7]],
    ['single normalize', [7], normalize(100), [100]],
    // 16 backends (HTTPRoute maximum per rule).
    ['16 x 100 shift +10 to last', Array<number>(16).fill(100), shift(15, 10), [...Array<number>(5).fill(90), ...Array<number>(10).fill(89), 260]],
    ['16 x 100 promote 3', Array<number>(16).fill(100), promote(3), [0, 0, 0, 1600, ...Array<number>(12).fill(0)]],
    ['16 x 100 rollback 0', Array<number>(16).fill(100), rollback(0), [0, ...Array<number>(10).fill(107), ...Array<number>(5).fill(106)]],
    ['16 all-zero even', Array<number>(16).fill(0), even, [...Array<number>(4).fill(7), ...Array<number>(12).fill(6)]],
    ['16 over 1000 even', [1000, ...Array<number>(15).fill(0)], even, [...Array<number>(8).fill(63), ...Array<number>(8).fill(62)]],
    ['empty split', [], even, []],
  ];
  for (const [name, weights, action, expected] of cases) {
    test(name, () => {
      const input = Object.freeze([...weights]);
      assert.deepEqual(applyWeightAction(input, action), expected);
    });
  }

  test('shift +d then -d round trip on the walkthrough', () => {
    const there = applyWeightAction([500, 500], shift(1, 25));
    assert.deepEqual(applyWeightAction(there, shift(1, -25)), [500, 500]);
  });

  test('v1alpha1 milli weights keep their unit: 500m/500m → 250m/750m', () => {
    const parsed = ['500m', '500m'].map((s) => parseQuantity(s) as Quantity);
    const out = applyWeightAction(parsed.map((q) => q.milli), shift(1, 25));
    assert.deepEqual(out.map((m, i) => formatQuantity(m, parsed[i]!.style)), ['250m', '750m']);
  });

  test('invalid input throws RangeError', () => {
    assert.throws(() => applyWeightAction([1, -1], even), RangeError);
    assert.throws(() => applyWeightAction([1, 0.5], even), RangeError);
    assert.throws(() => applyWeightAction([1, NaN], even), RangeError);
    assert.throws(() => applyWeightAction([1, 1], shift(2, 10)), RangeError);
    assert.throws(() => applyWeightAction([1, 1], promote(-1)), RangeError);
    assert.throws(() => applyWeightAction([1, 1], shift(0, Infinity)), RangeError);
    assert.throws(() => applyWeightAction([1, 1], normalize(0)), RangeError);
    assert.throws(() => applyWeightAction([1, 1], normalize(2.5)), RangeError);
  });

  test('helpers: totalOf and shiftIsCoarse', () => {
    assert.equal(totalOf([0, 0]), 100);
    assert.equal(totalOf([1, 1]), 2);
    assert.equal(shiftIsCoarse([1, 1], 10), true);
    assert.equal(shiftIsCoarse([1, 1], 50), false);
    assert.equal(shiftIsCoarse([90, 10], 10), false);
    assert.equal(shiftIsCoarse([500, 500], 25), false);
  });
});

describe('shares and largestRemainder', () => {
  test('shares', () => {
    assert.deepEqual(shares([250, 750]), [0.25, 0.75]);
    assert.deepEqual(shares([0, 0]), [0, 0]);
    assert.deepEqual(shares([]), []);
    assert.deepEqual(shares([5]), [1]);
  });

  test('largestRemainder tables', () => {
    assert.deepEqual(largestRemainder([33.3, 33.3, 33.4], 100), [33, 33, 34]);
    assert.deepEqual(largestRemainder([100 / 3, 100 / 3, 100 / 3], 100), [34, 33, 33]); // tie: lower index
    assert.deepEqual(largestRemainder([0.1 * 3, 0.7 * 1000, 299.7], 1000), [0, 700, 300]); // float noise
    assert.deepEqual(largestRemainder([1, 2, 3], 12), [2, 4, 6]); // scaled as proportions
    assert.deepEqual(largestRemainder([0, 0], 5), [3, 2]); // all zero: even
    assert.deepEqual(largestRemainder([5e-324, 5e-324], 1e7), [5e6, 5e6]); // tiny values: no overflow
    assert.deepEqual(largestRemainder([], 0), []);
    assert.throws(() => largestRemainder([], 1), RangeError);
    assert.throws(() => largestRemainder([-1, 2], 1), RangeError);
    assert.throws(() => largestRemainder([1, 2], 1.5), RangeError);
  });

  test('property: integers, exact sum, each within one unit of its quota', () => {
    const arb = fc.tuple(
      fc.array(fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 16 }),
      fc.integer({ min: 0, max: 1e7 }),
    );
    fc.assert(
      fc.property(arb, ([exact, total]) => {
        const out = largestRemainder(exact, total);
        assert.equal(sum(out), total);
        const s = sum(exact);
        out.forEach((v, i) => {
          assert.ok(Number.isInteger(v) && v >= 0);
          const quota = s > 0 ? (exact[i]! * total) / s : total / exact.length;
          assert.ok(Math.abs(v - quota) < 1 + 1e-6, `entry ${i}: ${v} vs quota ${quota}`);
        });
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over random splits of 1-16 backends

const weightArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 1_000_000 }));
const splitArb: fc.Arbitrary<number[]> = fc.oneof(
  fc.array(weightArb, { minLength: 1, maxLength: 16 }),
  fc.integer({ min: 1, max: 16 }).map((n) => Array<number>(n).fill(0)), // all zero
  fc
    .tuple(fc.integer({ min: 1, max: 16 }), fc.nat(), fc.integer({ min: 1, max: 1_000_000 }))
    .map(([n, at, w]) => Array.from({ length: n }, (_, i) => (i === at % n ? w : 0))), // one non-zero
  fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 16 }), // tiny totals
);
const withTarget = splitArb.chain((w) => fc.tuple(fc.constant(w), fc.integer({ min: 0, max: w.length - 1 })));
const pointsArb = fc.oneof(
  fc.integer({ min: -100, max: 100 }),
  fc.constantFrom(-10, 10, -25, 25, 150, -150),
  fc.double({ min: -120, max: 120, noNaN: true, noDefaultInfinity: true }),
);
const actionArb = (n: number): fc.Arbitrary<WeightAction> =>
  fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: n - 1 }), pointsArb).map(([t, p]) => shift(t, p)),
    fc.integer({ min: 0, max: n - 1 }).map(promote),
    fc.integer({ min: 0, max: n - 1 }).map(rollback),
    fc.constant(even),
    fc.integer({ min: 1, max: 1_000_000 }).map(normalize),
  );

/**
 * Exact (unrounded) new weight of the target: the share rule clamp(s_t + d/100, 0, 1) times T,
 * computed in weight units because s_t·T loses precision for tiny steps.
 */
const exactTarget = (w: readonly number[], t: number, points: number): number => {
  const T = totalOf(w);
  return Math.min(Math.max(w[t]! + (points * T) / 100, 0), T);
};

describe('applyWeightAction properties', () => {
  test('every action: integers, never negative, Σ = T (normalize: its total)', () => {
    const arb = splitArb.chain((w) => fc.tuple(fc.constant(w), actionArb(w.length)));
    fc.assert(
      fc.property(arb, ([w, action]) => {
        const out = applyWeightAction(w, action);
        assert.equal(out.length, w.length);
        for (const v of out) assert.ok(Number.isSafeInteger(v) && v >= 0, `bad weight ${v}`);
        const singleNoOp = w.length === 1 && (action.type === 'shift' || action.type === 'rollback');
        if (singleNoOp) assert.deepEqual(out, w);
        else assert.equal(sum(out), action.type === 'normalize' ? action.total : totalOf(w));
      }),
      RUNS,
    );
  });

  test('shift moves the target by the step (within one unit of T) or to the clamp, in its direction', () => {
    fc.assert(
      fc.property(withTarget, pointsArb, ([w, t], points) => {
        fc.pre(w.length > 1);
        const out = applyWeightAction(w, shift(t, points));
        const T = totalOf(w);
        const x = exactTarget(w, t, points);
        assert.ok(Math.abs(out[t]! - x) < 1 + EPS, `target ${out[t]} vs exact ${x}`);
        assert.ok(Math.abs(shares(out)[t]! - x / T) <= 1 / T + EPS);
        const cur = w[t]!;
        // A move the clamp allows is never lost to rounding, and never goes the wrong way.
        // Steps under 1e-6 units are float noise (e.g. points = -1.5e-13): either outcome is fine.
        if (x > cur + 1e-6) assert.ok(out[t]! > cur);
        else if (x < cur - 1e-6) assert.ok(out[t]! < cur);
        else assert.ok(Math.abs(out[t]! - cur) <= 1);
      }),
      RUNS,
    );
  });

  test('shift and rollback: the others keep their relative proportions within rounding', () => {
    const arb = withTarget.chain(([w, t]) =>
      fc.tuple(fc.constant(w), fc.constant(t), fc.oneof(pointsArb.map((p) => shift(t, p)), fc.constant(rollback(t)))),
    );
    fc.assert(
      fc.property(arb, ([w, t, action]) => {
        fc.pre(w.length > 1);
        const out = applyWeightAction(w, action);
        const others = w.filter((_, i) => i !== t);
        const rest = totalOf(w) - out[t]!;
        const so = sum(others);
        let k = 0;
        out.forEach((v, i) => {
          if (i === t) return;
          const quota = so > 0 ? (others[k]! * rest) / so : rest / others.length;
          assert.ok(Math.abs(v - quota) < 1 + EPS, `backend ${i}: ${v} vs ${quota}`);
          k++;
        });
      }),
      RUNS,
    );
  });

  test('promote: target gets T, others 0; promote twice = promote once', () => {
    fc.assert(
      fc.property(withTarget, ([w, t]) => {
        const once = applyWeightAction(w, promote(t));
        assert.deepEqual(once, w.map((_, i) => (i === t ? totalOf(w) : 0)));
        assert.deepEqual(applyWeightAction(once, promote(t)), once);
      }),
      RUNS,
    );
  });

  test('rollback: target gets 0 (unless alone) and is idempotent', () => {
    fc.assert(
      fc.property(withTarget, ([w, t]) => {
        const once = applyWeightAction(w, rollback(t));
        if (w.length > 1) assert.equal(once[t], 0);
        else assert.deepEqual(once, w);
        assert.deepEqual(applyWeightAction(once, rollback(t)), once);
      }),
      RUNS,
    );
  });

  test('even: spread within one unit, idempotent', () => {
    fc.assert(
      fc.property(splitArb, (w) => {
        const once = applyWeightAction(w, even);
        assert.ok(Math.max(...once) - Math.min(...once) <= 1);
        assert.deepEqual(applyWeightAction(once, even), once);
      }),
      RUNS,
    );
  });

  test('normalize: identity at its own total; normalize(T) of a normalized split is identity', () => {
    fc.assert(
      fc.property(splitArb, fc.integer({ min: 1, max: 1_000_000 }), (w, total) => {
        if (sum(w) > 0) assert.deepEqual(applyWeightAction(w, normalize(sum(w))), w);
        const once = applyWeightAction(w, normalize(total));
        assert.deepEqual(applyWeightAction(once, normalize(total)), once);
        const s = shares(w);
        once.forEach((v, i) => {
          const quota = sum(w) > 0 ? s[i]! * total : total / w.length;
          assert.ok(Math.abs(v - quota) < 1 + 1e-6);
        });
      }),
      RUNS,
    );
  });

  test('shift +d then -d returns to the start within rounding when no clamp happened', () => {
    fc.assert(
      fc.property(withTarget, pointsArb, ([w, t], points) => {
        fc.pre(w.length > 1 && sum(w) > 0); // all-zero has no proportions to return to
        const T = totalOf(w);
        const x1 = w[t]! + (points * T) / 100;
        fc.pre(x1 >= 0 && x1 <= T);
        const there = applyWeightAction(w, shift(t, points));
        const back = applyWeightAction(there, shift(t, -points));
        assert.equal(sum(back), T);
        assert.ok(Math.abs(back[t]! - w[t]!) <= 1, `target ${w[t]} → ${there[t]} → ${back[t]}`);
        // The others went through two roundings; the first one's error is scaled by how much
        // they shrank in between (rest2/rest1), which is what "within rounding" means here.
        const rest0 = T - w[t]!;
        const rest1 = T - there[t]!;
        const rest2 = T - back[t]!;
        fc.pre(rest1 > 0 || rest0 === 0); // target rounded up to all of T: proportions are gone
        const bound = 1 + (rest1 > 0 ? rest2 / rest1 : 1) + EPS;
        w.forEach((v, i) => {
          if (i === t) return;
          const expected = rest0 > 0 ? (v * rest2) / rest0 : back[i]!;
          assert.ok(Math.abs(back[i]! - expected) < bound, `backend ${i}: ${v} → ${there[i]} → ${back[i]}`);
        });
        // With a step that is a whole number of units and large weights, the trip is exact.
        if (Number.isInteger(points) && Number.isInteger((points * T) / 100) && w.every((v) => v % 100 === 0)) {
          const others = w.filter((_, i) => i !== t);
          if (others.every((v) => v === 0 || (v * rest1) % rest0 === 0)) assert.deepEqual(back, w);
        }
      }),
      RUNS,
    );
  });

  test('input array is not mutated', () => {
    fc.assert(
      fc.property(
        splitArb.chain((w) => fc.tuple(fc.constant(w), actionArb(w.length))),
        ([w, action]) => {
          const copy = [...w];
          applyWeightAction(Object.freeze(w), action);
          assert.deepEqual(w, copy);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('parseQuantity / formatQuantity', () => {
  const ok: Array<[string | number, Quantity]> = [
    ['500m', { milli: 500, style: 'milli' }],
    ['1', { milli: 1000, style: 'whole' }],
    ['0', { milli: 0, style: 'whole' }],
    ['0m', { milli: 0, style: 'milli' }],
    ['0.5', { milli: 500, style: 'whole' }],
    ['.5', { milli: 500, style: 'whole' }],
    ['1.', { milli: 1000, style: 'whole' }],
    ['+3', { milli: 3000, style: 'whole' }],
    ['1k', { milli: 1_000_000, style: 'whole' }],
    ['1M', { milli: 1e9, style: 'whole' }],
    ['2Mi', { milli: 2 * 1024 * 1024 * 1000, style: 'whole' }], // binary suffixes are valid quantities
    ['1Ki', { milli: 1_024_000, style: 'whole' }],
    ['1e3', { milli: 1_000_000, style: 'whole' }],
    ['1E3', { milli: 1_000_000, style: 'whole' }],
    ['5e-1', { milli: 500, style: 'whole' }],
    ['1500m', { milli: 1500, style: 'milli' }],
    ['0.0001', { milli: 1, style: 'whole' }], // below 1m rounds up, like Kubernetes MilliValue()
    ['007', { milli: 7000, style: 'whole' }],
    [1, { milli: 1000, style: 'whole' }],
    [500, { milli: 500_000, style: 'whole' }],
    [1.5, { milli: 1500, style: 'whole' }],
    [0, { milli: 0, style: 'whole' }],
  ];
  for (const [input, expected] of ok) {
    test(`parses ${JSON.stringify(input)}`, () => assert.deepEqual(parseQuantity(input), expected));
  }

  const bad: Array<[string | number, RegExp]> = [
    ['-1', /negative/],
    ['-500m', /negative/],
    [-1, /negative/],
    ['abc', /not a Kubernetes quantity/],
    ['', /empty/],
    ['1x', /unknown suffix "x"/],
    ['1KI', /unknown suffix/],
    ['1ki', /unknown suffix/],
    ['1.2.3', /suffix|not a Kubernetes quantity/],
    ['.', /not a Kubernetes quantity/],
    ['m', /not a Kubernetes quantity/],
    [' 1', /whitespace/],
    ['1 ', /whitespace/],
    ['1E', /too large/], // exa
    ['1e400', /too large/],
    ['1e9999', /exponent/],
    [NaN, /finite/],
    [Infinity, /finite/],
  ];
  for (const [input, pattern] of bad) {
    test(`rejects ${JSON.stringify(input) ?? String(input)}`, () => {
      const r = parseQuantity(input);
      assert.ok('error' in r, `expected an error for ${String(input)}`);
      assert.match(r.error, pattern);
    });
  }

  test('formatQuantity', () => {
    assert.equal(formatQuantity(250, 'milli'), '250m');
    assert.equal(formatQuantity(1000, 'milli'), '1000m');
    assert.equal(formatQuantity(0, 'milli'), '0m');
    assert.equal(formatQuantity(1000, 'whole'), '1');
    assert.equal(formatQuantity(0, 'whole'), '0');
    assert.equal(formatQuantity(250, 'whole'), '250m');
    assert.throws(() => formatQuantity(-1, 'milli'), RangeError);
    assert.throws(() => formatQuantity(1.5, 'whole'), RangeError);
  });

  test('canonical forms round-trip textually', () => {
    for (const s of ['500m', '250m', '0m', '1', '0', '3', '1500m', '1000000']) {
      const q = parseQuantity(s) as Quantity;
      assert.equal(formatQuantity(q.milli, q.style), s);
    }
  });

  test('property: parse(format(parse(x))) keeps the value and style of milli forms', () => {
    const textArb = fc.oneof(
      fc.nat({ max: 10_000_000 }).map((n) => `${n}m`),
      fc.nat({ max: 1_000_000 }).map(String),
      fc.tuple(fc.nat({ max: 1000 }), fc.nat({ max: 999 })).map(([a, b]) => `${a}.${String(b).padStart(3, '0')}`),
      fc.tuple(fc.nat({ max: 1000 }), fc.constantFrom('k', 'M', 'Ki', 'Mi', 'e2', 'e-3')).map(([a, s]) => `${a}${s}`),
      fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }),
    );
    fc.assert(
      fc.property(textArb, (x) => {
        const q = parseQuantity(x);
        assert.ok(!('error' in q), `${String(x)}: ${'error' in q ? q.error : ''}`);
        const text = formatQuantity(q.milli, q.style);
        const again = parseQuantity(text) as Quantity;
        assert.equal(again.milli, q.milli);
        if (q.style === 'milli') assert.equal(again.style, 'milli');
        assert.equal(formatQuantity(again.milli, again.style), text); // formatting is a fixed point
      }),
      RUNS,
    );
  });
});
