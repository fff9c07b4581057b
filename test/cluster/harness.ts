/**
 * A real Kubernetes API server for the tests: etcd + kube-apiserver 1.20.2 (built from Debian's `kubernetes` source
 * package by ./build-kube-apiserver.sh, cached under ${CANARY_LENS_CACHE:-~/.cache/canary-lens}/kube), on free loopback
 * ports, with RBAC and two tokens (an admin in system:masters and a reader limited to get/list/watch in emojivoto),
 * the TrafficSplit / HTTPRoute (both groups) / GRPCRoute / ServiceProfile CRDs from test/fixtures/cluster/, the Flagger and
 * Argo Rollouts CRDs from vendor/crds/ (`DELIVERY_CRD_FILES`; no controller runs: tests write their status), and (by default) the
 * emojivoto objects from examples/emojivoto/ plus hand-made Endpoints for web-svc and web-svc-2.
 *
 * There is no kube-controller-manager, scheduler or kubelet: pods never run, no controller creates Endpoints,
 * EndpointSlices, ServiceAccount tokens or garbage-collects anything. The CRDs and the TrafficSplit web-svc-ts are
 * loaded by server-side apply with field manager `canary-lens-harness`; the built-in objects (namespace, Services,
 * Deployments, Endpoints, RBAC) by `kubectl create` (manager `kubectl-create`), because 1.20's server-side apply refuses
 * Service ports without `protocol`. So a `canary-lens` apply that changes web-svc-ts's weights conflicts with
 * `canary-lens-harness` on `.spec.backends` (the CRD's lists are atomic) until forced; one with unchanged values is fine.
 *
 * Usage:
 *   const cluster = await startCluster();            // first run builds kube-apiserver (6-9 minutes)
 *   try { ... cluster.kubeconfig ... } finally { await cluster.stop(); }
 *
 * Tokens are random per run and are never written to the log. The processes run in their own process groups under a
 * small watchdog that ends them when the test process dies, even by SIGKILL; `stop()` and an exit handler end them too.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { httpGet } from '../support/http';
import { freePorts } from '../support/ports';
import { ServerProcess, trackDir, untrackDir } from '../support/processes';
import { sleep } from '../support/wait';

export interface Cluster {
  /** https://127.0.0.1:PORT */
  server: string;
  /** Path of a kubeconfig for the admin user (token, system:masters); context `canary-lens-test`, namespace emojivoto. */
  kubeconfig: string;
  /** Path of a kubeconfig for a user that may only get/list/watch in namespace emojivoto (RBAC); same context name. */
  readerKubeconfig: string;
  /** Path of a kubeconfig for the same server with a wrong token (every request gets 401); same context name. */
  badTokenKubeconfig: string;
  /**
   * Path of one kubeconfig holding all three as contexts `canary-lens-test` (admin, current), `canary-lens-reader` and
   * `canary-lens-bad-token`, all with namespace emojivoto: for context-switching tests.
   */
  allContextsKubeconfig: string;
  /** So tests can assert it never leaks into logs. */
  adminToken: string;
  readerToken: string;
  badToken: string;
  /** The harness's temporary folder (kubeconfigs, logs, etcd data); removed by stop(). */
  dir: string;
  /** Milliseconds per start-up stage (build only when it happened). */
  timings: ClusterTimings;
  /** Runs /usr/bin/kubectl with `--kubeconfig` (default: the admin one) and a private cache dir; never throws on a non-zero exit. */
  kubectl(args: string[], opts?: { kubeconfig?: string; input?: string; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Stops kube-apiserver (for fault tests); etcd keeps the data. Resolves once the port is closed. */
  stopApiServer(): Promise<void>;
  /** Starts kube-apiserver again on the same port and waits for /readyz. */
  startApiServer(): Promise<void>;
  /** Resident memory (MB) of the running processes, from /proc; undefined for a process that is not running. */
  memory(): { apiserverMB?: number; etcdMB?: number };
  /** The last lines of the API server's log (for failure messages). */
  apiServerLogTail(lines?: number): string;
  /** Stops everything it started and removes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ClusterTimings {
  buildMs?: number;
  etcdReadyMs: number;
  apiserverReadyMs: number;
  crdsEstablishedMs: number;
  objectsLoadedMs: number;
  totalMs: number;
}

export interface StartClusterOptions {
  /** Progress lines (default: stderr, prefixed `[cluster]`). Never receives a token. */
  log?: (line: string) => void;
  /** Load the emojivoto objects (default true). The namespace emojivoto and the reader's RBAC exist either way. */
  emojivoto?: boolean;
  /** Milliseconds to wait for /readyz (default 90 s). */
  readyTimeoutMs?: number;
  /**
   * Install the Flagger and Argo Rollouts CRDs (`DELIVERY_CRD_FILES`; default true). They cost a few seconds of start-up
   * and ~100-150 MB of kube-apiserver memory (the Argo CRDs each carry a whole Pod template schema).
   */
  deliveryCrds?: boolean;
}

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'cluster');
export const EMOJIVOTO_DIR = path.join(REPO_ROOT, 'examples', 'emojivoto');
export const BUILD_SCRIPT = path.join(__dirname, 'build-kube-apiserver.sh');
export const CONTEXT = 'canary-lens-test';
export const NAMESPACE = 'emojivoto';
/** Field manager that loads the fixtures and emojivoto objects. */
export const HARNESS_FIELD_MANAGER = 'canary-lens-harness';
export const ADMIN_USER = 'canary-lens-admin';
export const READER_USER = 'canary-lens-reader';

