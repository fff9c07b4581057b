import { bucketRows, computeSplit, countRows } from './compute';
import { PrometheusClient, PrometheusError, PrometheusHttpError, PrometheusUnreachableError, displayUrl } from './prometheus';
import { namespaceQueries, windowSeconds, WindowError } from './queries';
import { DEFAULT_STATS_SETTINGS, type FamilySetting, type MetricFamily, type SplitStats, type StatsResult, type StatsSettings, type StatsSplit, type StatsState } from './types';

const ALL_FAMILIES: readonly MetricFamily[] = ['authority', 'route'];

/** The families a setting queries: both for `auto` (each split then takes the one that measures it). */
export function familiesOf(setting: FamilySetting): readonly MetricFamily[] {
  return setting === 'auto' ? ALL_FAMILIES : [setting];
}

/** The splits to measure per namespace, namespaces sorted (splits without an apex or backends are left out). */
export function splitsByNamespace(splits: readonly StatsSplit[]): Array<[string, StatsSplit[]]> {
  const byNamespace = new Map<string, StatsSplit[]>();
  for (const s of splits) {
    if (!s.apex || s.backends.length === 0) continue;
    const list = byNamespace.get(s.namespace) ?? [];
    list.push(s);
    byNamespace.set(s.namespace, list);
  }
  return [...byNamespace].sort(([a], [b]) => a.localeCompare(b));
}

/** Whether several split objects (kind and name: an HTTPRoute's rules are one object) are on a split's apex. */
export function sharedApexes(splits: readonly StatsSplit[], known: readonly StatsSplit[]): (split: StatsSplit) => boolean {
  const objectsOnApex = new Map<string, Set<string>>();
  for (const s of [...known, ...splits]) {
    const key = `${s.namespace}/${s.apex}`;
    objectsOnApex.set(key, (objectsOnApex.get(key) ?? new Set<string>()).add(`${s.kind}/${s.name}`));
  }
  return (split) => (objectsOnApex.get(`${split.namespace}/${split.apex}`)?.size ?? 0) > 1;
}

/**
 * Live stats for a set of splits: per namespace two queries (counts, latency buckets) for all of its splits together,
 * over every series of the families in play (both for `auto`). Each split then takes the family that measures it,
 * from the series that came back: no detection query, and a namespace halfway from TrafficSplit to HTTPRoute is
 * measured right on both sides. The caller decides when to refresh (StatsPoller below, or once for the CLI).
 */
export class StatsService {
  private settings: StatsSettings;

  constructor(readonly client: PrometheusClient, settings: Partial<StatsSettings> = {}) {
    this.settings = { ...DEFAULT_STATS_SETTINGS, ...settings };
  }

  getSettings(): StatsSettings {
    return { ...this.settings };
  }

  configure(settings: Partial<StatsSettings>): void {
    this.settings = { ...this.settings, ...settings };
  }

  /**
   * `known`: every split the caller knows of (the cluster's, when only some are measured): which apexes several
   * split objects share (see `chooseFamily`). Defaults to `splits`.
   */
  async refresh(splits: readonly StatsSplit[], known: readonly StatsSplit[] = splits): Promise<StatsResult> {
    const { window, family: setting } = this.settings;
    const evaluatedAt = this.settings.at ?? Math.round(Date.now()) / 1000;
    let queries = 0;
    const query = async (promql: string) => {
      queries++;
      return this.client.query(promql, evaluatedAt);
    };
    const base = { window, evaluatedAt };
    const families: Record<string, MetricFamily[]> = {};
    let windowSec: number;
    try {
      windowSec = windowSeconds(window);
    } catch (e) {
      return { ...base, queries, families, splits: [], state: { kind: 'query-error', message: (e as WindowError).message } };
    }

    const shared = sharedApexes(splits, known);
    const computed = new Map<StatsSplit, SplitStats>();
    try {
      for (const [namespace, list] of splitsByNamespace(splits)) {
        const q = namespaceQueries(familiesOf(setting), namespace, list.map((s) => s.apex), window, this.settings.latencyRate);
        const [countSamples, bucketSamples] = await Promise.all([query(q.requests), query(q.latency)]);
        const counts = countRows(countSamples, namespace);
        const buckets = bucketRows(bucketSamples, namespace);
        const used = new Set<MetricFamily>();
        for (const split of list) {
          const stats = computeSplit(split, counts, buckets, windowSec, setting, shared(split));
          if (stats.family) used.add(stats.family);
          computed.set(split, stats);
        }
        if (used.size > 0) families[namespace] = [...used].sort();
      }
    } catch (e) {
      return { ...base, queries, families, splits: [], state: stateOfError(e, this.client) };
    }
    // In the order the splits came in (splits without an apex or backends are left out).
    const out = splits.flatMap((s) => computed.get(s) ?? []);
    const state: StatsState = out.some((s) => s.hasTraffic)
      ? { kind: 'ok' }
      : { kind: 'no-traffic', message: out.length === 0 ? 'no split to measure' : `no requests to these splits in the last ${window}` };
    return { ...base, queries, families, splits: out, state };
  }
}

/** The state a failed refresh shows. */
export function stateOfError(e: unknown, client: PrometheusClient): StatsState {
  if (e instanceof PrometheusUnreachableError) return { kind: 'prometheus-unreachable', url: e.url, message: e.message };
  if (e instanceof PrometheusHttpError) return { kind: 'query-error', message: e.message, ...(e.query ? { query: e.query } : {}) };
  if (e instanceof PrometheusError || e instanceof WindowError) return { kind: 'query-error', message: e.message };
  // Anything else is a bug, but a refresh must not crash the caller.
  return { kind: 'query-error', message: `stats failed against ${displayUrl(client.url)}: ${e instanceof Error ? e.message : String(e)}` };
}

export interface PollerTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Calls `tick` now and then every `intervalMs` after the previous tick has finished, between start() and stop().
 * No tick starts while stopped (one in flight when stop() is called finishes, and nothing follows it).
 */
export class StatsPoller {
  private handle: unknown;
  private active = false;
  private generation = 0;
  private inFlight: Promise<void> | undefined;
  /** Generation of the tick in flight, if any; a kick while it runs waits for it (no two ticks at once). */
  private ticking: number | undefined;
  private kicked = false;

  constructor(
    private readonly tick: () => Promise<unknown>,
    private intervalMs = 5000,
    private readonly timers: PollerTimers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
  ) {}

  get running(): boolean {
    return this.active;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.kicked = false;
    const generation = ++this.generation;
    this.run(generation);
  }

  /** Ticks now, or as soon as the tick in flight has finished; the interval counts from that tick. */
  kick(): void {
    if (!this.active) return;
    if (this.ticking === this.generation) {
      this.kicked = true;
      return;
    }
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.run(this.generation);
  }

  stop(): void {
    this.active = false;
    this.generation++;
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }

  /** A new interval, used from the next wait on. */
  setInterval(ms: number): void {
    this.intervalMs = ms;
  }

  /** Resolves when the tick in flight (if any) has finished. */
  async idle(): Promise<void> {
    await this.inFlight;
  }

  private run(generation: number): void {
    if (!this.active || generation !== this.generation) return;
    this.handle = undefined;
    this.ticking = generation;
    this.inFlight = this.tick().then(
      () => undefined,
      () => undefined,
    ).then(() => {
      if (this.ticking === generation) this.ticking = undefined;
      if (!this.active || generation !== this.generation) return;
      if (this.kicked) {
        this.kicked = false;
        this.run(generation);
      } else {
        this.handle = this.timers.setTimeout(() => this.run(generation), this.intervalMs);
      }
    });
  }
}


