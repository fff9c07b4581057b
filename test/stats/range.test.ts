/**
 * The range backfill (src/stats/range.ts): one range query per namespace, the instant refresh's counts query, each
 * step computed as the instant refresh computes it. First against a fake Prometheus (the query, the parameters, the
 * matrix split into steps, failures as values), then against the real one of backfill.test.ts: at a dozen steps the
 * range's numbers equal StatsService.refresh evaluated at those instants, and the queries do not grow with the splits.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  namespaceQueries, PrometheusClient, rangeSteps, refreshRange, StatsService,
  type FetchLike, type Sample, type SplitStats, type StatsSplit,
} from '../../src/stats';
import { splitsFromPaths } from '../../src/cli/stats';
import { SPLIT_KINDS } from '../../src/service/model/kinds';
import { buildHistory, EVAL, toOpenMetrics, WINDOW } from './history';
import { startPrometheus, type RunningPrometheus } from './prometheus';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'stats');

/** A split's numbers without latency (the range does not query it) for comparison with an instant refresh. */
function comparable(s: SplitStats): unknown {
  const none = { p50: null, p95: null, p99: null };
  return { ...s, backends: s.backends.map((b) => ({ ...b, latencyMs: none })), route: s.route && { ...s.route, latencyMs: none } };
}

interface Call {
  path: string;
  params: URLSearchParams;
}

/**
 * A Prometheus answering from a table of instants: an instant query gets the samples of its `time`, a range query
 * those of each of its steps as a matrix (a series absent at a step has no value there). Any query text is answered
 * alike: what is checked is which queries are sent, and what is made of the answers.
 */
function tablePrometheus(at: (t: number) => Sample[], calls: Call[], fail?: { status: number; body: string }): FetchLike {
  return async (url, init) => {
    const params = new URLSearchParams(init.body);
    const p = new URL(url).pathname;
    calls.push({ path: p, params });
    if (fail && p.endsWith('query_range')) return { ok: false, status: fail.status, statusText: 'error', text: async () => fail.body };
    let data: unknown;
    if (p.endsWith('query_range') && params.get('query')!.includes('response_total')) {
      const series = new Map<string, { metric: Record<string, string>; values: [number, string][] }>();
      for (const t of rangeSteps({ start: Number(params.get('start')), end: Number(params.get('end')), step: Number(params.get('step')) })) {
        for (const s of at(t)) {
          const id = JSON.stringify(s.metric);
          const entry = series.get(id) ?? { metric: s.metric, values: [] };
          entry.values.push([t, String(s.value)]);
          series.set(id, entry);
        }
      }
      data = { resultType: 'matrix', result: [...series.values()] };
    } else if (p.endsWith('query_range')) {
      data = { resultType: 'matrix', result: [] };
    } else {
      const samples = params.get('query')!.includes('response_total') ? at(Number(params.get('time'))) : [];
      data = { resultType: 'vector', result: samples.map((s) => ({ metric: s.metric, value: [Number(params.get('time')), String(s.value)] })) };
    }
    const body = JSON.stringify({ status: 'success', data });
    return { ok: true, status: 200, statusText: 'OK', text: async () => body };
  };
}

const T = 1_767_225_600;
const web: StatsSplit = { namespace: 'emojivoto', kind: 'TrafficSplit', name: 'web-ts', apex: 'web-apex', backends: [{ name: 'web-svc', weight: 900 }, { name: 'web-svc-2', weight: 100 }] };
const voting: StatsSplit = { namespace: 'emojivoto', kind: 'TrafficSplit', name: 'voting-ts', apex: 'voting-svc', backends: [{ name: 'voting-v1', weight: 1 }, { name: 'voting-v2', weight: 1 }] };
const books: StatsSplit = { namespace: 'books', kind: 'HTTPRoute', name: 'reviews', apex: 'reviews', backends: [{ name: 'reviews-v1', weight: 1 }] };

/** Authority-family counts that change over time: web-svc-2 starts failing at T, voting-v2 has series from T - 30 on. */
function authoritySamples(t: number): Sample[] {
  const m = (apex: string, leaf: string, classification: string) => ({ lens_series: 'authority', authority: `${apex}.emojivoto.svc.cluster.local:80`, dst_service: leaf, classification, tls: 'true' });
  const k = (t - (T - 300)) / 5;
  return [
    { metric: m('web-apex', 'web-svc', 'success'), value: 60 + k },
    { metric: m('web-apex', 'web-svc-2', 'success'), value: 20 },
    ...(t >= T ? [{ metric: m('web-apex', 'web-svc-2', 'failure'), value: 3.5 }] : []),
    { metric: m('voting-svc', 'voting-v1', 'success'), value: 6 },
    ...(t >= T - 30 ? [{ metric: m('voting-svc', 'voting-v2', 'success'), value: 6 }] : []),
  ];
}