export const CRD_FILES = ['trafficsplit-crd.yaml', 'httproute-gateway-crd.yaml', 'httproute-policy-crd.yaml', 'grpcroute-gateway-crd.yaml', 'serviceprofile-crd.yaml'];
export const CRD_NAMES = [
  'trafficsplits.split.smi-spec.io',
  'httproutes.gateway.networking.k8s.io',
  'httproutes.policy.linkerd.io',
  'grpcroutes.gateway.networking.k8s.io',
  'serviceprofiles.linkerd.io',
];
/**
 * The progressive delivery controllers' CRDs, vendored at pinned releases (vendor/crds/: Flagger's Canary, MetricTemplate,
 * AlertProvider; Argo Rollouts' Rollout, AnalysisTemplate, ClusterAnalysisTemplate), as absolute paths: startCluster
 * installs them next to the fixtures, and anything else that sets up a cluster (the demo) reads them from here.
 */
export const VENDOR_CRDS_DIR = path.join(REPO_ROOT, 'vendor', 'crds');
export const DELIVERY_CRD_FILES = [
  'flagger-v1.44.0.yaml',
  'argo-rollouts-v1.9.1-rollout.yaml',
  'argo-rollouts-v1.9.1-analysis-template.yaml',
  'argo-rollouts-v1.9.1-cluster-analysis-template.yaml',
].map((f) => path.join(VENDOR_CRDS_DIR, f));
export const DELIVERY_CRD_NAMES = [
  'canaries.flagger.app',
  'metrictemplates.flagger.app',
  'alertproviders.flagger.app',
  'rollouts.argoproj.io',
  'analysistemplates.argoproj.io',
  'clusteranalysistemplates.argoproj.io',
];

/**
 * A CRD (as kubectl decodes it: `kubectl create --dry-run=client -o yaml`; the `yaml` package refuses the multi-line
 * quoted descriptions of Flagger's file that go-yaml takes) the way this test server accepts it:
 * kube-apiserver 1.20 refuses a schema `default: ""` ("Invalid value: "null": in body must be of type string", as the
 * vendored CRDs' generated Pod template and Gateway API fields have) and does not know `x-kubernetes-validations` (CEL
 * rules, Kubernetes 1.25+). Both are dropped from the copy sent (a list-map key that loses its default becomes required,
 * as 1.20 asks); the vendored files stay as released. Nothing the tests read depends on them.
 */
