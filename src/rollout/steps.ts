/**
 * The weights of each rollout step. Pure. The canary gets the step's percent of the total; the other backends share
 * the rest in the proportions they had when the rollout started (evenly when they all had 0), by largest remainder so
 * the weights always sum to the total exactly (src/service/model/weights.ts).
 */
import { largestRemainder, totalOf } from '../service/model/weights';

/**
 * The total the steps are written in: the start's total when every step is a whole number of its units (a split at
 * 900/100 keeps 1000), else the smallest power of ten ≥ 100 that expresses every step (HTTPRoute defaults 1/1 → 100).
 */
export function stepTotal(startUnits: readonly number[], steps: readonly number[]): number {
  const whole = (total: number): boolean => steps.every((p) => Math.abs((p * total) / 100 - Math.round((p * total) / 100)) < 1e-9);
  const start = totalOf(startUnits);
  if (whole(start)) return start;
  for (let total = 100; total <= 1_000_000; total *= 10) if (whole(total)) return total;
  return 1_000_000; // Gateway API's largest weight; steps finer than 0.0001% are rounded
}

/** The weights at `percent` for the canary at `canaryIndex`, from the start's weights, in `total` units. */
export function stepWeights(startUnits: readonly number[], canaryIndex: number, percent: number, total: number): number[] {
  if (canaryIndex < 0 || canaryIndex >= startUnits.length) throw new RangeError(`canary index ${canaryIndex} outside ${startUnits.length} backends`);
  const canary = Math.round((percent * total) / 100);
  if (startUnits.length === 1) return [total];
  const others = startUnits.map((u, i) => (i === canaryIndex ? 0 : u));
  const otherIndexes = others.map((_, i) => i).filter((i) => i !== canaryIndex);
  const rest = largestRemainder(otherIndexes.map((i) => others[i]!), total - canary);
  const out = new Array<number>(startUnits.length).fill(0);
  out[canaryIndex] = canary;
  otherIndexes.forEach((i, k) => { out[i] = rest[k]!; });
  return out;
}

/** Every step's weights, in the plan's order. */
export function planWeights(startUnits: readonly number[], canaryIndex: number, steps: readonly number[]): number[][] {
  const total = stepTotal(startUnits, steps);
  return steps.map((p) => stepWeights(startUnits, canaryIndex, p, total));
}
