import type { Sample } from './prometheus';
import { bucketQuantile, parseLe, type Bucket } from './quantile';
import { parseAuthority } from './queries';
import { KINDS } from '../service/model/kinds';
import type { BackendStats, LatencyMs, MetricFamily, SplitStats, StatsSplit } from './types';

/**
 * Per-backend numbers from the two query results of a family, computed as Linkerd computes them:
 *   counts    each result sample's increase() made a whole number: rounded (authority family, metrics-api
 *             extractSampleValue) or truncated (route family, stat-outbound's uint64(v)); NaN counts as 0
 *   success   s / (s + f); failure = classification "failure" (authority) or http_status 5xx / a non-empty error (route)
 *   RPS       (s + f) / window seconds
 *   latency   histogram_quantile(0.5 | 0.95 | 0.99) of the irate() bucket rates, in ms (route family: seconds × 1000)
 * plus the share checks: observed = backend RPS / split RPS, desired = weight / Σ weights, flagged when they differ
 * by more than 10 points.
 */

export const QUANTILES = [0.5, 0.95, 0.99] as const;
/** Shares may differ by this much before a backend is flagged: 10 points (README, "Live stats on the command line"). */
export const FLAG_THRESHOLD = 0.1;
/** Float slack so that exactly 10 points is not flagged through rounding noise. */
const FLAG_EPSILON = 1e-9;

/** One row of a request result, keyed by what identifies apex and leaf. */
export interface RequestRow {
  apex: string;
  apexPort?: string;
  leaf: string;
  leafPort?: string;
  routeName?: string;
  routeKind?: string;
  success: number;
  failure: number;
}

export interface BucketRow {
  apex: string;
  apexPort?: string;
  leaf: string;
  leafPort?: string;
  routeName?: string;
  routeKind?: string;
  le: string;
  rate: number;
}

/** Go's math.Round (half away from zero), NaN and infinities as 0: Linkerd's extractSampleValue. */
export function roundCount(v: number): number {
  if (!Number.isFinite(v)) return 0;
  const t = Math.trunc(v);
  return Math.abs(v - t) >= 0.5 ? t + Math.sign(v) : t;
}

/** stat-outbound's uint64(v): truncation; NaN and infinities as 0. */
export function truncCount(v: number): number {
  return Number.isFinite(v) && v > 0 ? Math.trunc(v) : 0;
}

/** Rows of the authority family's request result (samples of other namespaces are dropped). */
export function authorityRequestRows(samples: readonly Sample[], namespace: string): RequestRow[] {
  const rows: RequestRow[] = [];
  for (const s of samples) {
    const a = parseAuthority(s.metric.authority ?? '', namespace);
    const leaf = s.metric.dst_service;
    if (!a || !leaf) continue;
    const n = roundCount(s.value);
    const cls = s.metric.classification;
    rows.push({
      apex: a.apex, ...(a.port !== undefined ? { apexPort: a.port } : {}), leaf,
      success: cls === 'success' ? n : 0,
      failure: cls === 'failure' ? n : 0,
    });
  }
  return rows;
}

export function authorityBucketRows(samples: readonly Sample[], namespace: string): BucketRow[] {
  const rows: BucketRow[] = [];
  for (const s of samples) {
    const a = parseAuthority(s.metric.authority ?? '', namespace);
    const leaf = s.metric.dst_service;
    const le = s.metric.le;
    if (!a || !leaf || le === undefined) continue;
    rows.push({ apex: a.apex, ...(a.port !== undefined ? { apexPort: a.port } : {}), leaf, le, rate: s.value });
  }
  return rows;
}

function routeIdentity(m: Record<string, string>): Omit<RequestRow, 'success' | 'failure'> | undefined {
  if (!m.parent_name || !m.backend_name) return undefined;
  return {
    apex: m.parent_name,
    ...(m.parent_port ? { apexPort: m.parent_port } : {}),
    leaf: m.backend_name,
    ...(m.backend_port ? { leafPort: m.backend_port } : {}),
    ...(m.route_name ? { routeName: m.route_name } : {}),
    ...(m.route_kind ? { routeKind: m.route_kind } : {}),
  };
}

/** stat-outbound's classification: failure = http_status 5xx or a non-empty `error`. */
export function routeFailure(metric: Record<string, string>): boolean {
  return (metric.http_status ?? '').startsWith('5') || (metric.error ?? '') !== '';
}

