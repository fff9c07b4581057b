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
  timeouts: number | null; family: string | null; flagged: boolean; flag?: string;
  route: { success: number | null; rps: number | null; timeouts: number | null; retries: number | null } | null;
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
  timeouts: number | null;
  hasData: boolean;
}

/** The route's own numbers (after retries), by hand, as stat-outbound computes its route row. */
export interface ExpectedRoute {
  success: number | null;
  rps: number | null;
  timeouts: number | null;
  retries: number | null;
  p50: number | null;
  p99: number | null;
}

export function expectedRouteFor(h: History, split: StatsSplit): ExpectedRoute {
  let s = 0;
  let f = 0;
  let t = 0;
  let r = 0;
  let seen = false;
  const delta = (c: History['counters'][number]) => c.values[at(EVAL, c.step)]! - c.values[at(EVAL - WINDOW_SECONDS, c.step)]!;
  for (const c of h.counters) {
    if (!seriesMatches(c.labels, split, undefined, 'route') || c.labels.backend_name !== undefined) continue;
    if (/^outbound_(http|grpc)_route_retry_requests_total$/.test(c.name)) r += delta(c);
    if (!/^outbound_(http|grpc)_route_request_statuses_total$/.test(c.name)) continue;
    seen = true;
    const n = delta(c);
    if (failedSeries(c.name, c.labels, 'route')) f += n;
    else s += n;
    if (isTimeoutSeries(c.labels)) t += n;
  }
  const perLe = new Map<string, number>();
  for (const x of h.histograms) {
    if (!/^outbound_(http|grpc)_route_request_duration_seconds$/.test(x.name) || !seriesMatches(x.labels, split, undefined, 'route')) continue;
    lastIntervalRates(x).forEach((v, k) => perLe.set(x.les[k]!, (perLe.get(x.les[k]!) ?? 0) + v));
  }
  const buckets = [...perLe].map(([le, cum]) => ({ le: le === '+Inf' ? Infinity : Number(le), cum }));
  const q = (p: number) => {
    const v = buckets.length === 0 ? null : handQuantile(p, buckets);
    return v === null ? null : v * 1000;
  };
  return {
    success: s + f > 0 ? s / (s + f) : null,
    rps: seen ? (s + f) / WINDOW_SECONDS : null,
    timeouts: s + f > 0 ? t / (s + f) : null,
    retries: s + f + r > 0 ? r / (s + f + r) : null,
    p50: q(0.5),
    p99: q(0.99),
  };
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

/** Kinds whose route-family series are their own route's (route_kind = the kind, route_name = the object's name). */
const OWN_ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute']);

function seriesMatches(l: Labels, split: StatsSplit, leaf: string | undefined, family: Family): boolean {
  if (family === 'authority') {
    if (l.direction !== 'outbound' || !(l.authority ?? '').startsWith(`${split.apex}.${split.namespace}.svc.`) || l.dst_service !== leaf) return false;
    const port = /:(\d+)$/.exec(l.authority ?? '')?.[1];
    return split.apexPort === undefined || port === undefined || port === String(split.apexPort);
  }
  if (l.parent_kind !== 'Service' || l.parent_namespace !== split.namespace || l.parent_name !== split.apex) return false;
  if (leaf !== undefined && l.backend_name !== leaf) return false;
  if (split.apexPort !== undefined && l.parent_port !== undefined && l.parent_port !== String(split.apexPort)) return false;
  if (OWN_ROUTE_KINDS.has(split.kind) && (l.route_kind !== split.kind || l.route_name !== split.name)) return false;
  return true;
}

const ROUTE_BACKEND_COUNTER = /^outbound_(http|grpc)_route_backend_response_statuses_total$/;
const ROUTE_BACKEND_HISTOGRAM = /^outbound_(http|grpc)_route_backend_response_duration_seconds$/;

/** stat-outbound's classification, written out: HTTP 5xx or an error; gRPC not OK or an error. */
function failedSeries(name: string, l: Labels, family: Family): boolean {
  if (family === 'authority') return l.classification === 'failure';
  if (name.startsWith('outbound_grpc_')) return l.grpc_status !== 'OK' || (l.error ?? '') !== '';
  return (l.http_status ?? '').startsWith('5') || (l.error ?? '') !== '';
}

const isTimeoutSeries = (l: Labels) => l.error === 'RESPONSE_HEADERS_TIMEOUT' || l.error === 'REQUEST_TIMEOUT';

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
    let t = 0;
    let seen = false;
    for (const c of h.counters) {
      const mine = family === 'authority' ? c.name === 'response_total' : ROUTE_BACKEND_COUNTER.test(c.name);
      if (!mine || !seriesMatches(c.labels, split, b.name, family)) continue;
      seen = true;
      const n = c.values[at(EVAL, c.step)]! - c.values[at(EVAL - WINDOW_SECONDS, c.step)]!;
      if (failedSeries(c.name, c.labels, family)) f += n;
      else s += n;
      if (family === 'route' && isTimeoutSeries(c.labels)) t += n;
    }
    const perLe = new Map<string, number>();
    for (const x of h.histograms) {
      const mine = family === 'authority' ? x.name === 'response_latency_ms' : ROUTE_BACKEND_HISTOGRAM.test(x.name);
      if (!mine || !seriesMatches(x.labels, split, b.name, family)) continue;
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
      timeouts: family === 'route' && s + f > 0 ? t / (s + f) : null,
      hasData: seen,
      p50: q(0.5),
      p95: q(0.95),
      p99: q(0.99),
      desired: totalWeight > 0 ? b.weight / totalWeight : null,
    };
  });
  const splitRps = rows.reduce((n, r) => n + (r.rps ?? 0), 0);
  return rows.map((r) => ({ ...r, observed: splitRps > 0 ? (r.rps ?? 0) / splitRps : null }));
}
