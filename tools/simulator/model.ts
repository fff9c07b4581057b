/**
 * What the simulator simulates: the splits of a namespace as read from the API server (TrafficSplits, and every
 * rule × Service parentRef of an HTTPRoute), and the traffic settings of each backend (config file, options and
 * annotations on the split). Pure functions: no I/O.
 */

export type SplitKind = 'TrafficSplit' | 'HTTPRoute' | 'GRPCRoute';
/** How responses are classified in the route family: `http_status`, or `grpc_status` (outbound_grpc_route_*). */
export type Protocol = 'http' | 'grpc';
export type Family = 'authority' | 'route';
export type Distribution = 'proportional' | 'random';

export interface LatencyMs {
  p50: number;
  p99: number;
}

/** Traffic settings of one backend. */
export interface BackendSettings {
  /** Fraction of requests answered with `failureStatus` (0..1). */
  errorRate: number;
  /** Log-normal latency given by its median and 99th percentile (ms). */
  latencyMs: LatencyMs;
  /** HTTP status of a failed request (5xx). */
  failureStatus: number;
  /** Fraction of requests that end in a timeout (`error="RESPONSE_HEADERS_TIMEOUT"`, no status), on top of errorRate. */
  timeoutRate: number;
  /**
   * false: the mesh never sends this backend a request, whatever its weight (its share goes to the others): a split
   * Linkerd does not honour. No series are exported for it.
   */
  served: boolean;
}

export interface BackendOverrides {
  errorRate?: number;
  latencyMs?: Partial<LatencyMs>;
  failureStatus?: number;
  timeoutRate?: number;
  served?: boolean;
}

export interface SplitOverrides {
  /** Requests per second for this split (all backends together). */
  rps?: number;
  /** Retries of a failed request (route family: each try counts per backend, the request once per route). */
  retries?: number;
  /** Settings for every backend of this split. */
  defaults?: BackendOverrides;
  backends?: Record<string, BackendOverrides>;
}

/**
 * The config file (YAML or JSON) and the library options, merged. Everything is optional.
 *
 *   rps: 10                       # requests per second per split (all its backends together)
 *   seed: 1                       # PRNG seed (errors, latencies, random distribution)
 *   distribution: proportional    # or random (each request draws its backend by weight)
 *   families: [authority, route]  # metric families exported
 *   clusterDomain: cluster.local
 *   source: { namespace: emojivoto, deployment: vote-bot, pod: vote-bot-0 }   # the client the metrics claim to come from
 *   defaults: { errorRate: 0.02, latencyMs: { p50: 3, p99: 12 }, failureStatus: 500 }
 *   backends:                     # by backend Service name, for every split using it
 *     web-svc-2: { errorRate: 0.1, latencyMs: { p50: 30, p99: 120 } }
 *   splits:                       # by split name: TrafficSplit `NAME`, `HTTPRoute/NAME` or `GRPCRoute/NAME`
 *     web-svc-ts: { rps: 20, backends: { web-svc: { errorRate: 0 } } }
 *     GRPCRoute/emoji: { retries: 2, backends: { emoji-v2: { timeoutRate: 0.05, served: false } } }
 */
export interface SimConfig {
  rps?: number;
  seed?: number;
  distribution?: Distribution;
  families?: Family[];
  clusterDomain?: string;
  source?: { namespace?: string; deployment?: string; pod?: string };
  defaults?: BackendOverrides;
  backends?: Record<string, BackendOverrides>;
  splits?: Record<string, SplitOverrides>;
}

export const DEFAULT_RPS = 10;
export const DEFAULT_BACKEND: BackendSettings = { errorRate: 0.02, latencyMs: { p50: 3, p99: 12 }, failureStatus: 500, timeoutRate: 0, served: true };

/** Annotation keys on a TrafficSplit or HTTPRoute (`<backend>` is the backend Service name). */
export const ANNOTATION_PREFIX = 'canary-lens.dev/';
export const ANNOTATIONS = {
  rps: 'canary-lens.dev/sim-rps',
  errorRate: 'canary-lens.dev/sim-error-rate',
  latencyMs: 'canary-lens.dev/sim-latency-ms',
  failureStatus: 'canary-lens.dev/sim-failure-status',
} as const;

