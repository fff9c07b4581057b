/**
 * The stats module against a real Prometheus (Debian's 2.42) fed by promtool with the history of history.ts:
 * every number of every backend of several splits at once, in both metric families, equals the hand computation of
 * expected.ts at a fixed evaluation time; the TypeScript quantiles equal Prometheus' histogram_quantile bit for bit;
 * the number of queries per refresh does not grow with the number of splits.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  bucketQuantile, namespaceQueries, parseLe, PrometheusClient, StatsService,
  type FetchLike, type MetricFamily, type SplitStats, type StatsSplit,
} from '../../src/stats';
import { splitsFromPaths } from '../../src/cli/stats';
import { SPLIT_KINDS } from '../../src/service/model/kinds';
import { close, expectedFor, expectedRouteFor, type ExpectedBackend } from './expected';
import { buildHistory, EVAL, toOpenMetrics, WINDOW, type History } from './history';
import { probeOpenMetrics, PROBES } from './probes';
import { startPrometheus, type RunningPrometheus } from './prometheus';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'stats');

function assertSplit(got: SplitStats, want: ExpectedBackend[]): void {
  const id = `${got.split.kind} ${got.split.name}${got.split.rule ? ` rule ${got.split.rule}` : ''}`;
  assert.equal(got.backends.length, want.length, id);
  got.backends.forEach((b, i) => {
    const w = want[i]!;
    const where = `${id} / ${b.name}`;
    assert.equal(b.name, w.leaf, where);
    assert.equal(b.successCount, w.successCount, `${where} success count`);
    assert.equal(b.failureCount, w.failureCount, `${where} failure count`);
    close(b.success, w.success, `${where} success rate`);
    close(b.rps, w.rps, `${where} rps`);
    close(b.latencyMs.p50, w.p50, `${where} p50`);
    close(b.latencyMs.p95, w.p95, `${where} p95`);
    close(b.latencyMs.p99, w.p99, `${where} p99`);
    close(b.observedShare, w.observed, `${where} observed share`);
    close(b.desiredShare, w.desired, `${where} desired share`);
    close(b.timeouts, w.timeouts, `${where} timeouts`);
    assert.equal(b.hasData, w.hasData, `${where} has series`);
  });
}

/** The family each split must be measured in: its kind's (TrafficSplit authority, routes route) where it has series. */
function familyOf(split: StatsSplit): MetricFamily {
  if (split.namespace === 'books') return 'route'; // Linkerd 2.17+ only: even its TrafficSplit has route series alone
  if (split.namespace === 'emojivoto') return 'authority';
  return split.kind === 'TrafficSplit' ? 'authority' : 'route';
}

function countingFetch(): { fetch: FetchLike; count: () => number; bodies: string[] } {
  const bodies: string[] = [];
  return {
    bodies,
    count: () => bodies.length,
    fetch: async (input, init) => {
      bodies.push(init.body);
      return fetch(input, init);
    },
  };
}

const fmt = (v: number | null, digits = 6) => (v === null ? '-' : Number(v.toFixed(digits)).toString());

