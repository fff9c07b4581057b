/**
 * Deterministic Linkerd-proxy metric history for the backfilled Prometheus: both families, several splits in two
 * namespaces, written as OpenMetrics for promtool. The same series objects are what the tests compute their expected
 * numbers from, by hand (expected.ts), so the OpenMetrics text and the expectations cannot drift apart.
 *
 *   emojivoto (authority family, a sample every 10 s)   manifests: test/fixtures/stats/emojivoto.yaml
 *     web-svc-ts   web-apex    web-svc 900 / web-svc-2 100, observed about 72/28: flagged
 *     emoji-ts     emoji-svc   emoji-v1 / emoji-v2 / emoji-v3 (no series at all: `-`)
 *     voting-ts    voting-svc  voting-v1 900m / voting-v2 100m (only failures: 0.00%)
 *   books (route family of Linkerd 2.17+, a sample every 5 s)   manifests: test/fixtures/stats/books.yaml
 *     reviews-canary  HTTPRoute  reviews:9080 → reviews-v1 90 / reviews-v2 10 (404 counts as success)
 *     reviews-header  HTTPRoute  same parent, its own route: reviews-v3, reviews-v1 (must not leak into reviews-canary)
 *     ratings         HTTPRoute, 2 rules: ratings-v2 (only failures: 503s and REQUEST_TIMEOUT errors);
 *                     ratings-v1 / ratings-v3 (series that never increase: 0.0rps, `-` success and latency)
 *     details-ts      TrafficSplit measured by the route family: every route of parent details (default + one
 *                     HTTPRoute), observed exactly 60/40 against 50/50: 10 points, not flagged
 *   mixed (a namespace halfway from TrafficSplit to routes, proxies of both generations)   manifests: test/fixtures/stats/mixed.yaml
 *     web-ts       TrafficSplit  web-apex → web-v1 500 / web-v2 500: authority series, plus route series of a newer
 *                  proxy for web-v1 only (route_kind default): the authority family must measure it, not flagged
 *     api-ts       TrafficSplit  api-apex → api-v1 500 / api-v2 500: api-v2 has no series at all: flagged (no-series)
 *     shop-route   HTTPRoute     shop:8080 → shop-v1 80 / shop-v2 20: route series with 503s and timeouts, route-level
 *                  statuses and retries; authority series too (with other numbers): the route family must measure it
 *     emoji-grpc   GRPCRoute     emoji-svc:8080 → emoji-v1 50 / emoji-v2 50: outbound_grpc_route_* with OK,
 *                  UNAVAILABLE and REQUEST_TIMEOUT; route-level statuses and retries
 *     cart-ts + cart-route (test/fixtures/stats/shared-apex.yaml): a TrafficSplit and an HTTPRoute on one apex, the
 *                  route shadowed by the TrafficSplit's ServiceProfile: authority series only, which are cart-ts's
 *   plus noise each query must filter out: inbound series, other namespaces, a Gateway parent, a longer apex name.
 */

export const T0 = 1704067200; // 2024-01-01T00:00:00Z
/** The fixed evaluation instant of the tests: 2024-01-01T00:10:00Z. */
export const EVAL = T0 + 600;
export const EVAL_RFC3339 = '2024-01-01T00:10:00Z';
export const WINDOW = '1m';
export const WINDOW_SECONDS = 60;

export const AUTHORITY_STEP = 10;
export const ROUTE_STEP = 5;

export const MS_BUCKETS = ['1', '2', '3', '4', '5', '10', '20', '30', '40', '50', '100', '200', '300', '400', '500', '1000', '2000', '3000', '4000', '5000', '10000', '20000', '30000', '40000', '50000', '+Inf'];
export const SECONDS_BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];

export type Labels = Record<string, string>;

/** A counter: cumulative value at T0 + i·step for i = 0..n. */
export interface CounterSeries {
  name: string;
  labels: Labels;
  step: number;
  values: number[];
}

/** A classic histogram: cumulative count per `le` (same order as `les`) at T0 + i·step. */
export interface HistogramSeries {
  name: string;
  labels: Labels;
  step: number;
  les: string[];
  cumulative: number[][];
  counts: number[];
  sums: number[];
}

export interface History {
  counters: CounterSeries[];
  histograms: HistogramSeries[];
}

