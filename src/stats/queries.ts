import type { MetricFamily } from './types';

/**
 * PromQL for both Linkerd metric families (`MetricFamily`), for ALL splits of a namespace at once: a regex over
 * the apexes, grouped by the labels that name apex and leaf. Per refresh and namespace there are exactly two queries
 * (requests, latency buckets) whatever the number of splits and backends; the three quantiles are computed from the
 * one bucket query with Prometheus' own interpolation (quantile.ts).
 *
 * The shapes follow Linkerd's: `sum(increase(...[W]))` for counts and `sum(irate(..._bucket[W])) by (le, ...)` for
 * latency (linkerd/linkerd2 viz/metrics-api/stat_summary.go and viz/cmd/stat-outbound.go).
 */

export const AUTHORITY_REQUESTS = 'response_total';
export const AUTHORITY_LATENCY = 'response_latency_ms_bucket';
export const ROUTE_REQUESTS = 'outbound_http_route_backend_response_statuses_total';
export const ROUTE_LATENCY = 'outbound_http_route_backend_response_duration_seconds_bucket';

/** Labels the queries group by (apex/leaf identity, plus what classifies a request). */
export const AUTHORITY_REQUEST_GROUPING = ['authority', 'dst_service', 'classification', 'tls'] as const;
export const AUTHORITY_LATENCY_GROUPING = ['le', 'authority', 'dst_service'] as const;
export const ROUTE_REQUEST_GROUPING = ['parent_name', 'parent_port', 'backend_name', 'backend_port', 'route_name', 'route_kind', 'http_status', 'error'] as const;
export const ROUTE_LATENCY_GROUPING = ['le', 'parent_name', 'parent_port', 'backend_name', 'backend_port', 'route_name', 'route_kind'] as const;

export class WindowError extends Error {}

const UNIT_SECONDS: Record<string, number> = { y: 365 * 86400, w: 7 * 86400, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/**
 * Seconds of a Prometheus duration (`1m`, `30s`, `1h30m`). Only the syntax is checked here: a zero window is left for
 * Prometheus to refuse (a query error the UI shows like any other).
 */
export function windowSeconds(window: string): number {
  const m = DURATION.exec(window);
  if (!m || window === '') throw new WindowError(`window must be a Prometheus duration such as 1m, 30s or 1h30m, not ${JSON.stringify(window)}`);
  const units = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
  return units.reduce((sum, u, i) => sum + (m[i + 1] ? Number(m[i + 1]) * UNIT_SECONDS[u]! : 0), 0);
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

function authoritySelector(metric: string, namespace: string, apexes: readonly string[]): string {
  return `${metric}{direction="outbound", authority=~${promString(authorityRegex(namespace, apexes))}}`;
}

function routeSelector(metric: string, namespace: string, apexes: readonly string[]): string {
  return `${metric}{parent_kind="Service", parent_namespace=${promString(namespace)}, parent_name=~${promString(alternation(apexes))}}`;
}

export interface FamilyQueries {
  family: MetricFamily;
  /** Requests in the window, by apex, leaf and classification. */
  requests: string;
  /** Per-second bucket rates (irate) by le, apex and leaf: the three quantiles come from this one result. */
  latency: string;
}

/** The two queries of a family for every apex of a namespace. `apexes` must not be empty. */
export function familyQueries(family: MetricFamily, namespace: string, apexes: readonly string[], window: string): FamilyQueries {
  windowSeconds(window);
  const list = apexList(apexes);
  if (list.length === 0) throw new Error('no apex to query');
  if (family === 'authority') {
    return {
      family,
      requests: `sum by (${AUTHORITY_REQUEST_GROUPING.join(', ')}) (increase(${authoritySelector(AUTHORITY_REQUESTS, namespace, list)}[${window}]))`,
      latency: `sum by (${AUTHORITY_LATENCY_GROUPING.join(', ')}) (irate(${authoritySelector(AUTHORITY_LATENCY, namespace, list)}[${window}]))`,
    };
  }
  return {
    family,
    requests: `sum by (${ROUTE_REQUEST_GROUPING.join(', ')}) (increase(${routeSelector(ROUTE_REQUESTS, namespace, list)}[${window}]))`,
    latency: `sum by (${ROUTE_LATENCY_GROUPING.join(', ')}) (irate(${routeSelector(ROUTE_LATENCY, namespace, list)}[${window}]))`,
  };
}

/**
 * One cheap query telling which families have series for these apexes at the evaluation instant: a sample labelled
 * `family="route"` and/or `family="authority"` (a count each), or nothing.
 */
export function detectionQuery(namespace: string, apexes: readonly string[]): string {
  const list = apexList(apexes);
  const tag = (family: MetricFamily, selector: string): string => `label_replace(count(${selector}), "family", "${family}", "__name__", ".*")`;
  return `${tag('route', routeSelector(ROUTE_REQUESTS, namespace, list))} or ${tag('authority', authoritySelector(AUTHORITY_REQUESTS, namespace, list))}`;
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
