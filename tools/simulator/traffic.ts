/**
 * Request generation: a split sends `rps` requests per second (time-based: the tick turns elapsed time into a number
 * of requests, carrying fractions), spread over its backends by the LIVE weights, each request failing with the
 * backend's error rate (or timing out at its timeout rate) and taking a log-normal latency given by its p50 and p99.
 * A failed try is retried up to the split's `retries` on the same backend. The families a split is seen in follow
 * its kind: a TrafficSplit only in the authority family (linkerd-smi turns it into ServiceProfile dstOverrides, which
 * the route metrics never see: linkerd/linkerd-smi pkg/adaptor/controller.go), a route in both (a Linkerd 2.17+ proxy
 * exports both; older proxies only the authority family). The `families` option narrows that further.
 */
import {
  authorityLabels, authorityOutcome, MS_BUCKETS, METRICS, routeLabels, routeLevelLabels, routeMetrics, routeOutcome, SECONDS_BUCKETS,
  type Outcome, type Registry, type Source,
} from './metrics';
import type { BackendSettings, Distribution, Family, ResolvedSplit, SimSplit } from './model';

/** The families a split's traffic shows in (see the header), narrowed by the `families` option. */
export function familiesOf(split: SimSplit, allowed: readonly Family[]): Family[] {
  const own: Family[] = split.kind === 'TrafficSplit' ? ['authority'] : ['authority', 'route'];
  return own.filter((f) => allowed.includes(f));
}

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

  /** The weights the mesh acts on: a backend that is not served gets nothing, whatever its weight. */
  get weights(): number[] {
    return this.split.backends.map((b) => (this.resolved.backends.get(b.name)?.served === false ? 0 : b.weight));
  }

  private has(family: Family): boolean {
    return familiesOf(this.split, this.opts.families).includes(family);
  }

  /** Series of every backend and outcome exist at 0 before the first request. */
  private ensureSeries(): void {
    const sig = JSON.stringify(this.split.backends.map((b) => [b.name, b.weight]));
    if (this.weightsSignature === '') {
      this.weightsSignature = sig;
      this.owed = this.split.backends.map(() => 0);
    }
    const { registry } = this.opts;
    const m = routeMetrics(this.split.protocol);
    for (const b of this.split.backends) {
      const settings = this.resolved.backends.get(b.name)!;
      // A backend the mesh never serves has no series at all.
      if (!settings.served) continue;
      if (this.has('authority')) {
        const base = authorityLabels(this.split, b, this.opts.source, this.opts.clusterDomain);
        registry.counter(METRICS.authorityRequests, authorityOutcome(base, false, 200));
        registry.counter(METRICS.authorityRequests, authorityOutcome(base, true, settings.failureStatus));
        registry.histogram(METRICS.authorityLatency, base, MS_BUCKETS);
      }
      if (this.has('route')) {
        const base = routeLabels(this.split, b, this.opts.source);
        registry.counter(m.backendStatuses, routeOutcome(base, { kind: 'response', failed: false, status: 200 }, this.split.protocol));
        registry.counter(m.backendStatuses, routeOutcome(base, { kind: 'response', failed: true, status: settings.failureStatus }, this.split.protocol));
        registry.histogram(m.backendDuration, base, SECONDS_BUCKETS);
      }
      if (!this.sent.has(b.name)) this.sent.set(b.name, { success: 0, failure: 0 });
    }
    if (this.has('route')) {
      const base = routeLevelLabels(this.split, this.opts.source);
      registry.counter(m.routeStatuses, routeOutcome(base, { kind: 'response', failed: false, status: 200 }, this.split.protocol));
      registry.counter(m.retries, base);
      registry.histogram(m.routeDuration, base, SECONDS_BUCKETS);
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

  /** One try: fails at the error rate (its 5xx), else times out at the timeout rate; a latency either way. */
  private attempt(s: BackendSettings): { outcome: Outcome; ms: number } {
    const failed = this.rng() < s.errorRate;
    const ms = logNormal(this.rng, s.latencyMs.p50, s.latencyMs.p99);
    if (!failed && s.timeoutRate > 0 && this.rng() < s.timeoutRate) return { outcome: { kind: 'error', error: 'RESPONSE_HEADERS_TIMEOUT' }, ms };
    return { outcome: { kind: 'response', failed, status: failed ? s.failureStatus : 200 }, ms };
  }

  /** One request: its tries on the backend (each counted per backend), then the request once per route. */
  private request(backend: SimSplit['backends'][number], s: BackendSettings): void {
    const { registry } = this.opts;
    const m = routeMetrics(this.split.protocol);
    let total = 0;
    let last: Outcome;
    for (let tries = 0; ; tries++) {
      const { outcome, ms } = this.attempt(s);
      total += ms;
      last = outcome;
      const failed = outcome.kind === 'error' || outcome.failed;
      if (this.has('authority')) {
        const base = authorityLabels(this.split, backend, this.opts.source, this.opts.clusterDomain);
        // The proxy answers a timeout with a 504 of its own.
        registry.inc(METRICS.authorityRequests, authorityOutcome(base, failed, outcome.kind === 'error' ? 504 : outcome.status));
        registry.observe(METRICS.authorityLatency, base, MS_BUCKETS, ms);
      }
      if (this.has('route')) {
        const base = routeLabels(this.split, backend, this.opts.source);
        registry.inc(m.backendStatuses, routeOutcome(base, outcome, this.split.protocol));
        registry.observe(m.backendDuration, base, SECONDS_BUCKETS, ms / 1000);
      }
      const sent = this.sent.get(backend.name)!;
      if (failed) sent.failure++;
      else sent.success++;
      if (!failed || tries >= this.resolved.retries) break;
      if (this.has('route')) registry.inc(m.retries, routeLevelLabels(this.split, this.opts.source));
    }
    if (this.has('route')) {
      const base = routeLevelLabels(this.split, this.opts.source);
      registry.inc(m.routeStatuses, routeOutcome(base, last, this.split.protocol));
      registry.observe(m.routeDuration, base, SECONDS_BUCKETS, total / 1000);
    }
  }
}