export function crdsForTestServer(decoded: unknown): string {
  type Schema = { [key: string]: unknown; items?: Schema; properties?: Record<string, Schema>; required?: string[] };
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (!node || typeof node !== 'object') return node;
    const s = node as Schema;
    // A list-map key needs a default or to be required (1.20 checks it): the key loses its "" default, so require it.
    const keys = s['x-kubernetes-list-map-keys'];
    const items = s.items;
    const keyed = Array.isArray(keys) && items?.properties ? keys.filter((k): k is string => typeof k === 'string' && items.properties?.[k]?.default === '') : [];
    const out = Object.fromEntries(Object.entries(s)
      .filter(([k, v]) => k !== 'x-kubernetes-validations' && !(k === 'default' && v === ''))
      .map(([k, v]) => [k, strip(v)])) as Schema;
    if (keyed.length > 0 && out.items) out.items.required = [...new Set([...(out.items.required ?? []), ...keyed])];
    return out;
  };
  return JSON.stringify(strip(decoded));
}

/** The emojivoto examples the harness loads (the demo loads the same by `kubectl apply`). */
export const EMOJIVOTO_FILES = ['emojivoto.yaml', 'web-svc-2.yaml', 'web-apex.yaml', 'web-svc-ts.yaml'];

/** Where the build script caches the binary. */
export function kubeCacheDir(): string {
  return path.join(process.env.CANARY_LENS_CACHE || path.join(homedir(), '.cache', 'canary-lens'), 'kube');
}

/** The kube-apiserver binary: $CANARY_LENS_KUBE_APISERVER, else the cached build. */
export function kubeApiServerPath(): string {
  return process.env.CANARY_LENS_KUBE_APISERVER || path.join(kubeCacheDir(), 'kube-apiserver');
}

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    const p = path.join(dir || '.', cmd);
    if (existsSync(p)) return p;
  }
  return undefined;
}

function defaultLog(line: string): void {
  process.stderr.write(`[cluster] ${line}\n`);
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** How the servers' readiness is polled: every 250 ms; a timeout given in seconds. */
const READY_POLL = { intervalMs: 250, formatMs: secs };

// ---------------------------------------------------------------------------------------------------------------
// Build

/** Runs the build script when the binary or a runtime tool is missing; streams its output to `log`. */
export async function ensureKubeApiServer(log: (line: string) => void = defaultLog): Promise<{ binary: string; builtMs?: number }> {
  const binary = kubeApiServerPath();
  const ready = () =>
    existsSync(binary) &&
    spawnSync(binary, ['--version'], { stdio: 'ignore', timeout: 30_000 }).status === 0 &&
    which('etcd') !== undefined &&
    which('kubectl') !== undefined &&
    which('openssl') !== undefined;
  if (ready()) return { binary };
  if (process.env.CANARY_LENS_KUBE_APISERVER) {
    throw new Error(`CANARY_LENS_KUBE_APISERVER=${binary} does not run (or etcd/kubectl/openssl are missing)`);
  }
  const t0 = Date.now();
  log(`kube-apiserver not cached yet (or etcd/kubectl/openssl missing): running ${path.relative(process.cwd(), BUILD_SCRIPT)} (first build takes 6-9 minutes)`);
  const tail: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const onData = (buf: Buffer, pending: { s: string }) => {
      pending.s += buf.toString('utf8');
      let i: number;
      while ((i = pending.s.indexOf('\n')) >= 0) {
        const line = pending.s.slice(0, i).replace(/\r/g, '');
        pending.s = pending.s.slice(i + 1);
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        log(`build | ${line}`);
      }
    };
    const out = { s: '' };
    const err = { s: '' };
    child.stdout.on('data', (b: Buffer) => onData(b, out));
    child.stderr.on('data', (b: Buffer) => onData(b, err));
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0 || !ready()) {
    throw new Error(`building kube-apiserver failed (exit ${code}); last lines:\n${tail.join('\n')}`);
  }
  const builtMs = Date.now() - t0;
  log(`build finished in ${secs(builtMs)}`);
  return { binary, builtMs };
}

