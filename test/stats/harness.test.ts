/**
 * The Prometheus harness itself: backfilled blocks are kept (retention) and queryable at their time, and the
 * scraping mode (for the traffic simulator) picks up a live loopback exporter, which the stats module then reads
 * with no `at` (now).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, test } from 'node:test';
import { PrometheusClient, StatsService } from '../../src/stats';
import { sleep } from '../support/wait';
import { EVAL, T0 } from './history';
import { startPrometheus } from './prometheus';


describe('Prometheus harness', () => {
  test('backfilled mode: samples from 2024 are kept and answer at their time', async () => {
    const om = ['# TYPE probe counter', ...[0, 1, 2].map((i) => `probe_total{x="1"} ${i * 10} ${T0 + i * 10}`), '# EOF', ''].join('\n');
    const prom = await startPrometheus({ openMetrics: om });
    try {
      assert.ok(prom.timings.backfillMs !== undefined && prom.timings.readyMs > 0);
      const client = new PrometheusClient(prom.url);
      const v = await client.query('probe_total', T0 + 20);
      assert.deepEqual(v.map((s) => s.value), [20]);
      assert.deepEqual(await client.query('probe_total', EVAL + 3600), [], 'nothing an hour after the last sample (5 min lookback)');
    } finally {
      await prom.stop();
    }
  });

  test('scraping mode: a live loopback exporter is scraped every second and the stats module sees its traffic', async () => {
    let n = 0;
    const exporter = createServer((_req, res) => {
      n += 7;
      const labels = 'direction="outbound",authority="web-apex.emojivoto.svc.cluster.local:80",dst_service="web-svc",tls="true"';
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end([
        '# TYPE response_total counter',
        `response_total{${labels},classification="success"} ${n}`,
        `response_total{${labels},classification="failure"} 0`,
        '',
      ].join('\n'));
    });
    await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', r));
    const addr = exporter.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const prom = await startPrometheus({ scrape: [{ target: `127.0.0.1:${port}` }], scrapeInterval: '1s' });
    try {
      const service = new StatsService(new PrometheusClient(prom.url), { window: '30s' });
      const split = { namespace: 'emojivoto', kind: 'TrafficSplit' as const, name: 'web', apex: 'web-apex', backends: [{ name: 'web-svc', weight: 1 }] };
      const deadline = Date.now() + 30_000;
      let state = '';
      let rps: number | null = null;
      while (Date.now() < deadline) {
        const r = await service.refresh([split]);
        state = r.state.kind;
        rps = r.splits[0]?.backends[0]?.rps ?? null;
        if (state === 'ok' && rps !== null && rps > 0) break;
        await sleep(500);
      }
      assert.equal(state, 'ok');
      assert.ok(rps !== null && rps > 0, `rps ${rps}`);
    } finally {
      await prom.stop();
      exporter.closeAllConnections();
      await new Promise((r) => exporter.close(r));
    }
    await assert.rejects(startPrometheus({ scrape: [{ target: '10.0.0.1:9090' }] }), /not loopback/);
  });
});
