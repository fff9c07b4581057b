import type { Sample } from './prometheus';
import { bucketQuantile, parseLe, type Bucket } from './quantile';
import { parseAuthority } from './queries';
import { isFailure, isTimeout, SERIES_TAG_LABEL, seriesByTag, type SeriesLevel, type SeriesRow } from './series';
import { KINDS } from '../service/model/kinds';
import type { BackendStats, FamilySetting, LatencyMs, MetricFamily, RouteStats, SplitStats, StatsSplit } from './types';

/**
 * Per-backend numbers from the two query results of a family, computed as Linkerd computes them:
 *   counts    each result sample's increase() made a whole number: rounded (authority family, metrics-api
 *             extractSampleValue) or truncated (route family, stat-outbound's uint64(v)); NaN counts as 0
 *   success   s / (s + f); failure = classification "failure" (authority) or http_status 5xx / a non-empty error (route)
 *   RPS       (s + f) / window seconds
 *   latency   histogram_quantile(0.5 | 0.95 | 0.99) of the irate() bucket rates, in ms (route family: seconds × 1000)
 *   timeouts  `error` RESPONSE_HEADERS_TIMEOUT or REQUEST_TIMEOUT, over s + f (route family)
 *   retries   the route's retry requests / (s + f + retries), with s and f counted per route (after retries)
 * plus the share checks: observed = backend RPS / split RPS, desired = weight / Σ weights, flagged when they differ
 * by more than 10 points, or when a backend with weight has no series at all while the split has traffic.
 * Each split takes the family that measures it (`chooseFamily`): the kind's own when it has series there.
 */

export const QUANTILES = [0.5, 0.95, 0.99] as const;
/** Shares may differ by this much before a backend is flagged: 10 points (README, "Live stats on the command line"). */
export const FLAG_THRESHOLD = 0.1;
/** Float slack so that exactly 10 points is not flagged through rounding noise. */
const FLAG_EPSILON = 1e-9;

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

/** What identifies the apex, leaf and route of a result sample. */
export interface Identity {
  family: MetricFamily;
  level: SeriesLevel;
  apex: string;
  apexPort?: string;
  /** Absent on route-level and retry rows. */
  leaf?: string;
  leafPort?: string;
  routeName?: string;
  routeKind?: string;
}

/** One sample of the counts query, classified. */
export interface CountRow extends Identity {
  success: number;
  failure: number;
  timeouts: number;
  retries: number;
}

/** One sample of the latency query: a bucket's per-second rate, in milliseconds' upper bounds once scaled. */
export interface BucketRow extends Identity {
  le: string;
  rate: number;
  /** Milliseconds per unit of `le`. */
  unitMs: number;
}

function identity(row: SeriesRow, m: Readonly<Record<string, string>>, namespace: string): Identity | undefined {
  if (row.family === 'authority') {
    const a = parseAuthority(m.authority ?? '', namespace);
    if (!a || !m.dst_service) return undefined;
    return { family: row.family, level: row.level, apex: a.apex, ...(a.port !== undefined ? { apexPort: a.port } : {}), leaf: m.dst_service };
  }
  if (!m.parent_name) return undefined;
  if (row.level === 'backend' && !m.backend_name) return undefined;
  return {
    family: row.family,
    level: row.level,
    apex: m.parent_name,
    ...(m.parent_port ? { apexPort: m.parent_port } : {}),
    ...(row.level === 'backend' && m.backend_name ? { leaf: m.backend_name } : {}),
    ...(row.level === 'backend' && m.backend_port ? { leafPort: m.backend_port } : {}),
    ...(m.route_name ? { routeName: m.route_name } : {}),
    ...(m.route_kind ? { routeKind: m.route_kind } : {}),
  };
}

/** Rows of the counts query (samples of other namespaces, or of no known series, are dropped). */
export function countRows(samples: readonly Sample[], namespace: string): CountRow[] {
  const rows: CountRow[] = [];
  for (const s of samples) {
    const row = seriesByTag(s.metric[SERIES_TAG_LABEL]);
    const id = row && identity(row, s.metric, namespace);
    if (!row || !id) continue;
    // Whole counts as Linkerd makes them: rounded by the metrics API, truncated by stat-outbound.
    const n = row.family === 'authority' ? roundCount(s.value) : truncCount(s.value);
    if (row.level === 'retry') {
      rows.push({ ...id, success: 0, failure: 0, timeouts: 0, retries: n });
      continue;
    }
    // The authority family counts only what the proxy classified (`classification` success or failure).
    const classified = row.protocol !== 'authority' || s.metric.classification === 'success' || s.metric.classification === 'failure';
    const failed = isFailure(row.protocol, s.metric);
    rows.push({
      ...id,
      success: classified && !failed ? n : 0,
      failure: classified && failed ? n : 0,
      timeouts: row.family === 'route' && isTimeout(s.metric) ? n : 0,
      retries: 0,
    });
  }
  return rows;
}