export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string>; resourceVersion?: string; creationTimestamp?: string };
  spec?: unknown;
}

export interface SimBackend {
  name: string;
  namespace: string;
  /** Service port the requests go to. */
  port: number;
  /** Weight in the split's own unit (v1alpha1 quantities in milli); invalid or negative = 0. */
  weight: number;
}

export interface SimSplit {
  /** Unique per simulated split: `TrafficSplit/NAME`, `HTTPRoute/GROUP/NAME/RULE/PARENT`. */
  key: string;
  kind: SplitKind;
  /** Object name. */
  name: string;
  namespace: string;
  /** 0-based rule index (HTTPRoute only). */
  rule?: number;
  apex: { name: string; namespace: string; port: number; sectionName: string };
  /** The route labels of the route family. */
  route: { group: string; kind: string; name: string; namespace: string };
  protocol: Protocol;
  backends: SimBackend[];
  annotations: Record<string, string>;
  /** What decides which of the splits on one apex Linkerd uses (`precedence.ts`): the object's version and age. */
  apiVersion?: string;
  createdAt?: string;
  /** The rule's matches as written (JSON; `[]` without): routes conflict on an apex only with equal matches. */
  matchKey?: string;
}

/** Ports of the Services of the namespace, by name (first port first). */
export type ServicePorts = Map<string, number[]>;

export const DEFAULT_PORT = 80;

// ---------------------------------------------------------------------------------------------------------------
// Quantities (TrafficSplit v1alpha1 weights)

const SUFFIX: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** A Kubernetes quantity in milli-units (`500m` → 500, `1` → 1000, `2k` → 2e6); undefined when it is not one. */
export function quantityMilli(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 1000) : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+))(m|k|M|G|Ki|Mi|Gi)?\s*$/.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * SUFFIX[m[2] ?? '']! * 1000);
}

/** A weight of a TrafficSplit: v1alpha2+ integers as they are, v1alpha1 quantities in milli. */
export function trafficSplitWeight(value: unknown, apiVersion: string): number {
  if (apiVersion.endsWith('/v1alpha1')) return Math.max(0, quantityMilli(value) ?? 0);
  if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, value);
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  // A quantity string under a newer version (a conversion: None CRD returns what was stored).
  const milli = typeof value === 'string' ? quantityMilli(value) : undefined;
  return milli !== undefined ? Math.max(0, milli / 1000) : 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Splits from objects

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function portNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 65536 ? v : undefined;
}

function firstPort(services: ServicePorts, name: string): number | undefined {
  return services.get(name)?.[0];
}

/** The simulated split of a TrafficSplit (undefined without an apex or backends). */
export function trafficSplitOf(obj: K8sObject, services: ServicePorts): SimSplit | undefined {
  const name = obj.metadata?.name;
  const namespace = obj.metadata?.namespace;
  const spec = record(obj.spec);
  const apex = str(spec?.service);
  if (!name || !namespace || !apex) return undefined;
  const port = firstPort(services, apex) ?? DEFAULT_PORT;
  const backends: SimBackend[] = [];
  for (const b of Array.isArray(spec?.backends) ? spec.backends : []) {
    const r = record(b);
    const service = str(r?.service);
    if (!service) continue;
    backends.push({ name: service, namespace, port, weight: trafficSplitWeight(r?.weight, obj.apiVersion ?? '') });
  }
  if (backends.length === 0) return undefined;
  return {
    key: `TrafficSplit/${name}`,
    kind: 'TrafficSplit',
    name,
    namespace,
    apex: { name: apex, namespace, port, sectionName: '' },
    // What a Linkerd 2.17+ proxy reports when no HTTPRoute applies: the policy controller's default route.
    route: { group: '', kind: 'default', name: 'http', namespace },
    protocol: 'http',
    backends,
    annotations: { ...(obj.metadata?.annotations ?? {}) },
    ...identity(obj),
  };
}

/** The object's version and creation time, for `precedence.ts`. */
function identity(obj: K8sObject): Pick<SimSplit, 'apiVersion' | 'createdAt'> {
  return {
    ...(obj.apiVersion ? { apiVersion: obj.apiVersion } : {}),
    ...(obj.metadata?.creationTimestamp ? { createdAt: obj.metadata.creationTimestamp } : {}),
  };
}