/** Integer split of n by weights (largest remainder, ties to the lower index): deterministic. */
export function spread(n: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (n * w) / total);
  const out = raw.map(Math.floor);
  let left = n - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, rem: r - Math.floor(r) })).sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (let k = 0; left > 0; k++, left--) out[order[k % order.length]!.i]!++;
  return out;
}

/** Bucket increments of one step: the weights say where the observations fall (one weight per `le`, +Inf last). */
type Profile = (i: number) => number[];

interface Outcome {
  labels: Labels;
  perStep: (i: number) => number;
  /** Emit the series even when it never increases (flat zero). */
  flat?: boolean;
}

function steps(step: number): number {
  return Math.round((EVAL - T0) / step);
}

function counter(name: string, labels: Labels, step: number, perStep: (i: number) => number): CounterSeries {
  const values: number[] = [];
  let v = 0;
  for (let i = 0; i <= steps(step); i++) {
    if (i > 0) v += perStep(i);
    values.push(v);
  }
  return { name, labels, step, values };
}

function histogram(name: string, labels: Labels, step: number, les: string[], perStep: (i: number) => number, profile: Profile, midpoint: (k: number) => number): HistogramSeries {
  const cumulative: number[][] = [];
  const counts: number[] = [];
  const sums: number[] = [];
  const perLe = les.map(() => 0);
  let count = 0;
  let sum = 0;
  for (let i = 0; i <= steps(step); i++) {
    if (i > 0) {
      const n = perStep(i);
      const inc = spread(n, profile(i));
      inc.forEach((c, k) => {
        perLe[k]! += c;
        sum += c * midpoint(k);
      });
      count += n;
    }
    // Cumulative over le: bucket k counts every observation in buckets 0..k.
    let run = 0;
    cumulative.push(perLe.map((c) => (run += c)));
    counts.push(count);
    sums.push(sum);
  }
  return { name, labels, step, les, cumulative, counts, sums };
}

function total(outcomes: readonly Outcome[]): (i: number) => number {
  return (i) => outcomes.reduce((n, o) => n + o.perStep(i), 0);
}

function everIncreases(perStep: (i: number) => number, step: number): boolean {
  for (let i = 1; i <= steps(step); i++) if (perStep(i) > 0) return true;
  return false;
}

// ----------------------------------------------------------------------------------------------------------------
// Authority family (Linkerd 2.10-2.16 proxies): response_total, response_latency_ms

interface AuthorityFlow {
  namespace: string;
  apex: string;
  leaf: string;
  /** Source pod (several pods → several series for one leaf). */
  pod: string;
  direction?: 'outbound' | 'inbound';
  /** Port in the authority (default 80). */
  port?: string;
  success: (i: number) => number;
  failure: (i: number) => number;
  profile: Profile;
}

function msMidpoint(k: number): number {
  const hi = Number(MS_BUCKETS[k] === '+Inf' ? 60000 : MS_BUCKETS[k]);
  const lo = k === 0 ? 0 : Number(MS_BUCKETS[k - 1]);
  return (hi + lo) / 2;
}

function authoritySeries(f: AuthorityFlow, out: History): void {
  const base: Labels = {
    authority: `${f.apex}.${f.namespace}.svc.cluster.local:${f.port ?? '80'}`,
    direction: f.direction ?? 'outbound',
    dst_namespace: f.namespace,
    dst_service: f.leaf,
    dst_deployment: f.leaf,
    tls: 'true',
    namespace: f.namespace,
    deployment: 'vote-bot',
    pod: f.pod,
    instance: `${f.pod}:4191`,
    job: 'linkerd-proxy',
  };
  const outcomes: Outcome[] = [
    { labels: { classification: 'success', status_code: '200' }, perStep: f.success },
    { labels: { classification: 'failure', status_code: '500' }, perStep: f.failure },
  ];
  for (const o of outcomes) {
    if (o.flat || everIncreases(o.perStep, AUTHORITY_STEP)) out.counters.push(counter('response_total', { ...base, ...o.labels }, AUTHORITY_STEP, o.perStep));
  }
  const all = total(outcomes);
  if (everIncreases(all, AUTHORITY_STEP)) {
    out.histograms.push(histogram('response_latency_ms', base, AUTHORITY_STEP, MS_BUCKETS, all, f.profile, msMidpoint));
  }
}

