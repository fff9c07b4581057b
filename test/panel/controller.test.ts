/**
 * The panel's engine with a fake cluster source and a Prometheus client over a fake fetch: no queries and no models
 * while the view is hidden, queries every refresh while it is visible, where Prometheus comes from, and the
 * history it keeps. (The real Prometheus is the stats suite's; this pins down when the panel asks it.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_PANEL_SETTINGS, PanelController, type PanelSettings } from '../../src/extension/panel/controller';
import { HISTORY_SECONDS } from '../../src/extension/panel/history';
import type { PanelModel } from '../../src/extension/panel/model';
import { PrometheusClient, type FetchLike } from '../../src/stats/prometheus';
import type { LocateResult } from '../../src/stats/locate';
import { FakeSource, FakeTimers, NOW, settle, snapshot, split } from './support';



interface FakeState {
  down: boolean;
  /** Instant queries. */
  queries: string[];
  urls: string[];
  /** Range queries (`/api/v1/query_range`), with their parameters. */
  ranges: URLSearchParams[];
  /** The range endpoint answers 422 (instant queries still work). */
  rangeFails?: boolean;
}

/**
 * Answers the route family for the apexes named in the query: 90 requests to `<apex-prefix>-v1`, 10 to `-v2` (5
 * failed) in the window: web-svc → web-v1, web-v2. A range query gets those numbers at every step it asks for.
 */
function fakePrometheus(state: FakeState): FetchLike {
  return async (url, init) => {
    const params = new URLSearchParams(init.body);
    const query = params.get('query') ?? '';
    const range = url.endsWith('/api/v1/query_range');
    if (range) state.ranges.push(params);
    else state.queries.push(query);
    state.urls.push(url);
    if (state.down) throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    if (range && state.rangeFails) {
      const body = JSON.stringify({ status: 'error', errorType: 'execution', error: 'query processing would load too many samples into memory' });
      return { ok: false, status: 422, statusText: 'Unprocessable Entity', text: async () => body };
    }
    const series: Array<{ metric: Record<string, string>; count: string }> = [];
    if (query.includes('outbound_http_route_backend_response_statuses_total')) {
      const apexes = /parent_name=~"([^"]*)"/.exec(query)?.[1]?.split('|') ?? [];
      for (const apex of apexes) {
        const leaf = apex.replace(/-svc$/, '');
        const m = (backend: string, status: string) => ({ lens_series: 'http-backend', parent_name: apex, backend_name: backend, route_name: 'default', route_kind: 'default', http_status: status });
        series.push({ metric: m(`${leaf}-v1`, '200'), count: '90' }, { metric: m(`${leaf}-v2`, '200'), count: '5' }, { metric: m(`${leaf}-v2`, '500'), count: '5' });
      }
    }
    let data: unknown;
    if (range) {
      const [start, end, step] = ['start', 'end', 'step'].map((k) => Number(params.get(k)));
      const times: number[] = [];
      for (let t = start!; t <= end!; t += step!) times.push(t);
      data = { resultType: 'matrix', result: series.map((x) => ({ metric: x.metric, values: times.map((t) => [t, x.count]) })) };
    } else {
      data = { resultType: 'vector', result: series.map((x) => ({ metric: x.metric, value: [NOW, x.count] })) };
    }
    const body = JSON.stringify({ status: 'success', data });
    return { ok: true, status: 200, statusText: 'OK', text: async () => body };
  };
}


function setup(options: { settings?: Partial<PanelSettings>; source?: FakeSource } = {}) {
  const prom: FakeState = { down: false, queries: [], urls: [], ranges: [] };
  const logs: string[] = [];
  const timers = new FakeTimers();
  const posts: PanelModel[] = [];
  let settings: PanelSettings = { ...DEFAULT_PANEL_SETTINGS, prometheusUrl: 'http://prom.test:9090', ...options.settings };
  const source = options.source ?? new FakeSource(snapshot([split('web', 'web-svc', [['web-v1', 90], ['web-v2', 10]])]));
  const c = new PanelController({
    settings: () => settings,
    trusted: () => true,
    post: (m) => posts.push(m),
    log: (level, message) => logs.push(`${level}: ${message}`),
    createClient: (url) => new PrometheusClient(url, { fetch: fakePrometheus(prom) }),
    timers,
    now: () => NOW * 1000,
  });
  c.setSource(source);
  return {
    c, prom, timers, posts, source, logs,
    setSettings: (s: Partial<PanelSettings>) => { settings = { ...settings, ...s }; c.settingsChanged(); },
    /** Settings that change without the change event (a remote host delivering the user's settings late). */
    setSettingsSilently: (s: Partial<PanelSettings>) => { settings = { ...settings, ...s }; },
  };
}

