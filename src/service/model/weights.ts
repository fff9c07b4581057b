/**
 * Weight arithmetic for canary splits. Pure: no I/O, no YAML, no LSP types.
 *
 * Weights are non-negative integers in the split's own unit: plain integers for TrafficSplit
 * v1alpha2+ and HTTPRoute, milli-units for v1alpha1 (the caller converts with parseQuantity and
 * writes back with formatQuantity so `500m` stays in milli form).
 *
 * Decisions (documented here because the lenses and tests depend on them):
 * - Total T = Σw when Σw > 0, else 100. Every action returns integers summing to exactly T
 *   (normalize: to its `total`), except the single-backend no-ops below.
 * - Rounding: the target of a shift is rounded on its own first (half-way rounds in the direction
 *   of the step) so it gets exactly its rounded share; the others then share the rest by
 *   largest remainder, ties going to the lower index. Exact integer arithmetic (BigInt) is used
 *   for proportional splits, so re-applying an action to its own output changes nothing.
 * - Tiny totals: a non-zero step that is not blocked by the clamp always moves the target by at
 *   least one unit in the step's direction, even when T is too small to express the step
 *   (HTTPRoute defaults [1,1] shifted +10 → [0,2]). Doing nothing would make the `+10%` lens look
 *   broken; the result is still within one unit of the exact step. We never rescale T here: a
 *   caller that wants finer steps offers normalize first (see `shiftIsCoarse`).
 * - Single backend: it carries all traffic whatever its weight, so shift and rollback have
 *   nowhere to move traffic and return the weights unchanged (even [0]). Promote/even give [T].
 * - Invalid input (negative, fractional or unsafe weights, bad target, non-finite points) throws
 *   RangeError: these are caller bugs, since the caller converts and validates the YAML first.
 */

import type { WeightAction } from '../../protocol/messages';

export type { WeightAction } from '../../protocol/messages';

/** Total used when every weight is 0: shares are then expressed in percent. */
export const DEFAULT_TOTAL = 100;

/** The total an action keeps: Σw when positive, else DEFAULT_TOTAL. */
export function totalOf(weights: readonly number[]): number {
  const sum = weights.reduce((a, b) => a + b, 0);
  return sum > 0 ? sum : DEFAULT_TOTAL;
}

/**
 * True when a shift of `points` cannot be expressed exactly in the split's total (T·d/100 is not
 * a whole number of units), so the lens can offer `normalize` before shifting.
 */
export function shiftIsCoarse(weights: readonly number[], points: number): boolean {
  const units = (points * totalOf(weights)) / 100;
  return Math.abs(units - Math.round(units)) > snapTolerance(units);
}

export function applyWeightAction(weights: readonly number[], action: WeightAction): number[] {
  assertWeights(weights);
  const n = weights.length;
  if (n === 0) return []; // no backends: nothing to edit
  const T = totalOf(weights);
  switch (action.type) {
    case 'shift': {
      assertTarget(action.target, n);
      if (!Number.isFinite(action.points)) throw new RangeError(`points must be finite, got ${action.points}`);
      if (n === 1) return [...weights];
      return shift(weights, action.target, action.points, T);
    }
    case 'promote': {
      assertTarget(action.target, n);
      return weights.map((_, i) => (i === action.target ? T : 0));
    }
    case 'rollback': {
      assertTarget(action.target, n);
      if (n === 1) return [...weights];
      return withTarget(weights, action.target, 0, T);
    }
    case 'even':
      return apportion(weights.map(() => 1), T);
    case 'normalize': {
      const total = action.total;
      if (!Number.isSafeInteger(total) || total <= 0) {
        throw new RangeError(`normalize total must be a positive integer, got ${total}`);
      }
      // apportion treats an all-zero input as even, which is what normalize promises.
      return apportion(weights, total);
    }
  }
}

/** Share of each backend, w_i / Σw; all zeros when Σw is 0 (no backend receives traffic). */
export function shares(weights: readonly number[]): number[] {
  for (const w of weights) {
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`weights must be finite and non-negative, got ${w}`);
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (sum > 0 ? w / sum : 0));
}

/**
 * Round `exact` to integers that sum to `total` exactly (Hamilton / largest-remainder method).
 * Each result is the floor or ceiling of its quota; leftover units go to the largest fractional
 * parts, ties to the lower index. If `exact` does not already sum to `total` it is taken as
 * proportions and scaled; an all-zero `exact` is split evenly.
 */