/** The simulated splits of an HTTPRoute (see routeSplitsOf). */
export function httpRouteSplitsOf(obj: K8sObject, services: ServicePorts): SimSplit[] {
  return routeSplitsOf(obj, services, 'HTTPRoute');
}

/**
 * The simulated splits of an HTTPRoute or GRPCRoute: one per rule with backendRefs and per parentRef of kind Service
 * (group "" or "core"). Backends that are not core Services are skipped; weight defaults to 1; a backend port
 * defaults to the parent's port. Only parents in `namespace` count (the simulator measures one namespace).
 */
export function routeSplitsOf(obj: K8sObject, services: ServicePorts, kind: 'HTTPRoute' | 'GRPCRoute'): SimSplit[] {
  const name = obj.metadata?.name;
  const namespace = obj.metadata?.namespace;
  const spec = record(obj.spec);
  if (!name || !namespace || !spec) return [];
  const group = (obj.apiVersion ?? 'gateway.networking.k8s.io/v1').split('/')[0]!;
  const parents = (Array.isArray(spec.parentRefs) ? spec.parentRefs : []).flatMap((p, parentIndex) => {
    const r = record(p);
    const parentName = str(r?.name);
    const kind = str(r?.kind);
    const parentGroup = typeof r?.group === 'string' ? r.group : undefined;
    if (!parentName || kind !== 'Service' || (parentGroup !== undefined && parentGroup !== '' && parentGroup !== 'core')) return [];
    const parentNs = str(r?.namespace) ?? namespace;
    if (parentNs !== namespace) return [];
    const port = portNumber(r?.port) ?? firstPort(services, parentName) ?? DEFAULT_PORT;
    return [{ parentIndex, name: parentName, namespace: parentNs, port, sectionName: str(r?.sectionName) ?? '' }];
  });
  const out: SimSplit[] = [];
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  rules.forEach((rule, ruleIndex) => {
    const refs = record(rule)?.backendRefs;
    if (!Array.isArray(refs) || refs.length === 0) return;
    for (const parent of parents) {
      const backends: SimBackend[] = [];
      for (const ref of refs) {
        const r = record(ref);
        const backendName = str(r?.name);
        const kind = str(r?.kind) ?? 'Service';
        const backendGroup = typeof r?.group === 'string' ? r.group : '';
        if (!backendName || kind !== 'Service' || (backendGroup !== '' && backendGroup !== 'core')) continue;
        const w = r?.weight;
        const weight = w === undefined ? 1 : typeof w === 'number' && Number.isFinite(w) && w > 0 ? w : 0;
        backends.push({ name: backendName, namespace: str(r?.namespace) ?? namespace, port: portNumber(r?.port) ?? parent.port, weight });
      }
      if (backends.length === 0) continue;
      out.push({
        key: `${kind}/${group}/${name}/${ruleIndex}/${parent.parentIndex}`,
        kind,
        name,
        namespace,
        rule: ruleIndex,
        apex: { name: parent.name, namespace: parent.namespace, port: parent.port, sectionName: parent.sectionName },
        route: { group, kind, name, namespace },
        protocol: kind === 'GRPCRoute' ? 'grpc' : 'http',
        backends,
        annotations: { ...(obj.metadata?.annotations ?? {}) },
        ...identity(obj),
        matchKey: JSON.stringify(record(rule)?.matches ?? []),
      });
    }
  });
  return out;
}

/** Ports of a Service object (in order). */
export function servicePorts(obj: K8sObject): number[] {
  const ports = record(obj.spec)?.ports;
  return (Array.isArray(ports) ? ports : []).flatMap((p) => {
    const n = portNumber(record(p)?.port);
    return n === undefined ? [] : [n];
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Settings: built-in defaults < config defaults < config backends[name] < config splits[split].defaults
//           < config splits[split].backends[name] < annotation (split-wide) < annotation.<backend>

export class ConfigError extends Error {}

function rate(v: unknown, what: string): number {
  const n = typeof v === 'string' ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 1 || (typeof v === 'string' && v.trim() === '')) {
    throw new ConfigError(`${what} must be a number between 0 and 1, not ${JSON.stringify(v)}`);
  }
  return n;
}

function positive(v: unknown, what: string, allowZero = false): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new ConfigError(`${what} must be a ${allowZero ? 'non-negative' : 'positive'} number, not ${JSON.stringify(v)}`);
  }
  return n;
}

