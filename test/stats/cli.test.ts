/**
 * `canary-lens stats` end to end: the built bundle (dist/cli.js, from `node scripts/build.mjs`) run as a process
 * against the backfilled Prometheus, in PATH mode: table and JSON, --at both ways, the family setting, namespaces,
 * and the exit codes (0 ok, 1 flagged, 2 usage or connection errors).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { builtFile, runCli } from '../support/built';
import { freePort } from '../support/ports';
import { splitsFromPaths } from '../../src/cli/stats';
import { close, closeRow, expectedFor, expectedRouteFor, type JsonRow } from './expected';
import { buildHistory, EVAL, EVAL_RFC3339, toOpenMetrics, type History } from './history';
import { startPrometheus, type RunningPrometheus } from './prometheus';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'stats');
const EMOJIVOTO = path.join(FIXTURES, 'emojivoto.yaml');
const BOOKS = path.join(FIXTURES, 'books.yaml');
const QUIET = path.join(FIXTURES, 'quiet.yaml');

const cli = (args: string[]) => runCli(args);

describe('canary-lens stats (built CLI) against a backfilled Prometheus', () => {
  let prom: RunningPrometheus;
  let history: History;

  before(async () => {
    builtFile('cli.js');
    history = buildHistory();
    prom = await startPrometheus({ openMetrics: toOpenMetrics(history) });
  });
  after(async () => {
    await prom?.stop();
  });

  test('JSON: Linkerd keys plus shares, every number equal to the hand computation; exit 1 for the flagged split', async () => {
    const r = await cli(['stats', '--prometheus', prom.url, '--at', EVAL_RFC3339, '--format', 'json', EMOJIVOTO, BOOKS]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /TrafficSplit web-svc-ts: the mesh is not honouring the weights \(authority metrics\): web-svc 73\.8% observed vs 90\.0% desired \(more than 10 points off\); web-svc-2 26\.2% observed vs 10\.0% desired \(more than 10 points off\)/);
    const rows = JSON.parse(r.stdout) as JsonRow[];
    assert.deepEqual(Object.keys(rows[0]!), [
      'namespace', 'kind', 'name', 'apex', 'leaf', 'weight', 'success', 'rps', 'latency_ms_p50', 'latency_ms_p95', 'latency_ms_p99',
      'desired_share', 'observed_share', 'timeouts', 'family', 'flagged', 'flag', 'route',
    ]);
    const { splits } = await splitsFromPaths([EMOJIVOTO, BOOKS]);
    let n = 0;
    for (const split of splits) {
      const family = split.namespace === 'books' ? 'route' : 'authority';
      for (const want of expectedFor(history, split, family)) {
        const row = rows.find((x) => x.name === split.name && x.rule === split.rule && x.leaf === want.leaf);
        assert.ok(row, `${split.name} ${want.leaf}`);
        const where = `${split.name}/${want.leaf}`;
        assert.equal(row.namespace, split.namespace);
        assert.equal(row.kind, split.kind);
        assert.equal(row.apex, split.apex);
        assert.equal(row.family, family, where);
        closeRow(row, want, where);
        n++;
      }
    }
    assert.equal(rows.length, n);
    assert.deepEqual(rows.filter((x) => x.name === 'voting-ts').map((x) => x.weight), ['900m', '100m'], 'weights as written');
    assert.deepEqual(rows.filter((x) => x.name === 'reviews-header').map((x) => x.weight), ['1', '1'], 'HTTPRoute default weight');
  });

  test('table: the columns, Linkerd-style numbers and `-`; --at as Unix seconds gives the same output as RFC 3339', async () => {
    const r = await cli(['stats', '--prometheus', prom.url, '--at', String(EVAL), EMOJIVOTO]);
    assert.equal(r.code, 1);
    const expected = [
      'NAME         APEX         LEAF        WEIGHT   SHARE   OBSERVED   SUCCESS   RPS      LATENCY_P50   LATENCY_P95   LATENCY_P99   TIMEOUTS   RETRIES   FAMILY',
      'web-svc-ts   web-apex     web-svc     900      90.0%   73.8%      94.74%    1.3rps   17ms          85ms          97ms          -          -         authority',
      'web-svc-ts   web-apex     web-svc-2   100      10.0%   26.2%      100.00%   0.5rps   75ms          180ms         196ms         -          -         authority',
      'emoji-ts     emoji-svc    emoji-v1    500      50.0%   50.6%      93.33%    0.8rps   1ms           3ms           3ms           -          -         authority',
      'emoji-ts     emoji-svc    emoji-v2    500      50.0%   49.4%      86.36%    0.7rps   3ms           8ms           10ms          -          -         authority',
      'emoji-ts     emoji-svc    emoji-v3    0        0.0%    0.0%       -         -        -             -             -             -          -         authority',
      'voting-ts    voting-svc   voting-v1   900m     90.0%   86.4%      100.00%   0.9rps   3ms           5ms           5ms           -          -         authority',
      'voting-ts    voting-svc   voting-v2   100m     10.0%   13.6%      0.00%     0.1rps   750ms         975ms         995ms         -          -         authority',
      '',
    ].join('\n');
    assert.equal(r.stdout, expected);
    const rfc = await cli(['stats', '--prometheus', prom.url, '--at', '2024-01-01T01:10:00+01:00', EMOJIVOTO]);
    assert.equal(rfc.stdout, expected);
  });

  test('route family and rules: books is not flagged (exit 0); -n picks a namespace; --family forces one', async () => {
    const r = await cli(['stats', '--prometheus', prom.url, '--at', EVAL_RFC3339, FIXTURES, '-n', 'books']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1 + 9);
    assert.match(lines[1]!, /^reviews-canary\s+reviews\s+reviews-v1\s+90\s+90\.0%\s+88\.7%\s+100\.00%\s+2\.0rps\s+19ms\s+75ms\s+95ms\s+0\.00%\s+-\s+route$/);
    assert.match(r.stdout, /\nratings#1\s+ratings\s+ratings-v2\s+1\s+100\.0%\s+100\.0%\s+0\.00%\s+0\.4rps\s+500ms\s+950ms\s+990ms\s+\d+\.\d\d%\s+-\s+route\n/);
    assert.match(r.stdout, /\nratings#2\s+ratings\s+ratings-v3\s+0\s+0\.0%\s+0\.0%\s+-\s+0\.0rps\s+-\s+-\s+-\s+-\s+-\s+route\n/);
    // The authority family has nothing for books.
    const forced = await cli(['stats', '--prometheus', prom.url, '--at', EVAL_RFC3339, '--family', 'authority', '--format', 'json', BOOKS]);
    assert.equal(forced.code, 0);
    assert.match(forced.stderr, /no requests to these splits in the last 1m/);
    assert.ok((JSON.parse(forced.stdout) as JsonRow[]).every((x) => x.rps === null && x.success === null && x.observed_share === null));
  });

  test('a namespace halfway to routes: each split in its family, route rows with retries, a backend without series exits 1', async () => {
    const MIXED = path.join(FIXTURES, 'mixed.yaml');
    const r = await cli(['stats', '--prometheus', prom.url, '--at', EVAL_RFC3339, '--format', 'json', MIXED]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /TrafficSplit api-ts: the mesh is not honouring the weights \(authority metrics\): api-v1 100\.0% observed vs 50\.0% desired \(more than 10 points off\); api-v2 0\.0% observed vs 50\.0% desired \(no requests at all/);
    assert.doesNotMatch(r.stderr, /web-ts|shop-route|emoji-grpc/);
    const rows = JSON.parse(r.stdout) as JsonRow[];
    const { splits } = await splitsFromPaths([MIXED]);
    for (const split of splits) {
      const family = split.kind === 'TrafficSplit' ? 'authority' : 'route';
      for (const want of expectedFor(history, split, family)) {
        const row = rows.find((x) => x.name === split.name && x.leaf === want.leaf)!;
        assert.equal(row.family, family, `${split.name}/${want.leaf}`);
        closeRow(row, want, `${split.name}/${want.leaf}`);
        close(row.timeouts, want.timeouts, `${split.name}/${want.leaf} timeouts`);
      }
      const route = expectedRouteFor(history, split);
      const row = rows.find((x) => x.name === split.name)!;
      if (family === 'route') {
        close(row.route?.retries ?? null, route.retries, `${split.name} retries`);
        close(row.route?.success ?? null, route.success, `${split.name} route success`);
      } else {
        assert.equal(row.route, null);
      }
    }
    assert.deepEqual(rows.filter((x) => x.flagged).map((x) => [x.leaf, x.flag]), [['api-v1', 'share'], ['api-v2', 'no-series']]);
    const table = await cli(['stats', '--prometheus', prom.url, '--at', EVAL_RFC3339, MIXED]);
    assert.match(table.stdout, /\nshop-route\s+shop\s+\[route\]\s+-\s+-\s+-\s+96\.00%\s+2\.1rps\s+\S+\s+\S+\s+\S+\s+1\.60%\s+12\.59%\s+route\n/);
    assert.match(table.stdout, /\nemoji-grpc\s+emoji-svc\s+\[route\]\s/);
  });

  test('two splits on one apex: the route the authority family cannot tell apart is said to be not measured', async () => {
    const r = await cli(['stats', '--prometheus', prom.url, '--at', EVAL_RFC3339, '--format', 'json', path.join(FIXTURES, 'shared-apex.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^canary-lens: HTTPRoute cart-route: not measured: no route metrics for this HTTPRoute; the authority metrics of apex cart cannot tell it from the other splits on that apex$/m);
    assert.doesNotMatch(r.stderr, /no Linkerd metrics for the apexes/);
    const rows = JSON.parse(r.stdout) as JsonRow[];
    assert.deepEqual(rows.map((x) => [x.name, x.family, x.rps === null]), [['cart-ts', 'authority', false], ['cart-ts', 'authority', false], ['cart-route', null, true], ['cart-route', null, true]]);
  });

  test('no traffic: a message, numbers `-`, exit 0', async () => {
    const r = await cli(['stats', '--prometheus', prom.url, '--at', EVAL_RFC3339, QUIET]);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /no requests to these splits in the last 1m at 2024-01-01T00:10:00.000Z/);
    assert.match(r.stderr, /no Linkerd metrics for the apexes of namespace quiet/);
    assert.match(r.stdout, /^quiet-ts\s+quiet-apex\s+quiet-v1\s+1\s+50\.0%(\s+-){9}$/m);
  });

  test('exit 2: usage errors, cluster mode, Prometheus unreachable, a refused query', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['stats', EMOJIVOTO], /--prometheus URL is required with PATHs[\s\S]*usage: canary-lens stats/],
      [['stats', '--prometheus', prom.url, '--kubeconfig', '/nowhere'], /no usable kubeconfig \[config\]: No kubeconfig: \/nowhere \(from --kubeconfig\) does not exist/],
      [['stats', '--prometheus', prom.url, '--at', 'yesterday', EMOJIVOTO], /--at must be RFC 3339/],
      [['stats', '--prometheus', prom.url, '--family', 'smi', EMOJIVOTO], /--family must be auto, authority or route/],
      [['stats', '--prometheus', prom.url, '--window', 'ten', EMOJIVOTO], /window must be a Prometheus duration/],
      [['stats', '--prometheus', 'ftp://127.0.0.1/', EMOJIVOTO], /must be http or https/],
      [['stats', '--prometheus', prom.url, '--kubeconfig', '/nowhere', EMOJIVOTO], /cluster mode/],
      [['stats', '--prometheus', prom.url, path.join(FIXTURES, 'missing.yaml')], /cannot read/],
      [['stats', '--prometheus', prom.url, '-n', 'nowhere', EMOJIVOTO], /no TrafficSplit, HTTPRoute or GRPCRoute with an apex Service in namespace nowhere/],
      [['stats', '--prometheus', prom.url, '--window', '0s', '--at', EVAL_RFC3339, EMOJIVOTO], /the query failed: Prometheus answered 400 \(bad_data\): .*duration must be greater than 0/],
    ];
    const closedPort = await freePort();
    cases.push([['stats', '--prometheus', `http://127.0.0.1:${closedPort}`, EMOJIVOTO], new RegExp(`Prometheus unreachable at http://127\\.0\\.0\\.1:${closedPort}: .*ECONNREFUSED`)]);
    for (const [args, want] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, want, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
    }
    const help = await cli(['stats', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /usage: canary-lens stats \[--kubeconfig K\][^\n]*\n[^\n]*\n +canary-lens stats --prometheus URL \[options\] \[-n NAMESPACE\] PATH\.\.\./);
    const top = await cli(['--help']);
    assert.match(top.stdout, /usage: canary-lens lint[\s\S]*usage: canary-lens stats/);
  });
});
