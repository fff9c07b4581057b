/**
 * `histogram_quantile` for classic (le-bucketed) histograms, operation for operation as Prometheus 2.42 computes it
 * (promql/quantile.go `bucketQuantile`): buckets sorted by upper bound, equal bounds coalesced, counts forced
 * monotonic, then linear interpolation inside the bucket holding rank q·total. The same IEEE operations in the same
 * order, so the result equals Prometheus' bit for bit on the same bucket values (test/stats proves it against a real
 * Prometheus).
 */

export interface Bucket {
  upperBound: number;
  count: number;
}

/** The `le` label as Prometheus parses it (strconv.ParseFloat: `+Inf`, `Inf`, `1e3`, ...); NaN when unparseable. */
export function parseLe(le: string): number {
  const s = le.trim();
  if (/^[+]?inf(inity)?$/i.test(s)) return Infinity;
  if (/^-inf(inity)?$/i.test(s)) return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && !/^[+-]?0[xX]/.test(s)) return NaN;
  return Number(s);
}

/** A sample value as the Prometheus HTTP API writes it (`"1.5"`, `"NaN"`, `"+Inf"`, `"-Inf"`). */
export function parseSampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  return Number(text);
}

/**
 * The q-quantile of the buckets; NaN where Prometheus returns NaN (no +Inf bucket, fewer than two buckets, zero
 * observations). Does not modify its argument.
 */
export function bucketQuantile(q: number, input: readonly Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  if (input.length === 0) return NaN;
  const sorted = input.map((b) => ({ upperBound: b.upperBound, count: b.count })).sort((a, b) => (a.upperBound < b.upperBound ? -1 : a.upperBound > b.upperBound ? 1 : 0));
  if (sorted[sorted.length - 1]!.upperBound !== Infinity) return NaN;

  const buckets = coalesce(sorted);
  ensureMonotonic(buckets);

  if (buckets.length < 2) return NaN;
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  const b = search(buckets.length - 1, (i) => buckets[i]!.count >= rank);

  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.upperBound;
  if (b === 0 && buckets[0]!.upperBound <= 0) return buckets[0]!.upperBound;
  let bucketStart = 0;
  const bucketEnd = buckets[b]!.upperBound;
  let count = buckets[b]!.count;
  if (b > 0) {
    bucketStart = buckets[b - 1]!.upperBound;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/** Merge buckets with the same upper bound (`le="1"` and `le="1.0"`); input sorted. */
function coalesce(buckets: Bucket[]): Bucket[] {
  const out: Bucket[] = [];
  let last = buckets[0]!;
  for (const b of buckets.slice(1)) {
    if (b.upperBound === last.upperBound) {
      last = { upperBound: last.upperBound, count: last.count + b.count };
    } else {
      out.push(last);
      last = b;
    }
  }
  out.push(last);
  return out;
}

/** The envelope of the counts: no decrease from one bucket to the next. */
function ensureMonotonic(buckets: Bucket[]): void {
  let max = -Infinity;
  for (const b of buckets) {
    if (b.count > max) max = b.count;
    else if (b.count < max) b.count = max;
  }
}

/** Go's sort.Search: the smallest i in [0, n) with f(i), or n. */
function search(n: number, f: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    if (!f(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
