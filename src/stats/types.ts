/**
 * Types of the live stats module. Pure data: no VS Code API, no I/O. The module measures splits described
 * by `StatsSplit`, whatever they come from (the cluster layer, or manifests on disk for `canary-lens stats PATH`).
 */

import type { MetricFamily, SplitKind } from '../service/model/kinds';

export type { MetricFamily, SplitKind } from '../service/model/kinds';
export type FamilySetting = 'auto' | MetricFamily;

export const FAMILY_SETTINGS: readonly FamilySetting[] = ['auto', 'authority', 'route'];

/** What to measure: one split (a TrafficSplit, or one rule of an HTTPRoute). */
export interface StatsSplit {
  /** Namespace of the apex Service (queries are per namespace). */
  namespace: string;
  kind: SplitKind;
  /** Object name (the TrafficSplit's or the HTTPRoute's). */
  name: string;
  /** 1-based rule number, only for an HTTPRoute with more than one rule (display only: Linkerd's metrics do not tell rules apart). */
  rule?: number;
  /** The apex (root) Service: TrafficSplit `spec.service`, HTTPRoute parentRef of kind Service. */
  apex: string;
  /** HTTPRoute parentRef port: only series of that port count when the metrics carry one. */
  apexPort?: number;
  backends: StatsBackend[];
}

export interface StatsBackend {
  /** Backend Service name (the leaf). */
  name: string;
  /** Weight in the split's integer unit (v1alpha1 quantities in milli, HTTPRoute default 1); invalid = 0. */
  weight: number;
  /** The weight as written, for display (`500m`, `90`); defaults to the number. */
  weightText?: string;
  /** backendRef port: only series of that port count when the metrics carry one. */
  port?: number;
}

export interface LatencyMs {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Request numbers over the window, computed as Linkerd computes them; `null` = no data (shown as `-`). */
export interface RequestNumbers {
  /** Requests in the window (Linkerd's whole counts) classified as success / failure. */
  successCount: number;
  failureCount: number;
  /** s / (s + f); null when s + f is 0. */
  success: number | null;
  /** (s + f) / window seconds; null when there is no series at all. */
  rps: number | null;
  latencyMs: LatencyMs;
  /** Requests that timed out (`error` RESPONSE_HEADERS_TIMEOUT or REQUEST_TIMEOUT), route family only. */
  timeoutCount: number;
  /** timeouts / (s + f); null when s + f is 0 or in the authority family (it has no timeout classification). */
  timeouts: number | null;
  /** True when Prometheus returned any request series. */
  hasData: boolean;
}

/** Numbers of one backend (each try, before retries in the route family). */
export interface BackendStats extends RequestNumbers {
  name: string;
  weight: number;
  weightText: string;
  /** weight / Σ weights; null when Σ weights is 0. */
  desiredShare: number | null;
  /** backend RPS / split RPS; null when the split has no requests in the window. */
  observedShare: number | null;
  /** The mesh is not honouring the weight: see `flag`. */
  flagged: boolean;
  /** Why: `share` = |observed - desired| > 10 points; `no-series` = weight but not one request while the split has traffic. */
  flag?: BackendFlag;
}

export type BackendFlag = 'share' | 'no-series';

/**
 * The route's own numbers, as `linkerd viz stat-outbound`'s route row: counted per route, after retries (the backend
 * numbers count each try, before retries). Route family only.
 */
export interface RouteStats extends RequestNumbers {
  retryCount: number;
  /** retries / (s + f + retries); null when there was nothing. */
  retries: number | null;
}

export interface SplitStats {
  split: StatsSplit;
  /** The family that measures this split (its kind's when it has series there); null when no family has its series. */
  family: MetricFamily | null;
  /** Why no family measures it although one has series for its apex (another split shares the apex). */
  unmeasured?: string;
  /** Σ of the backends' RPS (0 when none has data). */
  rps: number;
  backends: BackendStats[];
  /** Route-level numbers (after retries); null outside the route family. */
  route: RouteStats | null;
  /** Any backend flagged. */
  flagged: boolean;
  /** The split had requests in the window. */
  hasTraffic: boolean;
}

/** The overall state of a refresh, each with words a UI can show. */
export type StatsState =
  | { kind: 'ok' }
  | { kind: 'no-traffic'; message: string }
  | { kind: 'prometheus-unreachable'; url: string; message: string }
  | { kind: 'query-error'; message: string; query?: string };

export interface StatsResult {
  state: StatsState;
  splits: SplitStats[];
  /** Families that measured at least one split, per namespace (absent for a namespace where none did). */
  families: Record<string, MetricFamily[]>;
  /** Evaluation instant, Unix seconds (the `--at` time, or the time of the refresh). */
  evaluatedAt: number;
  window: string;
  /** Prometheus requests this refresh issued. */
  queries: number;
}

export interface StatsSettings {
  family: FamilySetting;
  /** Prometheus duration, Linkerd's default `1m`. */
  window: string;
  /** Evaluate at this instant (Unix seconds); default: now. */
  at?: number;
  /** Latency over the last scrapes (`irate`, as `linkerd viz stat`; the default) or the whole window (`rate`, for gates). */
  latencyRate?: 'irate' | 'rate';
}

export const DEFAULT_STATS_SETTINGS: StatsSettings = { family: 'auto', window: '1m' };