/** Weights over MS_BUCKETS (26 entries) with mass at the given le values. */
function msProfile(mass: Record<string, number>): number[] {
  return MS_BUCKETS.map((le) => mass[le] ?? 0);
}

// ----------------------------------------------------------------------------------------------------------------
// Route family (Linkerd 2.17+): outbound_http_route_backend_response_statuses_total, ..._duration_seconds

export type RouteProtocol = 'http' | 'grpc';

interface RouteFlow {
  parentNamespace: string;
  parent: string;
  parentKind?: string;
  parentPort?: string;
  routeName: string;
  routeKind: string;
  backend: string;
  pod: string;
  outcomes: Outcome[];
  profile: Profile;
  protocol?: RouteProtocol;
}

/** Route-level series of one route (after retries): request statuses, retries, request durations. */
interface RouteLevelFlow {
  parentNamespace: string;
  parent: string;
  parentPort: string;
  routeName: string;
  routeKind: string;
  pod: string;
  protocol: RouteProtocol;
  outcomes: Outcome[];
  retries: (i: number) => number;
  profile: Profile;
}

function secondsMidpoint(k: number): number {
  const hi = Number(SECONDS_BUCKETS[k] === '+Inf' ? 30 : SECONDS_BUCKETS[k]);
  const lo = k === 0 ? 0 : Number(SECONDS_BUCKETS[k - 1]);
  return (hi + lo) / 2;
}

function routeSeries(f: RouteFlow, out: History): void {
  const base: Labels = {
    parent_group: '', // Prometheus keeps no empty label: these disappear, as they do from real proxies
    parent_kind: f.parentKind ?? 'Service',
    parent_namespace: f.parentNamespace,
    parent_name: f.parent,
    parent_port: f.parentPort ?? '9080',
    parent_section_name: '',
    route_group: f.routeKind === 'default' ? '' : 'gateway.networking.k8s.io',
    route_kind: f.routeKind,
    route_namespace: f.parentNamespace,
    route_name: f.routeName,
    backend_group: '',
    backend_kind: 'Service',
    backend_namespace: f.parentNamespace,
    backend_name: f.backend,
    backend_port: f.parentPort ?? '9080',
    backend_section_name: '',
    namespace: f.parentNamespace,
    deployment: 'productpage',
    pod: f.pod,
    job: 'linkerd-proxy',
  };
  const p = f.protocol ?? 'http';
  for (const o of f.outcomes) {
    if (o.flat || everIncreases(o.perStep, ROUTE_STEP)) {
      out.counters.push(counter(`outbound_${p}_route_backend_response_statuses_total`, { ...base, ...o.labels }, ROUTE_STEP, o.perStep));
    }
  }
  const all = total(f.outcomes);
  if (everIncreases(all, ROUTE_STEP) || f.outcomes.some((o) => o.flat)) {
    out.histograms.push(histogram(`outbound_${p}_route_backend_response_duration_seconds`, base, ROUTE_STEP, SECONDS_BUCKETS, all, f.profile, secondsMidpoint));
  }
}

/** The route's own series, labelled like linkerd2-proxy's route metrics (parent, route, hostname; no backend). */
function routeLevelSeries(f: RouteLevelFlow, out: History): void {
  const base: Labels = {
    parent_group: '',
    parent_kind: 'Service',
    parent_namespace: f.parentNamespace,
    parent_name: f.parent,
    parent_port: f.parentPort,
    parent_section_name: '',
    route_group: 'gateway.networking.k8s.io',
    route_kind: f.routeKind,
    route_namespace: f.parentNamespace,
    route_name: f.routeName,
    hostname: '',
    namespace: f.parentNamespace,
    deployment: 'web',
    pod: f.pod,
    job: 'linkerd-proxy',
  };
  const prefix = `outbound_${f.protocol}_route`;
  for (const o of f.outcomes) {
    if (everIncreases(o.perStep, ROUTE_STEP)) out.counters.push(counter(`${prefix}_request_statuses_total`, { ...base, ...o.labels }, ROUTE_STEP, o.perStep));
  }
  out.counters.push(counter(`${prefix}_retry_requests_total`, base, ROUTE_STEP, f.retries));
  out.histograms.push(histogram(`${prefix}_request_duration_seconds`, base, ROUTE_STEP, SECONDS_BUCKETS, total(f.outcomes), f.profile, secondsMidpoint));
}

