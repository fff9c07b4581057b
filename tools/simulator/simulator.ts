/**
 * The traffic simulator: watches the TrafficSplits and HTTPRoutes of a namespace in a kube-apiserver and
 * serves Linkerd-proxy metrics of both families for every split's backends at `/metrics` on a loopback port, with
 * requests spread by the live weights. A demo and test fixture: against a real cluster Canary Lens reads real
 * Linkerd metrics. See README.md beside this file for the config file and the annotations.
 *
 *   const sim = await startSimulator({ kubeconfig, namespace: 'emojivoto' });
 *   await sim.synced();   // the first list of every kind (optional)
 *   ... scrape sim.url + '/metrics' ...
 *   await sim.stop();
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { startStandIn, type BackendMeasure, type StandIn } from './delivery/standIn';
import { KINDS, KindWatcher, loadKubeConfig, type Backoff } from './kube';
import { Registry, type Source } from './metrics';
import {
  ConfigError, DEFAULT_RPS, httpRouteSplitsOf, mergeConfigs, routeSplitsOf, resolveSplit, servicePorts, trafficSplitOf, validateConfig,
  type BackendOverrides, type Distribution, type Family, type ServicePorts, type SimConfig, type SimSplit,
} from './model';
import { splitsInEffect } from './precedence';
import { SplitTraffic } from './traffic';

export interface SimulatorOptions {
  /** Kubeconfig path (several joined with ':'); default KUBECONFIG, else ~/.kube/config. */
  kubeconfig?: string;
  context?: string;
  namespace: string;
  /** Loopback port of /metrics; default 0 (a free one). */
  port?: number;
  /** Requests per second per split (overrides the config file's `rps`); default 10. */
  rps?: number;
  /** Settings per backend Service name (override the config file's `backends`). */
  backends?: Record<string, BackendOverrides>;
  seed?: number;
  distribution?: Distribution;
  families?: Family[];
  /** A config object, or the path of a YAML/JSON config file (options above override it). */
  config?: SimConfig | string;
  /** Tick period in ms (default 1000): counters advance on this clock, not per scrape. */
  tickMs?: number;
  /** How long a new split's series are exported at 0 before its first request (default one tick). */
  warmUpMs?: number;
  /** Watch retry backoff (default 500 ms doubling up to 15 s). */
  backoff?: Backoff;
  /** Log lines (default: stderr with a `[simulator]` prefix). */
  log?: (line: string) => void;
  /**
   * Stand in for the Flagger and Argo Rollouts controllers (delivery/standIn.ts): advance the namespace's Canaries and
   * Rollouts step by step (status through `/status`, generated objects, the managed TrafficSplit's weights, all
   * under the controllers' field managers). Off by default; `true` takes the defaults.
   */
  controllers?: boolean | ControllerOptions;
}

export interface ControllerOptions {
  /** Multiplies Flagger's analysis interval, Argo's pause durations and the metric windows (default 1). */
  timeScale?: number;
  /** How often the controllers reconcile, ms (default 500). */
  tickMs?: number;
  /** How long an Argo step's canary pods take to be ready, ms before scaling (default 2000). */
  podReadyMs?: number;
  /** Flagger's `-mesh-provider` for Canaries without spec.provider (default linkerd). */
  meshProvider?: string;
}

export interface SplitSnapshot {
  key: string;
  kind: SimSplit['kind'];
  name: string;
  rule?: number;
  apex: string;
  apexPort: number;
  route: string;
  rps: number;
  /** When the simulator last saw the weights change (ms since the epoch). */
  weightsChangedAt: number;
  backends: { name: string; port: number; weight: number; errorRate: number; latencyMs: { p50: number; p99: number }; success: number; failure: number }[];
  problems: string[];
}

export interface RunningSimulator {
  /** http://127.0.0.1:PORT (metrics at `${url}/metrics`). */
  url: string;
  port: number;
  /** Resolves once every kind has been listed once (or after `timeoutMs`, default 30 s, rejecting). */
  synced(timeoutMs?: number): Promise<void>;
  /** The splits being simulated, with the requests sent so far. */
  splits(): SplitSnapshot[];
  /** The current /metrics text. */
  metrics(): string;
  stop(): Promise<void>;
}

