import { roundCount } from './compute';
import type { BackendFlag, MetricFamily, RouteStats, SplitStats } from './types';

/**
 * Rows and text the way `linkerd viz stat ts` shows them: `94.12%`, `1.4rps`, `3ms`, `-` for no data. Shared by
 * `canary-lens stats` and anything else that prints numbers (lenses, hovers, the panel).
 */

export const TABLE_COLUMNS = [
  'NAME', 'APEX', 'LEAF', 'WEIGHT', 'SHARE', 'OBSERVED', 'SUCCESS', 'RPS', 'LATENCY_P50', 'LATENCY_P95', 'LATENCY_P99', 'TIMEOUTS', 'RETRIES', 'FAMILY',
] as const;

/** The LEAF cell of a split's route row (stat-outbound's route line, numbers after retries). */
export const ROUTE_LEAF = '[route]';

/** The route's own numbers in a JSON row (stat-outbound's route row): after retries. */
export interface RouteRow {
  success: number | null;
  rps: number | null;
  latency_ms_p50: number | null;
  latency_ms_p95: number | null;
  latency_ms_p99: number | null;
  /** timeouts / requests, stat-outbound's TIMEOUTS. */
  timeouts: number | null;
  /** retries / (requests + retries), stat-outbound's RETRIES. */
  retries: number | null;
}

/** One backend of one split, with Linkerd's JSON keys plus the shares (fractions 0..1, null where no data). */
export interface StatsRow {
  namespace: string;
  kind: string;
  name: string;
  /** Only for an HTTPRoute with several rules (1-based). */
  rule?: number;
  apex: string;
  leaf: string;
  /** As written (`500m`, `90`), like Linkerd's weight column. */
  weight: string;
  success: number | null;
  rps: number | null;
  latency_ms_p50: number | null;
  latency_ms_p95: number | null;
  latency_ms_p99: number | null;
  desired_share: number | null;
  observed_share: number | null;
  /** The backend's timeouts / requests (before retries); null in the authority family. */
  timeouts: number | null;
  /** The family that measured the split; null when none has its series. */
  family: MetricFamily | null;
  /** Why it is not measured although its apex has series (another split shares the apex). */
  unmeasured?: string;
  flagged: boolean;
  /** Why it is flagged: `share` (more than 10 points off) or `no-series` (weight, yet no request at all). */
  flag?: BackendFlag;
  /** The split's route numbers (after retries), the same on each backend row of the split; null outside the route family. */
  route: RouteRow | null;
}

/** Null outside the route family, and when the route's own series are not there (proxies before 2.17's route metrics). */
function routeRow(r: RouteStats | null): RouteRow | null {
  if (!r?.hasData) return null;
  return {
    success: r.success, rps: r.rps,
    latency_ms_p50: r.latencyMs.p50, latency_ms_p95: r.latencyMs.p95, latency_ms_p99: r.latencyMs.p99,
    timeouts: r.timeouts, retries: r.retries,
  };
}

export function statsRows(splits: readonly SplitStats[]): StatsRow[] {
  return splits.flatMap((s) =>
    s.backends.map((b) => ({
      namespace: s.split.namespace,
      kind: s.split.kind,
      name: s.split.name,
      ...(s.split.rule !== undefined ? { rule: s.split.rule } : {}),
      apex: s.split.apex,
      leaf: b.name,
      weight: b.weightText,
      success: b.success,
      rps: b.rps,
      latency_ms_p50: b.latencyMs.p50,
      latency_ms_p95: b.latencyMs.p95,
      latency_ms_p99: b.latencyMs.p99,
      desired_share: b.desiredShare,
      observed_share: b.observedShare,
      timeouts: b.timeouts,
      family: s.family,
      ...(s.unmeasured ? { unmeasured: s.unmeasured } : {}),
      flagged: b.flagged,
      ...(b.flag ? { flag: b.flag } : {}),
      route: routeRow(s.route),
    })),
  );
}

const DASH = '-';

/** `94.12%` (Linkerd's `%.2f%%` of the success rate). */
export function formatSuccess(v: number | null): string {
  return v === null ? DASH : `${(v * 100).toFixed(2)}%`;
}

/** `1.4rps` (Linkerd's `%.1frps`). */
export function formatRps(v: number | null): string {
  return v === null ? DASH : `${v.toFixed(1)}rps`;
}

/** `3ms` (Linkerd's `%dms` of the rounded latency). */
export function formatLatency(v: number | null): string {
  return v === null ? DASH : `${roundCount(v)}ms`;
}

/** `90.0%` for a share 0..1. */
export function formatShare(v: number | null): string {
  return v === null ? DASH : `${(v * 100).toFixed(1)}%`;
}

/** Why a backend is flagged, in words: `web-svc-2 0.0% observed vs 50.0% desired (no requests at all)`. */
export function flagText(b: { name: string; observedShare: number | null; desiredShare: number | null; flag?: BackendFlag }): string {
  const shares = `${b.name} ${formatShare(b.observedShare)} observed vs ${formatShare(b.desiredShare)} desired`;
  return b.flag === 'no-series' ? `${shares} (no requests at all: the mesh does not send it any)` : `${shares} (more than 10 points off)`;
}

/** Compact text for a lens: `94.1% · 1.4 rps`, or `no traffic`. */
export function formatBrief(success: number | null, rps: number | null): string {
  if (rps === null && success === null) return 'no data';
  const parts = [success === null ? 'no requests' : `${(success * 100).toFixed(1)}%`];
  if (rps !== null) parts.push(`${rps.toFixed(1)} rps`);
  return parts.join(' · ');
}

/** `2.50%` (stat-outbound's `%.2f%%` of a timeout or retry rate). */
export const formatRate = formatSuccess;

/**
 * Table rows: per split, its route row first when the route family measured it (LEAF `[route]`, numbers after
 * retries, as stat-outbound's route line), then one row per backend (numbers before retries).
 */
export function tableRows(rows: readonly StatsRow[]): string[][] {
  const out: string[][] = [];
  let last = '';
  for (const row of rows) {
    const name = row.rule !== undefined ? `${row.name}#${row.rule}` : row.name;
    const key = `${row.namespace}\u0000${row.kind}\u0000${name}`;
    if (key !== last && row.route) {
      const r = row.route;
      out.push([name, row.apex, ROUTE_LEAF, DASH, DASH, DASH, formatSuccess(r.success), formatRps(r.rps),
        formatLatency(r.latency_ms_p50), formatLatency(r.latency_ms_p95), formatLatency(r.latency_ms_p99),
        formatRate(r.timeouts), formatRate(r.retries), row.family ?? DASH]);
    }
    last = key;
    out.push(tableCells(row));
  }
  return out;
}

export function tableCells(row: StatsRow): string[] {
  return [
    row.rule !== undefined ? `${row.name}#${row.rule}` : row.name,
    row.apex,
    row.leaf,
    row.weight,
    formatShare(row.desired_share),
    formatShare(row.observed_share),
    formatSuccess(row.success),
    formatRps(row.rps),
    formatLatency(row.latency_ms_p50),
    formatLatency(row.latency_ms_p95),
    formatLatency(row.latency_ms_p99),
    formatRate(row.timeouts),
    // Retries belong to the route (its row above), not to a backend.
    DASH,
    row.family ?? DASH,
  ];
}

/** Columns padded to their widest cell, three spaces apart (as Linkerd's tabwriter), no trailing spaces. */
export function renderTable(header: readonly string[], rows: readonly string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('').trimEnd()).join('\n') + '\n';
}