export function largestRemainder(exact: readonly number[], total: number): number[] {
  if (!Number.isSafeInteger(total) || total < 0) {
    throw new RangeError(`total must be a non-negative integer, got ${total}`);
  }
  for (const e of exact) {
    if (!Number.isFinite(e) || e < 0) throw new RangeError(`exact values must be finite and non-negative, got ${e}`);
  }
  const n = exact.length;
  if (n === 0) {
    if (total === 0) return [];
    throw new RangeError(`cannot distribute ${total} over no entries`);
  }
  const sum = exact.reduce((a, b) => a + b, 0);
  if (sum === 0) return apportion(exact.map(() => 1), total);
  // e/sum first: total/sum can overflow to Infinity when the exact values are tiny.
  const rescale = Math.abs(sum - total) > snapTolerance(total);
  const quotas = exact.map((e) => snap(rescale ? Math.min((e / sum) * total, total) : e));
  const parts = quotas.map((q) => ({ floor: Math.floor(q), key: q - Math.floor(q) }));
  return distribute(parts, total, (a, b) => b - a);
}

// ---------------------------------------------------------------------------------------------
// Kubernetes quantities (TrafficSplit v1alpha1 weights)

export type Quantity = { milli: number; style: 'milli' | 'whole' }; // 500m -> {milli:500, style:'milli'}; 1 -> {milli:1000, style:'whole'}

// k8s grammar: <sign>?<digits>[.<digits>] followed by a decimal SI suffix, a binary SI suffix or
// an exponent (e/E + signed integer). "1E" is exa; "1E3" is an exponent, so the regex tries the
// exponent first.
const QUANTITY_RE = /^([+-]?)(\d+\.?\d*|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?)$/;
const NUMBER_PREFIX_RE = /^[+-]?(\d+\.?\d*|\.\d+)/;
const DECIMAL_EXP: Readonly<Record<string, number>> = { m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXP: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIXES = 'm, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent such as e3';

/**
 * Parse a Kubernetes quantity into milli-units. Binary suffixes are valid quantities and are
 * converted (2Mi = 2097152). Like Kubernetes' MilliValue(), precision below 1m rounds up.
 * Style is 'milli' only for an `m` suffix, so a rewrite keeps the author's form where it can.
 */
export function parseQuantity(text: string | number): Quantity | { error: string } {
  let s: string;
  if (typeof text === 'number') {
    if (!Number.isFinite(text)) return { error: `weight must be a finite number, got ${text}` };
    if (text < 0) return { error: `weight cannot be negative: ${text}` };
    s = String(text); // may be "1e+21"; the grammar accepts that exponent form
  } else {
    s = text;
  }
  if (s.length === 0) return { error: 'weight is empty: expected a quantity such as 1, 0.5 or 500m' };
  if (s.trim() !== s) return { error: `weight "${s}" has surrounding whitespace, which Kubernetes rejects` };
  const m = QUANTITY_RE.exec(s);
  if (!m) {
    const prefix = NUMBER_PREFIX_RE.exec(s);
    if (prefix && prefix[0].length < s.length) {
      return { error: `unknown suffix "${s.slice(prefix[0].length)}" in "${s}" (use ${SUFFIXES})` };
    }
    return { error: `"${s}" is not a Kubernetes quantity (expected a number such as 1, 0.5 or 500m)` };
  }
  const [, sign = '', num = '', exponent, suffix = ''] = m;
  const [intPart = '', fracPart = ''] = num.split('.');
  let mantissa = BigInt((intPart + fracPart).replace(/^0+(?=\d)/, '') || '0');
  if (sign === '-' && mantissa > 0n) return { error: `weight cannot be negative: "${s}"` };
  // value = mantissa · 10^exp10 · 2^exp2 ; milli = value · 1000
  let exp10 = 3 - fracPart.length;
  let exp2 = 0;
  if (exponent !== undefined) {
    const e = Number(exponent.slice(1));
    if (!Number.isSafeInteger(e) || Math.abs(e) > 400) return { error: `exponent out of range in "${s}"` };
    exp10 += e;
  } else {
    // The regex admits only the suffixes of these two tables.
    const binary = BINARY_EXP[suffix];
    if (binary !== undefined) exp2 = binary;
    else exp10 += DECIMAL_EXP[suffix] ?? 0;
  }
  if (mantissa > 0n && exp10 > 30) return { error: `weight "${s}" is too large` };
  mantissa <<= BigInt(exp2);
  let milli: bigint;
  if (exp10 >= 0) milli = mantissa * 10n ** BigInt(exp10);
  else {
    const d = 10n ** BigInt(-exp10);
    milli = (mantissa + d - 1n) / d; // round up, like Kubernetes
  }
  if (milli > BigInt(Number.MAX_SAFE_INTEGER)) return { error: `weight "${s}" is too large` };
  return { milli: Number(milli), style: suffix === 'm' ? 'milli' : 'whole' };
}

/** Format milli-units: milli style → "250m"; whole style → "1" when a whole number, else "250m". */
export function formatQuantity(milli: number, style: 'milli' | 'whole'): string {
  if (!Number.isSafeInteger(milli) || milli < 0) {
    throw new RangeError(`milli must be a non-negative integer, got ${milli}`);
  }
  if (style === 'whole' && milli % 1000 === 0) return String(milli / 1000);
  return `${milli}m`;
}

// ---------------------------------------------------------------------------------------------
// Internals

function assertWeights(weights: readonly number[]): void {
  let sum = 0;
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`weights must be non-negative integers, got ${w}`);
    sum += w;
  }
  if (!Number.isSafeInteger(sum)) throw new RangeError('sum of weights is too large');
}

