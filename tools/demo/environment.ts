import * as path from 'node:path';
import { EMOJIVOTO_DIR, startCluster, type Cluster } from '../../test/cluster/harness';
import { startPrometheus, type RunningPrometheus } from '../../test/stats/prometheus';
import { startSimulator, type RunningSimulator } from '../simulator';

/**
 * The demo's cluster side, also used by the end-to-end tests: a real kube-apiserver + etcd holding the
 * emojivoto objects, the traffic simulator reading the live split weights from it (web-svc-2 a little worse than
 * web-svc), and Prometheus scraping the simulator every second. Everything on loopback; `stop()` ends it all.
 */
export interface DemoEnvironment {
  cluster: Cluster;
  /** Admin kubeconfig, current namespace emojivoto. */
  kubeconfig: string;
  prometheusUrl: string;
  simulatorUrl: string;
  stop(): Promise<void>;
}

export interface DemoOptions {
  log?: (line: string) => void;
  /** Requests per second per split (default 10). */
  rps?: number;
  /** Also create the gRPC canary (examples/emojivoto/emoji-svc-2.yaml and emoji-grpcroute.yaml). */
  grpc?: boolean;
}

/** The gRPC canary of the demo: a second emoji service and the GRPCRoute that splits emoji-svc between them. */
export const GRPC_EXAMPLES = ['emoji-svc-2.yaml', 'emoji-grpcroute.yaml'];

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
    cluster = await startCluster({ log: (l) => log(`cluster: ${l}`) });
    if (opts.grpc) {
      const files = GRPC_EXAMPLES.flatMap((f) => ['-f', path.join(EMOJIVOTO_DIR, f)]);
      const r = await cluster.kubectl(['apply', ...files]);
      if (r.code !== 0) throw new Error(`applying the gRPC canary: ${r.stderr}`);
    }
    sim = await startSimulator({
      kubeconfig: cluster.kubeconfig,
      namespace: 'emojivoto',
      rps: opts.rps ?? 10,
      backends: {
        'web-svc': { errorRate: 0.02, latencyMs: { p50: 4, p99: 15 } },
        'web-svc-2': { errorRate: 0.08, latencyMs: { p50: 12, p99: 60 } },
        'emoji-svc': { errorRate: 0.01, latencyMs: { p50: 2, p99: 8 } },
        'emoji-svc-2': { errorRate: 0.05, latencyMs: { p50: 6, p99: 30 } },
      },
      log: (l) => log(`simulator: ${l}`),
    });
    await sim.synced();
    prom = await startPrometheus({ scrape: [{ target: new URL(sim.url).host }], scrapeInterval: '1s', log: (l) => log(`prometheus: ${l}`) });
    return { cluster, kubeconfig: cluster.kubeconfig, prometheusUrl: prom.url, simulatorUrl: sim.url, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
