import * as path from 'node:path';
import { EMOJIVOTO_DIR, EMOJIVOTO_FILES, FIXTURES_DIR, startCluster, type Cluster } from '../../test/cluster/harness';
import { startPrometheus, type RunningPrometheus } from '../../test/stats/prometheus';
import { startSimulator, type RunningSimulator } from '../simulator';

/**
 * The demo's cluster side, also used by the end-to-end tests: a real kube-apiserver + etcd holding the
 * emojivoto objects, the traffic simulator reading the live split weights from it (web-svc-2 a little worse than
 * web-svc), and Prometheus scraping the simulator every second. Everything on loopback; `stop()` ends it all.
 *
 * The examples go in as a user's do, by plain `kubectl apply` (client-side: field manager `kubectl-client-side-apply`,
 * kubernetes/kubectl pkg/cmd/apply/apply.go FieldManagerClientSideApply), not by the test harness's own manager: so
 * Canary Lens's server-side apply meets the conflict a user meets ("… was last set by kubectl apply").
 *
 * With `delivery`, the cluster also gets the Flagger Canary `voting` and the Argo Rollout `emoji`
 * (examples/emojivoto/voting-canary.yaml, emoji-rollout.yaml; the harness installs the controllers' CRDs), and the
 * simulator stands in for both controllers (tools/simulator/delivery/): it creates what they generate, writes their
 * status and moves their TrafficSplits' weights. `release()` then starts a new revision of both, as a user would.
 */
export interface DemoEnvironment {
  cluster: Cluster;
  /** Admin kubeconfig, current namespace emojivoto. */
  kubeconfig: string;
  prometheusUrl: string;
  simulatorUrl: string;
  /**
   * With `delivery`: a new image for the Canary's target Deployment and for the Rollout (`kubectl set image`,
   * `kubectl patch`), once the stand-in controllers have initialised both; resolves with what it did.
   */
  release(): Promise<string[]>;
  stop(): Promise<void>;
}

export interface DemoOptions {
  log?: (line: string) => void;
  /** Requests per second per split (default 10). */
  rps?: number;
  /** Also create the gRPC canary (examples/emojivoto/emoji-svc-2.yaml and emoji-grpcroute.yaml). */
  grpc?: boolean;
  /**
   * Also create the Flagger Canary and the Argo Rollout (DELIVERY_EXAMPLES) and let the simulator stand in for their
   * controllers; `timeScale` multiplies Flagger's interval and Argo's pauses (default 1: as the manifests say).
   */
  delivery?: boolean | { timeScale?: number };
}

/** The gRPC canary of the demo: a second emoji service and the GRPCRoute that splits emoji-svc between them. */
export const GRPC_EXAMPLES = ['emoji-svc-2.yaml', 'emoji-grpcroute.yaml'];

/** The progressive delivery demo: a Flagger Canary for voting and an Argo Rollout for emoji, as a user writes them. */
export const DELIVERY_EXAMPLES = ['voting-canary.yaml', 'emoji-rollout.yaml'];
/** What those files hold, and what the stand-in controllers generate from them in the cluster. */
export const DEMO_DELIVERIES = {
  canary: { name: 'voting', target: 'voting', container: 'voting-svc', image: 'buoyantio/emojivoto-voting-svc', split: 'voting', primary: 'voting-primary', canary: 'voting-canary' },
  rollout: { name: 'emoji', container: 'emoji-svc', image: 'buoyantio/emojivoto-emoji-svc', split: 'emoji', stable: 'emoji-svc-stable', canary: 'emoji-svc-canary' },
} as const;

