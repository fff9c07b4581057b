import type { MetricFamily } from './types';

/**
 * Every Linkerd proxy series Canary Lens reads, one row each. A refresh asks for all rows of the wanted families in
 * two queries per namespace (counts, latency buckets): each row's `sum by (...)` is tagged with `lens_series="<tag>"`
 * and the rows are joined with `or` (their label sets never collide, the tag tells them apart).
 *
 * Names and labels:
 *   authority  `response_total` / `response_latency_ms_bucket` (linkerd/linkerd2 viz/metrics-api/stat_summary.go)
 *   route      `outbound_{http,grpc}_route_backend_response_statuses_total` and `..._backend_response_duration_seconds`
 *              (per backend, before retries), `outbound_{http,grpc}_route_request_statuses_total` and
 *              `..._request_duration_seconds` (per route, after retries), `outbound_{http,grpc}_route_retry_requests_total`
 *              (linkerd/linkerd2-proxy linkerd/app/outbound/src/http.rs registers the `route` prefix under `http`/`grpc`;
 *              linkerd/app/outbound/src/http/logical/policy/route/metrics.rs adds `backend`, `request` and `retry`;
 *              route/metrics/labels.rs encodes `parent_*`, `route_*`, `backend_*`, `http_status`, `grpc_status`, `error`).
 * Groupings are those of `linkerd viz stat-outbound` (linkerd/linkerd2 viz/cmd/stat-outbound.go).
 */

/** Where a series counts: per backend (before retries), per route (after retries), or the route's retries. */
export type SeriesLevel = 'backend' | 'route' | 'retry';

/** How a response is classified (grpc: `grpc_status` = OK and no `error`; http: no 5xx and no `error`). */
export type Protocol = 'authority' | 'http' | 'grpc';

export interface SeriesRow {
  tag: string;
  family: MetricFamily;
  level: SeriesLevel;
  protocol: Protocol;
  /** The counter summed with increase(). */
  counter: string;
  counterGrouping: readonly string[];
  /** The histogram's bucket series summed with irate(); absent for retries. */
  buckets?: string;
  bucketGrouping?: readonly string[];
  /** Seconds (route family) or milliseconds (authority). */
  bucketUnitMs?: number;
}

export const SERIES_TAG_LABEL = 'lens_series';

const PARENT = ['parent_name', 'parent_port'] as const;
const ROUTE = ['route_name', 'route_kind'] as const;
const BACKEND = ['backend_name', 'backend_port'] as const;

function routeRows(protocol: 'http' | 'grpc'): SeriesRow[] {
  const status = protocol === 'http' ? 'http_status' : 'grpc_status';
  const prefix = `outbound_${protocol}_route`;
  return [
    {
      tag: `${protocol}-backend`, family: 'route', level: 'backend', protocol,
      counter: `${prefix}_backend_response_statuses_total`, counterGrouping: [...PARENT, ...BACKEND, ...ROUTE, status, 'error'],
      buckets: `${prefix}_backend_response_duration_seconds_bucket`, bucketGrouping: ['le', ...PARENT, ...BACKEND, ...ROUTE], bucketUnitMs: 1000,
    },
    {
      tag: `${protocol}-route`, family: 'route', level: 'route', protocol,
      counter: `${prefix}_request_statuses_total`, counterGrouping: [...PARENT, ...ROUTE, status, 'error'],
      buckets: `${prefix}_request_duration_seconds_bucket`, bucketGrouping: ['le', ...PARENT, ...ROUTE], bucketUnitMs: 1000,
    },
    {
      tag: `${protocol}-retry`, family: 'route', level: 'retry', protocol,
      counter: `${prefix}_retry_requests_total`, counterGrouping: [...PARENT, ...ROUTE],
    },
  ];
}

export const SERIES: readonly SeriesRow[] = [
  {
    tag: 'authority', family: 'authority', level: 'backend', protocol: 'authority',
    counter: 'response_total', counterGrouping: ['authority', 'dst_service', 'classification', 'tls'],
    buckets: 'response_latency_ms_bucket', bucketGrouping: ['le', 'authority', 'dst_service'], bucketUnitMs: 1,
  },
  ...routeRows('http'),
  ...routeRows('grpc'),
];

export function seriesByTag(tag: string | undefined): SeriesRow | undefined {
  return SERIES.find((s) => s.tag === tag);
}

/** `error` values that are timeouts, as stat-outbound counts them (viz/cmd/stat-outbound.go populateHTTPCounts). */
export const TIMEOUT_ERRORS: ReadonlySet<string> = new Set(['RESPONSE_HEADERS_TIMEOUT', 'REQUEST_TIMEOUT']);

/**
 * stat-outbound's classification. Prometheus stores no empty label, so a series exported with `error=""` comes back
 * without `error`: a missing label reads as empty. gRPC: `grpc_status` is always exported (`UNKNOWN` when absent).
 */
export function isFailure(protocol: Protocol, metric: Readonly<Record<string, string>>): boolean {
  const error = metric.error ?? '';
  if (protocol === 'http') return (metric.http_status ?? '').startsWith('5') || error !== '';
  if (protocol === 'grpc') return (metric.grpc_status ?? '') !== 'OK' || error !== '';
  return metric.classification === 'failure';
}

export function isTimeout(metric: Readonly<Record<string, string>>): boolean {
  return TIMEOUT_ERRORS.has(metric.error ?? '');
}