export function bucketRows(samples: readonly Sample[], namespace: string): BucketRow[] {
  const rows: BucketRow[] = [];
  for (const s of samples) {
    const row = seriesByTag(s.metric[SERIES_TAG_LABEL]);
    const id = row && identity(row, s.metric, namespace);
    if (!row || !id || s.metric.le === undefined) continue;
    rows.push({ ...id, le: s.metric.le, rate: s.value, unitMs: row.bucketUnitMs ?? 1 });
  }
  return rows;
}

/** Does a row belong to this split (apex, apex port and, in the route family, its own route)? */
export function rowOfSplit(split: StatsSplit, row: Identity): boolean {
  if (row.apex !== split.apex) return false;
  if (split.apexPort !== undefined && row.apexPort !== undefined && row.apexPort !== String(split.apexPort)) return false;
  // The route family tells routes apart: a kind with routes of its own there (HTTPRoute, GRPCRoute) counts its own
  // route only; a TrafficSplit every route of the parent (the mesh routes it through the parent Service whatever
  // route applies).
  const routeKind = KINDS[split.kind].metrics.routeKind;
  if (row.family === 'route' && routeKind !== undefined && (row.routeKind !== routeKind || row.routeName !== split.name)) return false;
  return true;
}

/** Does a backend-level row belong to this backend of this split? */
export function rowMatches(split: StatsSplit, backend: { name: string; port?: number }, row: Identity): boolean {
  if (row.level !== 'backend' || row.leaf !== backend.name || !rowOfSplit(split, row)) return false;
  return !(backend.port !== undefined && row.leafPort !== undefined && row.leafPort !== String(backend.port));
}

const OTHER: Record<MetricFamily, MetricFamily> = { authority: 'route', route: 'authority' };

/** What a split's family choice found: the family, or why none measures it. */
export interface FamilyChoice {
  family: MetricFamily | null;
  /** Set when the other family has series but cannot tell this split from the others on its apex. */
  unmeasured?: string;
}

/**
 * The family that measures a split: with `auto`, the one Linkerd measures its kind in (a TrafficSplit through
 * ServiceProfile dstOverrides, seen only by the authority family; a route by the route family) when that family has
 * backend series for the split, else the other one when it has (proxies of another generation); null when neither
 * has. The other family measures the apex, not the split: when `sharedApex` (another split object is on the same
 * apex, as mid-migration from TrafficSplit to HTTPRoute) its series are the other split's as much as this one's, so
 * it is not used and `unmeasured` says why.
 */
export function chooseFamily(split: StatsSplit, rows: readonly CountRow[], setting: FamilySetting, sharedApex = false): FamilyChoice {
  const has = (f: MetricFamily): boolean => rows.some((r) => r.family === f && r.level === 'backend' && rowOfSplit(split, r));
  if (setting !== 'auto') return { family: has(setting) ? setting : null };
  const own = KINDS[split.kind].metrics.family;
  if (has(own)) return { family: own };
  const other = OTHER[own];
  if (!has(other)) return { family: null };
  if (!sharedApex) return { family: other };
  return {
    family: null,
    unmeasured: `no ${own} metrics for this ${split.kind}; the ${other} metrics of apex ${split.apex} cannot tell it from the other splits on that apex`,
  };
}

/** The three quantiles (ms) of the summed bucket rates; null where Prometheus' histogram_quantile gives NaN. */
export function latencyOf(rows: readonly BucketRow[]): LatencyMs {
  const byLe = new Map<string, number>();
  for (const r of rows) byLe.set(r.le, (byLe.get(r.le) ?? 0) + r.rate);
  const buckets: Bucket[] = [];
  for (const [le, count] of byLe) {
    const upperBound = parseLe(le);
    if (!Number.isNaN(upperBound)) buckets.push({ upperBound, count });
  }
  const scale = rows[0]?.unitMs ?? 1;
  const q = (p: number): number | null => {
    const v = bucketQuantile(p, buckets);
    return Number.isNaN(v) ? null : v * scale;
  };
  return { p50: q(QUANTILES[0]), p95: q(QUANTILES[1]), p99: q(QUANTILES[2]) };
}

