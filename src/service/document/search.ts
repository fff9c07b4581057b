/** Index of the last element of an ascending sequence (`valueAt(0..count-1)`) that is <= `target`; 0 when none is. */
export function lastAtMost(count: number, valueAt: (i: number) => number, target: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (valueAt(mid) <= target) lo = mid; else hi = mid - 1;
  }
  return Math.max(0, lo);
}