function status5xx(v: unknown, what: string): number {
  const n = typeof v === 'string' ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 500 || n > 599) throw new ConfigError(`${what} must be a 5xx status, not ${JSON.stringify(v)}`);
  return n;
}

/** `"5,20"`, `"p50=5,p99=20"`, `"5"` (p50 only) → { p50, p99 }. */
export function parseLatencyAnnotation(text: string, what: string): Partial<LatencyMs> {
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const out: Partial<LatencyMs> = {};
  parts.forEach((p, i) => {
    const m = /^(?:(p50|p99)\s*[=:]\s*)?(.+)$/.exec(p)!;
    const key = (m[1] as 'p50' | 'p99' | undefined) ?? (i === 0 ? 'p50' : i === 1 ? 'p99' : undefined);
    if (!key) throw new ConfigError(`${what}: expected "P50,P99" or "p50=N,p99=N", not ${JSON.stringify(text)}`);
    out[key] = positive(m[2], `${what} ${key}`);
  });
  if (parts.length === 0) throw new ConfigError(`${what}: empty`);
  return out;
}

const BACKEND_KEYS = ['errorRate', 'latencyMs', 'failureStatus', 'timeoutRate', 'served'];

function checkOverrides(o: unknown, what: string): BackendOverrides {
  const r = record(o);
  if (o !== undefined && !r) throw new ConfigError(`${what} must be a mapping`);
  if (!r) return {};
  const out: BackendOverrides = {};
  if (r.errorRate !== undefined) out.errorRate = rate(r.errorRate, `${what}.errorRate`);
  if (r.failureStatus !== undefined) out.failureStatus = status5xx(r.failureStatus, `${what}.failureStatus`);
  if (r.timeoutRate !== undefined) out.timeoutRate = rate(r.timeoutRate, `${what}.timeoutRate`);
  if (r.served !== undefined) {
    if (typeof r.served !== 'boolean') throw new ConfigError(`${what}.served must be true or false`);
    out.served = r.served;
  }
  if (r.latencyMs !== undefined) {
    const l = record(r.latencyMs);
    if (!l) throw new ConfigError(`${what}.latencyMs must be a mapping with p50 and/or p99`);
    out.latencyMs = {};
    if (l.p50 !== undefined) out.latencyMs.p50 = positive(l.p50, `${what}.latencyMs.p50`);
    if (l.p99 !== undefined) out.latencyMs.p99 = positive(l.p99, `${what}.latencyMs.p99`);
  }
  for (const k of Object.keys(r)) {
    if (!BACKEND_KEYS.includes(k)) throw new ConfigError(`${what}: unknown key ${k} (${BACKEND_KEYS.join(', ')})`);
  }
  return out;
}

