/**
 * `canary-lens stats` in cluster mode, end to end: the built bundle (dist/cli.js) run as a process against the real
 * kube-apiserver of test/cluster/harness.ts (emojivoto's TrafficSplit web-svc-ts, plus emoji-ts and the books
 * HTTPRoutes of both groups created here) and the backfilled Prometheus of test/stats/prometheus.ts (the history of
 * history.ts, whose series are those of these apexes). The splits come from the cluster; the numbers must equal the
 * hand computation (expected.ts) for the cluster's weights, and the rows those of PATH mode for the same manifests.
 *
 * Prometheus is found three ways: --prometheus; the viz.linkerd.io/external-prometheus annotation of the namespace
 * labelled linkerd.io/extension=viz; and a port-forward to the Running `component=prometheus` pod. The harness has no
 * kubelet, so for the port-forward a stand-in kubelet (an HTTPS server on 127.0.0.1 speaking the kubelet's WebSocket
 * port-forward protocol, `v4.channel.k8s.io`) is registered as a Node's kubelet endpoint: the CLI's WebSocket goes to
 * the real API server, which proxies it to that kubelet, which connects to the backfilled Prometheus. Only the
 * kubelet and the container are stand-ins; the client side and the API server's proxying are real.
 *
 * Exit code 2 with the state and the next step: a missing kubeconfig, an unknown context, an unreachable cluster,
 * Linkerd viz not installed, a user that may not list namespaces, a namespace whose splits it may not read.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage } from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadKubeconfig, type K8sObject } from '../../src/cluster';
import { PrometheusClient, startPortForward, type StatsSplit } from '../../src/stats';
import { splitsFromPaths } from '../../src/cli/stats';
import { splitsFromObjects } from '../../src/stats/fromManifests';
import { startCluster, type Cluster } from '../cluster/harness';
import { builtFile, runCli, type CliRun } from '../support/built';
import { freePort } from '../support/ports';
import { waitFor } from '../support/wait';
import { close, closeRow, expectedFor, expectedRouteFor, type JsonRow } from './expected';
import { buildHistory, EVAL_RFC3339, toOpenMetrics, type History } from './history';
import { startPrometheus, type RunningPrometheus } from './prometheus';
import { EXTENSION_WORDING } from '../../src/extension/wording';

const rejections: unknown[] = [];
process.on('unhandledRejection', (e) => rejections.push(e));

const BOOKS_YAML = path.join(__dirname, '..', 'fixtures', 'stats', 'books.yaml');
const MIXED_YAML = path.join(__dirname, '..', 'fixtures', 'stats', 'mixed.yaml');
const VIZ = 'linkerd-viz';
const NODE = 'fake-kubelet';
const POD = 'prometheus-5c9f7b-abcde';

/** The built CLI, without the caller's KUBECONFIG. */
function cli(args: string[]) {
  const env = { ...process.env };
  delete env.KUBECONFIG;
  return runCli(args, { env });
}

const rowKey = (r: Pick<JsonRow, 'namespace' | 'name' | 'rule' | 'leaf'>) => `${r.namespace}/${r.name}#${r.rule ?? 0}/${r.leaf}`;

// ---------------------------------------------------------------------------------------------------------------
// A stand-in kubelet: the kubelet's WebSocket port-forward (pkg/kubelet/cri/streaming/portforward/websocket.go):
// channel 0 data and channel 1 errors per port, each opened with the port as two little-endian bytes.

interface WsLike {
  send(data: Buffer): void;
  close(): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'close', listener: () => void): void;
}
interface WsServerLike {
  handleUpgrade(req: IncomingMessage, socket: net.Socket, head: Buffer, done: (ws: WsLike) => void): void;
  close(): void;
}
// `ws` (client-node's WebSocket library) has no types installed here: the few members used are declared above.
const { WebSocketServer } = require('ws') as {
  WebSocketServer: new (options: { noServer: true; handleProtocols: (protocols: Set<string>) => string | false }) => WsServerLike;
};

interface FakeKubelet {
  port: number;
  /** `/portForward/<ns>/<pod>?port=9090`, one per forwarded connection. */
  upgrades: string[];
  /** Protocol the API server passed on from the client. */
  protocols: string[];
  open(): number;
  stop(): Promise<void>;
}

