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

/** Numbers of one backend, computed as Linkerd computes them; `null` = no data (shown as `-`). */
export interface BackendStats {
  name: string;
  weight: number;
  weightText: string;
  /** weight / Σ weights; null when Σ weights is 0. */
  desiredShare: number | null;
  /** backend RPS / split RPS; null when the split has no requests in the window. */
  observedShare: number | null;
  /** |observed - desired| > 10 points. */
  flagged: boolean;
  /** Requests in the window (Linkerd's whole counts) classified as success / failure. */
  successCount: number;
  failureCount: number;
  /** s / (s + f); null when s + f is 0. */
  success: number | null;
  /** (s + f) / window seconds; null when the backend has no series at all. */
  rps: number | null;
  latencyMs: LatencyMs;
  /** True when Prometheus returned any request series for this backend. */
  hasData: boolean;
}

export interface SplitStats {
  split: StatsSplit;
  /** The family the numbers come from; null when no family has series for the namespace. */
  family: MetricFamily | null;
  /** Σ of the backends' RPS (0 when none has data). */
  rps: number;
  backends: BackendStats[];
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
  /** Family used per namespace (absent for a namespace where none was detected). */
  families: Record<string, MetricFamily>;
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
}

export const DEFAULT_STATS_SETTINGS: StatsSettings = { family: 'auto', window: '1m' };
