/**
 * Request generation: a split sends `rps` requests per second (time-based: the tick turns elapsed time into a number
 * of requests, carrying fractions), spread over its backends by the LIVE weights, each request failing with the
 * backend's error rate and taking a log-normal latency given by its p50 and p99. Every request is counted in both
 * metric families (as a Linkerd 2.17+ proxy does; older proxies export only the authority family).
 */
import {
  authorityLabels, authorityOutcome, METRICS, MS_BUCKETS, routeLabels, routeOutcome, SECONDS_BUCKETS, type Registry, type Source,
} from './metrics';
import type { BackendSettings, Distribution, Family, ResolvedSplit, SimSplit } from './model';

/** mulberry32: a small, fast, seedable PRNG with uniform output in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string mixed with a seed: one PRNG stream per split, independent of the order splits appear in. */
export function hashSeed(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** z of the standard normal at 0.99. */
const Z99 = 2.3263478740408408;

/** A log-normal sample with median p50 and 99th percentile p99 (Box-Muller on the PRNG). */
export function logNormal(rng: () => number, p50: number, p99: number): number {
  const sigma = p99 > p50 ? Math.log(p99 / p50) / Z99 : 0;
  const u1 = Math.max(rng(), 1e-12);
  const u2 = rng();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return p50 * Math.exp(sigma * z);
}

/**
 * Deterministic proportional allocation of `n` requests by `weights`, carrying what each backend is owed between
 * calls (largest remainder, ties to the lower index): over any run of ticks every backend gets its share to within
 * one request. A backend of weight 0 gets nothing, ever.
 */
export function allocate(n: number, weights: readonly number[], owed: number[]): number[] {
  const total = weights.reduce((a, w) => a + Math.max(0, w), 0);
  const out = weights.map(() => 0);
  if (n <= 0 || total <= 0) return out;
  weights.forEach((w, i) => {
    owed[i] = w > 0 ? (owed[i] ?? 0) + (n * w) / total : 0;
  });
  let given = 0;
  weights.forEach((w, i) => {
    if (w <= 0) return;
    const k = Math.max(0, Math.floor(owed[i]!));
    out[i] = k;
    given += k;
  });
  const order = weights
    .map((w, i) => ({ i, w, rem: owed[i]! - out[i]! }))
    .filter((x) => x.w > 0)
    .sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (let k = 0; given < n && order.length > 0; k++, given++) out[order[k % order.length]!.i]!++;
  // Too many (only after rounding up): take from the most over-served.
  while (given > n) {
    const i = out.map((c, j) => ({ j, over: c - owed[j]! })).filter((x) => out[x.j]! > 0).sort((a, b) => b.over - a.over || b.j - a.j)[0]!.j;
    out[i]!--;
    given--;
  }
  out.forEach((c, i) => {
    if (weights[i]! > 0) owed[i]! -= c;
  });
  return out;
}

/** One request drawn by weight (random distribution). */
export function pickWeighted(rng: () => number, weights: readonly number[]): number {
  const total = weights.reduce((a, w) => a + Math.max(0, w), 0);
  let x = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    const w = Math.max(0, weights[i]!);
    if (x < w) return i;
    x -= w;
  }
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return 0;
}

export interface TrafficOptions {
  registry: Registry;
  source: Source;
  clusterDomain: string;
  families: readonly Family[];
  distribution: Distribution;
  seed: number;
}

/** Longest stretch of time one tick makes up for (after the process was suspended). */
const MAX_CATCH_UP_MS = 5000;

export class SplitTraffic {
  split: SimSplit;
  resolved: ResolvedSplit;
  private readonly rng: () => number;
  private owed: number[] = [];
  private weightsSignature = '';
  private carry = 0;
  /** Generation starts here (ms): the new series are exported at 0 first, so that Prometheus' increase() sees the first requests. */
  private last: number;
  /** Requests sent per backend name (since the simulator started). */
  readonly sent = new Map<string, { success: number; failure: number }>();
  /** When the weights last changed (ms). */
  weightsChangedAt: number;