async function startFakeKubelet(dir: string, targets: Record<string, number>): Promise<FakeKubelet> {
  const key = path.join(dir, 'kubelet.key');
  const cert = path.join(dir, 'kubelet.crt');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const upgrades: string[] = [];
  const protocols: string[] = [];
  const live = new Set<WsLike>();
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => {
      protocols.push([...offered].join(','));
      return offered.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false;
    },
  });
  const server: HttpsServer = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    res.writeHead(404).end(`fake kubelet: no ${req.url}`);
  });
  server.on('upgrade', (req: IncomingMessage, socket: net.Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const m = /^\/portForward\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    upgrades.push(`${url.pathname}${url.search}`);
    const target = m ? targets[`${m[1]}/${m[2]}`] : undefined;
    const port = Number(url.searchParams.get('port'));
    if (target === undefined || !port) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      live.add(ws);
      const portBytes = Buffer.alloc(2);
      portBytes.writeUInt16LE(port);
      ws.send(Buffer.concat([Buffer.from([0]), portBytes]));
      ws.send(Buffer.concat([Buffer.from([1]), portBytes]));
      const upstream = net.connect(target, '127.0.0.1');
      upstream.on('data', (d: Buffer) => ws.send(Buffer.concat([Buffer.from([0]), d])));
      upstream.on('error', (e: Error) => ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`error forwarding port ${port} to pod ${m![2]}: ${e.message}`)])));
      upstream.on('close', () => ws.close());
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0 && data.length > 1) upstream.write(data.subarray(1));
      });
      ws.on('close', () => {
        live.delete(ws);
        upstream.destroy();
      });
    });
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  return {
    port,
    upgrades,
    protocols,
    open: () => live.size,
    async stop() {
      for (const ws of live) ws.close();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

describe('canary-lens stats, cluster mode (built CLI, real kube-apiserver, backfilled Prometheus)', () => {
  let cluster: Cluster;
  let prom: RunningPrometheus;
  let history: History;
  let kubelet: FakeKubelet | undefined;
  let closedPort: number;
  const timings: Record<string, number> = {};
  const runs: CliRun[] = [];
  const stateMessages: string[] = [];

  const kubectl = async (args: string[], input?: string) => {
    const r = await cluster.kubectl(args, input !== undefined ? { input } : {});
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const run = async (args: string[]) => {
    const r = await cli(['stats', ...args]);
    runs.push(r);
    return r;
  };
  /** The cluster's own objects through the same adapters as the CLI (for the expected numbers). */
  const clusterSplits = async (namespace: string): Promise<StatsSplit[]> => {
    const objects: K8sObject[] = [];
    for (const plural of ['trafficsplits.split.smi-spec.io', 'httproutes.gateway.networking.k8s.io', 'httproutes.policy.linkerd.io', 'grpcroutes.gateway.networking.k8s.io']) {
      objects.push(...(JSON.parse(await kubectl(['get', plural, '-n', namespace, '-o', 'json'])) as { items: K8sObject[] }).items);
    }
    return splitsFromObjects(objects).splits;
  };
  const checkRows = (rows: JsonRow[], splits: StatsSplit[]) => {
    let n = 0;
    for (const split of splits) {
      // books has route series only; emojivoto authority only; mixed both, each split in its kind's family.
      const family = split.namespace === 'books' ? 'route' : split.namespace === 'emojivoto' || split.kind === 'TrafficSplit' ? 'authority' : 'route';
      for (const want of expectedFor(history, split, family)) {
        const row = rows.find((x) => x.namespace === split.namespace && x.name === split.name && x.rule === split.rule && x.leaf === want.leaf);
        assert.ok(row, `${split.name} ${want.leaf}`);
        const where = `${split.namespace}/${split.name}/${want.leaf}`;
        assert.equal(row.kind, split.kind, where);
        assert.equal(row.apex, split.apex, where);
        if (want.hasData) assert.equal(row.family, family, where);
        closeRow(row, want, where);
        close(row.timeouts, want.timeouts, `${where} timeouts`);
        n++;
      }
    }
    assert.equal(rows.length, n, 'one row per backend of every split, nothing else');
  };

  before(async () => {
    builtFile('cli.js');
    history = buildHistory();
    let t = Date.now();
    cluster = await startCluster();
    timings.clusterStartMs = Date.now() - t;
    t = Date.now();
    prom = await startPrometheus({ openMetrics: toOpenMetrics(history) });
    timings.prometheusStartMs = Date.now() - t;
    closedPort = await freePort();
    // More splits than the harness's web-svc-ts: emoji-ts (a backend without any series), the books HTTPRoutes of
    // gateway.networking.k8s.io and one of policy.linkerd.io that gets no traffic.
    await kubectl(['create', 'namespace', 'books']);
    await kubectl(['create', '-f', BOOKS_YAML]);
    await kubectl(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'policy.linkerd.io/v1beta3', kind: 'HTTPRoute', metadata: { name: 'quiet-route', namespace: 'books' },
      spec: { parentRefs: [{ name: 'quiet', kind: 'Service', group: 'core', port: 9080 }], rules: [{ backendRefs: [{ name: 'quiet-v1', port: 9080, weight: 3 }, { name: 'quiet-v2', port: 9080, weight: 1 }] }] },
    }));
    // A namespace halfway to routes: TrafficSplits, an HTTPRoute and a GRPCRoute (history.ts, namespace mixed).
    await kubectl(['create', 'namespace', 'mixed']);
    await kubectl(['create', '-f', MIXED_YAML]);
    await kubectl(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', metadata: { name: 'emoji-ts', namespace: 'emojivoto' },
      spec: { service: 'emoji-svc', backends: [{ service: 'emoji-v1', weight: 500 }, { service: 'emoji-v2', weight: 500 }, { service: 'emoji-v3', weight: 0 }] },
    }));
  });

  after(async () => {
    await kubelet?.stop();
    await prom?.stop();
    await cluster?.stop();
    const slowest = Math.max(...runs.map((r) => r.ms));
    process.stderr.write(`[cluster-cli.test] timings ${JSON.stringify({ ...timings, cliRuns: runs.length, slowestCliRunMs: slowest })}\n`);
    process.stderr.write(`[cluster-cli.test] exit-2 messages:\n${stateMessages.map((m) => `  ${m.trimEnd().replace(/\n/g, '\n  ')}`).join('\n')}\n`);
    for (const r of runs) {
      for (const token of [cluster.adminToken, cluster.readerToken, cluster.badToken]) {
        assert.ok(!r.stdout.includes(token) && !r.stderr.includes(token), 'no token in any output');
      }
    }
    assert.ok(slowest < 20_000, `every run ends promptly (slowest ${slowest} ms): nothing keeps the process alive`);
    assert.deepEqual(rejections, [], 'no unhandled promise rejections');
  });

  test('--prometheus: the namespace\'s splits from the cluster, every number as computed by hand; exit 1 (web-svc-ts is off its 500/500)', async () => {
    const r = await run(['--kubeconfig', cluster.kubeconfig, '-n', 'emojivoto', '--prometheus', prom.url, '--at', EVAL_RFC3339, '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /TrafficSplit web-svc-ts: the mesh is not honouring the weights \(authority metrics\): web-svc 73\.8% observed vs 50\.0% desired \(more than 10 points off\); web-svc-2 26\.2% observed vs 50\.0% desired \(more than 10 points off\)/);
    const rows = JSON.parse(r.stdout) as JsonRow[];
    assert.deepEqual(rows.map((x) => `${x.name}/${x.leaf} ${x.weight}`), ['emoji-ts/emoji-v1 500', 'emoji-ts/emoji-v2 500', 'emoji-ts/emoji-v3 0', 'web-svc-ts/web-svc 500', 'web-svc-ts/web-svc-2 500']);
    const splits = await clusterSplits('emojivoto');
    assert.deepEqual(splits.map((s) => s.name), ['emoji-ts', 'web-svc-ts']);
    checkRows(rows, splits);
    assert.equal(rows.find((x) => x.leaf === 'emoji-v3')!.rps, null, 'a backend without series: no data');
  });

  test('a namespace halfway to routes (TrafficSplit, HTTPRoute, GRPCRoute): each split in its family, every figure right; exit 1 for the backend without series', async () => {
    const r = await run(['--kubeconfig', cluster.kubeconfig, '-n', 'mixed', '--prometheus', prom.url, '--at', EVAL_RFC3339, '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /TrafficSplit api-ts: the mesh is not honouring the weights \(authority metrics\): .*api-v2 0\.0% observed vs 50\.0% desired \(no requests at all/);
    const rows = JSON.parse(r.stdout) as JsonRow[];
    assert.deepEqual([...new Set(rows.map((x) => `${x.kind} ${x.name} ${x.family}`))], [
      'TrafficSplit api-ts authority', 'TrafficSplit web-ts authority', 'HTTPRoute shop-route route', 'GRPCRoute emoji-grpc route',
    ]);
    const splits = await clusterSplits('mixed');
    checkRows(rows, splits);
    for (const split of splits.filter((s) => s.kind !== 'TrafficSplit')) {
      const want = expectedRouteFor(history, split);
      const row = rows.find((x) => x.name === split.name)!;
      close(row.route?.success ?? null, want.success, `${split.name} route success`);
      close(row.route?.timeouts ?? null, want.timeouts, `${split.name} route timeouts`);
      close(row.route?.retries ?? null, want.retries, `${split.name} route retries`);
    }
    assert.deepEqual(rows.filter((x) => x.flag === 'no-series').map((x) => x.leaf), ['api-v2']);
  });

  test('HTTPRoutes of both groups and the route family; the same rows as PATH mode for the same manifests; the context\'s namespace by default', async () => {
    const r = await run(['--kubeconfig', cluster.kubeconfig, '-n', 'books', '--prometheus', prom.url, '--at', EVAL_RFC3339, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as JsonRow[];
    assert.deepEqual([...new Set(rows.map((x) => `${x.kind} ${x.name}${x.rule ? `#${x.rule}` : ''}`))], [
      'TrafficSplit details-ts', 'HTTPRoute ratings#1', 'HTTPRoute ratings#2', 'HTTPRoute reviews-canary', 'HTTPRoute reviews-header', 'HTTPRoute quiet-route',
    ], 'TrafficSplits, then gateway.networking.k8s.io HTTPRoutes, then policy.linkerd.io ones, each by name');
    checkRows(rows, await clusterSplits('books'));
    const quiet = rows.filter((x) => x.name === 'quiet-route');
    assert.deepEqual(quiet.map((x) => [x.leaf, x.weight, x.desired_share, x.rps, x.observed_share]), [['quiet-v1', '3', 0.75, null, null], ['quiet-v2', '1', 0.25, null, null]]);

    // PATH mode on the manifests the objects were created from: the same rows (the API server's defaults, such as
    // an HTTPRoute backend's weight 1, read as the language service reads an absent weight).
    const fromFile = await cli(['stats', '--prometheus', prom.url, '--at', EVAL_RFC3339, '--format', 'json', BOOKS_YAML]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    const sorted = (xs: JsonRow[]) => [...xs].sort((a, b) => rowKey(a).localeCompare(rowKey(b)));
    assert.deepEqual(sorted(rows.filter((x) => x.name !== 'quiet-route')), sorted(JSON.parse(fromFile.stdout) as JsonRow[]));
    assert.deepEqual((await splitsFromPaths([BOOKS_YAML])).splits.length, (await clusterSplits('books')).length - 1);

    // Without -n: the context's namespace (emojivoto); the table as in PATH mode.
    const table = await run(['--kubeconfig', cluster.kubeconfig, '--prometheus', prom.url, '--at', EVAL_RFC3339]);
    assert.equal(table.code, 1, table.stderr);
    assert.equal(table.stdout, [
      'NAME         APEX        LEAF        WEIGHT   SHARE   OBSERVED   SUCCESS   RPS      LATENCY_P50   LATENCY_P95   LATENCY_P99   TIMEOUTS   RETRIES   FAMILY',
      'emoji-ts     emoji-svc   emoji-v1    500      50.0%   50.6%      93.33%    0.8rps   1ms           3ms           3ms           -          -         authority',
      'emoji-ts     emoji-svc   emoji-v2    500      50.0%   49.4%      86.36%    0.7rps   3ms           8ms           10ms          -          -         authority',
      'emoji-ts     emoji-svc   emoji-v3    0        0.0%    0.0%       -         -        -             -             -             -          -         authority',
      'web-svc-ts   web-apex    web-svc     500      50.0%   73.8%      94.74%    1.3rps   17ms          85ms          97ms          -          -         authority',
      'web-svc-ts   web-apex    web-svc-2   500      50.0%   26.2%      100.00%   0.5rps   75ms          180ms         196ms         -          -         authority',
      '',
    ].join('\n'));
    // Both namespaces at once.
    const both = await run(['--kubeconfig', cluster.kubeconfig, '-n', 'emojivoto', '-n', 'books', '--prometheus', prom.url, '--at', EVAL_RFC3339, '--format', 'json']);
    assert.equal(both.code, 1);
    assert.equal((JSON.parse(both.stdout) as JsonRow[]).length, 5 + rows.length);
  });

  test('exit 2 before Linkerd viz exists: the state and the next step, for each way of failing', async () => {
    const writeKubeconfig = (name: string, server: string) => {
      const file = path.join(cluster.dir, name);
      writeFileSync(file, [
        'apiVersion: v1', 'kind: Config',
        `clusters: [{name: c, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]`,
        `users: [{name: u, user: {token: ${cluster.adminToken}}}]`,
        'contexts: [{name: elsewhere, context: {cluster: c, user: u, namespace: emojivoto}}]', 'current-context: elsewhere', '',
      ].join('\n'));
      return file;
    };
    const unreachable = writeKubeconfig('closed-port.kubeconfig', `https://127.0.0.1:${closedPort}`);
    const cases: Array<[string[], RegExp]> = [
      [['--kubeconfig', '/nowhere/kubeconfig'],
        /^canary-lens: no usable kubeconfig \[config\]: No kubeconfig: \/nowhere\/kubeconfig \(from --kubeconfig\) does not exist\n  next step: Create a kubeconfig \(for example with your cloud CLI or `kubectl config`\), or pass --kubeconfig\.\n$/],
      [['--kubeconfig', cluster.kubeconfig, '--context', 'nope'],
        /^canary-lens: no usable kubeconfig \[config\]: The kubeconfig has no context "nope"\n  next step: Choose another context\.\n$/],
      [['--kubeconfig', unreachable, '--prometheus', prom.url],
        new RegExp(`^canary-lens: cannot read the splits of namespace emojivoto \\(context elsewhere, https://127\\.0\\.0\\.1:${closedPort}\\) \\[cluster-unreachable\\]: Cannot reach the API server at https://127\\.0\\.0\\.1:${closedPort}: connection refused\\n  next step: Check that the cluster is running and that the kubeconfig points at it\\.\\n$`)],
      [['--kubeconfig', cluster.badTokenKubeconfig, '--prometheus', prom.url],
        /^canary-lens: cannot read the splits of namespace emojivoto \(context canary-lens-test, https:\/\/127\.0\.0\.1:\d+\) \[unauthorized\]: The API server rejected the credentials \(401 Unauthorized\)\n  next step: The token or client certificate of this context is wrong or expired: log in again or refresh the kubeconfig\.\n$/],
      [['--kubeconfig', cluster.kubeconfig, '-n', 'emojivoto'],
        /^canary-lens: Prometheus not found \[viz-not-installed\]: Linkerd viz not installed: no namespace is labelled linkerd\.io\/extension=viz\n  next step: Install it \(linkerd viz install \| kubectl apply -f -\) or pass --prometheus URL\n$/],
      [['--kubeconfig', cluster.allContextsKubeconfig, '--context', 'canary-lens-reader'],
        /^canary-lens: Prometheus not found \[forbidden\]: Forbidden: user "canary-lens-reader" cannot list namespaces\n  next step: Ask for "list" on namespaces \(cluster-wide\) to find Linkerd viz's Prometheus, or pass --prometheus URL\n$/],
      [['--kubeconfig', cluster.readerKubeconfig, '-n', 'books', '--prometheus', prom.url],
        /^canary-lens: cannot read the splits of namespace books \(context canary-lens-test, https:\/\/127\.0\.0\.1:\d+\) \[forbidden\]: Forbidden: user "canary-lens-reader" cannot list trafficsplits\.split\.smi-spec\.io in namespace "books"\n  next step: Ask for "list" on trafficsplits in namespace "books", or choose another context or namespace\.\n$/],
      [['--kubeconfig', cluster.kubeconfig, '-n', 'default', '--prometheus', prom.url],
        /^canary-lens: no TrafficSplit, HTTPRoute or GRPCRoute with an apex Service in namespace default \(context canary-lens-test\)\n$/],
      [['--kubeconfig', cluster.kubeconfig, '--prometheus', 'ftp://127.0.0.1/'], /--prometheus: Prometheus URL must be http or https/],
      [['--kubeconfig', cluster.kubeconfig, '--prometheus', `http://127.0.0.1:${closedPort}`, '--at', EVAL_RFC3339],
        new RegExp(`canary-lens: Prometheus unreachable at http://127\\.0\\.0\\.1:${closedPort}: .*ECONNREFUSED.*\\n  check --prometheus\\n$`)],
    ];
    for (const [args, want] of cases) {
      const r = await run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '', args.join(' '));
      assert.match(r.stderr, want, args.join(' '));
      stateMessages.push(r.stderr);
    }
    // The reader may read emojivoto's splits: with --prometheus it gets the numbers.
    const reader = await run(['--kubeconfig', cluster.readerKubeconfig, '--prometheus', prom.url, '--at', EVAL_RFC3339, '--format', 'json']);
    assert.equal(reader.code, 1, reader.stderr);
    assert.equal((JSON.parse(reader.stdout) as JsonRow[]).length, 5);
  });

  test('no --prometheus: the viz.linkerd.io/external-prometheus annotation of the viz namespace', async () => {
    await kubectl(['create', 'namespace', VIZ]);
    await kubectl(['label', 'namespace', VIZ, 'linkerd.io/extension=viz']);
    await kubectl(['annotate', 'namespace', VIZ, `viz.linkerd.io/external-prometheus=${prom.url}`]);
    const withFlag = await run(['--kubeconfig', cluster.kubeconfig, '-n', 'emojivoto', '--prometheus', prom.url, '--at', EVAL_RFC3339, '--format', 'json']);
    const r = await run(['--kubeconfig', cluster.kubeconfig, '-n', 'emojivoto', '--at', EVAL_RFC3339, '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, withFlag.stdout);
    checkRows(JSON.parse(r.stdout) as JsonRow[], await clusterSplits('emojivoto'));
    // A quiet instant names where the numbers come from.
    const quiet = await run(['--kubeconfig', cluster.kubeconfig, '-n', 'emojivoto', '--at', '2023-06-01T00:00:00Z']);
    assert.equal(quiet.code, 0);
    assert.match(quiet.stderr, new RegExp(`no requests to these splits in the last 1m at 2023-06-01T00:00:00\\.000Z \\(${prom.url.replace(/\./g, '\\.')} \\(from the viz\\.linkerd\\.io/external-prometheus annotation of namespace linkerd-viz\\)\\)`));
    // The annotation pointing nowhere: unreachable, saying where the URL came from.
    await kubectl(['annotate', '--overwrite', 'namespace', VIZ, `viz.linkerd.io/external-prometheus=http://127.0.0.1:${closedPort}`]);
    const down = await run(['--kubeconfig', cluster.kubeconfig, '-n', 'emojivoto', '--at', EVAL_RFC3339]);
    assert.equal(down.code, 2);
    assert.match(down.stderr, new RegExp(`^canary-lens: Prometheus unreachable at http://127\\.0\\.0\\.1:${closedPort}: .*ECONNREFUSED.*\\n  found through the viz\\.linkerd\\.io/external-prometheus annotation of namespace linkerd-viz: fix it, or pass --prometheus URL\\n$`));
    stateMessages.push(down.stderr);
    await kubectl(['annotate', 'namespace', VIZ, 'viz.linkerd.io/external-prometheus-']);
    const noPod = await run(['--kubeconfig', cluster.kubeconfig, '-n', 'emojivoto']);
    assert.equal(noPod.code, 2);
    assert.match(noPod.stderr, /^canary-lens: Prometheus not found \[prometheus-pod-not-running\]: Prometheus pod not running in linkerd-viz \(no pod labelled component=prometheus\)\n  next step: Check it \(kubectl -n linkerd-viz get pods -l component=prometheus\); with your own Prometheus, set the viz\.linkerd\.io\/external-prometheus annotation on linkerd-viz, or pass --prometheus URL\n$/);
    stateMessages.push(noPod.stderr);
  });

  test('no annotation: a port-forward through the API server to the Running prometheus pod (stand-in kubelet)', async () => {
    kubelet = await startFakeKubelet(cluster.dir, { [`${VIZ}/${POD}`]: prom.port, [`${VIZ}/prometheus-broken`]: closedPort });
    await kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } }));
    await kubectl(['patch', 'node', NODE, '--subresource=status', '--type=merge', '-p', JSON.stringify({
      status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } },
    })]);
    await kubectl(['create', 'serviceaccount', 'default', '-n', VIZ]);
    const pod = (name: string, ready: boolean) => ({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, namespace: VIZ, labels: { 'linkerd.io/extension': 'viz', component: 'prometheus', namespace: VIZ } },
      spec: { nodeName: NODE, automountServiceAccountToken: false, containers: [{ name: 'prometheus', image: 'prom/prometheus:v2.48.0', ports: [{ name: 'admin', containerPort: 9090 }] }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    });
    for (const [name, ready] of [['prometheus-broken', false], [POD, true]] as const) {
      const p = pod(name, ready);
      await kubectl(['create', '-f', '-'], JSON.stringify({ ...p, status: undefined }));
      await kubectl(['patch', 'pod', name, '-n', VIZ, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: p.status })]);
    }

    const t = Date.now();
    const r = await run(['--kubeconfig', cluster.kubeconfig, '-n', 'emojivoto', '-n', 'books', '--at', EVAL_RFC3339, '--format', 'json']);
    timings.portForwardRunMs = Date.now() - t;
    assert.equal(r.code, 1, `${r.stderr}\nkubelet saw: ${kubelet.upgrades.join(', ')}`);
    const rows = JSON.parse(r.stdout) as JsonRow[];
    checkRows(rows, [...await clusterSplits('emojivoto'), ...await clusterSplits('books')]);
    // Through the API server to the Ready pod, on 9090, over the kubelet's WebSocket protocol.
    assert.ok(kubelet.upgrades.length >= 1, 'the kubelet was asked');
    assert.ok(kubelet.upgrades.every((u) => u === `/portForward/${VIZ}/${POD}?port=9090`), kubelet.upgrades.join(', '));
    assert.ok(kubelet.protocols.every((p) => p.split(',').includes('v4.channel.k8s.io')), kubelet.protocols.join(' | '));
    await waitFor('the CLI\'s forwarded connections to close', () => kubelet!.open() === 0, 5000);
    timings.kubeletConnections = kubelet.upgrades.length;
  });

  test('the port-forward itself: concurrent connections, the kubelet\'s error channel in lastError(), dispose() closes everything', async () => {
    assert.ok(kubelet, 'the previous test started the stand-in kubelet');
    const kc = loadKubeconfig({ setting: cluster.kubeconfig }, {}, EXTENSION_WORDING).kc;
    const before = kubelet.upgrades.length;
    const good = await startPortForward(kc, VIZ, POD, 9090);
    try {
      const client = new PrometheusClient(good.url);
      const answers = await Promise.all([1, 2, 3, 4].map(() => client.query('count(response_total)', 1704067800)));
      assert.ok(answers.every((a) => a.length === 1 && a[0]!.value > 0), JSON.stringify(answers));
      assert.ok(kubelet.upgrades.length - before >= 1);
      assert.equal(good.lastError(), undefined);
      assert.ok(kubelet.open() >= 1, 'keep-alive connections stay forwarded');
    } finally {
      await good.dispose();
    }
    await waitFor('dispose() to close the forwarded connections', () => kubelet!.open() === 0, 5000);
    await assert.rejects(fetch(`${good.url}/-/ready`, { signal: AbortSignal.timeout(5000) }), /fetch failed/);

    const broken = await startPortForward(kc, VIZ, 'prometheus-broken', 9090);
    try {
      await assert.rejects(new PrometheusClient(broken.url, { timeoutMs: 10_000 }).query('up'), /Prometheus unreachable at http:\/\/127\.0\.0\.1:\d+: /);
      assert.match(broken.lastError() ?? '', new RegExp(`^port-forward to linkerd-viz/prometheus-broken:9090: error forwarding port 9090 to pod prometheus-broken: connect ECONNREFUSED 127\\.0\\.0\\.1:${closedPort}$`));
      stateMessages.push(`lastError: ${broken.lastError()}`);
    } finally {
      await broken.dispose();
    }
  });
});