function assertTarget(target: number, n: number): void {
  if (!Number.isInteger(target) || target < 0 || target >= n) {
    throw new RangeError(`target ${target} is not a backend index (0..${n - 1})`);
  }
}

/** Absorbs float noise such as 299.99999999999994 without hiding real fractions. */
function snapTolerance(x: number): number {
  return Math.max(1e-9, 8 * Number.EPSILON * Math.abs(x));
}

function snap(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) <= snapTolerance(x) ? r : x;
}

function shift(weights: readonly number[], target: number, points: number, T: number): number[] {
  const cur = weights[target]; // 0 when all weights are 0, i.e. share 0
  if (cur === undefined) throw new RangeError(`target ${target} is not a backend index (0..${weights.length - 1})`);
  // (cur·100 + d·T)/100 keeps integer steps exact, so half-way cases are recognised.
  const x = Math.min(Math.max(snap((cur * 100 + points * T) / 100), 0), T);
  return withTarget(weights, target, roundStep(cur, x), T);
}

/**
 * Round the target's exact new weight x. Half-way goes in the step's direction (so +d then -d
 * mirror each other); a non-zero move that would round to nothing moves one unit instead.
 * x ∈ [0,T] and x ≠ cur guarantee cur ± 1 stays in [0,T].
 */
function roundStep(cur: number, x: number): number {
  if (x === cur) return cur;
  const dir = Math.sign(x - cur);
  const fl = Math.floor(x);
  const frac = x - fl;
  let r = frac > 0.5 ? fl + 1 : frac < 0.5 ? fl : dir > 0 ? fl + 1 : fl;
  if (r === cur) r = cur + dir;
  return r;
}

/** Target gets exactly `value`; the others share T − value in proportion (evenly if all 0). */
function withTarget(weights: readonly number[], target: number, value: number, T: number): number[] {
  const others = weights.filter((_, i) => i !== target);
  const rest = apportion(others, T - value);
  const out = [...rest];
  out.splice(target, 0, value);
  return out;
}

/**
 * Exact largest remainder for integer weights: quotas w_i·total/Σw as rationals (BigInt), so an
 * input that already sums to `total` comes back unchanged. All-zero weights split evenly.
 */
function apportion(weights: readonly number[], total: number): number[] {
  const n = weights.length;
  if (n === 0) {
    if (total === 0) return [];
    throw new RangeError(`cannot distribute ${total} over no entries`);
  }
  const ws = weights.some((w) => w > 0) ? weights.map(BigInt) : weights.map(() => 1n);
  const sum = ws.reduce((a, b) => a + b, 0n);
  const t = BigInt(total);
  const parts = ws.map((w) => ({ floor: Number((w * t) / sum), key: (w * t) % sum }));
  return distribute(parts, total, (ra, rb) => (ra > rb ? -1 : ra < rb ? 1 : 0));
}

/**
 * Add the units missing from Σfloors to entries in the order of their keys by `byPriority`
 * (stable sort: ties keep the lower index first). The deficit is below n for proper quotas;
 * round-robin covers the rest. Callers never pass an empty `parts`.
 */
function distribute<K>(
  parts: readonly { floor: number; key: K }[],
  total: number,
  byPriority: (a: K, b: K) => number,
): number[] {
  const n = parts.length;
  const ranked = parts
    .map((p, index) => ({ index, key: p.key, value: p.floor }))
    .sort((a, b) => byPriority(a.key, b.key) || a.index - b.index);
  let deficit = total - ranked.reduce((a, r) => a + r.value, 0);
  if (!Number.isSafeInteger(deficit)) throw new RangeError(`cannot round to ${total}: quotas are out of range`);
  for (let k = 0; deficit > 0; k++, deficit--) {
    const r = ranked[k % n];
    if (r) r.value += 1;
  }
  // Only reachable through float noise in largestRemainder: take back from the smallest remainders.
  for (let k = n - 1; deficit < 0; k = (k - 1 + n) % n) {
    const r = ranked[k];
    if (r && r.value > 0) {
      r.value -= 1;
      deficit++;
    }
  }
  const out = parts.map((p) => p.floor);
  for (const r of ranked) out[r.index] = r.value;
  return out;
}