export function loadConfigFile(file: string): SimConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text); // JSON is YAML
  } catch (e) {
    throw new ConfigError(`${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  return validateConfig(raw, file);
}

function defaultLog(line: string): void {
  process.stderr.write(`[simulator] ${line}\n`);
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const log = options.log ?? defaultLog;
  const fileConfig = typeof options.config === 'string' ? loadConfigFile(options.config) : validateConfig(options.config ?? {}, 'config');
  const optionConfig = validateConfig({
    ...(options.rps !== undefined ? { rps: options.rps } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.distribution !== undefined ? { distribution: options.distribution } : {}),
    ...(options.families !== undefined ? { families: options.families } : {}),
    ...(options.backends !== undefined ? { backends: options.backends } : {}),
  }, 'options');
  const config = mergeConfigs(fileConfig, optionConfig);
  const namespace = options.namespace;
  if (!namespace) throw new ConfigError('namespace is required');
  const tickMs = options.tickMs ?? 1000;
  const warmUpMs = options.warmUpMs ?? tickMs;
  const source: Source = {
    namespace: config.source?.namespace ?? namespace,
    deployment: config.source?.deployment ?? 'canary-lens-simulator',
    pod: config.source?.pod ?? 'canary-lens-simulator-0',
  };
  const registry = new Registry();
  const trafficOptions = {
    registry,
    source,
    clusterDomain: config.clusterDomain ?? 'cluster.local',
    families: config.families ?? (['authority', 'route'] as Family[]),
    distribution: config.distribution ?? 'proportional',
    seed: config.seed ?? 1,
  };

  const kc = loadKubeConfig(options.kubeconfig, options.context);
  const traffic = new Map<string, SplitTraffic>();
  const reported = new Map<string, string>();

  const describeSplit = (t: SplitTraffic): string =>
    `${t.split.kind} ${t.split.name}${t.split.rule !== undefined ? ` rule ${t.split.rule + 1}` : ''} → ${t.split.apex.name}:${t.split.apex.port}: `
    + `${t.split.backends.map((b) => `${b.name} ${b.weight}`).join(', ')} at ${t.resolved.rps} rps`;

  // Recomputes the simulated splits from what the watchers hold: called on every list and watch event.
  const reconcile = () => {
    const services: ServicePorts = new Map();
    for (const s of watchers.services.items.values()) if (s.metadata?.name) services.set(s.metadata.name, servicePorts(s));
    const splits: SimSplit[] = [];
    for (const ts of watchers.trafficsplits.items.values()) {
      const s = trafficSplitOf(ts, services);
      if (s) splits.push(s);
    }
    for (const w of [watchers.httproutesGateway, watchers.httproutesPolicy]) {
      for (const r of w.items.values()) splits.push(...httpRouteSplitsOf(r, services));
    }
    for (const r of watchers.grpcroutesGateway.items.values()) splits.push(...routeSplitsOf(r, services, 'GRPCRoute'));
    // Only the split Linkerd uses on an apex carries its traffic; a shadowed one is "gone" below (its series frozen).
    const { inEffect, shadowed } = splitsInEffect(splits);
    for (const split of shadowed) {
      const line = `${split.kind} ${split.name}: not in effect on ${split.apex.name}, no traffic`;
      if (reported.get(split.key) !== line) { reported.set(split.key, line); log(line); }
    }
    const now = Date.now();
    const seen = new Set<string>();
    for (const split of inEffect) {
      seen.add(split.key);
      const resolved = resolveSplit(config, split);
      let t = traffic.get(split.key);
      if (!t) {
        t = new SplitTraffic(split, resolved, trafficOptions, now, warmUpMs);
        traffic.set(split.key, t);
      } else t.update(split, resolved, now);
      const line = describeSplit(t);
      if (reported.get(split.key) !== line) {
        reported.set(split.key, line);
        log(line);
        for (const p of resolved.problems) log(`  ${p} (ignored)`);
      }
    }
    const shadowedKeys = new Set(shadowed.map((sp) => sp.key));
    for (const key of [...traffic.keys()]) {
      if (seen.has(key)) continue;
      if (shadowedKeys.has(key)) { traffic.delete(key); continue; } // said above, once
      // Its series stay, frozen (cumulative counters must not go back); a split of the same key picks them up again.
      log(`${traffic.get(key)!.split.kind} ${traffic.get(key)!.split.name}: gone, no more traffic`);
      traffic.delete(key);
      reported.delete(key);
    }
  };

  const mk = (spec: (typeof KINDS)[keyof typeof KINDS]) => new KindWatcher(kc, spec, namespace, () => reconcile(), log, options.backoff);
  const watchers = {
    trafficsplits: mk(KINDS.trafficsplits),
    httproutesGateway: mk(KINDS.httproutesGateway),
    httproutesPolicy: mk(KINDS.httproutesPolicy),
    grpcroutesGateway: mk(KINDS.grpcroutesGateway),
    services: mk(KINDS.services),
  };

  const snapshot = (): SplitSnapshot[] => [...traffic.values()].map((t) => ({
    key: t.split.key,
    kind: t.split.kind,
    name: t.split.name,
    ...(t.split.rule !== undefined ? { rule: t.split.rule } : {}),
    apex: t.split.apex.name,
    apexPort: t.split.apex.port,
    route: `${t.split.route.kind}/${t.split.route.name}`,
    rps: t.resolved.rps,
    weightsChangedAt: t.weightsChangedAt,
    backends: t.split.backends.map((b) => {
      const s = t.resolved.backends.get(b.name)!;
      const sent = t.sent.get(b.name) ?? { success: 0, failure: 0 };
      return { name: b.name, port: b.port, weight: b.weight, errorRate: s.errorRate, latencyMs: { ...s.latencyMs }, success: sent.success, failure: sent.failure };
    }),
    problems: t.resolved.problems,
  }));

  const server: Server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (url === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : registry.render());
    } else if (url === '/splits') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(`${JSON.stringify(snapshot(), null, 2)}\n`);
    } else if (url === '/healthz' || url === '/ready') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: try /metrics, /splits or /healthz\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  for (const w of Object.values(watchers)) w.start();

  // What the stand-in Flagger measures for its analysis: a backend's requests over every split sending it traffic.
  const measure = (backend: string): BackendMeasure | undefined => {
    let found: BackendMeasure | undefined;
    for (const t of traffic.values()) {
      const settings = t.resolved.backends.get(backend);
      if (!settings || !t.split.backends.some((b) => b.name === backend)) continue;
      const sent = t.sent.get(backend) ?? { success: 0, failure: 0 };
      found = {
        success: (found?.success ?? 0) + sent.success,
        failure: (found?.failure ?? 0) + sent.failure,
        p99Ms: Math.max(found?.p99Ms ?? 0, settings.latencyMs.p99),
      };
    }
    return found;
  };
  const controllerOptions = options.controllers === true ? {} : options.controllers || undefined;
  const standIn: StandIn | undefined = controllerOptions
    ? startStandIn({ kc, namespace, log, measure, ...controllerOptions, ...(options.backoff ? { backoff: options.backoff } : {}) })
    : undefined;

  const timer = setInterval(() => {
    const now = Date.now();
    for (const t of traffic.values()) t.tick(now);
  }, tickMs);
  timer.unref?.();
  log(`serving ${url}/metrics for namespace ${namespace} (${config.rps ?? DEFAULT_RPS} rps per split by default, ${trafficOptions.distribution}, families ${trafficOptions.families.join('+')})`);

  let stopped = false;
  return {
    url,
    port,
    async synced(timeoutMs = 30_000) {
      let timeout: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.all([...Object.values(watchers).map((w) => w.whenSynced()), standIn?.synced()]),
          new Promise((_, reject) => (timeout = setTimeout(() => reject(new Error(`simulator: not every kind listed within ${timeoutMs} ms`)), timeoutMs))),
        ]);
      } finally {
        clearTimeout(timeout);
      }
    },
    splits: snapshot,
    metrics: () => registry.render(),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      standIn?.stop();
      for (const w of Object.values(watchers)) w.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