export async function startDemoEnvironment(opts: DemoOptions = {}): Promise<DemoEnvironment> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`[demo] ${line}\n`));
  let cluster: Cluster | undefined;
  let sim: RunningSimulator | undefined;
  let prom: RunningPrometheus | undefined;
  const stop = async (): Promise<void> => {
    await sim?.stop();
    await prom?.stop();
    await cluster?.stop();
  };
  try {
    // The harness makes the namespace, the reader's RBAC and the CRDs; the demo's objects are the user's.
    cluster = await startCluster({ log: (l) => log(`cluster: ${l}`), emojivoto: false });
    const t = Date.now();
    // One `kubectl apply` for all; the harness's hand-made Endpoints too (no kube-controller-manager runs to make them).
    const examples = [...EMOJIVOTO_FILES, ...(opts.grpc ? GRPC_EXAMPLES : []), ...(opts.delivery ? DELIVERY_EXAMPLES : [])];
    await kubectlApply(cluster, 'applying the demo\'s examples', [
      ...examples.map((f) => path.join(EMOJIVOTO_DIR, f)),
      path.join(FIXTURES_DIR, 'emojivoto-endpoints.yaml'),
    ]);
    log(`examples applied with kubectl apply (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    const timeScale = typeof opts.delivery === 'object' ? opts.delivery.timeScale : undefined;
    const { canary, rollout } = DEMO_DELIVERIES;
    sim = await startSimulator({
      kubeconfig: cluster.kubeconfig,
      namespace: 'emojivoto',
      rps: opts.rps ?? 10,
      backends: {
        'web-svc': { errorRate: 0.02, latencyMs: { p50: 4, p99: 15 } },
        'web-svc-2': { errorRate: 0.08, latencyMs: { p50: 12, p99: 60 } },
        'emoji-svc': { errorRate: 0.01, latencyMs: { p50: 2, p99: 8 } },
        'emoji-svc-2': { errorRate: 0.05, latencyMs: { p50: 6, p99: 30 } },
        // Healthy enough for the Canary's analysis (success rate >= 99% over 1 m, p99 <= 500 ms).
        [canary.primary]: { errorRate: 0.001, latencyMs: { p50: 2, p99: 8 } },
        [canary.canary]: { errorRate: 0.002, latencyMs: { p50: 3, p99: 12 } },
        [rollout.stable]: { errorRate: 0.01, latencyMs: { p50: 2, p99: 8 } },
        [rollout.canary]: { errorRate: 0.02, latencyMs: { p50: 3, p99: 14 } },
      },
      // Enough requests that a 10% canary's success rate over a minute is measured on hundreds, not dozens.
      config: { splits: { [canary.split]: { rps: 50 } } },
      ...(opts.delivery ? { controllers: { ...(timeScale !== undefined ? { timeScale } : {}) } } : {}),
      log: (l) => log(`simulator: ${l}`),
    });
    await sim.synced();
    prom = await startPrometheus({ scrape: [{ target: new URL(sim.url).host }], scrapeInterval: '1s', log: (l) => log(`prometheus: ${l}`) });
    const c = cluster;
    let version = 11;
    const release = async (): Promise<string[]> => {
      if (!opts.delivery) throw new Error('release(): the demo environment was started without delivery');
      await waitForControllers(c, 30_000);
      version++;
      const image = (i: string) => `${i}:v${version}`;
      const did = [
        ['set', 'image', `deployment/${canary.target}`, `${canary.container}=${image(canary.image)}`],
        ['patch', `rollout/${rollout.name}`, '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image(rollout.image) }])],
      ];
      for (const args of did) {
        const r = await c.kubectl(args);
        if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
      }
      return did.map((args) => `kubectl ${args.map((a) => (a.includes(' ') || a.startsWith('[') ? `'${a}'` : a)).join(' ')}`);
    };
    return { cluster, kubeconfig: cluster.kubeconfig, prometheusUrl: prom.url, simulatorUrl: sim.url, release, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * `kubectl apply -f …` (client-side, kubectl's default field manager), as a user loads manifests. Retries only while
 * kubectl's discovery does not know the new CRDs' kinds yet (as the harness does).
 */
async function kubectlApply(cluster: Cluster, what: string, files: string[]): Promise<void> {
  const args = ['apply', ...files.flatMap((f) => ['-f', f])];
  for (let attempt = 1; ; attempt++) {
    const r = await cluster.kubectl(args);
    if (r.code === 0) return;
    if (attempt >= 10 || !/no matches for kind|could not find the requested resource|ensure CRDs are installed/i.test(r.stderr)) {
      throw new Error(`${what} (kubectl ${args.join(' ')}): exit ${r.code}\n${r.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Waits until the stand-in controllers have initialised the demo's Canary (a resting phase) and Rollout (a stable
 * ReplicaSet): a new revision before that would be taken for the first one, without canary steps.
 */
async function waitForControllers(cluster: Cluster, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const { canary, rollout } = DEMO_DELIVERIES;
  for (;;) {
    const phase = await cluster.kubectl(['get', `canary/${canary.name}`, '-o', 'jsonpath={.status.phase}']);
    const stable = await cluster.kubectl(['get', `rollout/${rollout.name}`, '-o', 'jsonpath={.status.stableRS}']);
    if (['Initialized', 'Succeeded', 'Failed'].includes(phase.stdout.trim()) && stable.stdout.trim() !== '') return;
    if (Date.now() > deadline) {
      throw new Error(`the stand-in controllers did not initialise Canary ${canary.name} (phase "${phase.stdout.trim()}") and Rollout ${rollout.name} (stableRS "${stable.stdout.trim()}") within ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