// ---------------------------------------------------------------------------------------------------------------
// Network helpers

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', method: 'HEAD', timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code !== 'ECONNREFUSED'));
    req.on('timeout', () => {
      req.destroy();
      resolve(true);
    });
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// kubeconfigs

function kubeconfigYaml(server: string, users: Array<{ context: string; user: string; token: string }>): string {
  const lines = [
    'apiVersion: v1',
    'kind: Config',
    'preferences: {}',
    'clusters:',
    `- name: ${CONTEXT}`,
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    ...users.flatMap((u) => [`- name: ${u.user}`, '  user:', `    token: ${u.token}`]),
    'contexts:',
    ...users.flatMap((u) => [`- name: ${u.context}`, '  context:', `    cluster: ${CONTEXT}`, `    user: ${u.user}`, `    namespace: ${NAMESPACE}`]),
    `current-context: ${users[0]!.context}`,
    '',
  ];
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// kubectl

function runKubectl(
  args: string[],
  kubeconfig: string,
  cacheDir: string,
  input: string | undefined,
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.KUBECONFIG;
    const child = spawn('kubectl', [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cacheDir}`, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      stderr += `\n[harness] kubectl timed out after ${secs(timeoutMs)}`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: `${stderr}${String(e)}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.on('error', () => {
      /* kubectl may exit before reading stdin */
    });
    child.stdin.end(input ?? '');
  });
}

// ---------------------------------------------------------------------------------------------------------------

