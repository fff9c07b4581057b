import { authorityBucketRows, authorityRequestRows, computeSplit, routeBucketRows, routeRequestRows } from './compute';
import { detectFamilies, PrometheusClient, PrometheusError, PrometheusHttpError, PrometheusUnreachableError, displayUrl } from './prometheus';
import { familyQueries, windowSeconds, WindowError } from './queries';
import { DEFAULT_STATS_SETTINGS, type MetricFamily, type SplitStats, type StatsResult, type StatsSettings, type StatsSplit, type StatsState } from './types';

/**
 * Live stats for a set of splits: per namespace one detection query (only while the family is not known) and then
 * two queries (requests, latency buckets) for all of its splits together. The caller decides when to refresh
 * (StatsPoller below, or once for the CLI).
 */
export class StatsService {
  private settings: StatsSettings;
  /** Family found by `auto` per namespace; forgotten when the namespace's results come back empty. */
  private readonly detected = new Map<string, MetricFamily>();

  constructor(readonly client: PrometheusClient, settings: Partial<StatsSettings> = {}) {
    this.settings = { ...DEFAULT_STATS_SETTINGS, ...settings };
  }

  getSettings(): StatsSettings {
    return { ...this.settings };
  }

  /** New settings (a changed family setting forgets what `auto` detected). */
  configure(settings: Partial<StatsSettings>): void {
    if (settings.family !== undefined && settings.family !== this.settings.family) this.detected.clear();
    this.settings = { ...this.settings, ...settings };
  }

  /** Forget detected families (e.g. after a Prometheus URL or context change). */
  reset(): void {
    this.detected.clear();
  }

  async refresh(splits: readonly StatsSplit[]): Promise<StatsResult> {
    const { window } = this.settings;
    const evaluatedAt = this.settings.at ?? Math.round(Date.now()) / 1000;
    let queries = 0;
    const query = async (promql: string) => {
      queries++;
      return this.client.query(promql, evaluatedAt);
    };
    const base = { window, evaluatedAt };
    const families: Record<string, MetricFamily> = {};
    let windowSec: number;
    try {
      windowSec = windowSeconds(window);
    } catch (e) {
      return { ...base, queries, families, splits: [], state: { kind: 'query-error', message: (e as WindowError).message } };
    }

    const byNamespace = new Map<string, StatsSplit[]>();
    for (const s of splits) {
      if (!s.apex || s.backends.length === 0) continue;
      const list = byNamespace.get(s.namespace) ?? [];
      list.push(s);
      byNamespace.set(s.namespace, list);
    }

    const computed = new Map<StatsSplit, SplitStats>();
    try {
      for (const [namespace, list] of [...byNamespace].sort(([a], [b]) => a.localeCompare(b))) {
        const apexes = list.map((s) => s.apex);
        let family: MetricFamily | undefined = this.settings.family === 'auto' ? this.detected.get(namespace) : this.settings.family;
        if (!family) {
          queries++;
          const found = await detectFamilies(this.client, namespace, apexes, evaluatedAt);
          family = found.has('route') ? 'route' : found.has('authority') ? 'authority' : undefined;
          if (family) this.detected.set(namespace, family);
        }
        if (!family) {
          for (const split of list) computed.set(split, { ...computeSplit(split, 'authority', [], [], windowSec), family: null });
          continue;
        }
        families[namespace] = family;
        const q = familyQueries(family, namespace, apexes, window);
        const [requestSamples, bucketSamples] = await Promise.all([query(q.requests), query(q.latency)]);
        const requests = family === 'authority' ? authorityRequestRows(requestSamples, namespace) : routeRequestRows(requestSamples);
        const buckets = family === 'authority' ? authorityBucketRows(bucketSamples, namespace) : routeBucketRows(bucketSamples);
        if (requestSamples.length === 0 && this.settings.family === 'auto') this.detected.delete(namespace);
        for (const split of list) computed.set(split, computeSplit(split, family, requests, buckets, windowSec));
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
    const generation = ++this.generation;
    this.run(generation);
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
    this.inFlight = this.tick().then(
      () => undefined,
      () => undefined,
    ).then(() => {
      if (this.active && generation === this.generation) this.handle = this.timers.setTimeout(() => this.run(generation), this.intervalMs);
    });
  }
}