describe('range backfill against a fake Prometheus', () => {
  test('one range query per namespace: the instant counts query, with start, end and step; each step as the instant refresh', async () => {
    const calls: Call[] = [];
    const client = new PrometheusClient('http://prom.test:9090', { fetch: tablePrometheus(authoritySamples, calls) });
    const service = new StatsService(client, { window: '1m' });
    const span = { start: T - 300, end: T + 20, step: 5 };
    const r = await refreshRange(service, [web, voting, books], span);
    assert.equal(r.kind, 'ok');
    assert.equal(r.queries, 2);
    assert.deepEqual(calls.map((c) => c.path), ['/api/v1/query_range', '/api/v1/query_range']);
    const [booksCall, emojiCall] = calls;
    assert.equal(emojiCall!.params.get('query'), namespaceQueries(['authority', 'route'], 'emojivoto', ['web-apex', 'voting-svc'], '1m').requests);
    assert.equal(booksCall!.params.get('query'), namespaceQueries(['authority', 'route'], 'books', ['reviews'], '1m').requests);
    assert.deepEqual(['start', 'end', 'step'].map((k) => emojiCall!.params.get(k)), [String(T - 300), String(T + 20), '5']);
    assert.equal(r.steps.length, 65);
    assert.deepEqual(r.steps.map((s) => s.splits.map((x) => x.split)), r.steps.map(() => [web, voting, books]), 'every split at every step, in order');

    // The same numbers as the instant refresh at each of those times, through the same fake.
    let compared = 0;
    for (const step of r.steps.filter((_, i) => i % 4 === 0)) {
      const instant = await new StatsService(client, { window: '1m', at: step.t }).refresh([web, voting, books]);
      assert.deepEqual(step.splits.map(comparable), instant.splits.map(comparable), `t = ${step.t}`);
      compared++;
    }
    assert.equal(compared, 17);
    const at = (t: number) => r.steps.find((s) => s.t === t)!.splits;
    assert.deepEqual(at(T - 5)[0]!.backends.map((b) => b.success), [1, 1]);
    assert.deepEqual(at(T)[0]!.backends.map((b) => b.failureCount), [0, 4], 'counts rounded as the authority family does (3.5 → 4)');
    assert.deepEqual([at(T - 35)[1]!.backends[1]!.hasData, at(T - 30)[1]!.backends[1]!.hasData], [false, true]);
    assert.equal(at(T)[2]!.family, null, 'books has no series');
  });

  test('the number of range queries does not grow with the splits', async () => {
    for (const n of [1, 10, 100]) {
      const calls: Call[] = [];
      const client = new PrometheusClient('http://prom.test:9090', { fetch: tablePrometheus(authoritySamples, calls) });
      const splits = Array.from({ length: n }, (_, i): StatsSplit => ({ ...web, name: `s-${i}`, apex: `apex-${i}` }));
      const r = await refreshRange(new StatsService(client), splits, { start: T - 600, end: T - 5, step: 5 });
      assert.deepEqual([r.kind, r.queries, calls.length], ['ok', 1, 1], `${n} splits`);
    }
  });

  test('failures are values: an error answer, a refused span, a bad window; no query for nothing to measure', async () => {
    const calls: Call[] = [];
    const error = JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'exceeded maximum resolution of 11,000 points per timeseries' });
    const failing = new StatsService(new PrometheusClient('http://prom.test:9090', { fetch: tablePrometheus(authoritySamples, calls, { status: 400, body: error }) }));
    const r = await refreshRange(failing, [web], { start: T - 600, end: T, step: 5 });
    assert.equal(r.kind, 'failed');
    assert.deepEqual([r.queries, r.kind === 'failed' && r.state.kind], [1, 'query-error']);
    assert.match(r.kind === 'failed' && r.state.kind === 'query-error' ? r.state.message : '', /400 \(bad_data\): exceeded maximum resolution/);

    const client = new PrometheusClient('http://prom.test:9090', { fetch: tablePrometheus(authoritySamples, calls) });
    calls.length = 0;
    for (const span of [{ start: T, end: T - 5, step: 5 }, { start: T - 60, end: T, step: 0 }, { start: 0, end: T, step: 1 }]) {
      const bad = await refreshRange(new StatsService(client), [web], span);
      assert.equal(bad.kind === 'failed' && bad.state.kind, 'query-error', JSON.stringify(span));
    }
    const window = await refreshRange(new StatsService(client, { window: 'a minute' }), [web], { start: T - 60, end: T, step: 5 });
    assert.match(window.kind === 'failed' && window.state.kind === 'query-error' ? window.state.message : '', /Prometheus duration/);
    assert.equal(calls.length, 0, 'nothing sent for a span or window Prometheus would refuse');

    const down = new PrometheusClient('http://127.0.0.1:9', { fetch: async () => { throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }); } });
    const unreachable = await refreshRange(new StatsService(down), [web], { start: T - 60, end: T, step: 5 });
    assert.equal(unreachable.kind === 'failed' && unreachable.state.kind, 'prometheus-unreachable');

    const empty = await refreshRange(new StatsService(client), [{ ...web, backends: [] }], { start: T - 60, end: T, step: 5 });
    assert.deepEqual([empty.kind, empty.queries, calls.length], ['ok', 0, 0]);
  });

  test('an answer that is not a matrix is a response error', async () => {
    const client = new PrometheusClient('http://prom.test:9090', {
      fetch: async () => ({ ok: true, status: 200, statusText: 'OK', text: async () => JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }) }),
    });
    await assert.rejects(client.queryRange('up', T - 60, T, 5), /expected a matrix result, got vector/);
    const r = await refreshRange(new StatsService(client), [web], { start: T - 60, end: T, step: 5 });
    assert.equal(r.kind === 'failed' && r.state.kind, 'query-error');
  });
});

