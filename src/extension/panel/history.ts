import type { StatsResult, StatsSplit } from '../../stats/types';

/**
 * The side panel's in-memory history for its sparklines: per backend of each split, the success rate and
 * RPS of every refresh of the last 10 minutes. Fed by each stats refresh; nothing is written anywhere, and nothing
 * is recorded for a split while no refresh measures it (neither the panel nor an editor shows it), so the sparklines
 * show a gap there.
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

/** Identifies a split across refreshes and snapshots: `TrafficSplit/emojivoto/web-split`, `HTTPRoute/ns/route#2`. */
export function splitKey(s: Pick<StatsSplit, 'kind' | 'namespace' | 'name' | 'rule'> & { objectNamespace?: string }): string {
  return `${s.kind}/${s.objectNamespace ?? s.namespace}/${s.name}${s.rule !== undefined ? `#${s.rule}` : ''}`;
}

export class StatsHistory {
  private readonly series = new Map<string, SparkPoint[]>();
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
        for (const b of s.backends) this.push(StatsHistory.id(key, b.name), { t, success: b.success, rps: b.rps });
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

  /** Drops points older than the span before `now` (Unix seconds), and series left empty. */
  prune(now: number): void {
    const from = now - this.spanSeconds;
    for (const [id, list] of this.series) {
      const first = list.findIndex((p) => p.t >= from);
      if (first === -1) this.series.delete(id);
      else if (first > 0) list.splice(0, first);
    }
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
    this.newest = 0;
  }
}