describe('the panel controller', () => {
  test('a Prometheus URL that arrives without a change event is used at the next tick', async () => {
    const { c, prom, timers, posts, setSettingsSilently } = setup({ settings: { prometheusUrl: '' } });
    c.setVisible(true);
    await settle();
    assert.equal(prom.queries.length, 0, 'no URL and no way to find one: no query');
    assert.notEqual(posts.at(-1)?.notices[0]?.state, undefined, 'the panel says why');
    setSettingsSilently({ prometheusUrl: 'http://prom.test:9090' });
    timers.fire();
    await settle();
    assert.equal(prom.queries.length, 2);
    assert.deepEqual(posts.at(-1)?.notices, []);
    c.dispose();
  });

  test('no queries and no models while the view is hidden', async () => {
    const { c, prom, timers, posts, source } = setup();
    await settle();
    timers.fire();
    source.set(snapshot([split('web', 'web-svc', [['web-v1', 50], ['web-v2', 50]])]));
    await settle();
    assert.equal(prom.queries.length, 0);
    assert.equal(posts.length, 0);
    assert.equal(c.polling, false);
    c.dispose();
  });

  test('visible: a model at once, then one refresh per interval with its numbers; hidden again: nothing more', async () => {
    const { c, prom, timers, posts } = setup();
    c.setVisible(true);
    assert.equal(posts[0]?.notices[0]?.state, 'stats-loading');
    await settle();
    assert.equal(c.polling, true);
    // Counts and latency buckets, for every family at once: two queries per refresh.
    assert.equal(prom.queries.length, 2);
    const model = posts.at(-1)!;
    assert.deepEqual(model.notices, []);
    const web = model.splits[0]!;
    const r6 = (v: number | null) => (v === null ? v : Math.round(v * 1e6) / 1e6);
    assert.deepEqual(web.backends.map((b) => [b.name, r6(b.desiredShare), r6(b.observedShare), b.success, b.flagged]), [
      ['web-v1', 0.9, 0.9, 1, false],
      ['web-v2', 0.1, 0.1, 0.5, false],
    ]);
    // The refresh's point, after the span before it filled from one range query (a step per refresh interval).
    assert.equal(prom.ranges.length, 1);
    assert.equal(web.backends[1]!.history.length, HISTORY_SECONDS / DEFAULT_PANEL_SETTINGS.refreshSeconds + 1);
    assert.equal(model.prometheus?.url, 'http://prom.test:9090');
    assert.deepEqual([...timers.pending.keys()].length, 1, 'the next refresh is scheduled');

    timers.fire();
    await settle();
    assert.equal(prom.queries.length, 4);

    c.setVisible(false);
    assert.equal(c.polling, false);
    assert.equal(timers.pending.size, 0, 'no refresh scheduled while hidden');
    const posted = posts.length;
    timers.fire();
    await settle();
    assert.equal(prom.queries.length, 4);
    assert.equal(posts.length, posted);

    c.setVisible(true);
    await settle();
    assert.equal(prom.queries.length, 6);
    c.dispose();
  });

  test('Prometheus down: the state with the URL, and the line of the sparkline breaks; back up: numbers again', async () => {
    const { c, prom, timers, posts } = setup();
    c.setVisible(true);
    await settle();
    prom.down = true;
    timers.fire();
    await settle();
    const down = posts.at(-1)!;
    assert.equal(down.notices[0]?.state, 'prometheus-unreachable');
    assert.match(down.notices[0].title, /Prometheus unreachable at http:\/\/prom\.test:9090/);
    assert.equal(down.splits[0]!.backends[0]!.success, null);
    prom.down = false;
    timers.fire();
    await settle();
    const up = posts.at(-1)!;
    assert.deepEqual(up.notices, []);
    assert.deepEqual(up.splits[0]!.backends[0]!.history.slice(-3).map((p) => p.success), [1, null, 1]);
    c.dispose();
  });

  test('no setting: the cluster side locates Prometheus; a failure is its named state; a port-forward is closed at the end', async () => {
    let answer: LocateResult = { state: 'viz-not-installed', message: 'Linkerd viz not installed: no namespace is labelled linkerd.io/extension=viz', nextStep: 'Install it' };
    let closed = 0;
    const source = new FakeSource(snapshot([split('web', 'web-svc', [['web-v1', 90], ['web-v2', 10]])]), () => answer);
    const { c, prom, timers, posts } = setup({ settings: { prometheusUrl: '' }, source });
    c.setVisible(true);
    await settle();
    assert.equal(posts.at(-1)!.notices[0]?.state, 'viz-not-installed');
    assert.equal(prom.queries.length, 0);
    answer = { url: 'http://127.0.0.1:40123', source: 'port-forward', namespace: 'linkerd-viz', pod: 'prometheus-0', lastError: () => 'port-forward to linkerd-viz/prometheus-0:9090: connection refused', dispose: async () => { closed++; } };
    timers.fire();
    await settle();
    assert.equal(source.locateCalls, 2);
    assert.deepEqual(posts.at(-1)!.notices, []);
    assert.equal(posts.at(-1)!.prometheus?.origin, 'port-forward to linkerd-viz/prometheus-0');
    assert.ok(prom.urls.every((u) => u.startsWith('http://127.0.0.1:40123/')));

    // The forward stops answering: the state says why, and the next refresh looks for the pod again.
    prom.down = true;
    timers.fire();
    await settle();
    const down = posts.at(-1)!.notices[0]!;
    assert.equal(down.state, 'prometheus-unreachable');
    assert.match(down.detail!, /connection refused/);
    prom.down = false;
    timers.fire();
    await settle();
    assert.equal(source.locateCalls, 3);
    assert.equal(closed, 1);
    c.dispose();
    assert.equal(closed, 2);
  });

  test('no setting and no cluster side to ask: "Prometheus not found" with the setting to set', async () => {
    const { c, prom, posts } = setup({ settings: { prometheusUrl: '' } });
    c.setVisible(true);
    await settle();
    assert.equal(posts.at(-1)!.notices[0]?.state, 'prometheus-not-configured');
    assert.equal(prom.queries.length, 0);
    c.dispose();
  });

  test('a setting that is not a URL is a state, not a crash', async () => {
    const { c, posts } = setup({ settings: { prometheusUrl: 'ftp://prom' } });
    c.setVisible(true);
    await settle();
    const n = posts.at(-1)!.notices[0]!;
    assert.equal(n.state, 'prometheus-unreachable');
    assert.match(n.detail!, /http or https/);
    c.dispose();
  });

  test('another namespace forgets the numbers and the history; no splits: no queries', async () => {
    const { c, prom, timers, posts, source } = setup();
    c.setVisible(true);
    await settle();
    assert.equal(c.history.size, 2);
    source.set(snapshot([], { namespace: 'other' }));
    assert.equal(c.history.size, 0);
    const before = prom.queries.length;
    timers.fire();
    await settle();
    assert.equal(prom.queries.length, before);
    assert.equal(posts.at(-1)!.notices[0]?.state, 'no-splits');
    c.dispose();
  });

  test('settings: a new interval, family and window reach the next refresh', async () => {
    const { c, prom, setSettings } = setup();
    c.setVisible(true);
    await settle();
    setSettings({ window: '30s', family: 'route', refreshSeconds: 2 });
    await settle();
    assert.match(prom.queries.at(-1)!, /\[30s\]/);
    c.dispose();
  });
  test('a split new to the history: its sparklines filled once from a range query, then one point per refresh', async () => {
    const { c, prom, timers, posts, logs } = setup();
    c.setVisible(true);
    await settle();
    assert.equal(prom.ranges.length, 1);
    const r = prom.ranges[0]!;
    const [start, end, step] = ['start', 'end', 'step'].map((k) => Number(r.get(k)));
    const model = posts.at(-1)!;
    const at = model.updatedAt!;
    // The span before the refresh, up to one step before it; one step per refresh interval.
    assert.deepEqual([at - start!, at - end!, step], [HISTORY_SECONDS, DEFAULT_PANEL_SETTINGS.refreshSeconds, DEFAULT_PANEL_SETTINGS.refreshSeconds]);
    assert.match(r.get('query')!, /outbound_http_route_backend_response_statuses_total/);
    assert.match(r.get('query')!, /increase\(/, 'the counts query of the instant refresh');
    const v2 = model.splits[0]!.backends[1]!.history;
    // Every step as the instant refresh computes it: 5 of 10 succeeded, 10 requests a minute.
    assert.ok(v2.slice(0, -1).every((p) => p.success === 0.5 && p.rps === 10 / 60), JSON.stringify(v2.slice(0, 3)));
    assert.deepEqual(v2.map((p) => p.t).slice(0, 2), [start, start! + step!]);
    assert.ok(v2.every((p, i) => i === 0 || p.t > v2[i - 1]!.t), 'oldest first, one point per instant');
    assert.equal(v2.at(-1)!.t, at, 'the refresh is the last point');
    assert.ok(logs.some((l) => /^debug: Panel history: 240 points of 1 new split from 1 range query/.test(l)), logs.join('\n'));

    for (let i = 0; i < 3; i++) {
      timers.fire();
      await settle();
    }
    assert.equal(prom.ranges.length, 1, 'not again on each tick');
    assert.equal(prom.queries.length, 8, 'two instant queries per refresh');
    c.dispose();
  });

  test('splits that appear later: one range query for all the new ones, naming only them', async () => {
    const web = split('web', 'web-svc', [['web-v1', 90], ['web-v2', 10]]);
    const { c, prom, timers, posts, source } = setup();
    c.setVisible(true);
    await settle();
    assert.equal(prom.ranges.length, 1);
    const more = [web, split('api', 'api-svc', [['api-v1', 50], ['api-v2', 50]]), split('shop', 'shop-svc', [['shop-v1', 50], ['shop-v2', 50]])];
    source.set(snapshot(more));
    await settle();
    timers.fire();
    await settle();
    assert.equal(prom.ranges.length, 2, 'two new splits, one range query');
    const q = prom.ranges[1]!.get('query')!;
    assert.match(q, /parent_name=~"api-svc\|shop-svc"/);
    assert.doesNotMatch(q, /web-svc/);
    const model = posts.at(-1)!;
    const points = HISTORY_SECONDS / DEFAULT_PANEL_SETTINGS.refreshSeconds + 1;
    for (const s of model.splits) assert.ok(s.backends.every((b) => b.history.length >= points), `${s.name}: ${s.backends.map((b) => b.history.length).join(', ')}`);
    timers.fire();
    await settle();
    assert.equal(prom.ranges.length, 2);
    c.dispose();
  });

  test('a failing range query: the refresh shows its numbers, the history fills as the panel polls, logged once', async () => {
    const { c, prom, timers, posts, logs } = setup();
    prom.rangeFails = true;
    c.setVisible(true);
    await settle();
    assert.equal(prom.ranges.length, 1);
    const model = posts.at(-1)!;
    assert.deepEqual(model.notices, []);
    assert.deepEqual(model.splits[0]!.backends.map((b) => [b.success, b.history.length]), [[1, 1], [0.5, 1]]);
    assert.equal(logs.filter((l) => l.startsWith('warn: Panel history: the range query failed')).length, 1, logs.join('\n'));
    assert.match(logs.join('\n'), /too many samples/);
    timers.fire();
    await settle();
    assert.equal(prom.ranges.length, 1, 'not tried again');
    assert.equal(posts.at(-1)!.splits[0]!.backends[0]!.history.length, 2);
    c.dispose();
  });

  test('Prometheus down at the first refresh: no range query then; the first refresh that works fills the history', async () => {
    const { c, prom, timers, posts } = setup();
    prom.down = true;
    c.setVisible(true);
    await settle();
    assert.equal(prom.ranges.length, 0);
    prom.down = false;
    timers.fire();
    await settle();
    assert.equal(prom.ranges.length, 1);
    assert.equal(posts.at(-1)!.splits[0]!.backends[0]!.history.length, HISTORY_SECONDS / DEFAULT_PANEL_SETTINGS.refreshSeconds + 1);
    c.dispose();
  });
});
