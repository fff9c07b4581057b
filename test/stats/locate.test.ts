/**
 * Locating Prometheus (src/stats/locate.ts) against the real kube-apiserver of test/cluster/harness.ts: the setting
 * wins; no namespace labelled linkerd.io/extension=viz → viz-not-installed; the viz namespace's
 * viz.linkerd.io/external-prometheus annotation → that URL; without it, no pod → prometheus-pod-not-running, and a Pod
 * created with kubectl is Pending forever (no scheduler, no kubelet) → still not running; RBAC refusals and a
 * wrong token → forbidden; a closed port → cluster-unreachable. A pod whose status is patched to Running is then
 * port-forwarded to: the listener opens on 127.0.0.1, and since the pod has no node the API server refuses each
 * connection (400), which reaches the stats client as "Prometheus unreachable at URL" and lastError() as words.
 * (The working forward, through a stand-in kubelet, is in cluster-cli.test.ts.)
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadKubeconfig } from '../../src/cluster';
import {
  describeLocateFailure, EXTERNAL_PROMETHEUS_ANNOTATION, isLocated, locatePrometheus, PrometheusClient, PrometheusUnreachableError,
  type LocateFailure, type LocateOptions, type LocateResult, type PrometheusLocation,
} from '../../src/stats';
import { startCluster, type Cluster } from '../cluster/harness';
import { freePort } from '../support/ports';
import { EXTENSION_WORDING } from '../../src/extension/wording';
import { CLI_WORDING } from '../../src/cli/wording';

const rejections: unknown[] = [];
process.on('unhandledRejection', (e) => rejections.push(e));

const VIZ = 'linkerd-viz';

function failed(r: LocateResult): LocateFailure {
  assert.ok(!isLocated(r), `expected a failure state, got ${JSON.stringify(r)}`);
  return r;
}

function found(r: LocateResult): PrometheusLocation {
  assert.ok(isLocated(r), `expected a location, got ${JSON.stringify(r)}`);
  return r;
}

describe('locatePrometheus (real kube-apiserver)', () => {
  let cluster: Cluster;
  const located: PrometheusLocation[] = [];
  const timings: Record<string, number> = {};
  const kc = (file: string) => loadKubeconfig({ setting: file }, {}, EXTENSION_WORDING).kc;
  // The extension's words unless a test passes the CLI's.
  const locate = async (options: Omit<LocateOptions, 'wording'> & { wording?: LocateOptions['wording'] }) => {
    const t = Date.now();
    const r = await locatePrometheus({ wording: EXTENSION_WORDING, ...options });
    timings.slowestLocateMs = Math.max(timings.slowestLocateMs ?? 0, Date.now() - t);
    if (isLocated(r)) located.push(r);
    return r;
  };
  const kubectl = async (args: string[], input?: string) => {
    const r = await cluster.kubectl(args, input !== undefined ? { input } : {});
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const messages: string[] = [];

  before(async () => {
    const t = Date.now();
    cluster = await startCluster({ emojivoto: false });
    timings.clusterStartMs = Date.now() - t;
  });

  after(async () => {
    for (const l of located) await l.dispose();
    await cluster?.stop();
    process.stderr.write(`[locate.test] timings ${JSON.stringify(timings)}\n[locate.test] messages:\n${messages.map((m) => `  ${m}`).join('\n')}\n`);
    for (const m of messages) {
      assert.ok(!m.includes(cluster.adminToken) && !m.includes(cluster.readerToken) && !m.includes(cluster.badToken), 'no token in any message');
    }
    assert.deepEqual(rejections, [], 'no unhandled promise rejections');
  });

  const note = (state: string, f: LocateFailure) => {
    messages.push(`${state}: ${describeLocateFailure(f)}`);
    return f;
  };

  test('the setting wins over the cluster; a setting that is not an http(s) URL is a state', async () => {
    const r = found(await locate({ setting: ' http://prometheus.example:9090 ', kc: kc(cluster.kubeconfig) }));
    assert.equal(r.url, 'http://prometheus.example:9090');
    assert.equal(r.source, 'setting');
    assert.equal(r.lastError(), undefined);
    await r.dispose();
    await r.dispose();
    // Even without any cluster.
    assert.equal(found(await locate({ setting: 'https://p.example/prom' })).source, 'setting');
    const bad = note('prometheus-unreachable (bad setting)', failed(await locate({ setting: 'ftp://p.example', kc: kc(cluster.kubeconfig) })));
    assert.equal(bad.state, 'prometheus-unreachable');
    assert.equal(bad.message, 'canaryLens.prometheus.url is not an http or https URL: "ftp://p.example"');
    const cli = failed(await locate({ setting: 'nonsense', wording: CLI_WORDING }));
    assert.match(cli.message, /^--prometheus URL is not a URL/);
  });

  test('no setting and no cluster: cluster-unreachable with the next step', async () => {
    const r = note('cluster-unreachable (no kubeconfig)', failed(await locate({})));
    assert.equal(r.state, 'cluster-unreachable');
    assert.equal(r.message, 'No cluster connection to find Prometheus through');
    assert.equal(r.nextStep, 'Choose a kubeconfig and context, or set canaryLens.prometheus.url');
  });

  test('no namespace labelled linkerd.io/extension=viz: viz-not-installed', async () => {
    // A namespace called linkerd-viz without the label does not count: the label is what Linkerd looks for.
    await kubectl(['create', 'namespace', VIZ]);
    const r = note('viz-not-installed', failed(await locate({ kc: kc(cluster.kubeconfig) })));
    assert.equal(r.state, 'viz-not-installed');
    assert.equal(r.message, 'Linkerd viz not installed: no namespace is labelled linkerd.io/extension=viz');
    assert.equal(r.nextStep, 'Install it (linkerd viz install | kubectl apply -f -) or set canaryLens.prometheus.url');
    const cli = failed(await locate({ kc: kc(cluster.kubeconfig), wording: CLI_WORDING }));
    assert.equal(cli.nextStep, 'Install it (linkerd viz install | kubectl apply -f -) or pass --prometheus URL');
  });

  test('the reader (get/list/watch in emojivoto only) may not list namespaces: forbidden', async () => {
    const r = note('forbidden (namespaces)', failed(await locate({ kc: kc(cluster.readerKubeconfig) })));
    assert.equal(r.state, 'forbidden');
    assert.equal(r.error?.kind, 'forbidden');
    assert.equal(r.message, 'Forbidden: user "canary-lens-reader" cannot list namespaces');
    assert.equal(r.nextStep, 'Ask for "list" on namespaces (cluster-wide) to find Linkerd viz\'s Prometheus, or set canaryLens.prometheus.url');
  });

  test('a wrong token: forbidden, carrying the 401 (the error kind tells them apart)', async () => {
    const r = note('forbidden (401)', failed(await locate({ kc: kc(cluster.badTokenKubeconfig) })));
    assert.equal(r.state, 'forbidden');
    assert.equal(r.error?.kind, 'unauthorized');
    assert.equal(r.message, 'The API server rejected the credentials (401 Unauthorized)');
    assert.match(r.nextStep, /log in again, or set canaryLens\.prometheus\.url$/);
  });

  test('nothing listening at the server: cluster-unreachable', async () => {
    const port = await freePort();
    const file = path.join(cluster.dir, 'closed-port.kubeconfig');
    writeFileSync(file, [
      'apiVersion: v1', 'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:' + port + '", insecure-skip-tls-verify: true}}]',
      'users: [{name: u, user: {token: not-a-real-token}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]', 'current-context: x', '',
    ].join('\n'));
    const r = note('cluster-unreachable', failed(await locate({ kc: kc(file) })));
    assert.equal(r.state, 'cluster-unreachable');
    assert.equal(r.error?.kind, 'unreachable');
    assert.equal(r.message, `Cannot reach the API server at https://127.0.0.1:${port}: connection refused`);
    assert.equal(r.nextStep, 'Check that the cluster is running and that the kubeconfig points at it, or set canaryLens.prometheus.url');
  });

  test('the viz namespace\'s external-prometheus annotation gives the URL; a bad one is a state', async () => {
    await kubectl(['label', 'namespace', VIZ, 'linkerd.io/extension=viz']);
    await kubectl(['annotate', 'namespace', VIZ, `${EXTERNAL_PROMETHEUS_ANNOTATION}=http://prometheus.monitoring.svc.cluster.local:9090`]);
    const r = found(await locate({ kc: kc(cluster.kubeconfig) }));
    assert.deepEqual({ url: r.url, source: r.source, namespace: r.namespace }, { url: 'http://prometheus.monitoring.svc.cluster.local:9090', source: 'annotation', namespace: VIZ });
    // The setting still wins.
    assert.equal(found(await locate({ kc: kc(cluster.kubeconfig), setting: 'http://127.0.0.1:1' })).source, 'setting');

    await kubectl(['annotate', '--overwrite', 'namespace', VIZ, `${EXTERNAL_PROMETHEUS_ANNOTATION}=prometheus:9090`]);
    const bad = note('prometheus-unreachable (bad annotation)', failed(await locate({ kc: kc(cluster.kubeconfig) })));
    assert.equal(bad.state, 'prometheus-unreachable');
    assert.match(bad.message, /^The viz\.linkerd\.io\/external-prometheus annotation of namespace linkerd-viz is not an http or https URL: "prometheus:9090"$/);
    await kubectl(['annotate', 'namespace', VIZ, `${EXTERNAL_PROMETHEUS_ANNOTATION}-`]);
  });

  test('no annotation and no prometheus pod: prometheus-pod-not-running', async () => {
    const r = note('prometheus-pod-not-running (no pod)', failed(await locate({ kc: kc(cluster.kubeconfig) })));
    assert.equal(r.state, 'prometheus-pod-not-running');
    assert.equal(r.message, 'Prometheus pod not running in linkerd-viz (no pod labelled component=prometheus)');
    assert.equal(r.nextStep, 'Check it (kubectl -n linkerd-viz get pods -l component=prometheus); with your own Prometheus, set the viz.linkerd.io/external-prometheus annotation on linkerd-viz, or set canaryLens.prometheus.url');
  });

  test('a prometheus Pod created with kubectl stays Pending (no scheduler, no kubelet): still not running', async () => {
    // No controller-manager creates the namespace's default ServiceAccount, which admission wants.
    await kubectl(['create', 'serviceaccount', 'default', '-n', VIZ]);
    await kubectl(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'prometheus', namespace: VIZ, labels: { 'linkerd.io/extension': 'viz', component: 'prometheus' } },
      spec: { automountServiceAccountToken: false, containers: [{ name: 'prometheus', image: 'prom/prometheus:v2.48.0', ports: [{ name: 'admin', containerPort: 9090 }] }] },
    }));
    // A pod of another component does not count.
    await kubectl(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'grafana', namespace: VIZ, labels: { 'linkerd.io/extension': 'viz', component: 'grafana' } },
      spec: { automountServiceAccountToken: false, containers: [{ name: 'grafana', image: 'grafana/grafana:10.0.0' }] },
    }));
    const r = note('prometheus-pod-not-running (Pending)', failed(await locate({ kc: kc(cluster.kubeconfig) })));
    assert.equal(r.state, 'prometheus-pod-not-running');
    assert.equal(r.message, 'Prometheus pod not running in linkerd-viz (prometheus is Pending)');
  });

  test('a reader allowed to list namespaces but not pods in linkerd-viz: forbidden on the pods', async () => {
    await kubectl(['create', 'clusterrole', 'canary-lens-ns-reader', '--verb=list', '--resource=namespaces']);
    await kubectl(['create', 'clusterrolebinding', 'canary-lens-ns-reader', '--clusterrole=canary-lens-ns-reader', '--user=canary-lens-reader']);
    let r: LocateFailure | undefined;
    for (let i = 0; i < 50; i++) {
      r = failed(await locate({ kc: kc(cluster.readerKubeconfig) }));
      if (!r.message.includes('cannot list namespaces')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    note('forbidden (pods)', r!);
    assert.equal(r!.state, 'forbidden');
    assert.equal(r!.message, 'Forbidden: user "canary-lens-reader" cannot list pods in namespace "linkerd-viz"');
    assert.equal(r!.nextStep, 'Ask for "list" on pods in namespace linkerd-viz to find Linkerd viz\'s Prometheus, or set canaryLens.prometheus.url');
  });

  test('a Running prometheus pod: a port-forward on 127.0.0.1; without a node the API server refuses each connection', async () => {
    // Only the status says Running (patched like a kubelet would): nothing runs, and the pod has no node.
    await kubectl(['patch', 'pod', 'prometheus', '-n', VIZ, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running' } })]);

    const off = note('prometheus-unreachable (port-forward off)', failed(await locate({ kc: kc(cluster.kubeconfig), portForward: false })));
    assert.equal(off.state, 'prometheus-unreachable');
    assert.equal(off.message, 'Prometheus runs in pod linkerd-viz/prometheus, but port-forwarding is off');

    const t = Date.now();
    const r = found(await locate({ kc: kc(cluster.kubeconfig) }));
    timings.portForwardLocateMs = Date.now() - t;
    assert.equal(r.source, 'port-forward');
    assert.equal(r.namespace, VIZ);
    assert.equal(r.pod, 'prometheus');
    assert.match(r.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(r.lastError(), undefined, 'nothing has been tried yet: the URL is verified lazily');

    // The stats client finds out on its first query.
    const client = new PrometheusClient(r.url, { timeoutMs: 10_000 });
    await assert.rejects(client.query('up'), (e: unknown) => {
      assert.ok(e instanceof PrometheusUnreachableError, String(e));
      assert.match(e.message, new RegExp(`^Prometheus unreachable at ${r.url.replace(/\./g, '\\.')}: `));
      messages.push(`prometheus-unreachable (stats client): ${e.message}`);
      return true;
    });
    assert.equal(r.lastError(), 'port-forward to linkerd-viz/prometheus:9090: the API server refused the port-forward (400: pod prometheus not running on a node?)');
    messages.push(`port-forward lastError: ${r.lastError()}`);

    // dispose() closes the listener.
    await r.dispose();
    await assert.rejects(fetch(`${r.url}/-/ready`, { signal: AbortSignal.timeout(5000) }), /fetch failed/);
  });
});
