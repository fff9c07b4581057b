/**
 * Live stats end to end (issue 5, "Live"): the real kube-apiserver of test/cluster/harness.ts, the traffic simulator
 * of tools/simulator watching it, a real Prometheus scraping the simulator every second, and the stats module reading
 * that Prometheus. After a weight change applied to the API server, the observed shares converge to the new weights
 * (within ±7 points, within 30 s; the time is printed), for the emojivoto TrafficSplit (authority family, and the
 * route family) and for an HTTPRoute the test creates (route family forced).
 *
 * The first block needs nothing running: the simulator's arithmetic, parsing and label shapes (the same label sets
 * as the backfilled history of history.ts, so the stats module reads both the same way).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { PrometheusClient, StatsService, type FamilySetting, type SplitStats, type StatsResult, type StatsSplit } from '../../src/stats';
import {
  allocate, ANNOTATIONS, ConfigError, DEFAULT_BACKEND, httpRouteSplitsOf, loadConfigFile, logNormal, METRICS, MS_BUCKETS, mulberry32,
  quantityMilli, Registry, resolveSplit, routeMetrics, SECONDS_BUCKETS, startSimulator, trafficSplitOf, validateConfig,
  type RunningSimulator, type SimSplit,
} from '../../tools/simulator';
import { parseArgs } from '../../tools/simulator/main';
import { SplitTraffic, type TrafficOptions } from '../../tools/simulator/traffic';
import { REPO_ROOT, startCluster, type Cluster } from '../cluster/harness';
import { sleep } from '../support/wait';
import { buildHistory, MS_BUCKETS as HISTORY_MS_BUCKETS, SECONDS_BUCKETS as HISTORY_SECONDS_BUCKETS } from './history';
import { startPrometheus, type RunningPrometheus } from './prometheus';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'simulator');
const CONFIG_FILE = path.join(FIXTURES, 'config.yaml');
const ROUTE_FILE = path.join(FIXTURES, 'web-canary-live.yaml');
const NS = 'emojivoto';
/** The stats window: the smallest that is steady with 1 s scrapes and the simulator's 10 rps (see the report below). */
const WINDOW = '15s';
const WINDOW_SECONDS = 15;
/** Also measured (not asserted): the convergence time with the 30 s window. */
const WIDE_WINDOW = '30s';
const TOLERANCE = 0.07;
const CONVERGE_WITHIN_MS = 30_000;
const POLL_MS = 2000;

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);

// ---------------------------------------------------------------------------------------------------------------
// Without a cluster

const apex = (name = 'web-apex') => ({ name, namespace: NS, port: 80, sectionName: '' });

function simSplit(weights: number[]): SimSplit {
  return {
    key: 'TrafficSplit/t', kind: 'TrafficSplit', name: 't', namespace: NS, apex: apex(),
    route: { group: '', kind: 'default', name: 'http', namespace: NS },
    protocol: 'http',
    backends: weights.map((w, i) => ({ name: `b${i}`, namespace: NS, port: 80, weight: w })),
    annotations: {},
  };
}

function labelNames(labels: Record<string, string>): string[] {
  return Object.keys(labels).filter((k) => k !== 'job' && k !== 'instance' && k !== 'le').sort();
}

/** Label-name sets (without le) per metric name of a text exposition. */
function exposedLabelNames(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} \S+$/.exec(line);
    if (!m) continue;
    const names = [...m[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g)].map((x) => x[1]!).filter((n) => n !== 'le').sort();
    out.set(m[1]!, new Set([...(out.get(m[1]!) ?? []), names.join(',')]));
  }
  return out;
}

const trafficOptions = (registry: Registry, over: Partial<TrafficOptions> = {}): TrafficOptions => ({
  registry, source: { namespace: NS, deployment: 'd', pod: 'p' }, clusterDomain: 'cluster.local', families: ['authority', 'route'], distribution: 'proportional', seed: 1, ...over,
});

