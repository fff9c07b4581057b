/**
 * The history's two memories beyond the polled points: a new split's span filled from a range (merged before the
 * polled points, within the span, once per instant), and each backend's last latency, which the model shows, marked
 * stale, when a refresh measures the backend without new latency samples; the panel renders it dimmed with the time.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backfillSpan, HISTORY_SECONDS, SPARK_POINTS, splitKey, StatsHistory } from '../../src/extension/panel/history';
import { renderPanelBody } from '../../src/extension/panel/render';
import type { RangeStep } from '../../src/stats/range';
import { modelOf, NOW, result, snapshot, split, statsOf, type BackendNumbers } from './support';

const web = split('web', 'web-svc', [['web-v1', 90], ['web-v2', 10]]);
const KEY = splitKey(web);

function steps(times: number[], numbers: (t: number) => BackendNumbers[]): RangeStep[] {
  return times.map((t) => ({ t, splits: [statsOf(web, numbers(t))] }));
}

function clock(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

describe('history backfill', () => {
  test('the span before a refresh: one step per refresh interval, never more points than a sparkline holds', () => {
    assert.deepEqual(backfillSpan(NOW, 5), { start: NOW - HISTORY_SECONDS, end: NOW - 5, step: 5 });
    assert.deepEqual(backfillSpan(NOW, 30), { start: NOW - HISTORY_SECONDS, end: NOW - 30, step: 30 });
    // A refresh every second would ask 600 points: the step grows to keep SPARK_POINTS.
    assert.equal(backfillSpan(NOW, 1).step, HISTORY_SECONDS / SPARK_POINTS);
    assert.equal(backfillSpan(NOW, Number.NaN).step, 5);
  });

  test('fill: the steps older than the first polled point, oldest first, within the span; the polled points stay', () => {
    const h = new StatsHistory();
    h.record(result([statsOf(web, [{ success: 1, rps: 2 }, { success: 0.25, rps: 1 }])], NOW));
    assert.equal(h.hasSplit(KEY), true);
    assert.equal(h.hasSplit(splitKey(split('other', 'o', [['o-v1', 1]]))), false);
    const span = backfillSpan(NOW, 5);
    const times: number[] = [];
    // A step at the polled point's instant and two before the span: none is added.
    for (let t = span.start - 10; t <= NOW; t += span.step) times.push(t);
    const added = h.fill(steps(times, (t) => [{ success: 0.5, rps: t - NOW }, { success: null, rps: null }]));
    assert.equal(added, 2 * (HISTORY_SECONDS / 5));
    const v1 = h.get(KEY, 'web-v1');
    assert.equal(v1.length, HISTORY_SECONDS / 5 + 1);
    assert.deepEqual(v1[0], { t: NOW - HISTORY_SECONDS, success: 0.5, rps: -HISTORY_SECONDS });
    assert.deepEqual(v1.at(-2), { t: NOW - 5, success: 0.5, rps: -5 });
    assert.deepEqual(v1.at(-1), { t: NOW, success: 1, rps: 2 }, 'the polled point is kept, not the step at its instant');
    assert.deepEqual(h.get(KEY, 'web-v2').slice(0, 2).map((p) => p.success), [null, null]);
    // A second fill of the same span adds nothing: the history starts at its first step already.
    assert.equal(h.fill(steps(times, () => [{ success: 0 }, { success: 0 }])), 0);
    // Later refreshes append as before.
    h.record(result([statsOf(web, [{ success: 0.75, rps: 3 }, {}])], NOW + 5));
    assert.deepEqual(h.get(KEY, 'web-v1').at(-1), { t: NOW + 5, success: 0.75, rps: 3 });
    assert.equal(h.get(KEY, 'web-v1')[0]!.t, NOW + 5 - HISTORY_SECONDS, 'pruned to the span');
  });

  test('fill into an empty history, and a split listed twice, give one point per instant', () => {
    const h = new StatsHistory();
    const twice = [NOW - 10, NOW - 5].map((t) => ({ t, splits: [statsOf(web, [{ success: 1 }, {}]), statsOf(web, [{ success: 1 }, {}])] }));
    assert.equal(h.fill(twice), 4);
    assert.deepEqual(h.get(KEY, 'web-v1').map((p) => p.t), [NOW - 10, NOW - 5]);
    h.clear();
    assert.equal(h.hasSplit(KEY), false);
  });
});

describe('stale latency', () => {
  const measured = (at: number, n: BackendNumbers[]) => result([statsOf(web, n)], at);

  test('a refresh without latency keeps the last value, with the time it was measured; a new sample clears it', () => {
    const h = new StatsHistory();
    const r1 = measured(NOW - 20, [{ success: 1, rps: 2, p50: 3, p95: 9, p99: 20 }, { success: 1, rps: 0.1, p50: 5, p95: 11, p99: 40 }]);
    h.record(r1);
    let m = modelOf({ cluster: snapshot([web]), stats: r1, history: h, now: NOW - 20 });
    assert.deepEqual(m.splits[0]!.backends.map((b) => [b.latencyMs.p99, b.latencyStaleSince]), [[20, undefined], [40, undefined]]);

    // web-v2's histogram has no new samples in the window (web-v1's has): its last latency, stale since NOW - 20.
    const r2 = measured(NOW - 10, [{ success: 1, rps: 2, p50: 4, p95: 10, p99: 21 }, { success: null, rps: 0 }]);
    h.record(r2);
    const r3 = measured(NOW, [{ success: 1, rps: 2, p50: 4, p95: 10, p99: 22 }, { success: null, rps: 0 }]);
    h.record(r3);
    m = modelOf({ cluster: snapshot([web]), stats: r3, history: h });
    const [v1, v2] = m.splits[0]!.backends;
    assert.deepEqual([v1!.latencyMs.p99, v1!.latencyStaleSince], [22, undefined]);
    assert.deepEqual([v2!.latencyMs, v2!.latencyStaleSince], [{ p50: 5, p95: 11, p99: 40 }, NOW - 20]);

    const html = renderPanelBody(m);
    const title = `no new latency samples since ${clock(NOW - 20)}; last value shown`;
    assert.equal(html.split(`class="cl-stale" title="${title}"`).length - 1, 3, 'P50, P95 and P99 of web-v2');
    assert.match(html, new RegExp(`aria-label="latency P99 40 ms \\(${title}\\)">40 ms</dd>`));
    assert.match(html, /aria-label="latency P99 22 ms">22 ms<\/dd>/);

    // Samples again: the new value, not stale.
    const r4 = measured(NOW + 5, [{ p50: 4, p95: 10, p99: 22 }, { success: 1, rps: 0.1, p50: 6, p95: 12, p99: 41 }]);
    h.record(r4);
    m = modelOf({ cluster: snapshot([web]), stats: r4, history: h });
    assert.deepEqual([m.splits[0]!.backends[1]!.latencyMs.p99, m.splits[0]!.backends[1]!.latencyStaleSince], [41, undefined]);
    assert.doesNotMatch(renderPanelBody(m), /cl-stale"/);
  });

  test('never measured: "-"; older than the span: forgotten; no stats for the split (Prometheus down): "-"', () => {
    const h = new StatsHistory();
    const none = measured(NOW, [{ success: null, rps: 0 }, {}]);
    h.record(none);
    let m = modelOf({ cluster: snapshot([web]), stats: none, history: h });
    assert.deepEqual(m.splits[0]!.backends.map((b) => [b.latencyMs.p50, b.latencyStaleSince]), [[null, undefined], [null, undefined]]);

    h.record(measured(NOW, [{ p50: 3, p95: 9, p99: 20 }, {}]));
    const later = measured(NOW + HISTORY_SECONDS + 1, [{ success: null, rps: 0 }, {}]);
    h.record(later);
    m = modelOf({ cluster: snapshot([web]), stats: later, history: h });
    assert.equal(m.splits[0]!.backends[0]!.latencyMs.p50, null, 'a last value older than 10 minutes is not shown');

    h.record(measured(NOW + HISTORY_SECONDS + 2, [{ p50: 3, p95: 9, p99: 20 }, {}]));
    const down = result([], NOW + HISTORY_SECONDS + 3, { kind: 'prometheus-unreachable', url: 'http://127.0.0.1:9090', message: 'ECONNREFUSED' });
    h.record(down);
    m = modelOf({ cluster: snapshot([web]), stats: down, history: h });
    assert.deepEqual([m.splits[0]!.backends[0]!.latencyMs.p50, m.splits[0]!.backends[0]!.latencyStaleSince], [null, undefined]);
  });
});
