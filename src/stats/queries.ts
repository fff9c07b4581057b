import { SERIES, SERIES_TAG_LABEL, type SeriesRow } from './series';
import type { MetricFamily } from './types';
import { parsePrometheusDuration } from '../service/model/durations';

/**
 * PromQL for both Linkerd metric families (`MetricFamily`), for ALL splits of a namespace at once: a regex over
 * the apexes, grouped by the labels that name apex and leaf. Per refresh and namespace there are exactly two queries
 * (requests, latency buckets) whatever the number of splits and backends; the three quantiles are computed from the
 * one bucket query with Prometheus' own interpolation (quantile.ts).
 *
 * The shapes follow Linkerd's: `sum(increase(...[W]))` for counts and `sum(irate(..._bucket[W])) by (le, ...)` for
 * latency (linkerd/linkerd2 viz/metrics-api/stat_summary.go and viz/cmd/stat-outbound.go).
 */

export class WindowError extends Error {}

/**
 * Seconds of a Prometheus duration (`1m`, `30s`, `1h30m`; the one parser: src/service/model/durations.ts). Only the
 * syntax is checked here: a zero window is left for Prometheus to refuse (a query error the UI shows like any other).
 */
export function windowSeconds(window: string): number {
  const seconds = parsePrometheusDuration(window);
  if (seconds === undefined) throw new WindowError(`window must be a Prometheus duration such as 1m, 30s or 1h30m, not ${JSON.stringify(window)}`);
  return seconds;
}

/** A PromQL double-quoted string literal. */
export function promString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A literal for an RE2 regular expression. */
export function regexEscape(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** The distinct apex names, sorted (queries are the same whatever the order of the splits). */
export function apexList(apexes: Iterable<string>): string[] {
  return [...new Set(apexes)].sort();
}

function alternation(values: readonly string[]): string {
  return values.map(regexEscape).join('|');
}

/** Regex matching the authorities of the apexes: `apex.ns.svc`, then the cluster domain and/or the port. */
export function authorityRegex(namespace: string, apexes: readonly string[]): string {
  return `(${alternation(apexes)})\\.${regexEscape(namespace)}\\.svc([.:].*)?`;
}

function selector(row: SeriesRow, metric: string, namespace: string, apexes: readonly string[]): string {
  if (row.family === 'authority') return `${metric}{direction="outbound", authority=~${promString(authorityRegex(namespace, apexes))}}`;
  return `${metric}{parent_kind="Service", parent_namespace=${promString(namespace)}, parent_name=~${promString(alternation(apexes))}}`;
}

function tagged(row: SeriesRow, expr: string): string {
  return `label_replace(${expr}, "${SERIES_TAG_LABEL}", "${row.tag}", "__name__", ".*")`;
}

export interface NamespaceQueries {
  /** Requests in the window of every series row, by apex, leaf and classification, tagged with the row. */
  requests: string;
  /** Per-second bucket rates (irate, or rate) of every histogram row, by le, apex and leaf: the quantiles come from this. */
  latency: string;
}

/**
 * How the latency buckets are read: `irate` (the last two scrapes of the window, as `linkerd viz stat` shows latency) or
 * `rate` (the whole window, as Flagger's Linkerd `request-duration` check reads it: fluxcd/flagger
 * pkg/metrics/observers/linkerd.go). Gates judge a window, so they read `rate`.
 */
export type LatencyRate = 'irate' | 'rate';

/**
 * The two queries of a refresh for every apex of a namespace, over the series of `families` (both for `auto`: each
 * split then takes the family that has its series). `apexes` must not be empty.
 */
export function namespaceQueries(families: readonly MetricFamily[], namespace: string, apexes: readonly string[], window: string, latencyRate: LatencyRate = 'irate'): NamespaceQueries {
  windowSeconds(window);
  const list = apexList(apexes);
  if (list.length === 0) throw new Error('no apex to query');
  const rows = SERIES.filter((r) => families.includes(r.family));
  if (rows.length === 0) throw new Error('no metric family to query');
  const requests = rows.map((r) =>
    tagged(r, `sum by (${r.counterGrouping.join(', ')}) (increase(${selector(r, r.counter, namespace, list)}[${window}]))`));
  const latency = rows.flatMap((r) => (r.buckets && r.bucketGrouping
    ? [tagged(r, `sum by (${r.bucketGrouping.join(', ')}) (${latencyRate}(${selector(r, r.buckets, namespace, list)}[${window}]))`)]
    : []));
  return { requests: requests.join(' or '), latency: latency.join(' or ') };
}

/** `web-apex.emojivoto.svc.cluster.local:80` → `{ apex: 'web-apex', port: '80' }` when it is in `namespace`. */
export function parseAuthority(authority: string, namespace: string): { apex: string; port?: string } | undefined {
  const colon = authority.lastIndexOf(':');
  const host = colon >= 0 && /^\d+$/.test(authority.slice(colon + 1)) ? authority.slice(0, colon) : authority;
  const port = host.length < authority.length ? authority.slice(colon + 1) : undefined;
  const labels = host.split('.');
  if (labels.length < 3 || labels[1] !== namespace || labels[2] !== 'svc' || !labels[0]) return undefined;
  return { apex: labels[0], ...(port !== undefined ? { port } : {}) };
}