/** Validates a parsed config file (or options); throws ConfigError with the path of the bad value. */
export function validateConfig(raw: unknown, what = 'config'): SimConfig {
  if (raw === undefined || raw === null) return {};
  const r = record(raw);
  if (!r) throw new ConfigError(`${what} must be a mapping`);
  const known = ['rps', 'seed', 'distribution', 'families', 'clusterDomain', 'source', 'defaults', 'backends', 'splits'];
  for (const k of Object.keys(r)) if (!known.includes(k)) throw new ConfigError(`${what}: unknown key ${k} (${known.join(', ')})`);
  const out: SimConfig = {};
  if (r.rps !== undefined) out.rps = positive(r.rps, `${what}.rps`, true);
  if (r.seed !== undefined) {
    if (typeof r.seed !== 'number' || !Number.isInteger(r.seed)) throw new ConfigError(`${what}.seed must be an integer`);
    out.seed = r.seed;
  }
  if (r.distribution !== undefined) {
    if (r.distribution !== 'proportional' && r.distribution !== 'random') throw new ConfigError(`${what}.distribution must be proportional or random`);
    out.distribution = r.distribution;
  }
  if (r.families !== undefined) {
    if (!Array.isArray(r.families) || r.families.some((f) => f !== 'authority' && f !== 'route')) throw new ConfigError(`${what}.families must be a list of authority and/or route`);
    out.families = [...new Set(r.families as Family[])];
  }
  if (r.clusterDomain !== undefined) {
    if (typeof r.clusterDomain !== 'string' || !/^[a-z0-9.-]+$/.test(r.clusterDomain)) throw new ConfigError(`${what}.clusterDomain must be a domain name`);
    out.clusterDomain = r.clusterDomain;
  }
  if (r.source !== undefined) {
    const s = record(r.source);
    if (!s || Object.values(s).some((v) => typeof v !== 'string')) throw new ConfigError(`${what}.source must map namespace/deployment/pod to strings`);
    out.source = s;
  }
  if (r.defaults !== undefined) out.defaults = checkOverrides(r.defaults, `${what}.defaults`);
  if (r.backends !== undefined) {
    const b = record(r.backends);
    if (!b) throw new ConfigError(`${what}.backends must be a mapping by backend name`);
    out.backends = Object.fromEntries(Object.entries(b).map(([k, v]) => [k, checkOverrides(v, `${what}.backends.${k}`)]));
  }
  if (r.splits !== undefined) {
    const s = record(r.splits);
    if (!s) throw new ConfigError(`${what}.splits must be a mapping by split name`);
    out.splits = {};
    for (const [k, v] of Object.entries(s)) {
      const sr = record(v);
      if (!sr) throw new ConfigError(`${what}.splits.${k} must be a mapping`);
      for (const key of Object.keys(sr)) if (!['rps', 'retries', 'defaults', 'backends'].includes(key)) throw new ConfigError(`${what}.splits.${k}: unknown key ${key} (rps, retries, defaults, backends)`);
      const so: SplitOverrides = {};
      if (sr.rps !== undefined) so.rps = positive(sr.rps, `${what}.splits.${k}.rps`, true);
      if (sr.retries !== undefined) {
        if (typeof sr.retries !== 'number' || !Number.isInteger(sr.retries) || sr.retries < 0) throw new ConfigError(`${what}.splits.${k}.retries must be a whole number >= 0`);
        so.retries = sr.retries;
      }
      if (sr.defaults !== undefined) so.defaults = checkOverrides(sr.defaults, `${what}.splits.${k}.defaults`);
      if (sr.backends !== undefined) {
        const b = record(sr.backends);
        if (!b) throw new ConfigError(`${what}.splits.${k}.backends must be a mapping`);
        so.backends = Object.fromEntries(Object.entries(b).map(([n, x]) => [n, checkOverrides(x, `${what}.splits.${k}.backends.${n}`)]));
      }
      out.splits[k] = so;
    }
  }
  return out;
}

/** Later configs win, key by key (backends and splits merged by name). */
export function mergeConfigs(...configs: SimConfig[]): SimConfig {
  const out: SimConfig = {};
  for (const c of configs) {
    for (const k of ['rps', 'seed', 'distribution', 'families', 'clusterDomain'] as const) {
      if (c[k] !== undefined) (out as Record<string, unknown>)[k] = c[k];
    }
    if (c.source) out.source = { ...out.source, ...c.source };
    if (c.defaults) out.defaults = mergeOverrides(out.defaults, c.defaults);
    for (const [n, b] of Object.entries(c.backends ?? {})) (out.backends ??= {})[n] = mergeOverrides(out.backends?.[n], b);
    for (const [n, s] of Object.entries(c.splits ?? {})) {
      const prev = out.splits?.[n] ?? {};
      const next: SplitOverrides = { ...prev, ...(s.rps !== undefined ? { rps: s.rps } : {}), ...(s.retries !== undefined ? { retries: s.retries } : {}) };
      if (s.defaults) next.defaults = mergeOverrides(prev.defaults, s.defaults);
      for (const [bn, b] of Object.entries(s.backends ?? {})) (next.backends = { ...next.backends })[bn] = mergeOverrides(prev.backends?.[bn], b);
      (out.splits ??= {})[n] = next;
    }
  }
  return out;
}