describe('stats against a backfilled Prometheus', () => {
  let prom: RunningPrometheus;
  let history: History;
  let splits: StatsSplit[];
  const report: string[] = [];

  before(async () => {
    history = buildHistory();
    const om = toOpenMetrics(history).replace(/# EOF\n$/, `${probeOpenMetrics()}\n# EOF\n`);
    prom = await startPrometheus({ openMetrics: om });
    splits = (await splitsFromPaths(['emojivoto.yaml', 'books.yaml', 'mixed.yaml'].map((f) => path.join(FIXTURES, f)))).splits;
  });

  after(async () => {
    await prom?.stop();
    if (process.env.CANARY_LENS_STATS_REPORT) process.stdout.write(`${report.join('\n')}\n`);
  });

  test('the manifests give one StatsSplit per TrafficSplit and per HTTPRoute rule', () => {
    assert.deepEqual(
      splits.map((s) => `${s.namespace}/${s.kind}/${s.name}${s.rule ? `#${s.rule}` : ''} ${s.apex}${s.apexPort ? `:${s.apexPort}` : ''} → ${s.backends.map((b) => `${b.name}=${b.weight}`).join(',')}`),
      [
        'emojivoto/TrafficSplit/web-svc-ts web-apex → web-svc=900,web-svc-2=100',
        'emojivoto/TrafficSplit/emoji-ts emoji-svc → emoji-v1=500,emoji-v2=500,emoji-v3=0',
        'emojivoto/TrafficSplit/voting-ts voting-svc → voting-v1=900,voting-v2=100',
        'books/HTTPRoute/reviews-canary reviews:9080 → reviews-v1=90,reviews-v2=10',
        'books/HTTPRoute/reviews-header reviews:9080 → reviews-v3=1,reviews-v1=1',
        'books/HTTPRoute/ratings#1 ratings:9080 → ratings-v2=1',
        'books/HTTPRoute/ratings#2 ratings:9080 → ratings-v1=1,ratings-v3=0',
        'books/TrafficSplit/details-ts details → details-v1=50,details-v2=50',
        'mixed/TrafficSplit/web-ts web-apex → web-v1=500,web-v2=500',
        'mixed/TrafficSplit/api-ts api-apex → api-v1=500,api-v2=500',
        'mixed/HTTPRoute/shop-route shop:8080 → shop-v1=80,shop-v2=20',
        'mixed/GRPCRoute/emoji-grpc emoji-svc:8080 → emoji-v1=50,emoji-v2=50',
      ],
    );
  });

  test('every backend of every split, both families at once, equals the hand computation (auto family)', async () => {
    const service = new StatsService(new PrometheusClient(prom.url), { family: 'auto', window: WINDOW, at: EVAL });
    const result = await service.refresh(splits);
    assert.equal(result.state.kind, 'ok', JSON.stringify(result.state));
    assert.deepEqual(result.families, { books: ['route'], emojivoto: ['authority'], mixed: ['authority', 'route'] });
    assert.equal(result.evaluatedAt, EVAL);
    report.push('| split | leaf | success (module / hand) | RPS (module / hand) | P50 ms | P95 ms | P99 ms | observed share | desired |', '|---|---|---|---|---|---|---|---|---|');
    for (const split of splits) {
      const got = result.splits.find((s) => s.split === split)!;
      const family = familyOf(split);
      assert.equal(got.family, family, `${split.name} family`);
      const want = expectedFor(history, split, family);
      assertSplit(got, want);
      if (split.namespace === 'mixed' && family === 'route') {
        const r = expectedRouteFor(history, split);
        const where = `${split.name} route`;
        assert.ok(got.route?.hasData, where);
        close(got.route.success, r.success, `${where} success`);
        close(got.route.rps, r.rps, `${where} rps`);
        close(got.route.timeouts, r.timeouts, `${where} timeouts`);
        close(got.route.retries, r.retries, `${where} retries`);
        close(got.route.latencyMs.p50, r.p50, `${where} p50`);
        close(got.route.latencyMs.p99, r.p99, `${where} p99`);
        assert.ok((r.retries ?? 0) > 0 && (r.timeouts ?? 0) > 0, `${where}: the history has retries and timeouts`);
        report.push(`| ${split.name} | [route] | ${fmt(got.route.success)} / ${fmt(r.success)} | ${fmt(got.route.rps)} / ${fmt(r.rps)} | timeouts ${fmt(got.route.timeouts)} / ${fmt(r.timeouts)} | retries ${fmt(got.route.retries)} / ${fmt(r.retries)} | | | |`);
      } else if (family === 'authority') {
        assert.equal(got.route, null, `${split.name}: no route numbers in the authority family`);
      }
      got.backends.forEach((b, i) => {
        const w = want[i]!;
        report.push(`| ${split.name}${split.rule ? `#${split.rule}` : ''} | ${b.name} | ${fmt(b.success)} / ${fmt(w.success)} | ${fmt(b.rps)} / ${fmt(w.rps)} | ${fmt(b.latencyMs.p50)} / ${fmt(w.p50)} | ${fmt(b.latencyMs.p95)} / ${fmt(w.p95)} | ${fmt(b.latencyMs.p99)} / ${fmt(w.p99)} | ${fmt(b.observedShare)} / ${fmt(w.observed)} | ${fmt(b.desiredShare)} |`);
      });
    }
  });

  test('the cases the history was built for come out as designed', async () => {
    const service = new StatsService(new PrometheusClient(prom.url), { window: WINDOW, at: EVAL });
    const result = await service.refresh(splits);
    const backend = (split: string, leaf: string, rule?: number) =>
      result.splits.find((s) => s.split.name === split && s.split.rule === rule)!.backends.find((b) => b.name === leaf)!;
    // No series at all: every number is "-".
    const v3 = backend('emoji-ts', 'emoji-v3');
    assert.deepEqual([v3.hasData, v3.success, v3.rps, v3.latencyMs.p50, v3.observedShare], [false, null, null, null, 0]);
    // Series that never increase: 0 RPS, no success rate, no latency.
    const r3 = backend('ratings', 'ratings-v3', 2);
    assert.deepEqual([r3.hasData, r3.success, r3.rps, r3.latencyMs.p99], [true, null, 0, null]);
    // Only failures: 0 % success, with RPS and latency.
    for (const [split, leaf, rule] of [['voting-ts', 'voting-v2'], ['ratings', 'ratings-v2', 1]] as const) {
      const b = backend(split, leaf, rule);
      assert.equal(b.success, 0, `${leaf} success`);
      assert.ok(b.failureCount > 0 && b.successCount === 0 && (b.rps ?? 0) > 0 && b.latencyMs.p50 !== null, leaf);
    }
    // 404 is a success in the route family, 5xx and errors are failures.
    assert.ok(backend('reviews-canary', 'reviews-v1').success === 1);
    // Flags: web-svc-ts is off by far more than 10 points; details-ts is exactly 10 points off (not flagged);
    // api-ts's api-v2 has weight and no series at all.
    assert.deepEqual(result.splits.filter((s) => s.flagged).map((s) => s.split.name), ['web-svc-ts', 'api-ts']);
    const apiV2 = backend('api-ts', 'api-v2');
    assert.deepEqual([apiV2.hasData, apiV2.observedShare, apiV2.flagged, apiV2.flag], [false, 0, true, 'no-series']);
    assert.equal(backend('web-svc-ts', 'web-svc-2').flag, 'share');
    // The mixed namespace: each split in its kind's family although both families have series for it.
    const byName = (name: string) => result.splits.find((s) => s.split.name === name)!;
    assert.deepEqual(['web-ts', 'api-ts', 'shop-route', 'emoji-grpc'].map((n) => [n, byName(n).family, byName(n).hasTraffic]),
      [['web-ts', 'authority', true], ['api-ts', 'authority', true], ['shop-route', 'route', true], ['emoji-grpc', 'route', true]]);
    // gRPC: NOT_FOUND and UNAVAILABLE are failures (grpc_status), a timeout is a failure and a timeout.
    const e1 = backend('emoji-grpc', 'emoji-v1');
    assert.ok(e1.failureCount > 0 && e1.timeoutCount > 0 && (e1.timeouts ?? 0) > 0);
    assert.equal(backend('details-ts', 'details-v1').observedShare, 0.6);
    // reviews-v1 traffic through reviews-header is not reviews-canary's.
    assert.notEqual(backend('reviews-canary', 'reviews-v1').successCount, backend('reviews-canary', 'reviews-v1').successCount + backend('reviews-header', 'reviews-v1').successCount);
  });

  test('forced families: each split in one family alone gives that family\'s numbers (or none)', async () => {
    for (const family of ['authority', 'route'] as const) {
      const service = new StatsService(new PrometheusClient(prom.url), { family, window: WINDOW, at: EVAL });
      const result = await service.refresh(splits);
      for (const s of result.splits) {
        const want = expectedFor(history, s.split, family);
        const any = want.some((b) => b.hasData);
        assert.equal(s.family, any ? family : null, `${family} ${s.split.name}`);
        assert.equal(s.hasTraffic, want.some((b) => b.successCount + b.failureCount > 0), `${family} ${s.split.name} traffic`);
        if (any) assertSplit(s, want);
      }
      const names = result.splits.filter((s) => s.family === family).map((s) => s.split.name);
      // Each family sees the mixed namespace's splits of the other kind too, with other numbers.
      assert.ok(names.includes(family === 'authority' ? 'shop-route' : 'web-ts'), `${family}: ${names.join(', ')}`);
    }
  });

  test('the TypeScript quantiles equal Prometheus histogram_quantile bit for bit (same bucket query)', async () => {
    const client = new PrometheusClient(prom.url);
    const service = new StatsService(client, { window: WINDOW, at: EVAL });
    const result = await service.refresh(splits);
    let compared = 0;
    let none = 0;
    for (const ns of ['books', 'emojivoto', 'mixed']) {
      const mine = result.splits.filter((s) => s.split.namespace === ns);
      const { latency } = namespaceQueries(['authority', 'route'], ns, mine.map((s) => s.split.apex), WINDOW);
      for (const q of [0.5, 0.95, 0.99] as const) {
        const theirs = await client.query(`histogram_quantile(${q}, ${latency})`, EVAL);
        for (const s of mine) {
          const family = s.family;
          for (const b of s.backends) {
            // The Prometheus groups of this backend (a TrafficSplit under the route family sums several routes: skipped).
            const groups = theirs.filter((x) => (family === 'authority'
              ? x.metric.lens_series === 'authority' && (x.metric.authority ?? '').startsWith(`${s.split.apex}.${ns}.svc.`) && x.metric.dst_service === b.name
              : x.metric.lens_series !== 'authority' && x.metric.parent_name === s.split.apex && x.metric.backend_name === b.name
                && (s.split.kind === 'TrafficSplit' || (x.metric.route_kind === s.split.kind && x.metric.route_name === s.split.name))));
            const ours = q === 0.5 ? b.latencyMs.p50 : q === 0.95 ? b.latencyMs.p95 : b.latencyMs.p99;
            const where = `${family} ${s.split.name}/${b.name} q=${q}`;
            if (groups.length === 0) {
              assert.equal(ours, null, where);
              none++;
            } else if (groups.length === 1) {
              const v = groups[0]!.value;
              assert.equal(ours, Number.isNaN(v) ? null : family === 'route' ? v * 1000 : v, where);
              compared++;
            }
          }
        }
      }
    }
    assert.ok(compared >= 36, `compared ${compared} quantiles`);
    assert.ok(none >= 3, 'a backend without series has no latency');
  });

  test('corner cases of histogram_quantile: bucketQuantile equals Prometheus on crafted buckets', async () => {
    const client = new PrometheusClient(prom.url);
    const raw = await client.query('quantile_probe_bucket', EVAL);
    for (const q of [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1, -0.5, 1.5]) {
      const theirs = await client.query(`histogram_quantile(${q}, quantile_probe_bucket)`, EVAL);
      for (const probe of PROBES) {
        const buckets = raw.filter((s) => s.metric.case === probe.name).map((s) => ({ upperBound: parseLe(s.metric.le!), count: s.value }));
        assert.equal(buckets.length, probe.buckets.length, probe.name);
        const ours = bucketQuantile(q, buckets);
        const p = theirs.find((s) => s.metric.case === probe.name);
        assert.ok(p, `Prometheus answered for ${probe.name}`);
        assert.ok(Object.is(ours, p.value), `${probe.name} q=${q}: ours ${ours}, Prometheus ${p.value}`);
      }
    }
  });

  test('query count: 1, 10 and 100 splits of mixed kinds in a namespace cost the same two queries per refresh', async () => {
    const kinds = SPLIT_KINDS;
    const many = (n: number): StatsSplit[] => Array.from({ length: n }, (_, i) => ({
      namespace: 'mixed',
      kind: kinds[i % kinds.length]!,
      name: i === 0 ? 'web-ts' : `split-${i}`,
      apex: i === 0 ? 'web-apex' : `apex-${i}`,
      backends: Array.from({ length: 4 }, (_, k) => ({ name: i === 0 && k < 2 ? ['web-v1', 'web-v2'][k]! : `apex-${i}-v${k}`, weight: 25 })),
    }));
    const measure = async (set: StatsSplit[], family: 'auto' | 'authority' | 'route') => {
      const counter = countingFetch();
      const service = new StatsService(new PrometheusClient(prom.url, { fetch: counter.fetch }), { family, window: WINDOW, at: EVAL });
      const first = await service.refresh(set);
      const afterFirst = counter.count();
      const second = await service.refresh(set);
      assert.equal(first.queries, afterFirst);
      assert.equal(second.queries, counter.count() - afterFirst);
      return { first: first.queries, second: second.queries, ok: second.state.kind, bodies: counter.bodies };
    };
    const counts: string[] = [];
    for (const family of ['auto', 'authority', 'route'] as const) {
      const row: number[] = [];
      for (const n of [1, 10, 100]) {
        const m = await measure(many(n), family);
        assert.deepEqual([m.first, m.second], [2, 2], `${family}: ${n} splits`);
        row.push(m.second);
      }
      counts.push(`${family}: ${row.join(' / ')}`);
    }
    report.push(`queries per refresh with 1 / 10 / 100 splits of mixed kinds: ${counts.join('; ')}`);
    const auto = await measure(many(100), 'auto');
    assert.equal(auto.ok, 'ok');
    // The counts query names every apex once, in one regex per series row.
    const requests = decodeURIComponent(auto.bodies[auto.bodies.length - 2]!.replace(/\+/g, ' '));
    for (let i = 1; i < 100; i++) assert.ok(requests.includes(`apex-${i}|`) || requests.includes(`apex-${i})`) || requests.includes(`apex-${i}"`), `apex-${i} in the query`);
  });

  test('two split objects on one apex: the other family does not stand in for a route it cannot tell apart', async () => {
    const shared = (await splitsFromPaths([path.join(FIXTURES, 'shared-apex.yaml')])).splits;
    const [ts, route] = shared;
    assert.deepEqual(shared.map((s) => `${s.kind} ${s.name} ${s.apex}`), ['TrafficSplit cart-ts cart', 'HTTPRoute cart-route cart']);
    const service = new StatsService(new PrometheusClient(prom.url), { window: WINDOW, at: EVAL });
    const both = await service.refresh(shared);
    const [t, r] = both.splits;
    assert.equal(t!.family, 'authority');
    assertSplit(t!, expectedFor(history, ts!, 'authority'));
    assert.deepEqual([r!.family, r!.hasTraffic, r!.backends.map((b) => b.observedShare), r!.flagged], [null, false, [null, null], false]);
    assert.match(r!.unmeasured ?? '', /^no route metrics for this HTTPRoute; the authority metrics of apex cart cannot tell it from the other splits on that apex$/);
    // Only the route in view: the other splits the caller knows still make the apex shared.
    const viewed = await service.refresh([route!], shared);
    assert.deepEqual([viewed.splits[0]!.family, viewed.splits[0]!.unmeasured !== undefined], [null, true]);
    // Alone on its apex (nothing else known), a route falls back to the authority family, which is then its own traffic.
    const alone = await service.refresh([route!]);
    assert.equal(alone.splits[0]!.family, 'authority');
    assert.equal(alone.splits[0]!.unmeasured, undefined);
    // A forced family is what the user asked for, shared or not.
    const forced = await new StatsService(new PrometheusClient(prom.url), { family: 'authority', window: WINDOW, at: EVAL }).refresh(shared);
    assert.equal(forced.splits[1]!.family, 'authority');
  });

  test('a namespace without metrics is "no traffic"; so is an instant before the history', async () => {
    const quiet = (await splitsFromPaths([path.join(FIXTURES, 'quiet.yaml')])).splits;
    const service = new StatsService(new PrometheusClient(prom.url), { window: WINDOW, at: EVAL });
    const r = await service.refresh(quiet);
    assert.equal(r.state.kind, 'no-traffic');
    assert.equal(r.queries, 2, 'counts and buckets, with no rows');
    assert.equal(r.splits[0]!.family, null);
    assert.ok(r.splits[0]!.backends.every((b) => b.rps === null && b.success === null && b.observedShare === null && !b.flagged));
    const early = new StatsService(new PrometheusClient(prom.url), { window: WINDOW, at: EVAL - 3600 });
    assert.equal((await early.refresh(splits)).state.kind, 'no-traffic');
    const forced = new StatsService(new PrometheusClient(prom.url), { family: 'authority', window: WINDOW, at: EVAL - 3600 });
    const f = await forced.refresh(splits);
    assert.equal(f.state.kind, 'no-traffic');
    assert.equal(f.queries, 6, 'two queries per namespace, with no rows');
  });
});