export function routeRequestRows(samples: readonly Sample[]): RequestRow[] {
  const rows: RequestRow[] = [];
  for (const s of samples) {
    const id = routeIdentity(s.metric);
    if (!id) continue;
    const n = truncCount(s.value);
    const failed = routeFailure(s.metric);
    rows.push({ ...id, success: failed ? 0 : n, failure: failed ? n : 0 });
  }
  return rows;
}

export function routeBucketRows(samples: readonly Sample[]): BucketRow[] {
  const rows: BucketRow[] = [];
  for (const s of samples) {
    const id = routeIdentity(s.metric);
    if (!id || s.metric.le === undefined) continue;
    rows.push({ ...id, le: s.metric.le, rate: s.value });
  }
  return rows;
}

type Identity = Omit<RequestRow, 'success' | 'failure'>;

/** Does a result row belong to this backend of this split? */
export function rowMatches(split: StatsSplit, backend: { name: string; port?: number }, row: Identity, family: MetricFamily): boolean {
  if (row.apex !== split.apex || row.leaf !== backend.name) return false;
  if (split.apexPort !== undefined && row.apexPort !== undefined && row.apexPort !== String(split.apexPort)) return false;
  if (backend.port !== undefined && row.leafPort !== undefined && row.leafPort !== String(backend.port)) return false;
  // The route family tells routes apart: a kind with routes of its own there (HTTPRoute) counts its own route only;
  // a TrafficSplit every route of the parent (the mesh routes it through the parent Service whatever route applies).
  const routeKind = KINDS[split.kind].metrics.routeKind;
  if (family === 'route' && routeKind !== undefined && (row.routeKind !== routeKind || row.routeName !== split.name)) return false;
  return true;
}

/** The three quantiles (ms) of the summed bucket rates; null where Prometheus' histogram_quantile gives NaN. */
export function latencyOf(rows: readonly BucketRow[], family: MetricFamily): LatencyMs {
  const byLe = new Map<string, number>();
  for (const r of rows) byLe.set(r.le, (byLe.get(r.le) ?? 0) + r.rate);
  const buckets: Bucket[] = [];
  for (const [le, count] of byLe) {
    const upperBound = parseLe(le);
    if (!Number.isNaN(upperBound)) buckets.push({ upperBound, count });
  }
  const scale = family === 'route' ? 1000 : 1;
  const q = (p: number): number | null => {
    const v = bucketQuantile(p, buckets);
    return Number.isNaN(v) ? null : v * scale;
  };
  return { p50: q(QUANTILES[0]), p95: q(QUANTILES[1]), p99: q(QUANTILES[2]) };
}

/** The numbers of every backend of a split from the rows of its namespace. */
export function computeSplit(
  split: StatsSplit,
  family: MetricFamily,
  requests: readonly RequestRow[],
  buckets: readonly BucketRow[],
  windowSec: number,
): SplitStats {
  const totalWeight = split.backends.reduce((sum, b) => sum + Math.max(0, b.weight), 0);
  const partial = split.backends.map((b) => {
    const mine = requests.filter((r) => rowMatches(split, b, r, family));
    const successCount = mine.reduce((n, r) => n + r.success, 0);
    const failureCount = mine.reduce((n, r) => n + r.failure, 0);
    const total = successCount + failureCount;
    const hasData = mine.length > 0;
    return {
      name: b.name,
      weight: b.weight,
      weightText: b.weightText ?? String(b.weight),
      desiredShare: totalWeight > 0 ? Math.max(0, b.weight) / totalWeight : null,
      successCount,
      failureCount,
      success: total > 0 ? successCount / total : null,
      rps: hasData ? total / windowSec : null,
      latencyMs: latencyOf(buckets.filter((r) => rowMatches(split, b, r, family)), family),
      hasData,
    };
  });
  // Split RPS over distinct leaves (a backend listed twice is one destination).
  const seen = new Set<string>();
  let rps = 0;
  let requestsInWindow = 0;
  for (const p of partial) {
    if (seen.has(p.name)) continue;
    seen.add(p.name);
    rps += p.rps ?? 0;
    requestsInWindow += p.successCount + p.failureCount;
  }
  const backends: BackendStats[] = partial.map((p) => {
    const observedShare = rps > 0 ? (p.rps ?? 0) / rps : null;
    const flagged = observedShare !== null && p.desiredShare !== null && Math.abs(observedShare - p.desiredShare) > FLAG_THRESHOLD + FLAG_EPSILON;
    return { ...p, observedShare, flagged };
  });
  return { split, family, rps, backends, flagged: backends.some((b) => b.flagged), hasTraffic: requestsInWindow > 0 };
}