function mergeOverrides(a: BackendOverrides | undefined, b: BackendOverrides): BackendOverrides {
  const out: BackendOverrides = { ...a, ...b };
  if (a?.latencyMs || b.latencyMs) out.latencyMs = { ...a?.latencyMs, ...b.latencyMs };
  return out;
}

function apply(base: BackendSettings, o: BackendOverrides | undefined): BackendSettings {
  if (!o) return base;
  return {
    errorRate: o.errorRate ?? base.errorRate,
    failureStatus: o.failureStatus ?? base.failureStatus,
    timeoutRate: o.timeoutRate ?? base.timeoutRate,
    served: o.served ?? base.served,
    latencyMs: { p50: o.latencyMs?.p50 ?? base.latencyMs.p50, p99: o.latencyMs?.p99 ?? base.latencyMs.p99 },
  };
}

/** Names a split goes by in `splits:` of the config: TrafficSplit `NAME` (or `TrafficSplit/NAME`), `HTTPRoute/NAME`, `GRPCRoute/NAME`. */
export function splitConfigNames(split: SimSplit): string[] {
  return split.kind === 'TrafficSplit' ? [split.name, `TrafficSplit/${split.name}`] : [`${split.kind}/${split.name}`];
}

function splitOverrides(config: SimConfig, split: SimSplit): SplitOverrides | undefined {
  for (const n of splitConfigNames(split)) if (config.splits?.[n]) return config.splits[n];
  return undefined;
}

/**
 * Annotation overrides of one backend (`backend` given: the `.<backend>` keys) or of the whole split. Each key is
 * parsed on its own: a bad value is added to `problems` and ignored, the others still apply.
 */
export function annotationOverrides(annotations: Record<string, string>, backend: string | undefined, problems: string[]): BackendOverrides {
  const suffix = backend === undefined ? '' : `.${backend}`;
  const out: BackendOverrides = {};
  const each = <T>(key: string, parse: (text: string, what: string) => T, set: (v: T) => void) => {
    const text = annotations[`${key}${suffix}`];
    if (text === undefined) return;
    try {
      set(parse(text, `${key}${suffix}`));
    } catch (e) {
      problems.push((e as Error).message);
    }
  };
  each(ANNOTATIONS.errorRate, rate, (v) => (out.errorRate = v));
  each(ANNOTATIONS.latencyMs, parseLatencyAnnotation, (v) => (out.latencyMs = v));
  each(ANNOTATIONS.failureStatus, status5xx, (v) => (out.failureStatus = v));
  return out;
}

export interface ResolvedSplit {
  rps: number;
  /** Retries of a failed request. */
  retries: number;
  backends: Map<string, BackendSettings>;
  /** Bad annotation values (ignored; the rest of the settings still apply). */
  problems: string[];
}

/** The rate and per-backend settings of a split. */
export function resolveSplit(config: SimConfig, split: SimSplit): ResolvedSplit {
  const problems: string[] = [];
  const so = splitOverrides(config, split);
  let rps = so?.rps ?? config.rps ?? DEFAULT_RPS;
  const rpsText = split.annotations[ANNOTATIONS.rps];
  if (rpsText !== undefined) {
    try {
      rps = positive(rpsText, ANNOTATIONS.rps, true);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  const splitWide = annotationOverrides(split.annotations, undefined, problems);
  const backends = new Map<string, BackendSettings>();
  for (const b of split.backends) {
    if (backends.has(b.name)) continue;
    let s = apply(DEFAULT_BACKEND, config.defaults);
    s = apply(s, config.backends?.[b.name]);
    s = apply(s, so?.defaults);
    s = apply(s, so?.backends?.[b.name]);
    s = apply(s, splitWide);
    s = apply(s, annotationOverrides(split.annotations, b.name, problems));
    if (s.latencyMs.p99 < s.latencyMs.p50) {
      problems.push(`${split.key} ${b.name}: latency p99 ${s.latencyMs.p99} < p50 ${s.latencyMs.p50}: using p99 = p50`);
      s = { ...s, latencyMs: { p50: s.latencyMs.p50, p99: s.latencyMs.p50 } };
    }
    backends.set(b.name, s);
  }
  return { rps, retries: so?.retries ?? 0, backends, problems };
}
