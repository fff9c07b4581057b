/**
 * The stats module without Prometheus: the exact query strings, window and authority parsing, Linkerd's count
 * rounding, the quantile function on hand-made buckets, the share flags, formatting, and the poller's start/stop.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bucketQuantile, chooseFamily, computeSplit, countRows, formatBrief, formatLatency, formatRps, formatShare,
  formatSuccess, isFailure, isTimeout, namespaceQueries, parseAuthority, parseLe, parseSampleValue, renderTable, roundCount,
  SERIES_TAG_LABEL, statsRows, StatsPoller, tableRows, truncCount, windowSeconds, type CountRow, type PollerTimers, type StatsSplit,
} from '../../src/stats';
import { parseAt, parseStatsArgs, StatsUsageError } from '../../src/cli/stats';
import { handQuantile } from './expected';

describe('queries', () => {
  test('authority family: one counts query and one bucket query for every apex of the namespace, tagged', () => {
    const q = namespaceQueries(['authority'], 'emojivoto', ['web-apex', 'emoji-svc', 'web-apex'], '1m');
    assert.equal(q.requests, 'label_replace(sum by (authority, dst_service, classification, tls) (increase(response_total{direction="outbound", authority=~"(emoji-svc|web-apex)\\\\.emojivoto\\\\.svc([.:].*)?"}[1m])), "lens_series", "authority", "__name__", ".*")');
    assert.equal(q.latency, 'label_replace(sum by (le, authority, dst_service) (irate(response_latency_ms_bucket{direction="outbound", authority=~"(emoji-svc|web-apex)\\\\.emojivoto\\\\.svc([.:].*)?"}[1m])), "lens_series", "authority", "__name__", ".*")');
  });

  test('route family (Linkerd 2.17+): HTTP and gRPC, per backend, per route and retries, as stat-outbound groups them', () => {
    const q = namespaceQueries(['route'], 'books', ['reviews', 'ratings'], '30s');
    const sel = '{parent_kind="Service", parent_namespace="books", parent_name=~"ratings|reviews"}';
    const parts = q.requests.split(' or ');
    assert.deepEqual(parts, [
      `label_replace(sum by (parent_name, parent_port, backend_name, backend_port, route_name, route_kind, http_status, error) (increase(outbound_http_route_backend_response_statuses_total${sel}[30s])), "lens_series", "http-backend", "__name__", ".*")`,
      `label_replace(sum by (parent_name, parent_port, route_name, route_kind, http_status, error) (increase(outbound_http_route_request_statuses_total${sel}[30s])), "lens_series", "http-route", "__name__", ".*")`,
      `label_replace(sum by (parent_name, parent_port, route_name, route_kind) (increase(outbound_http_route_retry_requests_total${sel}[30s])), "lens_series", "http-retry", "__name__", ".*")`,
      `label_replace(sum by (parent_name, parent_port, backend_name, backend_port, route_name, route_kind, grpc_status, error) (increase(outbound_grpc_route_backend_response_statuses_total${sel}[30s])), "lens_series", "grpc-backend", "__name__", ".*")`,
      `label_replace(sum by (parent_name, parent_port, route_name, route_kind, grpc_status, error) (increase(outbound_grpc_route_request_statuses_total${sel}[30s])), "lens_series", "grpc-route", "__name__", ".*")`,
      `label_replace(sum by (parent_name, parent_port, route_name, route_kind) (increase(outbound_grpc_route_retry_requests_total${sel}[30s])), "lens_series", "grpc-retry", "__name__", ".*")`,
    ]);
    assert.equal(q.latency.split(' or ').length, 4, 'backend and route durations of HTTP and gRPC (retries have no histogram)');
    assert.ok(q.latency.includes(`irate(outbound_grpc_route_backend_response_duration_seconds_bucket${sel}[30s])`));
  });

  test('auto asks both families in the same two queries', () => {
    const q = namespaceQueries(['authority', 'route'], 'mixed', ['a'], '1m');
    assert.equal(q.requests.split(' or ').length, 7);
    assert.equal(q.latency.split(' or ').length, 5);
  });

  test('the query text does not grow with backends and is independent of split order', () => {
    const a = namespaceQueries(['route'], 'ns', ['b', 'a'], '1m');
    const b = namespaceQueries(['route'], 'ns', ['a', 'b', 'a'], '1m');
    assert.deepEqual(a, b);
  });

  test('windows', () => {
    assert.equal(windowSeconds('1m'), 60);
    assert.equal(windowSeconds('90s'), 90);
    assert.equal(windowSeconds('1h30m'), 5400);
    assert.equal(windowSeconds('500ms'), 0.5);
    assert.equal(windowSeconds('0s'), 0); // Prometheus refuses it: a query error, tested against Prometheus
    for (const bad of ['', '1', 'm', '1 m', '-1m', '1m1h', '1.5m']) assert.throws(() => windowSeconds(bad), /Prometheus duration/, bad);
  });

  test('authorities', () => {
    assert.deepEqual(parseAuthority('web-apex.emojivoto.svc.cluster.local:80', 'emojivoto'), { apex: 'web-apex', port: '80' });
    assert.deepEqual(parseAuthority('web-apex.emojivoto.svc:8080', 'emojivoto'), { apex: 'web-apex', port: '8080' });
    assert.deepEqual(parseAuthority('web-apex.emojivoto.svc.cluster.local', 'emojivoto'), { apex: 'web-apex' });
    assert.equal(parseAuthority('web-apex.other.svc.cluster.local:80', 'emojivoto'), undefined);
    assert.equal(parseAuthority('10.0.0.1:80', 'emojivoto'), undefined);
  });
});

describe('arithmetic', () => {
  test("counts are whole as Linkerd makes them: rounded (authority), truncated (route), NaN as 0", () => {
    assert.deepEqual([2.5, 2.4999999, 0.5, 59.99999, NaN, Infinity].map(roundCount), [3, 2, 1, 60, 0, 0]);
    assert.deepEqual([2.5, 59.99999, 0.2, NaN, -1].map(truncCount), [2, 59, 0, 0, 0]);
  });

  test('route failures: HTTP 5xx or an error; gRPC a status other than OK or an error; a missing label is empty', () => {
    assert.equal(isFailure('http', { http_status: '503' }), true);
    assert.equal(isFailure('http', { http_status: '404' }), false);
    assert.equal(isFailure('http', { error: 'REQUEST_TIMEOUT' }), true);
    assert.equal(isFailure('http', { http_status: '200', error: '' }), false);
    assert.equal(isFailure('http', { http_status: '200' }), false, 'Prometheus dropped error=""');
    assert.equal(isFailure('grpc', { grpc_status: 'OK' }), false);
    assert.equal(isFailure('grpc', { grpc_status: 'OK', http_status: '500' }), false, 'gRPC: the HTTP status does not decide');
    assert.equal(isFailure('grpc', { grpc_status: 'NOT_FOUND' }), true);
    assert.equal(isFailure('grpc', { grpc_status: 'OK', error: 'RESET' }), true);
    assert.equal(isFailure('grpc', {}), true, 'no grpc_status is not OK');
    assert.deepEqual(['REQUEST_TIMEOUT', 'RESPONSE_HEADERS_TIMEOUT', 'RESPONSE_STREAM_TIMEOUT', 'FAIL_FAST', undefined].map((error) => isTimeout(error ? { error } : {})), [true, true, false, false, false]);
  });

  test('rows of the counts query: tag, identity and classification', () => {
    const tag = (t: string, m: Record<string, string>) => ({ metric: { [SERIES_TAG_LABEL]: t, ...m }, value: 5.7 });
    const rows = countRows([
      tag('authority', { authority: 'web.ns.svc.cluster.local:80', dst_service: 'w1', classification: 'success' }),
      tag('authority', { authority: 'web.ns.svc.cluster.local:80', dst_service: 'w1' }),
      tag('grpc-backend', { parent_name: 'e', backend_name: 'e1', route_kind: 'GRPCRoute', route_name: 'r', grpc_status: 'UNKNOWN', error: 'REQUEST_TIMEOUT' }),
      tag('http-route', { parent_name: 'e', route_kind: 'HTTPRoute', route_name: 'r', http_status: '200' }),
      tag('http-retry', { parent_name: 'e', route_kind: 'HTTPRoute', route_name: 'r' }),
      tag('nonsense', { parent_name: 'e' }),
      tag('authority', { authority: 'web.other.svc.cluster.local:80', dst_service: 'w1', classification: 'success' }),
    ], 'ns');
    assert.deepEqual(rows.map((r) => [r.family, r.level, r.leaf ?? '-', r.success, r.failure, r.timeouts, r.retries]), [
      ['authority', 'backend', 'w1', 6, 0, 0, 0],
      ['authority', 'backend', 'w1', 0, 0, 0, 0],
      ['route', 'backend', 'e1', 0, 5, 5, 0],
      ['route', 'route', '-', 5, 0, 0, 0],
      ['route', 'retry', '-', 0, 0, 0, 5],
    ]);
  });

  test('sample values and le labels as Prometheus writes them', () => {
    assert.deepEqual(['1.5', 'NaN', '+Inf', '-Inf', '0'].map(parseSampleValue), [1.5, NaN, Infinity, -Infinity, 0]);
    assert.deepEqual(['+Inf', '0.005', '1e-3', '10', 'x'].map(parseLe), [Infinity, 0.005, 0.001, 10, NaN]);
  });

  test('bucketQuantile matches the plain interpolation formula on many bucket sets', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let n = 0; n < 500; n++) {
      const les = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10].filter(() => rnd() > 0.3);
      let cum = 0;
      const buckets = [...les.map((le) => ({ le, cum: (cum += Math.floor(rnd() * 5)) / 5 })), { le: Infinity, cum: (cum += Math.floor(rnd() * 2)) / 5 }];
      for (const q of [0.5, 0.95, 0.99]) {
        const ours = bucketQuantile(q, buckets.map((b) => ({ upperBound: b.le, count: b.cum })));
        const hand = buckets.length < 2 ? null : handQuantile(q, buckets);
        assert.equal(Number.isNaN(ours) ? null : ours, hand, JSON.stringify({ q, buckets }));
      }
    }
  });

  test('bucketQuantile corner cases', () => {
    const b = (pairs: Array<[number, number]>) => pairs.map(([upperBound, count]) => ({ upperBound, count }));
    assert.ok(Number.isNaN(bucketQuantile(0.5, b([[1, 1], [2, 2]]))), 'no +Inf bucket');
    assert.ok(Number.isNaN(bucketQuantile(0.5, b([[Infinity, 3]]))), 'one bucket');
    assert.ok(Number.isNaN(bucketQuantile(0.5, b([[1, 0], [Infinity, 0]]))), 'no observations');
    assert.equal(bucketQuantile(0.99, b([[1, 1], [2, 2], [Infinity, 100]])), 2, 'rank in +Inf: the previous bound');
    assert.equal(bucketQuantile(0.1, b([[-1, 4], [0, 6], [Infinity, 10]])), -1, 'first bound <= 0');
    assert.equal(bucketQuantile(0.7, b([[1, 2], [1, 3], [2, 6], [Infinity, 8]])), bucketQuantile(0.7, b([[1, 5], [2, 6], [Infinity, 8]])), 'equal bounds coalesce');
    assert.ok(Math.abs(bucketQuantile(0.7, b([[1, 5], [2, 6], [Infinity, 8]])) - 1.6) < 1e-12);
    assert.equal(bucketQuantile(-1, b([[1, 1], [Infinity, 1]])), -Infinity);
    assert.equal(bucketQuantile(2, b([[1, 1], [Infinity, 1]])), Infinity);
  });
});

describe('shares and flags', () => {
  const split: StatsSplit = {
    namespace: 'ns', kind: 'TrafficSplit', name: 'ts', apex: 'apex',
    backends: [{ name: 'a', weight: 90 }, { name: 'b', weight: 10 }, { name: 'c', weight: 0 }],
  };
  const row = (r: Partial<CountRow> & { leaf?: string; success: number }): CountRow =>
    ({ family: 'authority', level: 'backend', apex: 'apex', failure: 0, timeouts: 0, retries: 0, ...r });
  const rows = (a: number, b: number): CountRow[] => [row({ leaf: 'a', success: a }), row({ leaf: 'b', success: b })];

  test('observed = backend RPS / split RPS; flagged only past 10 points', () => {
    const exact = computeSplit(split, rows(80, 20), [], 60);
    assert.deepEqual(exact.backends.map((b) => [b.observedShare, b.desiredShare, b.flagged]), [[0.8, 0.9, false], [0.2, 0.1, false], [0, 0, false]]);
    const off = computeSplit(split, rows(79, 21), [], 60);
    assert.deepEqual(off.backends.map((b) => [b.flagged, b.flag]), [[true, 'share'], [true, 'share'], [false, undefined]]);
    assert.equal(off.flagged, true);
    assert.ok(Math.abs(off.rps - 100 / 60) < 1e-12);
  });

  test('a backend with weight and no series while its siblings serve: observed 0, flagged (no-series), even under 10 points', () => {
    const s: StatsSplit = { ...split, backends: [{ name: 'a', weight: 95 }, { name: 'b', weight: 5 }] };
    const r = computeSplit(s, [row({ leaf: 'a', success: 100 })], [], 60);
    assert.deepEqual(r.backends.map((b) => [b.observedShare, b.hasData, b.flagged, b.flag]), [[1, true, false, undefined], [0, false, true, 'no-series']]);
    assert.equal(r.flagged, true);
  });

  test('no requests: no observed share, no flag; no weights: no desired share', () => {
    const none = computeSplit(split, [], [], 60);
    assert.deepEqual(none.backends.map((b) => [b.rps, b.success, b.observedShare, b.flagged]), [[null, null, null, false], [null, null, null, false], [null, null, null, false]]);
    assert.equal(none.hasTraffic, false);
    assert.equal(none.family, null);
    const zero = computeSplit({ ...split, backends: [{ name: 'a', weight: 0 }] }, rows(1, 0), [], 60);
    assert.equal(zero.backends[0]!.desiredShare, null);
    assert.equal(zero.backends[0]!.flagged, false);
  });

  test('ports narrow the rows when both sides name one', () => {
    const s: StatsSplit = { ...split, apexPort: 80, backends: [{ name: 'a', weight: 1, port: 8080 }] };
    const r: CountRow[] = [
      row({ family: 'route', apexPort: '80', leaf: 'a', leafPort: '8080', success: 1 }),
      row({ family: 'route', apexPort: '81', leaf: 'a', leafPort: '8080', success: 10 }),
      row({ family: 'route', apexPort: '80', leaf: 'a', leafPort: '9090', success: 100 }),
      row({ family: 'route', leaf: 'a', success: 1000 }),
    ];
    assert.equal(computeSplit(s, r, [], 60).backends[0]!.successCount, 1001);
  });

  test('route family: a route kind counts its own route, a TrafficSplit every route of the parent', () => {
    const r: CountRow[] = [
      row({ family: 'route', leaf: 'a', routeName: 'r1', routeKind: 'HTTPRoute', success: 1 }),
      row({ family: 'route', leaf: 'a', routeName: 'r2', routeKind: 'HTTPRoute', success: 10 }),
      row({ family: 'route', leaf: 'a', routeName: 'default', routeKind: 'default', success: 100 }),
      row({ family: 'route', leaf: 'a', routeName: 'r1', routeKind: 'GRPCRoute', success: 1000 }),
    ];
    const one = { ...split, backends: [{ name: 'a', weight: 1 }] };
    assert.equal(computeSplit({ ...one, kind: 'HTTPRoute', name: 'r1' }, r, [], 60).backends[0]!.successCount, 1);
    assert.equal(computeSplit({ ...one, kind: 'GRPCRoute', name: 'r1' }, r, [], 60).backends[0]!.successCount, 1000);
    assert.equal(computeSplit(one, r, [], 60).backends[0]!.successCount, 1111);
  });

  test('the family per split: its kind\'s when it has series, else the other; a forced family only', () => {
    const both: CountRow[] = [
      row({ family: 'authority', leaf: 'a', success: 3 }),
      row({ family: 'route', leaf: 'a', routeName: 'r1', routeKind: 'HTTPRoute', success: 7 }),
    ];
    const ts = { ...split, backends: [{ name: 'a', weight: 1 }] };
    const hr = { ...ts, kind: 'HTTPRoute' as const, name: 'r1' };
    assert.equal(chooseFamily(ts, both, 'auto').family, 'authority');
    assert.equal(chooseFamily(hr, both, 'auto').family, 'route');
    assert.equal(chooseFamily(hr, both.slice(0, 1), 'auto').family, 'authority', 'an older proxy: only the authority family');
    assert.equal(chooseFamily(hr, both.slice(0, 1), 'route').family, null);
    assert.equal(chooseFamily({ ...hr, name: 'other' }, both.slice(1), 'auto').family, null, 'another route\'s series are not this one\'s');
    assert.equal(computeSplit(hr, both, [], 60).backends[0]!.successCount, 7);
    // Another split object on the apex: the other family measures the apex, not this split.
    assert.deepEqual(chooseFamily(hr, both.slice(0, 1), 'auto', true).family, null);
    assert.match(chooseFamily(hr, both.slice(0, 1), 'auto', true).unmeasured ?? '', /cannot tell it from the other splits/);
    assert.equal(chooseFamily(hr, both, 'auto', true).family, 'route', 'its own family still measures it');
    assert.equal(computeSplit(hr, both.slice(0, 1), [], 60, 'auto', true).hasTraffic, false);
    assert.equal(computeSplit(ts, both, [], 60).backends[0]!.successCount, 3);
  });

  test('timeouts per backend and retries per route, as stat-outbound computes them', () => {
    const hr: StatsSplit = { ...split, kind: 'HTTPRoute', name: 'r', backends: [{ name: 'a', weight: 1 }] };
    const r: CountRow[] = [
      row({ family: 'route', leaf: 'a', routeKind: 'HTTPRoute', routeName: 'r', success: 8, failure: 2, timeouts: 1 }),
      row({ family: 'route', level: 'route', routeKind: 'HTTPRoute', routeName: 'r', success: 9, failure: 1, timeouts: 1 }),
      row({ family: 'route', level: 'retry', routeKind: 'HTTPRoute', routeName: 'r', success: 0, retries: 2 }),
    ];
    const got = computeSplit(hr, r, [], 60);
    assert.equal(got.backends[0]!.timeouts, 0.1);
    assert.deepEqual([got.route?.success, got.route?.timeouts, got.route?.retries], [0.9, 0.1, 2 / 12]);
    assert.equal(computeSplit(split, rows(1, 1), [], 60).route, null, 'authority: no route numbers');
    assert.equal(computeSplit(split, rows(1, 1), [], 60).backends[0]!.timeouts, null, 'authority: no timeouts');
  });

  test('CLI rows: a route row first (after retries), then the backends', () => {
    const hr: StatsSplit = { ...split, kind: 'HTTPRoute', name: 'r', backends: [{ name: 'a', weight: 1 }] };
    const got = computeSplit(hr, [
      row({ family: 'route', leaf: 'a', routeKind: 'HTTPRoute', routeName: 'r', success: 60 }),
      row({ family: 'route', level: 'route', routeKind: 'HTTPRoute', routeName: 'r', success: 60 }),
      row({ family: 'route', level: 'retry', routeKind: 'HTTPRoute', routeName: 'r', success: 0, retries: 20 }),
    ], [], 60);
    const table = tableRows(statsRows([got]));
    assert.deepEqual(table.map((r) => [r[2], r[11], r[12], r[13]]), [['[route]', '0.00%', '25.00%', 'route'], ['a', '0.00%', '-', 'route']]);
    assert.equal(statsRows([got])[0]!.route?.retries, 0.25);
  });
});

describe('formatting', () => {
  test("like linkerd viz: 94.12%, 1.4rps, 3ms, - for no data", () => {
    assert.equal(formatSuccess(0.94117647), '94.12%');
    assert.equal(formatSuccess(0), '0.00%');
    assert.equal(formatSuccess(null), '-');
    assert.equal(formatRps(1.4166), '1.4rps');
    assert.equal(formatRps(0), '0.0rps');
    assert.equal(formatLatency(2.5), '3ms');
    assert.equal(formatLatency(16.666), '17ms');
    assert.equal(formatLatency(null), '-');
    assert.equal(formatShare(0.9), '90.0%');
    assert.equal(formatBrief(0.941, 1.4), '94.1% · 1.4 rps');
    assert.equal(renderTable(['A', 'BB'], [['xxxx', 'y'], ['z', '']]), 'A      BB\nxxxx   y\nz\n');
  });
});

describe('canary-lens stats arguments', () => {
  test('--at takes RFC 3339 or Unix seconds', () => {
    assert.equal(parseAt('2024-01-01T00:10:00Z'), 1704067800);
    assert.equal(parseAt('2024-01-01T01:10:00+01:00'), 1704067800);
    assert.equal(parseAt('2024-01-01T00:10:00.5Z'), 1704067800.5);
    assert.equal(parseAt('1704067800'), 1704067800);
    assert.equal(parseAt('1704067800.25'), 1704067800.25);
    for (const bad of ['yesterday', '2024-01-01', '2024-13-01T00:00:00Z', '-5', '']) assert.throws(() => parseAt(bad), StatsUsageError, bad);
  });

  test('options', () => {
    const o = parseStatsArgs(['--prometheus=http://127.0.0.1:9090', '--family', 'route', '--window', '30s', '--format=json', '-n', 'a', '--namespace', 'b', 'x.yaml']);
    assert.deepEqual(o, { prometheus: 'http://127.0.0.1:9090', family: 'route', window: '30s', format: 'json', namespaces: ['a', 'b'], paths: ['x.yaml'] });
    assert.throws(() => parseStatsArgs(['--family', 'smi']), /--family must be/);
    assert.throws(() => parseStatsArgs(['--window', '1 minute']), /window must be a Prometheus duration/);
    assert.throws(() => parseStatsArgs(['--format', 'yaml']), /--format must be/);
    assert.throws(() => parseStatsArgs(['--prometheus']), /needs a value/);
    assert.throws(() => parseStatsArgs(['--frobnicate']), /unknown option/);
  });
});

describe('poller', () => {
  /** Timers driven by hand. */
  function manualTimers(): PollerTimers & { fire(): void; pending(): number } {
    let queue: Array<{ fn: () => void; handle: number }> = [];
    let next = 1;
    return {
      setTimeout(fn) {
        const handle = next++;
        queue.push({ fn, handle });
        return handle;
      },
      clearTimeout(handle) {
        queue = queue.filter((t) => t.handle !== handle);
      },
      fire() {
        const due = queue;
        queue = [];
        for (const t of due) t.fn();
      },
      pending: () => queue.length,
    };
  }
  const flush = () => new Promise((r) => setImmediate(r));

  test('ticks at start and then each interval; nothing while stopped', async () => {
    const timers = manualTimers();
    let ticks = 0;
    const poller = new StatsPoller(async () => {
      ticks++;
    }, 5000, timers);
    assert.equal(ticks, 0, 'nothing before start');
    poller.start();
    await flush();
    assert.equal(ticks, 1);
    timers.fire();
    await flush();
    assert.equal(ticks, 2);
    poller.stop();
    assert.equal(timers.pending(), 0, 'no timer left');
    timers.fire();
    await flush();
    assert.equal(ticks, 2, 'no tick after stop');
    poller.start();
    await flush();
    assert.equal(ticks, 3);
    poller.stop();
  });

  test('a tick in flight at stop() schedules nothing after it; a failing tick does not stop the poller', async () => {
    const timers = manualTimers();
    let release!: () => void;
    let ticks = 0;
    const poller = new StatsPoller(() => {
      ticks++;
      return ticks === 1 ? new Promise<void>((r) => (release = r)) : Promise.reject(new Error('boom'));
    }, 1000, timers);
    poller.start();
    poller.stop();
    release();
    await poller.idle();
    await flush();
    assert.equal(timers.pending(), 0);
    poller.start();
    await poller.idle();
    await flush();
    assert.equal(ticks, 2);
    assert.equal(timers.pending(), 1, 'the next tick is scheduled after a failure');
    poller.stop();
  });
});
