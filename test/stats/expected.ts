/**
 * The numbers the tests expect, computed by hand from the generated series (history.ts), without the stats module:
 *   counts   value at EVAL minus value at EVAL - 60 s (samples fall on both ends, so increase() is that difference)
 *   success  s / (s + f);  RPS (s + f) / 60
 *   latency  each bucket's last-interval rate (irate: last difference / step), summed per le over the backend's
 *            series, then the quantile by Prometheus' interpolation: rank = q·total, the first bucket whose
 *            cumulative rate reaches the rank, linear between its lower and upper bound (0 below the first; the
 *            +Inf bucket answers the previous bound); route family × 1000
 *   shares   observed = backend RPS / Σ RPS of the split's backends; desired = weight / Σ weights
 */
import assert from 'node:assert/strict';
import type { StatsSplit } from '../../src/stats';
import { EVAL, T0, WINDOW_SECONDS, type History, type HistogramSeries, type Labels } from './history';

/** A row of `canary-lens stats --format json`. */
export interface JsonRow {
  namespace: string; kind: string; name: string; rule?: number; apex: string; leaf: string; weight: string;
  success: number | null; rps: number | null; latency_ms_p50: number | null; latency_ms_p95: number | null; latency_ms_p99: number | null;
  desired_share: number | null; observed_share: number | null;
}

/** Asserts `actual` equals `expected` within 1e-9 relative (or that both are null). */
export function close(actual: number | null, expected: number | null, what: string): void {
  if (actual === null || expected === null) assert.equal(actual, expected, what);
  else assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);
}

export interface ExpectedBackend {
  leaf: string;
  successCount: number;
  failureCount: number;
  success: number | null;
  rps: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  desired: number | null;
  observed: number | null;
}

/** Asserts the numbers of a `--format json` row equal the hand computation for its backend (`close` each). */
export function closeRow(row: JsonRow, want: ExpectedBackend, where: string): void {
  close(row.success, want.success, `${where} success`);
  close(row.rps, want.rps, `${where} rps`);
  close(row.latency_ms_p50, want.p50, `${where} p50`);
  close(row.latency_ms_p95, want.p95, `${where} p95`);
  close(row.latency_ms_p99, want.p99, `${where} p99`);
  close(row.desired_share, want.desired, `${where} desired`);
  close(row.observed_share, want.observed, `${where} observed`);
}

type Family = 'authority' | 'route';

function seriesMatches(l: Labels, split: StatsSplit, leaf: string, family: Family): boolean {
  if (family === 'authority') {
    return l.direction === 'outbound' && (l.authority ?? '').startsWith(`${split.apex}.${split.namespace}.svc.`) && l.dst_service === leaf;
  }
  if (l.parent_kind !== 'Service' || l.parent_namespace !== split.namespace || l.parent_name !== split.apex || l.backend_name !== leaf) return false;
  if (split.kind === 'HTTPRoute' && (l.route_kind !== 'HTTPRoute' || l.route_name !== split.name)) return false;
  return true;
}

const at = (t: number, step: number) => (t - T0) / step;

/** Prometheus' classic-histogram interpolation, written out plainly over (le, cumulative) pairs sorted by le. */
export function handQuantile(q: number, buckets: Array<{ le: number; cum: number }>): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const totalCount = sorted[sorted.length - 1]!.cum;
  if (totalCount === 0) return null;
  const rank = q * totalCount;
  let i = 0;
  while (sorted[i]!.cum < rank) i++;
  if (i === sorted.length - 1) return sorted[sorted.length - 2]!.le; // in the +Inf bucket
  const lower = i === 0 ? 0 : sorted[i - 1]!.le;
  const below = i === 0 ? 0 : sorted[i - 1]!.cum;
  return lower + (sorted[i]!.le - lower) * ((rank - below) / (sorted[i]!.cum - below));
}

function lastIntervalRates(s: HistogramSeries): number[] {
  const last = at(EVAL, s.step);
  return s.cumulative[last]!.map((c, k) => (c - s.cumulative[last - 1]![k]!) / s.step);
}

export function expectedFor(h: History, split: StatsSplit, family: Family): ExpectedBackend[] {
  const totalWeight = split.backends.reduce((n, b) => n + b.weight, 0);
  const rows = split.backends.map((b) => {
    let s = 0;
    let f = 0;
    let seen = false;
    for (const c of h.counters) {
      const name = family === 'authority' ? 'response_total' : 'outbound_http_route_backend_response_statuses_total';
      if (c.name !== name || !seriesMatches(c.labels, split, b.name, family)) continue;
      seen = true;
      const n = c.values[at(EVAL, c.step)]! - c.values[at(EVAL - WINDOW_SECONDS, c.step)]!;
      const failed = family === 'authority'
        ? c.labels.classification === 'failure'
        : (c.labels.http_status ?? '').startsWith('5') || (c.labels.error ?? '') !== '';
      if (failed) f += n;
      else s += n;
    }
    const perLe = new Map<string, number>();
    for (const x of h.histograms) {
      const name = family === 'authority' ? 'response_latency_ms' : 'outbound_http_route_backend_response_duration_seconds';
      if (x.name !== name || !seriesMatches(x.labels, split, b.name, family)) continue;
      lastIntervalRates(x).forEach((r, k) => perLe.set(x.les[k]!, (perLe.get(x.les[k]!) ?? 0) + r));
    }
    const buckets = [...perLe].map(([le, cum]) => ({ le: le === '+Inf' ? Infinity : Number(le), cum }));
    const scale = family === 'route' ? 1000 : 1;
    const q = (p: number) => {
      if (buckets.length === 0) return null;
      const v = handQuantile(p, buckets);
      return v === null ? null : v * scale;
    };
    return {
      leaf: b.name,
      successCount: s,
      failureCount: f,
      success: s + f > 0 ? s / (s + f) : null,
      rps: seen ? (s + f) / WINDOW_SECONDS : null,
      p50: q(0.5),
      p95: q(0.95),
      p99: q(0.99),
      desired: totalWeight > 0 ? b.weight / totalWeight : null,
    };
  });
  const splitRps = rows.reduce((n, r) => n + (r.rps ?? 0), 0);
  return rows.map((r) => ({ ...r, observed: splitRps > 0 ? (r.rps ?? 0) / splitRps : null }));
}