describe('range backfill against a backfilled Prometheus', () => {
  let prom: RunningPrometheus;
  let splits: StatsSplit[];

  before(async () => {
    prom = await startPrometheus({ openMetrics: toOpenMetrics(buildHistory()) });
    splits = (await splitsFromPaths(['emojivoto.yaml', 'books.yaml', 'mixed.yaml'].map((f) => path.join(FIXTURES, f)))).splits;
  });

  after(async () => {
    await prom?.stop();
  });

  test('every split of three namespaces, both families: at each compared step the range equals the instant refresh at that time', async () => {
    const calls: string[] = [];
    const client = new PrometheusClient(prom.url, { fetch: async (input, init) => { calls.push(new URL(input).pathname); return fetch(input, init); } });
    // The ten minutes of the history, one step per 5 s: the panel's span before a refresh at EVAL.
    const span = { start: EVAL - 600, end: EVAL, step: 5 };
    const started = Date.now();
    const r = await refreshRange(new StatsService(client, { window: WINDOW }), splits, span);
    const ms = Date.now() - started;
    assert.equal(r.kind, 'ok', JSON.stringify(r));
    if (r.kind !== 'ok') return;
    assert.equal(r.queries, 3, 'one per namespace');
    assert.deepEqual(calls, Array(3).fill('/api/v1/query_range'));
    assert.equal(r.steps.length, 121);

    let compared = 0;
    let withTraffic = 0;
    const families = new Set<string>();
    for (const [i, step] of r.steps.entries()) {
      if (i % 12 !== 0 && i !== r.steps.length - 1 && i !== 13) continue;
      const instant = await new StatsService(new PrometheusClient(prom.url), { window: WINDOW, at: step.t }).refresh(splits);
      assert.equal(instant.evaluatedAt, step.t);
      assert.deepEqual(step.splits.map(comparable), instant.splits.map(comparable), `t = EVAL - ${EVAL - step.t}`);
      compared++;
      for (const s of step.splits) {
        if (s.hasTraffic) withTraffic++;
        if (s.family) families.add(s.family);
      }
    }
    assert.equal(compared, 12);
    assert.ok(withTraffic >= 10 * 10, `${withTraffic} split-steps with traffic: the comparison is not of empty numbers`);
    assert.deepEqual([...families].sort(), ['authority', 'route']);
    // Before a minute of history the window has fewer than two samples: no numbers, as at that instant.
    assert.ok(r.steps[0]!.splits.every((s) => !s.hasTraffic));
    const points = r.steps.reduce((n, s) => n + s.splits.reduce((m, x) => m + x.backends.length, 0), 0);
    process.stdout.write(`# range backfill: ${splits.length} splits, ${r.queries} range queries, ${r.steps.length} steps, ${points} backend points, ${ms} ms\n`);
  });

  test('1, 10 and 100 splits of mixed kinds in a namespace: one range query', async () => {
    const many = (n: number): StatsSplit[] => Array.from({ length: n }, (_, i) => ({
      namespace: 'mixed',
      kind: SPLIT_KINDS[i % SPLIT_KINDS.length]!,
      name: i === 0 ? 'web-ts' : `split-${i}`,
      apex: i === 0 ? 'web-apex' : `apex-${i}`,
      backends: Array.from({ length: 4 }, (_, k) => ({ name: i === 0 && k < 2 ? ['web-v1', 'web-v2'][k]! : `apex-${i}-v${k}`, weight: 25 })),
    }));
    for (const n of [1, 10, 100]) {
      let sent = 0;
      const client = new PrometheusClient(prom.url, { fetch: async (input, init) => { sent++; return fetch(input, init); } });
      const r = await refreshRange(new StatsService(client, { window: WINDOW }), many(n), { start: EVAL - 600, end: EVAL - 5, step: 5 });
      assert.deepEqual([r.kind, r.queries, sent], ['ok', 1, 1], `${n} splits`);
      assert.ok(r.kind === 'ok' && r.steps.at(-1)!.splits[0]!.hasTraffic, 'web-ts has traffic');
    }
  });
});