function secondsProfile(mass: Record<string, number>): number[] {
  return SECONDS_BUCKETS.map((le) => mass[le] ?? 0);
}

// ----------------------------------------------------------------------------------------------------------------

/** Alternating latency profiles, so that irate (last interval) and rate (whole window) would differ. */
function alternate(even: number[], odd: number[]): Profile {
  return (i) => (i % 2 === 0 ? even : odd);
}

export function buildHistory(): History {
  const h: History = { counters: [], histograms: [] };
  const ns = 'emojivoto';
  // web-svc-ts: two source pods call web-svc, one calls web-svc-2.
  for (const pod of ['vote-bot-1', 'vote-bot-2']) {
    authoritySeries({
      namespace: ns, apex: 'web-apex', leaf: 'web-svc', pod,
      success: (i) => 5 + (i % 3),
      failure: (i) => (i % 5 === 0 ? 1 : 0),
      profile: alternate(msProfile({ '10': 2, '20': 5, '30': 2, '100': 1 }), msProfile({ '5': 1, '10': 3, '20': 4, '50': 2 })),
    }, h);
  }
  authoritySeries({
    namespace: ns, apex: 'web-apex', leaf: 'web-svc-2', pod: 'vote-bot-1',
    success: (i) => 4 + (i % 2),
    failure: () => 0,
    profile: alternate(msProfile({ '50': 1, '100': 3, '200': 2 }), msProfile({ '100': 2, '200': 2, '500': 1 })),
  }, h);
  // emoji-ts: v1 and v2 take traffic, v3 none at all.
  authoritySeries({
    namespace: ns, apex: 'emoji-svc', leaf: 'emoji-v1', pod: 'web-1',
    success: () => 7,
    failure: (i) => i % 2,
    profile: alternate(msProfile({ '1': 3, '2': 4, '3': 1 }), msProfile({ '1': 2, '2': 5, '5': 1 })),
  }, h);
  authoritySeries({
    namespace: ns, apex: 'emoji-svc', leaf: 'emoji-v2', pod: 'web-1',
    success: (i) => 6 + (i % 3 === 0 ? 1 : 0),
    failure: () => 1,
    profile: alternate(msProfile({ '2': 1, '3': 2, '4': 3, '10': 1 }), msProfile({ '3': 1, '4': 1, '5': 2 })),
  }, h);
  // voting-ts: v2 answers nothing but failures.
  authoritySeries({
    namespace: ns, apex: 'voting-svc', leaf: 'voting-v1', pod: 'web-1',
    success: (i) => 9 + (i % 2),
    failure: () => 0,
    profile: alternate(msProfile({ '3': 2, '4': 2, '5': 1 }), msProfile({ '2': 1, '3': 1, '4': 1 })),
  }, h);
  authoritySeries({
    namespace: ns, apex: 'voting-svc', leaf: 'voting-v2', pod: 'web-1',
    success: () => 0,
    failure: (i) => 1 + (i % 2),
    profile: alternate(msProfile({ '1000': 1, '2000': 1 }), msProfile({ '500': 1, '1000': 2, '+Inf': 1 })),
  }, h);
  // Noise: the same apex name in another namespace, inbound traffic, an apex whose name only starts like one.
  authoritySeries({ namespace: 'other', apex: 'web-apex', leaf: 'web-svc', pod: 'x-1', success: () => 100, failure: () => 50, profile: () => msProfile({ '1': 1 }) }, h);
  authoritySeries({ namespace: ns, apex: 'web-apex', leaf: 'web-svc', pod: 'web-svc-1', direction: 'inbound', success: () => 1000, failure: () => 0, profile: () => msProfile({ '1': 1 }) }, h);
  authoritySeries({ namespace: ns, apex: 'web-apex-old', leaf: 'web-svc', pod: 'vote-bot-1', success: () => 500, failure: () => 0, profile: () => msProfile({ '1': 1 }) }, h);

  const books = 'books';
  const ok = (perStep: (i: number) => number, status = '200'): Outcome => ({ labels: { http_status: status, error: '' }, perStep });
  // reviews-canary: 90/10.
  routeSeries({
    parentNamespace: books, parent: 'reviews', routeName: 'reviews-canary', routeKind: 'HTTPRoute', backend: 'reviews-v1', pod: 'productpage-1',
    outcomes: [ok((i) => 9 + (i % 2)), ok((i) => (i % 3 === 0 ? 1 : 0), '404')],
    profile: alternate(secondsProfile({ '0.01': 2, '0.025': 5, '0.05': 2, '0.1': 1 }), secondsProfile({ '0.005': 1, '0.01': 4, '0.025': 4 })),
  }, h);
  routeSeries({
    parentNamespace: books, parent: 'reviews', routeName: 'reviews-canary', routeKind: 'HTTPRoute', backend: 'reviews-v2', pod: 'productpage-1',
    outcomes: [ok(() => 1), ok((i) => (i % 4 === 0 ? 1 : 0), '500')],
    profile: alternate(secondsProfile({ '0.05': 1, '0.1': 2, '0.25': 1 }), secondsProfile({ '0.1': 1, '0.25': 1, '0.5': 1 })),
  }, h);
  // reviews-header: the same parent through another route; its reviews-v1 traffic is not reviews-canary's.
  routeSeries({
    parentNamespace: books, parent: 'reviews', routeName: 'reviews-header', routeKind: 'HTTPRoute', backend: 'reviews-v3', pod: 'productpage-1',
    outcomes: [ok(() => 2)],
    profile: () => secondsProfile({ '0.25': 1, '0.5': 1 }),
  }, h);
  routeSeries({
    parentNamespace: books, parent: 'reviews', routeName: 'reviews-header', routeKind: 'HTTPRoute', backend: 'reviews-v1', pod: 'productpage-1',
    outcomes: [ok(() => 3)],
    profile: () => secondsProfile({ '1': 1, '2.5': 2 }),
  }, h);
  // ratings: rule 1 → ratings-v2 fails every request; rule 2 → ratings-v1, and ratings-v3 whose series never move.
  routeSeries({
    parentNamespace: books, parent: 'ratings', routeName: 'ratings', routeKind: 'HTTPRoute', backend: 'ratings-v2', pod: 'reviews-1',
    outcomes: [
      { labels: { http_status: '503', error: '' }, perStep: (i) => 1 + (i % 2) },
      { labels: { error: 'REQUEST_TIMEOUT' }, perStep: (i) => (i % 3 === 0 ? 1 : 0) },
    ],
    profile: alternate(secondsProfile({ '0.5': 1, '1': 1, '+Inf': 1 }), secondsProfile({ '2.5': 1, '5': 1 })),
  }, h);
  routeSeries({
    parentNamespace: books, parent: 'ratings', routeName: 'ratings', routeKind: 'HTTPRoute', backend: 'ratings-v1', pod: 'reviews-1',
    outcomes: [ok(() => 4)],
    profile: () => secondsProfile({ '0.005': 1, '0.01': 1 }),
  }, h);
  routeSeries({
    parentNamespace: books, parent: 'ratings', routeName: 'ratings', routeKind: 'HTTPRoute', backend: 'ratings-v3', pod: 'reviews-1',
    outcomes: [{ ...ok(() => 0), flat: true }],
    profile: () => secondsProfile({ '0.005': 1 }),
  }, h);
  // details-ts (a TrafficSplit): every route of parent details counts, 3:2 on each.
  for (const [routeName, routeKind] of [['default', 'default'], ['details-extra', 'HTTPRoute']] as const) {
    routeSeries({
      parentNamespace: books, parent: 'details', routeName, routeKind, backend: 'details-v1', pod: 'productpage-1',
      outcomes: [ok(() => 3)],
      profile: () => secondsProfile({ '0.025': 1, '0.05': 1 }),
    }, h);
    routeSeries({
      parentNamespace: books, parent: 'details', routeName, routeKind, backend: 'details-v2', pod: 'productpage-1',
      outcomes: [ok(() => 2)],
      profile: () => secondsProfile({ '0.05': 1, '0.1': 1 }),
    }, h);
  }
  // Noise: a Gateway parent of the same name, the same Service name in another namespace.
  routeSeries({ parentNamespace: books, parent: 'reviews', parentKind: 'Gateway', routeName: 'reviews-canary', routeKind: 'HTTPRoute', backend: 'reviews-v2', pod: 'gw-1', outcomes: [ok(() => 50)], profile: () => secondsProfile({ '10': 1 }) }, h);
  routeSeries({ parentNamespace: 'other', parent: 'reviews', routeName: 'reviews-canary', routeKind: 'HTTPRoute', backend: 'reviews-v2', pod: 'x-1', outcomes: [ok(() => 50)], profile: () => secondsProfile({ '10': 1 }) }, h);
  mixedNamespace(h);
  return h;
}

