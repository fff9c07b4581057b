/**
 * What is in view decides what is measured: the panel (all live splits) and visible editors (the split objects their
 * lenses are about), one StatsService.refresh per tick over the union of them, and no poller at all while nothing is
 * in view. The refresh is recorded by a spy (its queries are the stats suite's business); one test counts the
 * Prometheus queries of a fake fetch to show they do not grow with the splits and editors in view.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { DEFAULT_PANEL_SETTINGS, PanelController } from '../../src/extension/panel/controller';
import type { LiveSplit } from '../../src/extension/panel/liveSplits';
import type { SplitObjectRef } from '../../src/protocol/messages';
import { PrometheusClient, type FetchLike } from '../../src/stats/prometheus';
import { StatsPoller, StatsService } from '../../src/stats/statsService';
import type { StatsResult, StatsSplit } from '../../src/stats/types';
import { toLiveStats } from '../../src/stats/live';
import { FakeSource, FakeTimers, NOW, result, settle, snapshot, split, statsOf } from './support';




const WEB = split('web-split', 'web-svc', [['web-v1', 90], ['web-v2', 10]]);
const EMOJI = split('emoji-split', 'emoji-svc', [['emoji-v1', 50], ['emoji-v2', 50]]);
const VOTING = split('voting-route', 'voting-svc', [['voting-v1', 1], ['voting-v2', 1]], { kind: 'HTTPRoute' });
const ref = (s: LiveSplit): SplitObjectRef => ({ namespace: s.objectNamespace, kind: s.kind, name: s.name });
const names = (splits: readonly StatsSplit[]): string[] => splits.map((s) => s.name).sort();

/** StatsService.refresh replaced by a recorder: each call's splits; `hold` keeps the next calls pending until released. */
type Refresh = (this: StatsService, splits: readonly StatsSplit[]) => Promise<StatsResult>;
const original = Object.getOwnPropertyDescriptor(StatsService.prototype, 'refresh')!.value as Refresh;
let refreshes: string[][];
let held: (() => void)[];
let hold = false;
beforeEach(() => {
  refreshes = [];
  held = [];
  hold = false;
  StatsService.prototype.refresh = async function (splits: readonly StatsSplit[]): Promise<StatsResult> {
    refreshes.push(names(splits));
    if (hold) await new Promise<void>((r) => held.push(r));
    return result([], NOW);
  };
});
afterEach(() => {
  StatsService.prototype.refresh = original;
});

function setup(options: { trusted?: boolean; splits?: LiveSplit[] } = {}) {
  const timers = new FakeTimers();
  const sent: StatsResult[] = [];
  let idle = 0;
  let posts = 0;
  const source = new FakeSource(snapshot(options.splits ?? [WEB, EMOJI, VOTING]));
  const c = new PanelController({
    settings: () => ({ ...DEFAULT_PANEL_SETTINGS, prometheusUrl: 'http://prom.test:9090' }),
    trusted: () => options.trusted ?? true,
    post: () => posts++,
    onStats: (r) => sent.push(r),
    onIdle: () => idle++,
    createClient: (url) => new PrometheusClient(url, { fetch: async () => { throw new Error('the spy answers, not Prometheus'); } }),
    timers,
    now: () => NOW * 1000,
  });
  c.setSource(source);
  return { c, timers, source, sent, idle: () => idle, posts: () => posts };
}

