import type { RangeSpan, RangeStep } from '../../stats/range';
import type { LatencyMs, StatsResult, StatsSplit } from '../../stats/types';

/**
 * The side panel's in-memory history for its sparklines: per backend of each split, the success rate and
 * RPS of every refresh of the last 10 minutes. Fed by each stats refresh; nothing is written anywhere, and nothing
 * is recorded for a split while no refresh measures it (neither the panel nor an editor shows it), so the sparklines
 * show a gap there. A split new to the history is filled once from a range query (`fill`), so its lines start
 * with the last 10 minutes rather than empty. It also keeps each backend's last latency (`lastLatency`): a refresh
 * whose histogram had no new samples shows that value, marked stale, rather than nothing.
 */

/** One refresh of one backend. `null` where there was no data (the line breaks there). */
export interface SparkPoint {
  /** Unix seconds (the refresh's evaluation time). */
  t: number;
  /** Success rate 0..1. */
  success: number | null;
  rps: number | null;
}

export const HISTORY_SECONDS = 600;

/**
 * Points a sparkline holds: a refresh every 5 s (the default `canaryLens.stats.refreshInterval`) over
 * HISTORY_SECONDS. More would not show: the line is 100 units wide (render.ts, SPARK_WIDTH).
 */
export const SPARK_POINTS = 120;

/**
 * The range a new split's history is filled from, before a refresh evaluated at `end`: HISTORY_SECONDS up to one
 * step before it (that refresh is the last point), one step per refresh interval, but no more than SPARK_POINTS.
 */
export function backfillSpan(end: number, refreshSeconds: number, spanSeconds = HISTORY_SECONDS): RangeSpan {
  const interval = Number.isFinite(refreshSeconds) && refreshSeconds > 0 ? refreshSeconds : 5;
  const step = Math.max(interval, spanSeconds / SPARK_POINTS);
  return { start: end - spanSeconds, end: end - step, step };
}

/** A backend's last measured latency and the evaluation time of the refresh that measured it. */
export interface LastLatency {
  latencyMs: LatencyMs;
  /** Unix seconds. */
  at: number;
}

/** Any quantile at all (a histogram without new samples in the window gives none). */
export function hasLatency(l: LatencyMs): boolean {
  return l.p50 !== null || l.p95 !== null || l.p99 !== null;
}

/** Identifies a split across refreshes and snapshots: `TrafficSplit/emojivoto/web-split`, `HTTPRoute/ns/route#2`. */
export function splitKey(s: Pick<StatsSplit, 'kind' | 'namespace' | 'name' | 'rule'> & { objectNamespace?: string }): string {
  return `${s.kind}/${s.objectNamespace ?? s.namespace}/${s.name}${s.rule !== undefined ? `#${s.rule}` : ''}`;
}

export class StatsHistory {
  private readonly series = new Map<string, SparkPoint[]>();
  private readonly latencies = new Map<string, LastLatency>();
  private newest = 0;

  constructor(readonly spanSeconds = HISTORY_SECONDS) {}

  private static id(key: string, backend: string): string {
    return `${key}\u0000${backend}`;
  }

  /**
   * Adds one point per backend of the result. A failed refresh (Prometheus unreachable, a query error) adds a gap
   * to every series, so the line does not bridge the time nobody knew the numbers.
   */
  record(result: StatsResult, keyOf: (s: StatsSplit) => string = splitKey): void {
    const t = result.evaluatedAt;
    if (result.state.kind === 'ok' || result.state.kind === 'no-traffic') {
      for (const s of result.splits) {
        const key = keyOf(s.split);
        for (const b of s.backends) {
          const id = StatsHistory.id(key, b.name);
          this.push(id, { t, success: b.success, rps: b.rps });
          if (hasLatency(b.latencyMs) && t >= (this.latencies.get(id)?.at ?? -Infinity)) this.latencies.set(id, { latencyMs: { ...b.latencyMs }, at: t });
        }
      }
    } else {
      for (const id of this.series.keys()) this.push(id, { t, success: null, rps: null });
    }
    this.newest = Math.max(this.newest, t);
    this.prune(this.newest);
  }

  private push(id: string, p: SparkPoint): void {
    const list = this.series.get(id) ?? [];
    // Refreshes come in order; one evaluated at the same instant again replaces the earlier point.
    while (list.length > 0 && list[list.length - 1]!.t >= p.t) list.pop();
    list.push(p);
    this.series.set(id, list);
  }

  /**
   * Fills the history of splits from a range (`refreshRange`): each backend gets the steps older than its first
   * point (a refresh recorded meanwhile stays as it is) and within the span. Returns the number of points added.
   */
  fill(steps: readonly RangeStep[], keyOf: (s: StatsSplit) => string = splitKey): number {
    const added = new Map<string, SparkPoint[]>();
    for (const step of steps) {
      for (const s of step.splits) {
        const key = keyOf(s.split);
        for (const b of s.backends) {
          const id = StatsHistory.id(key, b.name);
          const list = added.get(id) ?? [];
          list.push({ t: step.t, success: b.success, rps: b.rps });
          added.set(id, list);
        }
      }
    }
    const newest = Math.max(this.newest, ...steps.map((s) => s.t));
    const from = newest - this.spanSeconds;
    let count = 0;
    for (const [id, points] of added) {
      const list = this.series.get(id) ?? [];
      const before = list[0]?.t ?? Infinity;
      const older = points.filter((p) => p.t < before && p.t >= from).sort((a, b) => a.t - b.t);
      // One point per instant (a range answers each step once; a split listed twice gives the same numbers).
      const unique = older.filter((p, i) => i === 0 || p.t !== older[i - 1]!.t);
      if (unique.length === 0) continue;
      this.series.set(id, [...unique, ...list]);
      count += unique.length;
    }
    this.newest = newest;
    this.prune(newest);
    return count;
  }

  /** Whether any backend of the split has points (a split new to the history has none). */
  hasSplit(key: string): boolean {
    const prefix = StatsHistory.id(key, '');
    for (const id of this.series.keys()) if (id.startsWith(prefix)) return true;
    return false;
  }

  /** Drops points and last latencies older than the span before `now` (Unix seconds), and series left empty. */
  prune(now: number): void {
    const from = now - this.spanSeconds;
    for (const [id, list] of this.series) {
      const first = list.findIndex((p) => p.t >= from);
      if (first === -1) this.series.delete(id);
      else if (first > 0) list.splice(0, first);
    }
    for (const [id, l] of this.latencies) if (l.at < from) this.latencies.delete(id);
  }

  /** The last latency a refresh measured for a backend within the span, if any. */
  lastLatency(key: string, backend: string): LastLatency | undefined {
    const l = this.latencies.get(StatsHistory.id(key, backend));
    return l ? { latencyMs: { ...l.latencyMs }, at: l.at } : undefined;
  }

  /** Points of one backend, oldest first (a copy). */
  get(key: string, backend: string): SparkPoint[] {
    return [...(this.series.get(StatsHistory.id(key, backend)) ?? [])];
  }

  get size(): number {
    return this.series.size;
  }

  /** Forget everything (a new context, namespace or Prometheus: the old lines are about something else). */
  clear(): void {
    this.series.clear();
    this.latencies.clear();
    this.newest = 0;
  }
}