/** The namespace of the header's `mixed` list: both families, HTTP and gRPC routes, a backend the mesh never serves. */
function mixedNamespace(h: History): void {
  const ns = 'mixed';
  const ok = (perStep: (i: number) => number, status = '200'): Outcome => ({ labels: { http_status: status, error: '' }, perStep });
  const grpc = (perStep: (i: number) => number, status: string, error = ''): Outcome => ({ labels: { grpc_status: status, error }, perStep });
  // web-ts: linkerd-smi's dstOverrides show in the authority family only; a newer proxy's default route sees web-v1.
  authoritySeries({ namespace: ns, apex: 'web-apex', leaf: 'web-v1', pod: 'bot-1', success: () => 5, failure: (i) => (i % 3 === 0 ? 1 : 0), profile: () => msProfile({ '5': 2, '10': 1 }) }, h);
  authoritySeries({ namespace: ns, apex: 'web-apex', leaf: 'web-v2', pod: 'bot-1', success: () => 4, failure: () => 1, profile: () => msProfile({ '10': 1, '20': 1 }) }, h);
  routeSeries({
    parentNamespace: ns, parent: 'web-apex', parentPort: '80', routeName: 'default', routeKind: 'default', backend: 'web-v1', pod: 'bot-2',
    outcomes: [ok(() => 40)], profile: () => secondsProfile({ '0.005': 1 }),
  }, h);
  // api-ts: api-v2 has weight 500 and not one series.
  authoritySeries({ namespace: ns, apex: 'api-apex', leaf: 'api-v1', pod: 'bot-1', success: () => 6, failure: () => 0, profile: () => msProfile({ '3': 1, '4': 1 }) }, h);
  // shop-route (HTTPRoute): backends before retries, the route after; the authority family sees other numbers.
  routeSeries({
    parentNamespace: ns, parent: 'shop', parentPort: '8080', routeName: 'shop-route', routeKind: 'HTTPRoute', backend: 'shop-v1', pod: 'web-1',
    outcomes: [ok(() => 8), ok((i) => (i % 2 === 0 ? 1 : 0), '503'), { labels: { error: 'RESPONSE_HEADERS_TIMEOUT' }, perStep: (i) => (i % 4 === 0 ? 1 : 0) }],
    profile: alternate(secondsProfile({ '0.01': 3, '0.025': 1 }), secondsProfile({ '0.005': 1, '0.01': 2 })),
  }, h);
  routeSeries({
    parentNamespace: ns, parent: 'shop', parentPort: '8080', routeName: 'shop-route', routeKind: 'HTTPRoute', backend: 'shop-v2', pod: 'web-1',
    outcomes: [ok(() => 2), { labels: { error: 'REQUEST_TIMEOUT' }, perStep: (i) => (i % 3 === 0 ? 1 : 0) }, { labels: { error: 'FAIL_FAST' }, perStep: (i) => (i % 6 === 0 ? 1 : 0) }],
    profile: () => secondsProfile({ '0.05': 1, '0.1': 1 }),
  }, h);
  routeLevelSeries({
    parentNamespace: ns, parent: 'shop', parentPort: '8080', routeName: 'shop-route', routeKind: 'HTTPRoute', pod: 'web-1', protocol: 'http',
    outcomes: [ok(() => 10), ok((i) => (i % 4 === 0 ? 1 : 0), '503'), { labels: { error: 'REQUEST_TIMEOUT' }, perStep: (i) => (i % 6 === 0 ? 1 : 0) }],
    retries: (i) => 1 + (i % 2),
    profile: () => secondsProfile({ '0.01': 2, '0.1': 1 }),
  }, h);
  authoritySeries({ namespace: ns, apex: 'shop', port: '8080', leaf: 'shop-v1', pod: 'web-1', success: () => 1, failure: () => 0, profile: () => msProfile({ '1': 1 }) }, h);
  authoritySeries({ namespace: ns, apex: 'shop', port: '8080', leaf: 'shop-v2', pod: 'web-1', success: () => 9, failure: () => 0, profile: () => msProfile({ '1': 1 }) }, h);
  // cart: a TrafficSplit and an HTTPRoute on one apex; only the authority family has series (the ServiceProfile wins).
  authoritySeries({ namespace: ns, apex: 'cart', leaf: 'cart-v1', pod: 'web-1', success: () => 3, failure: () => 0, profile: () => msProfile({ '2': 1 }) }, h);
  authoritySeries({ namespace: ns, apex: 'cart', leaf: 'cart-v2', pod: 'web-1', success: () => 3, failure: () => 0, profile: () => msProfile({ '3': 1 }) }, h);
  // emoji-grpc (GRPCRoute): success is grpc_status OK and no error, whatever the HTTP status.
  routeSeries({
    parentNamespace: ns, parent: 'emoji-svc', parentPort: '8080', routeName: 'emoji-grpc', routeKind: 'GRPCRoute', backend: 'emoji-v1', pod: 'web-1', protocol: 'grpc',
    outcomes: [grpc(() => 6, 'OK'), grpc((i) => (i % 2), 'UNAVAILABLE'), grpc((i) => (i % 5 === 0 ? 1 : 0), 'UNKNOWN', 'REQUEST_TIMEOUT')],
    profile: () => secondsProfile({ '0.005': 2, '0.01': 1 }),
  }, h);
  routeSeries({
    parentNamespace: ns, parent: 'emoji-svc', parentPort: '8080', routeName: 'emoji-grpc', routeKind: 'GRPCRoute', backend: 'emoji-v2', pod: 'web-1', protocol: 'grpc',
    outcomes: [grpc(() => 5, 'OK'), grpc(() => 1, 'NOT_FOUND')],
    profile: () => secondsProfile({ '0.025': 1, '0.05': 1 }),
  }, h);
  routeLevelSeries({
    parentNamespace: ns, parent: 'emoji-svc', parentPort: '8080', routeName: 'emoji-grpc', routeKind: 'GRPCRoute', pod: 'web-1', protocol: 'grpc',
    outcomes: [grpc(() => 11, 'OK'), grpc((i) => (i % 3 === 0 ? 1 : 0), 'UNAVAILABLE'), grpc((i) => (i % 5 === 0 ? 1 : 0), 'UNKNOWN', 'RESPONSE_HEADERS_TIMEOUT')],
    retries: (i) => (i % 2),
    profile: () => secondsProfile({ '0.01': 1, '0.05': 1 }),
  }, h);
}