  constructor(split: SimSplit, resolved: ResolvedSplit, private readonly opts: TrafficOptions, now: number, warmUpMs: number) {
    this.split = split;
    this.resolved = resolved;
    this.rng = mulberry32(hashSeed(opts.seed, split.key));
    this.last = now + warmUpMs;
    this.weightsChangedAt = now;
    this.ensureSeries();
  }

  /** New weights, backends or settings (from a watch event). */
  update(split: SimSplit, resolved: ResolvedSplit, now: number): boolean {
    this.split = split;
    this.resolved = resolved;
    this.ensureSeries();
    const signature = JSON.stringify(split.backends.map((b) => [b.name, b.weight]));
    const changed = signature !== this.weightsSignature;
    if (changed) {
      this.weightsSignature = signature;
      this.owed = split.backends.map(() => 0);
      this.weightsChangedAt = now;
    }
    return changed;
  }

  get weights(): number[] {
    return this.split.backends.map((b) => b.weight);
  }

  /** Series of every backend and outcome exist at 0 before the first request. */
  private ensureSeries(): void {
    const sig = JSON.stringify(this.split.backends.map((b) => [b.name, b.weight]));
    if (this.weightsSignature === '') {
      this.weightsSignature = sig;
      this.owed = this.split.backends.map(() => 0);
    }
    const { registry } = this.opts;
    for (const b of this.split.backends) {
      const settings = this.resolved.backends.get(b.name)!;
      if (this.opts.families.includes('authority')) {
        const base = authorityLabels(this.split, b, this.opts.source, this.opts.clusterDomain);
        registry.counter(METRICS.authorityRequests, authorityOutcome(base, false, 200));
        registry.counter(METRICS.authorityRequests, authorityOutcome(base, true, settings.failureStatus));
        registry.histogram(METRICS.authorityLatency, base, MS_BUCKETS);
      }
      if (this.opts.families.includes('route')) {
        const base = routeLabels(this.split, b, this.opts.source);
        registry.counter(METRICS.routeRequests, routeOutcome(base, 200));
        registry.counter(METRICS.routeRequests, routeOutcome(base, settings.failureStatus));
        registry.histogram(METRICS.routeLatency, base, SECONDS_BUCKETS);
      }
      if (!this.sent.has(b.name)) this.sent.set(b.name, { success: 0, failure: 0 });
    }
  }

  /** Sends the requests due since the last tick. Returns how many. */
  tick(now: number): number {
    if (now <= this.last) return 0;
    const elapsedMs = Math.min(now - this.last, MAX_CATCH_UP_MS);
    this.last = now;
    const due = this.carry + (this.resolved.rps * elapsedMs) / 1000;
    const n = Math.floor(due);
    this.carry = due - n;
    const weights = this.weights;
    if (n === 0 || weights.every((w) => w <= 0)) return 0;
    const counts = this.opts.distribution === 'proportional'
      ? allocate(n, weights, this.owed)
      : weights.map(() => 0);
    if (this.opts.distribution === 'random') for (let k = 0; k < n; k++) counts[pickWeighted(this.rng, weights)]!++;
    counts.forEach((c, i) => {
      const backend = this.split.backends[i]!;
      for (let k = 0; k < c; k++) this.request(backend, this.resolved.backends.get(backend.name)!);
    });
    return n;
  }

  private request(backend: SimSplit['backends'][number], s: BackendSettings): void {
    const failed = this.rng() < s.errorRate;
    const ms = logNormal(this.rng, s.latencyMs.p50, s.latencyMs.p99);
    const status = failed ? s.failureStatus : 200;
    const { registry } = this.opts;
    if (this.opts.families.includes('authority')) {
      const base = authorityLabels(this.split, backend, this.opts.source, this.opts.clusterDomain);
      registry.inc(METRICS.authorityRequests, authorityOutcome(base, failed, status));
      registry.observe(METRICS.authorityLatency, base, MS_BUCKETS, ms);
    }
    if (this.opts.families.includes('route')) {
      const base = routeLabels(this.split, backend, this.opts.source);
      registry.inc(METRICS.routeRequests, routeOutcome(base, status));
      registry.observe(METRICS.routeLatency, base, SECONDS_BUCKETS, ms / 1000);
    }
    const sent = this.sent.get(backend.name)!;
    if (failed) sent.failure++;
    else sent.success++;
  }
}