describe('live stats for what is in view', () => {
  test('nothing in view: no poller, no refresh; an editor split the cluster does not have starts nothing either', async () => {
    const { c, timers } = setup();
    c.setEditorSplits([]);
    await settle();
    timers.fire();
    c.setEditorSplits([{ namespace: 'emojivoto', kind: 'TrafficSplit', name: 'not-live' }, { namespace: 'other', kind: 'TrafficSplit', name: 'web-split' }]);
    await settle();
    assert.equal(c.polling, false);
    assert.equal(timers.pending.size, 0);
    assert.deepEqual(refreshes, []);
    c.dispose();
  });

  test('an editor shows a split, the panel is closed: one refresh per tick over that split, its numbers sent, no models', async () => {
    const { c, timers, sent, posts } = setup();
    c.setEditorSplits([ref(WEB)]);
    await settle();
    assert.equal(c.polling, true);
    assert.deepEqual(refreshes, [['web-split']]);
    assert.equal(sent.length, 1, 'the numbers go to the lenses and the status bar');
    assert.equal(timers.pending.size, 1, 'the next tick is scheduled');
    timers.fire();
    await settle();
    assert.deepEqual(refreshes, [['web-split'], ['web-split']]);
    assert.equal(posts(), 0, 'a hidden panel gets no models');
    c.dispose();
  });

  test('several editors and the panel: ONE refresh per tick over the union, whatever the number of editors', async () => {
    const { c, timers } = setup();
    // Two editors show the same split, a third another one: the set counts each once.
    c.setEditorSplits([ref(WEB), ref(EMOJI), ref(WEB)]);
    await settle();
    assert.deepEqual(refreshes, [['emoji-split', 'web-split']]);
    timers.fire();
    await settle();
    assert.equal(refreshes.length, 2);
    // The panel shows every split: measured at once, in the same single refresh as the editors' splits.
    c.setVisible(true);
    await settle();
    assert.deepEqual(refreshes.at(-1), ['emoji-split', 'voting-route', 'web-split']);
    assert.equal(refreshes.length, 3);
    assert.equal(timers.pending.size, 1, 'one poller, one timer');
    timers.fire();
    await settle();
    assert.deepEqual(refreshes.slice(3), [['emoji-split', 'voting-route', 'web-split']]);
    // The panel closed: back to the editors' splits at the next tick, not an extra refresh.
    c.setVisible(false);
    await settle();
    assert.equal(refreshes.length, 4);
    timers.fire();
    await settle();
    assert.deepEqual(refreshes.slice(4), [['emoji-split', 'web-split']]);
    c.dispose();
  });

  test('the last editor closes: the poller stops, the numbers are cleared, nothing more is refreshed', async () => {
    const { c, timers, idle } = setup();
    c.setEditorSplits([ref(WEB)]);
    await settle();
    c.setEditorSplits([]);
    assert.equal(c.polling, false);
    assert.equal(timers.pending.size, 0);
    assert.equal(idle(), 1);
    timers.fire();
    await settle();
    assert.deepEqual(refreshes, [['web-split']]);
    // The panel opened and closed with no editor left: stopped again.
    c.setVisible(true);
    await settle();
    c.setVisible(false);
    assert.equal(c.polling, false);
    assert.equal(idle(), 2);
    c.dispose();
  });

  test('a split new in view is measured at once, after the refresh in flight (never two at once); a known one waits', async () => {
    const { c, timers } = setup();
    hold = true;
    c.setEditorSplits([ref(WEB)]);
    await settle();
    assert.deepEqual(refreshes, [['web-split']]);
    c.setEditorSplits([ref(WEB), ref(EMOJI)]);
    await settle();
    assert.equal(refreshes.length, 1, 'no second refresh while one is in flight');
    hold = false;
    held.shift()!();
    await settle();
    assert.deepEqual(refreshes, [['web-split'], ['emoji-split', 'web-split']]);
    assert.equal(timers.pending.size, 1);
    // Same splits again (an edit elsewhere in the file): nothing extra.
    c.setEditorSplits([ref(EMOJI), ref(WEB)]);
    await settle();
    assert.equal(refreshes.length, 2);
    c.dispose();
  });

  test('the editor came first, the cluster\'s splits later: measured when they arrive', async () => {
    const { c, source } = setup({ splits: [] });
    c.setEditorSplits([ref(VOTING)]);
    await settle();
    assert.equal(c.polling, false);
    source.set(snapshot([WEB, VOTING]));
    await settle();
    assert.equal(c.polling, true);
    assert.deepEqual(refreshes, [['voting-route']]);
    // Gone from the cluster (deleted): nothing in view any more.
    source.set(snapshot([WEB]));
    assert.equal(c.polling, false);
    c.dispose();
  });

  test('untrusted workspace: editors start no queries', async () => {
    const { c } = setup({ trusted: false });
    c.setEditorSplits([ref(WEB)]);
    await settle();
    assert.equal(c.polling, false);
    assert.deepEqual(refreshes, []);
    c.dispose();
  });
});