// ----------------------------------------------------------------------------------------------------------------
// OpenMetrics

function labelText(labels: Labels, extra: Labels = {}): string {
  const all = { ...labels, ...extra };
  const parts = Object.keys(all).sort().map((k) => `${k}="${all[k]!.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return `{${parts.join(',')}}`;
}

/** One metric family after another; inside a family series after series, each in time order. */
export function toOpenMetrics(h: History): string {
  const lines: string[] = [];
  const counterNames = [...new Set(h.counters.map((c) => c.name))];
  for (const name of counterNames) {
    const family = name.replace(/_total$/, '');
    lines.push(`# TYPE ${family} counter`);
    for (const s of h.counters.filter((c) => c.name === name)) {
      s.values.forEach((v, i) => lines.push(`${name}${labelText(s.labels)} ${v} ${T0 + i * s.step}`));
    }
  }
  const histogramNames = [...new Set(h.histograms.map((x) => x.name))];
  for (const name of histogramNames) {
    lines.push(`# TYPE ${name} histogram`);
    for (const s of h.histograms.filter((x) => x.name === name)) {
      s.cumulative.forEach((row, i) => {
        const t = T0 + i * s.step;
        s.les.forEach((le, k) => lines.push(`${name}_bucket${labelText(s.labels, { le })} ${row[k]} ${t}`));
        lines.push(`${name}_count${labelText(s.labels)} ${s.counts[i]} ${t}`);
        lines.push(`${name}_sum${labelText(s.labels)} ${s.sums[i]} ${t}`);
      });
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}