const sum = (rows: readonly CountRow[], key: 'success' | 'failure' | 'timeouts' | 'retries'): number => rows.reduce((n, r) => n + r[key], 0);

/** The route's own numbers (after retries), as stat-outbound's route row; null outside the route family. */
export function routeStatsOf(split: StatsSplit, family: MetricFamily, requests: readonly CountRow[], buckets: readonly BucketRow[], windowSec: number): RouteStats | null {
  if (family !== 'route') return null;
  const mine = requests.filter((r) => r.family === family && r.level === 'route' && rowOfSplit(split, r));
  const retriesRows = requests.filter((r) => r.family === family && r.level === 'retry' && rowOfSplit(split, r));
  const successCount = sum(mine, 'success');
  const failureCount = sum(mine, 'failure');
  const total = successCount + failureCount;
  const retries = sum(retriesRows, 'retries');
  return {
    successCount,
    failureCount,
    success: total > 0 ? successCount / total : null,
    rps: mine.length > 0 ? total / windowSec : null,
    latencyMs: latencyOf(buckets.filter((r) => r.family === family && r.level === 'route' && rowOfSplit(split, r))),
    timeoutCount: sum(mine, 'timeouts'),
    timeouts: total > 0 ? sum(mine, 'timeouts') / total : null,
    retryCount: retries,
    retries: total + retries > 0 ? retries / (total + retries) : null,
    hasData: mine.length > 0 || retriesRows.length > 0,
  };
}

/** The numbers of every backend of a split from the rows of its namespace, in the family that measures it. */
export function computeSplit(
  split: StatsSplit,
  requests: readonly CountRow[],
  buckets: readonly BucketRow[],
  windowSec: number,
  setting: FamilySetting = 'auto',
  sharedApex = false,
): SplitStats {
  const { family, unmeasured } = chooseFamily(split, requests, setting, sharedApex);
  const totalWeight = split.backends.reduce((n, b) => n + Math.max(0, b.weight), 0);
  const partial = split.backends.map((b) => {
    const mine = family === null ? [] : requests.filter((r) => r.family === family && rowMatches(split, b, r));
    const successCount = sum(mine, 'success');
    const failureCount = sum(mine, 'failure');
    const total = successCount + failureCount;
    const hasData = mine.length > 0;
    const timeoutCount = sum(mine, 'timeouts');
    return {
      name: b.name,
      weight: b.weight,
      weightText: b.weightText ?? String(b.weight),
      desiredShare: totalWeight > 0 ? Math.max(0, b.weight) / totalWeight : null,
      successCount,
      failureCount,
      success: total > 0 ? successCount / total : null,
      rps: hasData ? total / windowSec : null,
      latencyMs: latencyOf(family === null ? [] : buckets.filter((r) => r.family === family && rowMatches(split, b, r))),
      timeoutCount,
      // The authority family has no timeout classification.
      timeouts: family === 'route' && total > 0 ? timeoutCount / total : null,
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
  const hasTraffic = requestsInWindow > 0;
  const backends: BackendStats[] = partial.map((p) => {
    const observedShare = rps > 0 ? (p.rps ?? 0) / rps : null;
    const off = observedShare !== null && p.desiredShare !== null && Math.abs(observedShare - p.desiredShare) > FLAG_THRESHOLD + FLAG_EPSILON;
    // A backend with weight that the mesh never sent a request to while its siblings serve: the split is not honoured.
    const missing = hasTraffic && !p.hasData && p.weight > 0;
    const flag = missing ? 'no-series' as const : off ? 'share' as const : undefined;
    return { ...p, observedShare, flagged: flag !== undefined, ...(flag ? { flag } : {}) };
  });
  return {
    split,
    family,
    ...(unmeasured ? { unmeasured } : {}),
    rps,
    backends,
    route: family === null ? null : routeStatsOf(split, family, requests, buckets, windowSec),
    flagged: backends.some((b) => b.flagged),
    hasTraffic,
  };
}
