/**
 * The live parts the rollout and gate tests share: the real kube-apiserver (test/cluster/harness.ts), the traffic
 * simulator watching it with a given config, and a real Prometheus scraping the simulator every second, ready once
 * its first scrape is in. `stop()` ends all three (safe after a partial start).
 */
import { PrometheusClient } from '../../src/stats/prometheus';
import { startSimulator, type RunningSimulator, type SimConfig } from '../../tools/simulator';
import { startCluster, type Cluster, type StartClusterOptions } from '../cluster/harness';
import { sleep } from '../support/wait';
import { startPrometheus, type RunningPrometheus } from './prometheus';

export interface LiveHarness {
  cluster: Cluster;
  sim: RunningSimulator;
  prom: RunningPrometheus;
}

export async function startLiveHarness(config: SimConfig, clusterOptions: StartClusterOptions = {}): Promise<LiveHarness & { stop(): Promise<void> }> {
  let cluster: Cluster | undefined;
  let sim: RunningSimulator | undefined;
  let prom: RunningPrometheus | undefined;
  const stop = async (): Promise<void> => {
    await sim?.stop();
    await prom?.stop();
    await cluster?.stop();
  };
  try {
    cluster = await startCluster({ log: (l) => process.stderr.write(`[cluster] ${l}\n`), ...clusterOptions });
    sim = await startSimulator({ kubeconfig: cluster.kubeconfig, namespace: 'emojivoto', config, backoff: { initialMs: 200, maxMs: 2000 }, log: () => undefined });
    await sim.synced(30_000);
    prom = await startPrometheus({ scrape: [{ target: `127.0.0.1:${sim.port}` }], scrapeInterval: '1s' });
    const client = new PrometheusClient(prom.url);
    const deadline = Date.now() + 60_000;
    while (!(await client.query('up{job="simulator"} == 1').catch(() => [])).length) {
      if (Date.now() > deadline) throw new Error(`Prometheus never scraped the simulator:\n${prom.logTail()}`);
      await sleep(200);
    }
    return { cluster, sim, prom, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
