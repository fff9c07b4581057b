import { roundCount } from './compute';
import type { SplitStats } from './types';

/**
 * Rows and text the way `linkerd viz stat ts` shows them: `94.12%`, `1.4rps`, `3ms`, `-` for no data. Shared by
 * `canary-lens stats` and anything else that prints numbers (lenses, hovers, the panel).
 */

export const TABLE_COLUMNS = ['NAME', 'APEX', 'LEAF', 'WEIGHT', 'SHARE', 'OBSERVED', 'SUCCESS', 'RPS', 'LATENCY_P50', 'LATENCY_P95', 'LATENCY_P99'] as const;

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

/** Compact text for a lens: `94.1% · 1.4 rps`, or `no traffic`. */
export function formatBrief(success: number | null, rps: number | null): string {
  if (rps === null && success === null) return 'no data';
  const parts = [success === null ? 'no requests' : `${(success * 100).toFixed(1)}%`];
  if (rps !== null) parts.push(`${rps.toFixed(1)} rps`);
  return parts.join(' · ');
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
  ];
}

/** Columns padded to their widest cell, three spaces apart (as Linkerd's tabwriter), no trailing spaces. */
export function renderTable(header: readonly string[], rows: readonly string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('').trimEnd()).join('\n') + '\n';
}