describe('Prometheus queries per tick', () => {
  test('the same number for one split in one editor as for three splits in the panel and two editors', async () => {
    StatsService.prototype.refresh = original;
    const queries: string[] = [];
    const fetch: FetchLike = async (_url, init) => {
      queries.push(new URLSearchParams(init.body).get('query') ?? '');
      const body = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } });
      return { ok: true, status: 200, statusText: 'OK', text: async () => body };
    };
    const timers = new FakeTimers();
    const c = new PanelController({
      settings: () => ({ ...DEFAULT_PANEL_SETTINGS, prometheusUrl: 'http://prom.test:9090', family: 'route' }),
      trusted: () => true,
      post: () => {},
      createClient: (url) => new PrometheusClient(url, { fetch }),
      timers,
    });
    c.setSource(new FakeSource(snapshot([WEB, EMOJI, VOTING])));
    c.setEditorSplits([ref(WEB)]);
    await settle();
    timers.fire();
    await settle();
    const before = queries.length;
    timers.fire();
    await settle();
    const one = queries.length - before;
    assert.ok(one > 0, 'a tick queries Prometheus');
    c.setEditorSplits([ref(WEB), ref(EMOJI)]);
    c.setVisible(true);
    await settle();
    timers.fire();
    await settle();
    const mark = queries.length;
    timers.fire();
    await settle();
    assert.equal(queries.length - mark, one, `queries of one tick: ${JSON.stringify(queries.slice(mark))}`);
    c.dispose();
  });
});

describe('StatsPoller.kick', () => {
  test('ticks now when idle, after the tick in flight when busy, and restarts the interval from there', async () => {
    const timers = new FakeTimers();
    let ticks = 0;
    let release: (() => void) | undefined;
    const poller = new StatsPoller(() => {
      ticks++;
      return new Promise<void>((r) => (release = r));
    }, 1000, timers);
    poller.kick();
    assert.equal(ticks, 0, 'a stopped poller ignores a kick');
    poller.start();
    assert.equal(ticks, 1);
    poller.kick();
    poller.kick();
    assert.equal(ticks, 1, 'no second tick while one is in flight');
    release!();
    await settle();
    assert.equal(ticks, 2, 'the kicks made one tick right after');
    assert.equal(timers.pending.size, 0, 'no timer while that tick runs');
    release!();
    await settle();
    assert.equal(timers.pending.size, 1);
    poller.kick();
    assert.equal(ticks, 3, 'idle: at once');
    assert.equal(timers.pending.size, 0, 'the waiting timer is replaced');
    poller.stop();
    release!();
    await settle();
    assert.equal(timers.pending.size, 0);
    assert.equal(ticks, 3);
  });
});

describe('the numbers the lenses show', () => {
  test('each backend\'s observed share first, then success and RPS; none without traffic', () => {
    const sent = toLiveStats(result([
      statsOf(WEB, [{ success: 0.99, rps: 1.5, observed: 0.74 }, { success: 0.5, rps: 0.5, observed: 0.26 }]),
      statsOf(EMOJI, [{}, {}]),
    ]));
    assert.deepEqual(sent.splits.map((s) => [s.name, s.backends.map((b) => [b.brief, b.flagged])]), [
      ['web-split', [['observed 74.0% · 99.0% · 1.5 rps', true], ['observed 26.0% · 50.0% · 0.5 rps', true]]],
      ['emoji-split', [['no data', false], ['no data', false]]],
    ]);
  });

  test('a split no family can tell apart on a shared apex: "not measured", not "no traffic"', () => {
    const sent = toLiveStats(result([
      { ...statsOf(VOTING, [{}, {}]), family: null, unmeasured: 'shared' },
      statsOf(EMOJI, [{}, {}]),
    ]));
    assert.deepEqual(sent.splits.map((s) => s.brief), ['not measured (shared apex)', 'no traffic']);
  });
});