describe('traffic simulator (no cluster)', () => {
  test('proportional allocation: every backend gets its share to within one request, weight 0 gets nothing', () => {
    const owed: number[] = [];
    const weights = [250, 750, 0];
    const totals = [0, 0, 0];
    for (let tick = 1; tick <= 97; tick++) {
      const n = tick % 3 === 0 ? 7 : 1; // uneven ticks
      const got = allocate(n, weights, owed);
      assert.equal(got.reduce((a, b) => a + b, 0), n, 'exactly n requests per tick');
      got.forEach((c, i) => (totals[i]! += c));
      const sent = totals[0]! + totals[1]!;
      assert.ok(Math.abs(totals[0]! - sent * 0.25) <= 1 && Math.abs(totals[1]! - sent * 0.75) <= 1, `tick ${tick}: ${totals.join(',')}`);
    }
    assert.equal(totals[2], 0);
    assert.deepEqual(allocate(5, [0, 0], []), [0, 0]);
    assert.deepEqual(allocate(3, [1, 1, 1], []), [1, 1, 1]);
  });

  test('log-normal latency: the median and the 99th percentile come out as configured', () => {
    const rng = mulberry32(42);
    const xs = Array.from({ length: 40_000 }, () => logNormal(rng, 30, 120)).sort((a, b) => a - b);
    const q = (p: number) => xs[Math.floor(p * (xs.length - 1))]!;
    assert.ok(Math.abs(q(0.5) - 30) < 1.5, `p50 ${q(0.5)}`);
    assert.ok(Math.abs(q(0.99) - 120) < 12, `p99 ${q(0.99)}`);
    assert.equal(logNormal(rng, 5, 5), 5, 'p99 = p50: constant');
  });

  test('counters advance by elapsed time (10 rps), not per call; random distribution follows the weights', () => {
    const split = simSplit([1, 3]);
    const t = new SplitTraffic(split, resolveSplit({ rps: 10 }, split), trafficOptions(new Registry()), 0, 1000);
    assert.equal(t.tick(500), 0, 'nothing during the warm-up');
    let sent = 0;
    for (let now = 1000; now <= 61_000; now += 250) sent += t.tick(now);
    assert.equal(sent, 600, '60 s at 10 rps');
    assert.equal(t.tick(61_000), 0, 'a second call at the same instant sends nothing');
    const b = t.sent;
    assert.ok(Math.abs(b.get('b0')!.success + b.get('b0')!.failure - 150) <= 1);
    assert.ok(Math.abs(b.get('b1')!.success + b.get('b1')!.failure - 450) <= 1);

    const registry = new Registry();
    const random = new SplitTraffic(split, resolveSplit({ rps: 100 }, split), trafficOptions(registry, { families: ['authority'], distribution: 'random' }), 0, 0);
    for (let now = 1000; now <= 100_000; now += 1000) random.tick(now);
    const r0 = random.sent.get('b0')!.success + random.sent.get('b0')!.failure;
    const r1 = random.sent.get('b1')!.success + random.sent.get('b1')!.failure;
    assert.equal(r0 + r1, 10_000);
    assert.ok(Math.abs(r0 / (r0 + r1) - 0.25) < 0.02, `random share ${r0 / (r0 + r1)}`);
    assert.ok(registry.render().includes('response_total{'), 'a TrafficSplit: authority series');
    assert.ok(!registry.render().includes('outbound_http_route'), 'a TrafficSplit (ServiceProfile dstOverrides): no route series');
    const routeOnly = new Registry();
    const route: SimSplit = { ...split, key: 'HTTPRoute/x', kind: 'HTTPRoute', route: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'r', namespace: NS } };
    new SplitTraffic(route, resolveSplit({ rps: 10 }, route), trafficOptions(routeOnly, { families: ['route'] }), 0, 0).tick(5000);
    assert.ok(!routeOnly.render().includes('response_total{'), 'families: route only → no authority series');
    assert.ok(routeOnly.render().includes('outbound_http_route_backend_response_statuses_total{'));
  });

  test('retries, timeouts and a backend the mesh never serves: per backend each try, per route each request', () => {
    const registry = new Registry();
    const split: SimSplit = {
      ...simSplit([50, 50]), key: 'GRPCRoute/g', kind: 'GRPCRoute', protocol: 'grpc',
      route: { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', name: 'g', namespace: NS },
    };
    const config = validateConfig({ rps: 100, splits: { 'GRPCRoute/t': { retries: 2, backends: { b0: { errorRate: 0.3, timeoutRate: 0.1 }, b1: { served: false } } } } });
    const resolved = resolveSplit(config, split);
    assert.equal(resolved.retries, 2);
    const t = new SplitTraffic(split, resolved, trafficOptions(registry), 0, 0);
    for (let now = 1000; now <= 20_000; now += 1000) t.tick(now);
    const text = registry.render();
    const sum = (re: RegExp) => [...text.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
    const tries = sum(/^outbound_grpc_route_backend_response_statuses_total\{[^}]*backend_name="b0"[^}]*\} (\d+)$/gm);
    const requests = sum(/^outbound_grpc_route_request_statuses_total\{[^}]*\} (\d+)$/gm);
    const retries = sum(/^outbound_grpc_route_retry_requests_total\{[^}]*\} (\d+)$/gm);
    assert.equal(requests, 2000, 'every request once per route, all on b0');
    assert.equal(tries, requests + retries, 'each try once per backend');
    assert.ok(retries > 300 && retries < 1200, `retries ${retries}`);
    assert.match(text, /^outbound_grpc_route_backend_response_statuses_total\{[^}]*grpc_status="UNKNOWN",error="RESPONSE_HEADERS_TIMEOUT"\} [1-9]\d*$/m);
    assert.match(text, /^outbound_grpc_route_backend_response_statuses_total\{[^}]*grpc_status="UNAVAILABLE",error=""\} [1-9]\d*$/m);
    assert.doesNotMatch(text, /backend_name="b1"|dst_service="b1"/, 'an unserved backend has no series');
    assert.doesNotMatch(text, /http_status=/, 'gRPC: grpc_status, not http_status');
    assert.throws(() => validateConfig({ splits: { x: { retries: -1 } } }), /retries must be a whole number/);
    assert.throws(() => validateConfig({ backends: { x: { served: 'no' } } }), /served must be true or false/);
  });

  test('TrafficSplits and HTTPRoutes become simulated splits (quantities, default weights, ports, parents)', () => {
    assert.equal(quantityMilli('500m'), 500);
    assert.equal(quantityMilli('1'), 1000);
    assert.equal(quantityMilli(2), 2000);
    assert.equal(quantityMilli('x'), undefined);
    const services = new Map([['web-apex', [8080, 9000]], ['web-svc', [80]]]);
    const v1alpha1 = trafficSplitOf({
      apiVersion: 'split.smi-spec.io/v1alpha1', kind: 'TrafficSplit', metadata: { name: 'ts', namespace: NS },
      spec: { service: 'web-apex', backends: [{ service: 'web-svc', weight: '500m' }, { service: 'web-svc-2', weight: 1 }] },
    }, services)!;
    assert.deepEqual(v1alpha1.backends.map((b) => [b.name, b.weight, b.port]), [['web-svc', 500, 8080], ['web-svc-2', 1000, 8080]]);
    assert.deepEqual(v1alpha1.apex, { name: 'web-apex', namespace: NS, port: 8080, sectionName: '' }, 'apex port: the Service\'s first port');
    assert.deepEqual(v1alpha1.route, { group: '', kind: 'default', name: 'http', namespace: NS });
    assert.equal(trafficSplitOf({ metadata: { name: 'x', namespace: NS }, spec: { backends: [] } }, services), undefined);

    const routes = httpRouteSplitsOf({
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: NS },
      spec: {
        parentRefs: [
          { name: 'web-apex', kind: 'Service', group: 'core', port: 9000 },
          { name: 'gw' }, // a Gateway: not a mesh parent
          { name: 'web-apex', kind: 'Service', namespace: 'other' }, // another namespace
          { name: 'web-svc', kind: 'Service', group: '' }, // port from the Service
        ],
        rules: [
          { backendRefs: [{ name: 'web-svc' }, { name: 'web-svc-2', port: 81, weight: 3 }, { name: 'bucket', group: 'example.com', kind: 'Bucket' }] },
          { matches: [] }, // no backendRefs: the parent itself, not a split
        ],
      },
    }, services);
    assert.deepEqual(routes.map((r) => [r.key, r.apex.name, r.apex.port]), [
      ['HTTPRoute/gateway.networking.k8s.io/r/0/0', 'web-apex', 9000],
      ['HTTPRoute/gateway.networking.k8s.io/r/0/3', 'web-svc', 80],
    ]);
    assert.deepEqual(routes[0]!.backends.map((b) => [b.name, b.weight, b.port]), [['web-svc', 1, 9000], ['web-svc-2', 3, 81]]);
    assert.deepEqual(routes[0]!.route, { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'r', namespace: NS });
  });

  test('settings: built-in < config < config.splits < split annotation < backend annotation; bad annotations are reported', () => {
    const config = loadConfigFile(CONFIG_FILE);
    assert.equal(config.rps, 10);
    const split = { ...simSplit([1, 1]), backends: [{ name: 'web-svc', namespace: NS, port: 80, weight: 1 }, { name: 'web-svc-2', namespace: NS, port: 80, weight: 1 }, { name: 'other', namespace: NS, port: 80, weight: 1 }] };
    let r = resolveSplit(config, split);
    assert.deepEqual(r.backends.get('web-svc-2'), { errorRate: 0.1, latencyMs: { p50: 30, p99: 120 }, failureStatus: 500, timeoutRate: 0, served: true });
    assert.deepEqual(r.backends.get('other'), { ...DEFAULT_BACKEND, errorRate: 0.02, latencyMs: { p50: 3, p99: 12 } });
    r = resolveSplit({ ...config, splits: { t: { rps: 4, backends: { 'web-svc-2': { errorRate: 0.5 } } } } }, {
      ...split,
      annotations: {
        [ANNOTATIONS.errorRate]: '0.2',
        [`${ANNOTATIONS.latencyMs}.web-svc`]: '7,70',
        [`${ANNOTATIONS.failureStatus}.other`]: '503',
        [`${ANNOTATIONS.errorRate}.other`]: 'lots', // bad: reported, ignored
      },
    });
    assert.equal(r.rps, 4);
    assert.deepEqual(r.backends.get('web-svc'), { errorRate: 0.2, latencyMs: { p50: 7, p99: 70 }, failureStatus: 500, timeoutRate: 0, served: true });
    assert.equal(r.backends.get('web-svc-2')!.errorRate, 0.2, 'the split-wide annotation beats the config');
    assert.deepEqual(r.backends.get('other'), { errorRate: 0.2, latencyMs: { p50: 3, p99: 12 }, failureStatus: 503, timeoutRate: 0, served: true });
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!, /sim-error-rate\.other must be a number between 0 and 1/);
    assert.equal(resolveSplit({}, { ...split, annotations: { [ANNOTATIONS.rps]: '2.5' } }).rps, 2.5);
    assert.throws(() => validateConfig({ backends: { x: { errorRate: 2 } } }), (e: unknown) => e instanceof ConfigError && /backends\.x\.errorRate/.test(e.message));
    assert.throws(() => validateConfig({ rsp: 1 }), /unknown key rsp/);
    assert.throws(() => parseArgs(['--port', '9']), /--namespace is required/);
    assert.deepEqual(parseArgs(['-n', NS, '--port=0', '--rps', '2.5', '--families', 'route']), { port: 0, namespace: NS, rps: 2.5, families: ['route'] });
  });

  test('label shapes and buckets are those of the backfilled history (history.ts) for all four metrics', () => {
    const registry = new Registry();
    const ts = simSplit([1, 1]);
    const route: SimSplit = { ...simSplit([1]), key: 'HTTPRoute/x', kind: 'HTTPRoute', route: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'r', namespace: NS } };
    const grpc: SimSplit = { ...route, key: 'GRPCRoute/x', kind: 'GRPCRoute', protocol: 'grpc', route: { ...route.route, kind: 'GRPCRoute' } };
    for (const s of [ts, route, grpc]) new SplitTraffic(s, resolveSplit({}, s), trafficOptions(registry), 0, 0).tick(5000);
    const exposed = exposedLabelNames(registry.render());
    const history = buildHistory();
    const expected = new Map<string, Set<string>>();
    const add = (name: string, labels: Record<string, string>) => expected.set(name, new Set([...(expected.get(name) ?? []), labelNames(labels).join(',')]));
    for (const c of history.counters) add(c.name, c.labels);
    for (const h of history.histograms) for (const suffix of ['_bucket', '_sum', '_count']) add(`${h.name}${suffix}`, h.labels);
    // history.ts writes the route family's error label only where it has one; the simulator always does (error="").
    const routeCounter = [...expected.get(METRICS.routeRequests)!].filter((l) => l.split(',').includes('error') && l.split(',').includes('http_status'));
    expected.set(METRICS.routeRequests, new Set(routeCounter));
    for (const name of [METRICS.authorityRequests, METRICS.routeRequests, ...[METRICS.authorityLatency, METRICS.routeLatency].flatMap((n) => [`${n}_bucket`, `${n}_sum`, `${n}_count`])]) {
      assert.deepEqual([...(exposed.get(name) ?? [])].sort(), [...expected.get(name)!].sort(), name);
    }
    // gRPC and the route-level series: the simulator's label names are among those of the history (which adds
    // error-only outcomes and route-level statuses the simulator does not always produce).
    const grpcM = routeMetrics('grpc');
    const httpM = routeMetrics('http');
    for (const name of [grpcM.backendStatuses, grpcM.routeStatuses, grpcM.retries, httpM.routeStatuses, httpM.retries, `${grpcM.backendDuration}_count`, `${httpM.routeDuration}_count`]) {
      const got = [...(exposed.get(name) ?? [])];
      assert.ok(got.length > 0, `${name} exported`);
      for (const labels of got) assert.ok(expected.get(name)?.has(labels), `${name}: ${labels} not in the history's ${[...(expected.get(name) ?? [])].join(' | ')}`);
    }
    assert.deepEqual([...MS_BUCKETS.map(String), '+Inf'], HISTORY_MS_BUCKETS);
    assert.deepEqual([...SECONDS_BUCKETS.map(String), '+Inf'], HISTORY_SECONDS_BUCKETS);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Live

interface ConvergeResult {
  /** From the weight change (just before kubectl) to the first poll within tolerance. */
  ms: number;
  trace: string[];
}

function shareLine(s: SplitStats | undefined): string {
  if (!s) return '(split missing)';
  return s.backends.map((b) => `${b.name} ${pct(b.observedShare)} (want ${pct(b.desiredShare)}, ${b.rps?.toFixed(2) ?? '-'} rps, ok ${pct(b.success)})`).join(' | ');
}

function within(s: SplitStats | undefined, want: readonly number[], tolerance: number): boolean {
  return !!s && s.hasTraffic && s.backends.length === want.length && s.backends.every((b, i) => b.observedShare !== null && Math.abs(b.observedShare - want[i]!) <= tolerance);
}

describe('live: simulator + Prometheus + kube-apiserver', { timeout: 600_000 }, () => {
  let cluster: Cluster | undefined;
  let sim: RunningSimulator | undefined;
  let prom: RunningPrometheus | undefined;
  let promStartedAt = 0;
  const timings: Record<string, string> = {};
  const simLog: string[] = [];
  /** The emojivoto TrafficSplit while the route tests take its apex (JSON, for kubectl apply). */
  let savedTrafficSplit = '';

  const kubectl = async (args: string[], input?: string) => {
    const r = await cluster!.kubectl(args, input !== undefined ? { input } : {});
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  const service = (family: FamilySetting, window = WINDOW) => new StatsService(new PrometheusClient(prom!.url), { family, window });

  /** The emojivoto TrafficSplit as the API server has it now. */
  const trafficSplit = async (): Promise<StatsSplit> => {
    const o = JSON.parse(await kubectl(['-n', NS, 'get', 'trafficsplits.v1alpha2.split.smi-spec.io', 'web-svc-ts', '-o', 'json'])) as { metadata: { name: string }; spec: { service: string; backends: Array<{ service: string; weight: number }> } };
    return { namespace: NS, kind: 'TrafficSplit', name: o.metadata.name, apex: o.spec.service, backends: o.spec.backends.map((b: { service: string; weight: number }) => ({ name: b.service, weight: Number(b.weight) })) };
  };

  /** The test's HTTPRoute as the API server has it now (one rule, one Service parent). */
  const httpRoute = async (): Promise<StatsSplit> => {
    const o = JSON.parse(await kubectl(['-n', NS, 'get', 'httproutes.v1.gateway.networking.k8s.io', 'web-canary-live', '-o', 'json'])) as {
      metadata: { name: string };
      spec: { parentRefs: Array<{ name: string; port?: number }>; rules: Array<{ backendRefs: Array<{ name: string; weight?: number; port: number }> }> };
    };
    const [parent] = o.spec.parentRefs;
    const [rule] = o.spec.rules;
    assert.ok(parent && rule, 'the HTTPRoute has a parent and a rule');
    return {
      namespace: NS, kind: 'HTTPRoute', name: o.metadata.name, apex: parent.name, apexPort: parent.port,
      backends: rule.backendRefs.map((b: { name: string; weight?: number; port: number }) => ({ name: b.name, weight: b.weight ?? 1, port: b.port })),
    };
  };

  /** Waits until Prometheus has a full window of scrapes (so that a share is measured over the whole window). */
  const fullWindow = async (seconds: number) => {
    const wait = promStartedAt + (seconds + 2) * 1000 - Date.now();
    if (wait > 0) await sleep(wait);
  };

  /**
   * Polls every 2 s from `startedAt` until every observed share is within the tolerance of `want`, then checks that
   * the next two polls stay there. Fails after `CONVERGE_WITHIN_MS`. Several services are polled at once; the first
   * decides, the others are only timed.
   */
  const converge = async (
    t: TestContext, what: string, startedAt: number, split: StatsSplit, want: number[],
    services: { name: string; service: StatsService; assert: boolean }[],
  ): Promise<Record<string, ConvergeResult | undefined>> => {
    const results: Record<string, ConvergeResult | undefined> = {};
    const traces: Record<string, string[]> = Object.fromEntries(services.map((s) => [s.name, []]));
    let stableChecks = -1;
    for (let poll = 1; ; poll++) {
      const now = Date.now();
      const elapsed = now - startedAt;
      for (const s of services) {
        const r: StatsResult = await s.service.refresh([split]);
        const stats = r.splits[0];
        traces[s.name]!.push(`+${(elapsed / 1000).toFixed(1)}s ${r.state.kind} ${shareLine(stats)}`);
        if (results[s.name] === undefined && r.state.kind === 'ok' && within(stats, want, TOLERANCE)) {
          results[s.name] = { ms: elapsed, trace: traces[s.name]! };
        }
        if (s.assert && stableChecks >= 0 && results[s.name]) {
          assert.ok(within(stats, want, TOLERANCE), `${what} (${s.name}): left the tolerance after converging:\n${traces[s.name]!.join('\n')}`);
        }
      }
      const decider = services.find((s) => s.assert)!;
      if (results[decider.name] && stableChecks < 0) stableChecks = 0;
      else if (stableChecks >= 0) stableChecks++;
      const othersDone = services.every((s) => results[s.name] !== undefined);
      if (stableChecks >= 2 && (othersDone || elapsed > CONVERGE_WITHIN_MS + 20_000)) break;
      if (!results[decider.name] && elapsed >= CONVERGE_WITHIN_MS) {
        assert.fail(`${what}: observed shares not within ±${TOLERANCE * 100} points of ${want.map(pct).join('/')} after ${CONVERGE_WITHIN_MS / 1000} s:\n${traces[decider.name]!.join('\n')}\nsimulator: ${JSON.stringify(sim!.splits())}`);
      }
      await sleep(Math.max(0, startedAt + (poll + 1) * POLL_MS - Date.now()));
    }
    for (const s of services) {
      const r = results[s.name];
      const line = `${what} [${s.name}]: ${r ? `converged in ${(r.ms / 1000).toFixed(1)} s` : 'did not converge in the time measured'}`;
      timings[`${what} [${s.name}]`] = r ? `${(r.ms / 1000).toFixed(1)} s` : '-';
      t.diagnostic(line);
      if (s.assert) t.diagnostic(`  ${traces[s.name]!.join('\n  ')}`);
    }
    const decided = results[services.find((s) => s.assert)!.name]!;
    // A poll due at 30 s may start a little late (timers, a busy machine).
    assert.ok(decided.ms <= CONVERGE_WITHIN_MS + 500, `${what}: ${decided.ms} ms`);
    return results;
  };

  before(async () => {
    const t0 = Date.now();
    cluster = await startCluster({ log: (l) => process.stderr.write(`[cluster] ${l}\n`) });
    timings.cluster = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    const t1 = Date.now();
    sim = await startSimulator({ kubeconfig: cluster.kubeconfig, namespace: NS, config: CONFIG_FILE, backoff: { initialMs: 200, maxMs: 2000 }, log: (l) => simLog.push(l) });
    await sim.synced(30_000);
    timings.simulator = `${((Date.now() - t1) / 1000).toFixed(1)} s`;
    const t2 = Date.now();
    prom = await startPrometheus({ scrape: [{ target: `127.0.0.1:${sim.port}` }], scrapeInterval: '1s' });
    timings.prometheus = `${((Date.now() - t2) / 1000).toFixed(1)} s`;
    // Windows count from the first scrape, which comes a few seconds after /-/ready.
    const client = new PrometheusClient(prom.url);
    const deadline = Date.now() + 60_000;
    while (!(await client.query('up{job="simulator"} == 1').catch(() => [])).length) {
      if (Date.now() > deadline) throw new Error(`Prometheus never scraped the simulator:\n${prom.logTail()}`);
      await sleep(200);
    }
    promStartedAt = Date.now();
    timings['first scrape'] = `${((promStartedAt - t2) / 1000).toFixed(1)} s`;
  }, { timeout: 900_000 });

  after(async () => {
    if (cluster) await cluster.kubectl(['-n', NS, 'delete', '--ignore-not-found', '-f', ROUTE_FILE]).catch(() => undefined);
    await sim?.stop();
    await prom?.stop();
    await cluster?.stop();
    process.stderr.write(`[live] timings: ${JSON.stringify(timings)}\n`);
    if (process.env.CANARY_LENS_SIM_LOG) process.stderr.write(`[live] simulator log:\n  ${simLog.join('\n  ')}\n`);
  });

  test('the simulator serves web-svc-ts from the live split in the authority family only (linkerd-smi), loopback only', async () => {
    assert.match(sim!.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const splits = sim!.splits();
    assert.deepEqual(splits.map((s) => [s.key, s.backends.map((b) => [b.name, b.weight])]), [['TrafficSplit/web-svc-ts', [['web-svc', 500], ['web-svc-2', 500]]]]);
    const text = await (await fetch(`${sim!.url}/metrics`)).text();
    assert.match(text, /^response_total\{direction="outbound",authority="web-apex\.emojivoto\.svc\.cluster\.local:80",dst_namespace="emojivoto",dst_service="web-svc-2",.*classification="failure",status_code="500"\} \d+$/m);
    assert.doesNotMatch(text, /^outbound_http_route_backend_response_statuses_total\{[^}]*parent_name="web-apex"/m);
    assert.match(text, /^response_latency_ms_bucket\{.*dst_service="web-svc",.*le="\+Inf"\} \d+$/m);
    assert.equal((await fetch(`${sim!.url}/nope`)).status, 404);
  });

  test('emojivoto 500/500: observed shares near 50/50 in the authority family, with the configured error rates and latencies', async (t) => {
    await fullWindow(WINDOW_SECONDS);
    const split = await trafficSplit();
    const auto = await service('auto').refresh([split]);
    assert.deepEqual(auto.families[NS], ['authority'], 'a TrafficSplit is measured where linkerd-smi traffic shows');
    const forced = await service('route').refresh([split]);
    assert.deepEqual([forced.state.kind, forced.splits[0]!.family], ['no-traffic', null], 'no route series for a TrafficSplit');
    for (const family of ['auto', 'authority'] as const) {
      const r = await service(family).refresh([split]);
      assert.equal(r.state.kind, 'ok', JSON.stringify(r.state));
      const s = r.splits[0]!;
      t.diagnostic(`${family}: ${shareLine(s)}; p50 ${s.backends.map((b) => b.latencyMs.p50?.toFixed(1)).join('/')} ms, p99 ${s.backends.map((b) => b.latencyMs.p99?.toFixed(1)).join('/')} ms`);
      assert.ok(within(s, [0.5, 0.5], TOLERANCE), `${family}: ${shareLine(s)}`);
      assert.ok(Math.abs(s.rps - 10) <= 2, `${family}: split rps ${s.rps}`);
      const [stable, canary] = s.backends;
      assert.ok(stable!.success! >= 0.9, `web-svc success ${stable!.success}`);
      assert.ok(Math.abs(canary!.success! - 0.9) <= 0.12, `web-svc-2 success ${canary!.success} (error rate 0.1)`);
      // irate over the last scrape interval: few requests, wide buckets; the canary's 30 ms median must still show.
      assert.ok(stable!.latencyMs.p50! > 0 && stable!.latencyMs.p50! <= 10, `web-svc p50 ${stable!.latencyMs.p50}`);
      assert.ok(canary!.latencyMs.p50! >= 10 && canary!.latencyMs.p50! <= 100, `web-svc-2 p50 ${canary!.latencyMs.p50}`);
      assert.equal(s.flagged, false);
    }
  });

  test('TrafficSplit 500/500 → 250/750 on the API server: observed shares converge to 25/75 within 30 s', async (t) => {
    const startedAt = Date.now();
    await kubectl(['-n', NS, 'patch', 'trafficsplits.v1alpha2.split.smi-spec.io', 'web-svc-ts', '--type', 'merge', '-p',
      JSON.stringify({ spec: { backends: [{ service: 'web-svc', weight: 250 }, { service: 'web-svc-2', weight: 750 }] } })]);
    const split = await trafficSplit();
    assert.deepEqual(split.backends.map((b) => b.weight), [250, 750]);
    await converge(t, 'TrafficSplit 250/750', startedAt, split, [0.25, 0.75], [
      { name: `authority ${WINDOW}`, service: service('authority'), assert: true },
      { name: `auto ${WINDOW}`, service: service('auto'), assert: false },
      { name: `authority ${WIDE_WINDOW}`, service: service('authority', WIDE_WINDOW), assert: false },
    ]);
    const seen = sim!.splits().find((s) => s.key === 'TrafficSplit/web-svc-ts')!;
    timings['TrafficSplit 250/750 seen by the simulator'] = `${((seen.weightsChangedAt - startedAt) / 1000).toFixed(2)} s`;
    t.diagnostic(`the simulator saw the new weights ${(seen.weightsChangedAt - startedAt)} ms after kubectl patch started`);
    assert.ok(seen.weightsChangedAt - startedAt < 5000);
  });

  test('an HTTPRoute on the TrafficSplit\'s apex is not in effect (linkerd-smi\'s ServiceProfile wins): the simulator sends it nothing', async () => {
    await kubectl(['apply', '-f', ROUTE_FILE]);
    const line = 'HTTPRoute web-canary-live: not in effect on web-apex, no traffic';
    const deadline = Date.now() + 10_000;
    while (!simLog.includes(line) && Date.now() < deadline) await sleep(100);
    assert.ok(simLog.includes(line), `simulator log:\n${simLog.slice(-10).join('\n')}`);
    assert.deepEqual(sim!.splits().map((x) => x.key), ['TrafficSplit/web-svc-ts'], 'only the split in effect carries traffic');
    // The route's annotations set its own web-svc traffic only; the TrafficSplit's web-svc keeps the config file's settings.
    const ts = sim!.splits().find((x) => x.key === 'TrafficSplit/web-svc-ts')!;
    assert.deepEqual(ts.backends.map((b) => [b.name, b.errorRate, b.latencyMs]), [
      ['web-svc', 0.02, { p50: 4, p99: 15 }],
      ['web-svc-2', 0.1, { p50: 30, p99: 120 }],
    ]);
    // The TrafficSplit goes (kept, to be put back after the route's tests): the route takes the apex.
    const live = JSON.parse(await kubectl(['-n', NS, 'get', 'trafficsplits.v1alpha2.split.smi-spec.io', 'web-svc-ts', '-o', 'json'])) as { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: unknown };
    savedTrafficSplit = JSON.stringify({ apiVersion: live.apiVersion, kind: live.kind, metadata: { name: live.metadata.name, namespace: live.metadata.namespace }, spec: live.spec });
    await kubectl(['-n', NS, 'delete', 'trafficsplits.v1alpha2.split.smi-spec.io', 'web-svc-ts']);
  });

  test('an HTTPRoute (web-apex → web-svc 90 / web-svc-2 10), route family forced: 90/10, then 30/70 within 30 s; annotations apply', async (t) => {
    const createdAt = Date.now();
    const split = await httpRoute();
    const routeService = service('route');
    await converge(t, 'HTTPRoute created 90/10', createdAt, split, [0.9, 0.1], [
      { name: `route ${WINDOW}`, service: routeService, assert: true },
    ]);
    const simSplitNow = sim!.splits().find((s) => s.key === 'HTTPRoute/gateway.networking.k8s.io/web-canary-live/0/0');
    assert.ok(simSplitNow, JSON.stringify(sim!.splits()));
    assert.deepEqual(simSplitNow.backends.map((b) => [b.name, b.errorRate, b.latencyMs]), [
      ['web-svc', 0.3, { p50: 200, p99: 800 }],
      ['web-svc-2', 0.1, { p50: 30, p99: 120 }],
    ]);

    await sleep(Math.max(0, createdAt + (WINDOW_SECONDS + 2) * 1000 - Date.now())); // a full window of the route's traffic
    const route = (await routeService.refresh([split])).splits[0]!;
    const stable = route.backends[0]!;
    t.diagnostic(`route: ${shareLine(route)}; web-svc p50 ${stable.latencyMs.p50?.toFixed(1)} ms`);
    assert.ok(Math.abs(stable.success! - 0.7) <= 0.13, `route web-svc success ${stable.success}`);
    assert.ok(stable.latencyMs.p50! >= 50 && stable.latencyMs.p50! <= 500, `route web-svc p50 ${stable.latencyMs.p50}`);
    // The config retries a failed request once: the route's numbers (after retries) beat the backends' (each try).
    assert.ok((route.route?.retries ?? 0) > 0.05, `route retries ${route.route?.retries}`);
    assert.ok((route.route?.success ?? 0) > (stable.success ?? 1), `route success ${route.route?.success} after retries vs web-svc ${stable.success}`);
    // Both families have series for the route; auto measures it in the route family.
    const auto = (await service('auto').refresh([split])).splits[0]!;
    assert.equal(auto.family, 'route');

    const patchedAt = Date.now();
    await kubectl(['-n', NS, 'patch', 'httproutes.v1.gateway.networking.k8s.io', 'web-canary-live', '--type', 'merge', '-p', JSON.stringify({
      spec: { rules: [{ backendRefs: [{ name: 'web-svc', port: 80, weight: 30 }, { name: 'web-svc-2', port: 80, weight: 70 }] }] },
    })]);
    const patched = await httpRoute();
    assert.deepEqual(patched.backends.map((b) => b.weight), [30, 70]);
    await converge(t, 'HTTPRoute 90/10 → 30/70', patchedAt, patched, [0.3, 0.7], [
      { name: `route ${WINDOW}`, service: routeService, assert: true },
      { name: `route ${WIDE_WINDOW}`, service: service('route', WIDE_WINDOW), assert: false },
    ]);
  });

  test('a deleted HTTPRoute stops its traffic; its series stay (counters never go back)', async () => {
    const before = sim!.splits().find((s) => s.kind === 'HTTPRoute');
    assert.ok(before);
    await kubectl(['-n', NS, 'delete', '-f', ROUTE_FILE]);
    const deadline = Date.now() + 10_000;
    while (sim!.splits().some((s) => s.kind === 'HTTPRoute') && Date.now() < deadline) await sleep(100);
    assert.ok(!sim!.splits().some((s) => s.kind === 'HTTPRoute'), 'the simulator dropped the route');
    const count = (text: string) => [...text.matchAll(/^outbound_http_route_backend_response_statuses_total\{[^}]*route_name="web-canary-live"[^}]*\} (\d+)$/gm)].map((m) => Number(m[1]));
    const a = count(sim!.metrics());
    await sleep(2500);
    const b = count(sim!.metrics());
    assert.ok(a.length > 0 && a.some((v) => v > 0));
    assert.deepEqual(b, a, 'frozen');
    // The TrafficSplit back, as it was: the tests below measure it.
    assert.ok(savedTrafficSplit, 'the TrafficSplit was kept');
    await kubectl(['apply', '-f', '-'], savedTrafficSplit);
    const back = Date.now() + 10_000;
    while (!sim!.splits().some((x) => x.key === 'TrafficSplit/web-svc-ts') && Date.now() < back) await sleep(100);
    assert.ok(sim!.splits().some((x) => x.key === 'TrafficSplit/web-svc-ts'), 'the TrafficSplit carries traffic again');
  });

  test('the CLI: serves the live split on the port it prints, stops on SIGTERM (exit 0); usage errors exit 2', async () => {
    const main = path.join(REPO_ROOT, 'tools', 'simulator', 'main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--kubeconfig', cluster!.kubeconfig, '-n', NS, '--port', '0', '--config', CONFIG_FILE, '--rps', '4'], {
      cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no URL on stdout within 30 s; stderr:\n${stderr}`)), 30_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /^(http:\/\/127\.0\.0\.1:\d+)\/metrics$/m.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      let splits: { key: string; rps: number; backends: { name: string; weight: number }[] }[] = [];
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        splits = (await (await fetch(`${url}/splits`)).json()) as typeof splits;
        if (splits.length > 0) break;
        await sleep(200);
      }
      const live = await trafficSplit();
      assert.deepEqual(splits.map((x) => [x.key, x.rps, x.backends.map((b) => [b.name, b.weight])]), [['TrafficSplit/web-svc-ts', 4, live.backends.map((b) => [b.name, b.weight])]]);
      assert.match(await (await fetch(`${url}/metrics`)).text(), /^response_total\{direction="outbound",authority="web-apex\.emojivoto\.svc\.cluster\.local:80",dst_namespace="emojivoto",dst_service="web-svc"/m);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
    const usage = spawnSync(process.execPath, ['--import', 'tsx', main, '--port', '80'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
    assert.equal(usage.status, 2, usage.stderr);
    assert.match(usage.stderr, /--namespace is required/);
  });

  test('the simulator resumes its watches after the API server restarts, and keeps counting meanwhile', async () => {
    const total = () => sim!.splits().find((x) => x.key === 'TrafficSplit/web-svc-ts')!.backends.reduce((n, b) => n + b.success + b.failure, 0);
    await cluster!.stopApiServer();
    const during = total();
    await sleep(3000);
    assert.ok(total() > during, 'traffic goes on with the last weights known while the API server is down');
    await cluster!.startApiServer();
    const restartedAt = Date.now();
    await kubectl(['-n', NS, 'patch', 'trafficsplits.v1alpha2.split.smi-spec.io', 'web-svc-ts', '--type', 'merge', '-p',
      JSON.stringify({ spec: { backends: [{ service: 'web-svc', weight: 100 }, { service: 'web-svc-2', weight: 900 }] } })]);
    const weights = () => sim!.splits().find((x) => x.key === 'TrafficSplit/web-svc-ts')!.backends.map((b) => b.weight);
    const deadline = Date.now() + 20_000;
    while (JSON.stringify(weights()) !== '[100,900]' && Date.now() < deadline) await sleep(100);
    assert.deepEqual(weights(), [100, 900], `simulator log:\n${simLog.slice(-10).join('\n')}`);
    timings['weights seen after an API server restart'] = `${((Date.now() - restartedAt) / 1000).toFixed(1)} s`;
  });
});

// Keep the fixture honest: the manifest the test applies is a 90/10 HTTPRoute on web-apex with the annotations.
test('fixture web-canary-live.yaml', () => {
  const text = readFileSync(ROUTE_FILE, 'utf8');
  assert.match(text, /weight: 90[\s\S]*weight: 10/);
  assert.match(text, /canary-lens\.dev\/sim-error-rate\.web-svc: "0\.3"/);
});
