/**
 * Cumulative counters and classic histograms, rendered in the Prometheus text exposition format (0.0.4), plus the
 * label sets of the two Linkerd-proxy metric families (https://linkerd.io/2.19/reference/proxy-metrics/) the simulator exports.
 */
import type { Protocol, SimBackend, SimSplit } from './model';

export type Labels = Record<string, string>;

/** Linkerd's `response_latency_ms` buckets (the same as test/stats/history.ts). */
export const MS_BUCKETS = [1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000, 4000, 5000, 10000, 20000, 30000, 40000, 50000];
/** Buckets of `outbound_http_route_backend_response_duration_seconds` (the same as test/stats/history.ts). */
export const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const METRICS = {
  authorityRequests: 'response_total',
  authorityLatency: 'response_latency_ms',
  routeRequests: 'outbound_http_route_backend_response_statuses_total',
  routeLatency: 'outbound_http_route_backend_response_duration_seconds',
} as const;

/**
 * The route family's metrics of one protocol, as linkerd2-proxy names them (linkerd/app/outbound/src/http.rs
 * registers `route` under the `http` / `grpc` prefixes; http/logical/policy/route/metrics.rs adds `backend`,
 * `request` and `retry`): per backend (each try), per route (each request, after retries), and the retries.
 */
export function routeMetrics(protocol: Protocol) {
  const prefix = `outbound_${protocol}_route`;
  return {
    backendStatuses: `${prefix}_backend_response_statuses_total`,
    backendDuration: `${prefix}_backend_response_duration_seconds`,
    routeStatuses: `${prefix}_request_statuses_total`,
    routeDuration: `${prefix}_request_duration_seconds`,
    retries: `${prefix}_retry_requests_total`,
  };
}

const HELP: Record<string, string> = {
  [METRICS.authorityRequests]: 'Total count of HTTP responses.',
  [METRICS.authorityLatency]: 'Elapsed times between a request\'s headers being received and its response stream completing.',
};
for (const p of ['http', 'grpc'] as const) {
  const m = routeMetrics(p);
  HELP[m.backendStatuses] = 'Completed responses, by route backend, status and error.';
  HELP[m.backendDuration] = 'The time between request initialization and response completion, by route backend.';
  HELP[m.routeStatuses] = 'Completed requests, by route, status and error (after retries).';
  HELP[m.routeDuration] = 'The time between request initialization and response completion, by route.';
  HELP[m.retries] = 'Retry requests emitted, by route.';
}

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeValue(v)}"`);
  if (extra) parts.push(`${extra[0]}="${escapeValue(extra[1])}"`);
  return `{${parts.join(',')}}`;
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64) is what Prometheus writes; JS's shortest round-trip is as good. */
function num(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return String(v);
}

interface Counter {
  labels: Labels;
  value: number;
}

interface Histogram {
  labels: Labels;
  les: readonly number[];
  /** Cumulative: buckets[i] counts observations <= les[i]. */
  buckets: number[];
  count: number;
  sum: number;
}

export class Registry {
  private readonly counters = new Map<string, Map<string, Counter>>();
  private readonly histograms = new Map<string, Map<string, Histogram>>();

  /** Creates the series at 0 if it does not exist yet. */
  counter(name: string, labels: Labels): Counter {
    let family = this.counters.get(name);
    if (!family) this.counters.set(name, (family = new Map<string, Counter>()));
    const key = labelText(labels);
    let c = family.get(key);
    if (!c) family.set(key, (c = { labels, value: 0 }));
    return c;
  }

  inc(name: string, labels: Labels, by = 1): void {
    this.counter(name, labels).value += by;
  }

  histogram(name: string, labels: Labels, les: readonly number[]): Histogram {
    let family = this.histograms.get(name);
    if (!family) this.histograms.set(name, (family = new Map<string, Histogram>()));
    const key = labelText(labels);
    let h = family.get(key);
    if (!h) family.set(key, (h = { labels, les, buckets: les.map(() => 0), count: 0, sum: 0 }));
    return h;
  }

  observe(name: string, labels: Labels, les: readonly number[], value: number): void {
    const h = this.histogram(name, labels, les);
    for (let i = 0; i < h.les.length; i++) if (value <= h.les[i]!) h.buckets[i]!++;
    h.count++;
    h.sum += value;
  }

  /** Current value of a counter (0 when absent): for tests and the /splits summary. */
  value(name: string, labels: Labels): number {
    return this.counters.get(name)?.get(labelText(labels))?.value ?? 0;
  }

  seriesCount(): number {
    let n = 0;
    for (const f of this.counters.values()) n += f.size;
    for (const f of this.histograms.values()) for (const h of f.values()) n += h.les.length + 3; // buckets, +Inf, _sum, _count
    return n;
  }