export async function startCluster(opts: StartClusterOptions = {}): Promise<Cluster> {
  const log = opts.log ?? defaultLog;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
  const t0 = Date.now();

  const { binary, builtMs } = await ensureKubeApiServer(log);
  const tStart = Date.now();

  const dir = mkdtempSync(path.join(tmpdir(), 'canary-lens-cluster-'));
  trackDir(dir);
  const processes: ServerProcess[] = [];
  let stopped = false;

  const stopAll = async () => {
    if (stopped) return;
    stopped = true;
    for (const p of [...processes].reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
    untrackDir(dir);
  };

  try {
    const [etcdClientPort, etcdPeerPort, apiPort] = (await freePorts(3)) as [number, number, number];
    const server = `https://127.0.0.1:${apiPort}`;

    // --- etcd
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const etcd = new ServerProcess({
      name: 'etcd',
      command: which('etcd') ?? 'etcd',
      args: [
        '--name=default',
        `--data-dir=${path.join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=default=${peerUrl}`,
        '--log-level=warn',
      ],
      logFile: path.join(dir, 'etcd.log'),
      pidFile: path.join(dir, 'etcd.pid'),
      cleanupDir: dir,
    });
    processes.push(etcd);
    etcd.start();
    await etcd.waitUntil(
      `etcd ${etcdUrl}/health`,
      async () => {
        const r = await httpGet(`${etcdUrl}/health`);
        return r.status === 200 && r.body.includes('true');
      },
      30_000,
      READY_POLL,
    );
    const etcdReadyMs = Date.now() - tStart;
    log(`etcd ready on 127.0.0.1:${etcdClientPort} (${secs(etcdReadyMs)})`);

    // --- credentials
    const adminToken = randomBytes(24).toString('hex');
    const readerToken = randomBytes(24).toString('hex');
    const badToken = randomBytes(24).toString('hex');
    const tokensFile = path.join(dir, 'tokens.csv');
    writeFileSync(tokensFile, `${adminToken},${ADMIN_USER},1,"system:masters"\n${readerToken},${READER_USER},2\n`, { mode: 0o600 });
    const saKey = path.join(dir, 'sa.key');
    const saPub = path.join(dir, 'sa.pub');
    for (const args of [
      ['genrsa', '-out', saKey, '2048'],
      ['rsa', '-in', saKey, '-pubout', '-out', saPub],
    ]) {
      const r = spawnSync('openssl', args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
    }

    // --- kube-apiserver
    const apiserver = new ServerProcess({
      name: 'kube-apiserver',
      command: binary,
      args: [
        `--etcd-servers=${etcdUrl}`,
        '--insecure-port=0',
        '--bind-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--cert-dir=${path.join(dir, 'certs')}`,
        '--advertise-address=127.0.0.1',
        '--endpoint-reconciler-type=none',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${saPub}`,
        `--service-account-signing-key-file=${saKey}`,
        `--token-auth-file=${tokensFile}`,
        '--authorization-mode=RBAC',
        '--service-cluster-ip-range=10.96.0.0/16',
        '--profiling=false',
      ],
      logFile: path.join(dir, 'kube-apiserver.log'),
      pidFile: path.join(dir, 'kube-apiserver.pid'),
      cleanupDir: dir,
    });
    processes.push(apiserver);

    const waitReady = async () => {
      await apiserver.waitUntil(
        `kube-apiserver ${server}/readyz`,
        async () => (await httpGet(`${server}/readyz`, { token: adminToken })).status === 200,
        readyTimeoutMs,
        READY_POLL,
      );
    };
    apiserver.start();
    await waitReady();
    const apiserverReadyMs = Date.now() - tStart;
    log(`kube-apiserver ready at ${server} (${secs(apiserverReadyMs)})`);

    // --- kubeconfigs
    const kubeconfig = path.join(dir, 'admin.kubeconfig');
    const readerKubeconfig = path.join(dir, 'reader.kubeconfig');
    const badTokenKubeconfig = path.join(dir, 'bad-token.kubeconfig');
    const allContextsKubeconfig = path.join(dir, 'all.kubeconfig');
    const admin = { context: CONTEXT, user: ADMIN_USER, token: adminToken };
    const reader = { context: CONTEXT, user: READER_USER, token: readerToken };
    const bad = { context: CONTEXT, user: 'canary-lens-bad-token', token: badToken };
    writeFileSync(kubeconfig, kubeconfigYaml(server, [admin]), { mode: 0o600 });
    writeFileSync(readerKubeconfig, kubeconfigYaml(server, [reader]), { mode: 0o600 });
    writeFileSync(badTokenKubeconfig, kubeconfigYaml(server, [bad]), { mode: 0o600 });
    writeFileSync(
      allContextsKubeconfig,
      kubeconfigYaml(server, [admin, { ...reader, context: 'canary-lens-reader' }, { ...bad, context: 'canary-lens-bad-token' }]),
      { mode: 0o600 },
    );

    const kubectlCache = path.join(dir, 'kubectl-cache');
    const kubectl: Cluster['kubectl'] = (args, o = {}) =>
      runKubectl(args, o.kubeconfig ?? kubeconfig, kubectlCache, o.input, o.timeoutMs ?? 120_000);
    // Runs kubectl until it succeeds; retries only errors that mean "discovery does not know the new CRD kinds yet".
    const must = async (what: string, args: string[]) => {
      let last: Awaited<ReturnType<Cluster['kubectl']>>;
      for (let attempt = 1; ; attempt++) {
        last = await kubectl(args);
        if (last.code === 0) return last;
        if (attempt >= 10 || !/no matches for kind|could not find the requested resource|ensure CRDs are installed/i.test(last.stderr)) break;
        await sleep(500);
      }
      throw new Error(`${what} failed (kubectl ${args.join(' ')}): exit ${last.code}\n${last.stderr}`);
    };
    const fixture = (f: string) => `--filename=${path.join(FIXTURES_DIR, f)}`;
    const example = (f: string) => `--filename=${path.join(EMOJIVOTO_DIR, f)}`;
    const apply = ['apply', '--server-side', `--field-manager=${HARNESS_FIELD_MANAGER}`];

    // --- CRDs (server-side apply, manager canary-lens-harness)
    const withDelivery = opts.deliveryCrds !== false;
    const deliveryCrds = path.join(dir, 'delivery-crds.json');
    if (withDelivery) {
      const decoded = await must('reading the delivery CRDs', ['create', '--dry-run=client', '--validate=false', '-o', 'yaml', ...DELIVERY_CRD_FILES.map((f) => `--filename=${f}`)]);
      writeFileSync(deliveryCrds, parseAllDocuments(decoded.stdout).map((d) => crdsForTestServer(d.toJS())).join('\n'));
    }
    await must('installing the CRDs', [...apply, ...CRD_FILES.map(fixture), ...(withDelivery ? [`--filename=${deliveryCrds}`] : [])]);
    const crdNames = [...CRD_NAMES, ...(withDelivery ? DELIVERY_CRD_NAMES : [])];
    await must('waiting for the CRDs to be Established', ['wait', '--for=condition=Established', '--timeout=60s', ...crdNames.map((n) => `crd/${n}`)]);
    const crdsEstablishedMs = Date.now() - tStart;
    log(`CRDs established: ${crdNames.join(', ')} (${secs(crdsEstablishedMs)})`);

    // --- namespace, reader RBAC, emojivoto
    // Built-in kinds with `kubectl create` (manager kubectl-create): 1.20's server-side apply refuses a Service port
    // without `protocol` ("associative list with keys has an element that omits key field "protocol""), and the
    // examples leave it out as most manifests do. The TrafficSplit goes in by server-side apply (canary-lens-harness).
    if (opts.emojivoto === false) {
      await must('creating namespace emojivoto and the reader RBAC', ['create', fixture('namespace.yaml'), fixture('reader-rbac.yaml')]);
    } else {
      await must('creating the emojivoto objects and the reader RBAC', [
        'create',
        ...EMOJIVOTO_FILES.filter((f) => f !== 'web-svc-ts.yaml').map(example),
        fixture('emojivoto-endpoints.yaml'),
        fixture('reader-rbac.yaml'),
      ]);
      await must('applying the emojivoto TrafficSplit', [...apply, example('web-svc-ts.yaml')]);
    }
    const objectsLoadedMs = Date.now() - tStart;
    log(`${opts.emojivoto === false ? 'namespace emojivoto and reader RBAC' : 'emojivoto objects'} loaded (${secs(objectsLoadedMs)}; ${secs(Date.now() - t0)} in all)`);

    const timings: ClusterTimings = {
      ...(builtMs !== undefined ? { buildMs: builtMs } : {}),
      etcdReadyMs,
      apiserverReadyMs,
      crdsEstablishedMs,
      objectsLoadedMs,
      totalMs: Date.now() - t0,
    };

    return {
      server,
      kubeconfig,
      readerKubeconfig,
      badTokenKubeconfig,
      allContextsKubeconfig,
      adminToken,
      readerToken,
      badToken,
      dir,
      timings,
      kubectl,
      async stopApiServer() {
        if (stopped) throw new Error('cluster already stopped');
        await apiserver.stop();
        const deadline = Date.now() + 15_000;
        while ((await portOpen(apiPort)) && Date.now() < deadline) await sleep(100);
        log('kube-apiserver stopped (etcd keeps the data)');
      },
      async startApiServer() {
        if (stopped) throw new Error('cluster already stopped');
        if (apiserver.running) return;
        const t = Date.now();
        apiserver.start();
        await waitReady();
        log(`kube-apiserver ready again at ${server} (${secs(Date.now() - t)})`);
      },
      memory() {
        const m: { apiserverMB?: number; etcdMB?: number } = {};
        const a = apiserver.rssMB();
        const e = etcd.rssMB();
        if (a !== undefined) m.apiserverMB = a;
        if (e !== undefined) m.etcdMB = e;
        return m;
      },
      apiServerLogTail(lines = 30) {
        return apiserver.logTail(lines);
      },
      async stop() {
        await stopAll();
        log('cluster stopped');
      },
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
