/**
 * Faults, each a state and never a crash: Prometheus down (then back), a query Prometheus refuses, a server that is not
 * Prometheus, one that never answers, an empty Prometheus (no traffic); and a poller that queries only while started.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PrometheusClient, StatsPoller, StatsService, type FetchLike, type StatsSplit } from '../../src/stats';
import { splitsFromPaths } from '../../src/cli/stats';
import { freePort } from '../support/ports';
import { sleep } from '../support/wait';
import { buildHistory, EVAL, toOpenMetrics, WINDOW } from './history';
import { startPrometheus, type RunningPrometheus } from './prometheus';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'stats');

/** A loopback HTTP server answering every request with `handler`. */
async function stub(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

describe('stats faults', () => {
  let prom: RunningPrometheus;
  let splits: StatsSplit[];

  before(async () => {
    prom = await startPrometheus({ openMetrics: toOpenMetrics(buildHistory()) });
    splits = (await splitsFromPaths([path.join(FIXTURES, 'emojivoto.yaml'), path.join(FIXTURES, 'books.yaml')])).splits;
  });
  after(async () => {
    await prom?.stop();
  });

  test('Prometheus down: state prometheus-unreachable with the URL; back up: the same numbers again', async () => {
    const service = new StatsService(new PrometheusClient(prom.url, { timeoutMs: 3000 }), { window: WINDOW, at: EVAL });
    const before = await service.refresh(splits);
    assert.equal(before.state.kind, 'ok');
    await prom.stopServer();
    try {
      const down = await service.refresh(splits);
      assert.equal(down.state.kind, 'prometheus-unreachable');
      assert.ok(down.state.kind === 'prometheus-unreachable' && down.state.url === prom.url, JSON.stringify(down.state));
      assert.match(down.state.kind === 'prometheus-unreachable' ? down.state.message : '', /unreachable at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
      assert.deepEqual(down.splits, []);
    } finally {
      await prom.startServer();
    }
    const back = await service.refresh(splits);
    assert.equal(back.state.kind, 'ok');
    assert.deepEqual(back.splits.map((s) => s.backends), before.splits.map((s) => s.backends));
  });

  test('a query Prometheus refuses (window 0s) is a query-error with its message; a valid window recovers', async () => {
    const service = new StatsService(new PrometheusClient(prom.url), { family: 'authority', window: '0s', at: EVAL });
    const bad = await service.refresh(splits);
    assert.equal(bad.state.kind, 'query-error');
    assert.ok(bad.state.kind === 'query-error');
    assert.match(bad.state.message, /400 \(bad_data\).*duration must be greater than 0/);
    assert.match(bad.state.query ?? '', /\[0s\]/);
    service.configure({ window: '1m' });
    assert.equal((await service.refresh(splits)).state.kind, 'ok');
    // A window that is not a duration never reaches Prometheus.
    service.configure({ window: 'a minute' });
    const local = await service.refresh(splits);
    assert.deepEqual([local.state.kind, local.queries], ['query-error', 0]);
  });

  test('an error status with a Prometheus error body (503), a non-Prometheus answer, a 404: query-error, no throw', async () => {
    const cases: Array<{ status: number; type: string; body: string; want: RegExp }> = [
      { status: 503, type: 'application/json', body: '{"status":"error","errorType":"unavailable","error":"too many queries in flight"}', want: /503 \(unavailable\): too many queries in flight/ },
      { status: 422, type: 'application/json', body: '{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory"}', want: /422 \(execution\): query processing would load too many samples/ },
      { status: 200, type: 'text/html', body: '<html>a login page</html>', want: /unexpected answer from http:\/\/127\.0\.0\.1:\d+: not a Prometheus API answer/ },
      { status: 404, type: 'text/plain', body: '404 page not found', want: /404: 404 page not found/ },
      { status: 200, type: 'application/json', body: '{"status":"success","data":{"resultType":"matrix","result":[]}}', want: /expected a vector result, got matrix/ },
    ];
    for (const c of cases) {
      const s = await stub((_req, res) => {
        res.writeHead(c.status, { 'Content-Type': c.type });
        res.end(c.body);
      });
      try {
        const r = await new StatsService(new PrometheusClient(s.url), { window: WINDOW, at: EVAL }).refresh(splits);
        assert.equal(r.state.kind, 'query-error', c.body);
        assert.match(r.state.kind === 'query-error' ? r.state.message : '', c.want);
      } finally {
        await s.close();
      }
    }
  });

  test('a server that never answers: unreachable after the timeout; a closed port: unreachable at once', async () => {
    const s = await stub(() => {
      /* never answers */
    });
    try {
      const started = Date.now();
      const r = await new StatsService(new PrometheusClient(s.url, { timeoutMs: 300 }), { window: WINDOW, at: EVAL }).refresh(splits);
      assert.equal(r.state.kind, 'prometheus-unreachable');
      assert.match(r.state.kind === 'prometheus-unreachable' ? r.state.message : '', /no answer within 0.3 s/);
      assert.ok(Date.now() - started < 5000);
    } finally {
      await s.close();
    }
    const closed = `http://127.0.0.1:${await freePort()}`;
    const r = await new StatsService(new PrometheusClient(closed), { window: WINDOW }).refresh(splits);
    assert.equal(r.state.kind, 'prometheus-unreachable');
  });

  test('an empty Prometheus: no traffic, whatever the family setting', async () => {
    const empty = await startPrometheus({});
    try {
      for (const family of ['auto', 'authority', 'route'] as const) {
        const r = await new StatsService(new PrometheusClient(empty.url), { family, window: WINDOW }).refresh(splits);
        assert.equal(r.state.kind, 'no-traffic', family);
        assert.ok(r.splits.length === splits.length && r.splits.every((s) => !s.hasTraffic && s.backends.every((b) => b.rps === null)), family);
      }
    } finally {
      await empty.stop();
    }
  });

  test('the poller issues queries only while started', async () => {
    let requests = 0;
    const counting: FetchLike = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const service = new StatsService(new PrometheusClient(prom.url, { fetch: counting }), { window: WINDOW, at: EVAL });
    const states: string[] = [];
    const poller = new StatsPoller(async () => states.push((await service.refresh(splits)).state.kind), 100);
    await sleep(300);
    assert.equal(requests, 0, 'nothing before start');
    poller.start();
    await sleep(600);
    poller.stop();
    await poller.idle();
    const atStop = requests;
    assert.ok(states.length >= 3 && states.every((s) => s === 'ok'), `ticks: ${states.join(',')}`);
    await sleep(500);
    assert.equal(requests, atStop, 'no query after stop');
  });
});