  /** The text exposition format, families sorted by name, series in creation order. */
  render(): string {
    const lines: string[] = [];
    const names = [...new Set([...this.counters.keys(), ...this.histograms.keys()])].sort();
    for (const name of names) {
      const counters = this.counters.get(name);
      if (counters) {
        lines.push(`# HELP ${name} ${HELP[name] ?? name}`, `# TYPE ${name} counter`);
        for (const c of counters.values()) lines.push(`${name}${labelText(c.labels)} ${num(c.value)}`);
      }
      const histograms = this.histograms.get(name);
      if (histograms) {
        lines.push(`# HELP ${name} ${HELP[name] ?? name}`, `# TYPE ${name} histogram`);
        for (const h of histograms.values()) {
          h.les.forEach((le, i) => lines.push(`${name}_bucket${labelText(h.labels, ['le', num(le)])} ${h.buckets[i]}`));
          lines.push(`${name}_bucket${labelText(h.labels, ['le', '+Inf'])} ${h.count}`);
          lines.push(`${name}_sum${labelText(h.labels)} ${num(h.sum)}`);
          lines.push(`${name}_count${labelText(h.labels)} ${h.count}`);
        }
      }
    }
    return `${lines.join('\n')}\n`;
  }
}

export interface Source {
  namespace: string;
  deployment: string;
  pod: string;
}

/** The client the metrics claim to come from (what Linkerd's Prometheus adds from the scraped pod). */
function sourceLabels(source: Source): Labels {
  return { namespace: source.namespace, deployment: source.deployment, pod: source.pod };
}

/**
 * Authority family, without classification/status_code: the labels of `response_latency_ms`.
 * `authority` is the apex's FQDN and port, as the proxy sees the request's :authority.
 */
export function authorityLabels(split: SimSplit, backend: SimBackend, source: Source, clusterDomain: string): Labels {
  return {
    direction: 'outbound',
    authority: `${split.apex.name}.${split.apex.namespace}.svc.${clusterDomain}:${split.apex.port}`,
    dst_namespace: backend.namespace,
    dst_service: backend.name,
    // The simulator knows no Deployments: the backend Service's name stands for it.
    dst_deployment: backend.name,
    tls: 'true',
    ...sourceLabels(source),
  };
}

/** The `parent_*` and `route_*` labels every route-family series starts with (route/metrics/labels.rs). */
function parentAndRoute(split: SimSplit): Labels {
  return {
    parent_group: '',
    parent_kind: 'Service',
    parent_namespace: split.apex.namespace,
    parent_name: split.apex.name,
    parent_port: String(split.apex.port),
    parent_section_name: split.apex.sectionName,
    route_group: split.route.group,
    route_kind: split.route.kind,
    route_namespace: split.route.namespace,
    route_name: split.route.name,
  };
}

/** The route's own labels (parent, route, hostname): route-level statuses, durations and retries. */
export function routeLevelLabels(split: SimSplit, source: Source): Labels {
  return { ...parentAndRoute(split), hostname: '', ...sourceLabels(source) };
}

/** Route family, without http_status/error: the labels of the duration histogram. */
export function routeLabels(split: SimSplit, backend: SimBackend, source: Source): Labels {
  return {
    ...parentAndRoute(split),
    backend_group: '',
    backend_kind: 'Service',
    backend_namespace: backend.namespace,
    backend_name: backend.name,
    backend_port: String(backend.port),
    backend_section_name: '',
    ...sourceLabels(source),
  };
}

/** The counter labels of one outcome in the authority family. */
export function authorityOutcome(base: Labels, failed: boolean, status: number): Labels {
  return { ...base, classification: failed ? 'failure' : 'success', status_code: String(status) };
}

/** How one try ended: a response with a status, or an error of the proxy's (no status). */
export type Outcome = { kind: 'response'; failed: boolean; status: number } | { kind: 'error'; error: string };

/**
 * The counter labels of one outcome in the route family, as route/metrics/labels.rs encodes them: HTTP `http_status`
 * (absent on an error) and `error`; gRPC `grpc_status` (`UNKNOWN` when there is none) and `error`. `error=""` and
 * `http_status=""` are exported empty: Prometheus drops the empty label.
 */
export function routeOutcome(base: Labels, outcome: Outcome, protocol: Protocol = 'http'): Labels {
  const error = outcome.kind === 'error' ? outcome.error : '';
  if (protocol === 'grpc') {
    const grpc = outcome.kind === 'error' ? 'UNKNOWN' : outcome.failed ? 'UNAVAILABLE' : 'OK';
    return { ...base, grpc_status: grpc, error };
  }
  return { ...base, http_status: outcome.kind === 'error' ? '' : String(outcome.status), error };
}
