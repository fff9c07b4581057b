/**
 * A real Prometheus for the stats tests: Debian's `prometheus` package (2.42, with
 * `promtool`), installed on first use, run as our own process on a free loopback port.
 *
 * Two modes:
 *   backfilled  OpenMetrics text → `promtool tsdb create-blocks-from openmetrics` → Prometheus on those blocks, so
 *               queries at a fixed `time=` give exact, repeatable answers (prometheus/prometheus docs/storage.md,
 *               "Backfilling from OpenMetrics format");
 *   scraping    a scrape config for live targets (the traffic simulator), scraped every second by default.
 *
 * Usage:
 *   const prom = await startPrometheus({ openMetrics: text });
 *   try { ... prom.url ... } finally { await prom.stop(); }
 *
 * The server runs in its own process group under a small bash watchdog that ends it when the test process dies,
 * even by SIGKILL; stop() and an exit handler end it too. Its temp dir (config, data, log) goes with stop().
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { httpGet } from '../support/http';
import { freePort } from '../support/ports';
import { ServerProcess, trackDir, untrackDir } from '../support/processes';
import { sleep } from '../support/wait';

export interface PrometheusTimings {
  /** apt-get install, when it had to run. */
  installMs?: number;
  /** promtool create-blocks-from openmetrics, in backfilled mode. */
  backfillMs?: number;
  /** Spawn to /-/ready. */
  readyMs: number;
}

export interface RunningPrometheus {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  dir: string;
  timings: PrometheusTimings;
  /** Stops the server (data kept) and resolves once the port is closed: "Prometheus down". */
  stopServer(): Promise<void>;
  /** Starts it again on the same port and data, and waits for /-/ready. */
  startServer(): Promise<void>;
  readonly running: boolean;
  logTail(lines?: number): string;
  /** Stops everything and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ScrapeTarget {
  /** host:port, loopback only. */
  target: string;
  job?: string;
  labels?: Record<string, string>;
}

export interface StartPrometheusOptions {
  /** Backfilled mode: the OpenMetrics text (ending in `# EOF`). */
  openMetrics?: string;
  /** Scraping mode: targets scraped every `scrapeInterval`. */
  scrape?: ScrapeTarget[];
  /** Default `1s`. */
  scrapeInterval?: string;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}

const RETENTION = '100y'; // backfilled samples are from 2024: far inside this, never deleted

function defaultLog(line: string): void {
  process.stderr.write(`[prometheus] ${line}\n`);
}

function which(cmd: string): string | undefined {
  const r = spawnSync('bash', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

let installed: { installMs?: number } | undefined;

/**
 * Installs Debian's prometheus package when `prometheus` or `promtool` is missing (idempotent; `apt-get update` first
 * only when the install fails for lack of package lists). Returns how long the install took, if it ran.
 */
export function ensurePrometheus(log: (line: string) => void = defaultLog): { installMs?: number } {
  if (installed) return installed;
  if (which('prometheus') && which('promtool')) return (installed = {});
  const started = Date.now();
  log('prometheus/promtool missing: apt-get install -y --no-install-recommends prometheus');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'], { encoding: 'utf8', env, timeout: 600_000 });
  let r = install();
  if (r.status !== 0) {
    log('install failed; apt-get update, then install again');
    spawnSync('apt-get', ['update'], { encoding: 'utf8', env, timeout: 600_000 });
    r = install();
  }
  if (r.status !== 0 || !which('prometheus') || !which('promtool')) {
    throw new Error(`could not install Debian's prometheus package:\n${(r.stderr || r.stdout || '').slice(-2000)}`);
  }
  installed = { installMs: Date.now() - started };
  log(`installed in ${(installed.installMs! / 1000).toFixed(1)} s`);
  return installed;
}

/** promtool tsdb create-blocks-from openmetrics FILE DATA. */
export function backfill(openMetrics: string, dataDir: string, workDir: string): number {
  const file = path.join(workDir, 'history.om');
  writeFileSync(file, openMetrics.endsWith('\n') ? openMetrics : `${openMetrics}\n`);
  const started = Date.now();
  const r = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`promtool create-blocks-from openmetrics failed (${r.status}):\n${(r.stderr || r.stdout).slice(-3000)}`);
  return Date.now() - started;
}

function configYaml(opts: StartPrometheusOptions): string {
  const interval = opts.scrapeInterval ?? '1s';
  const lines = ['global:', `  scrape_interval: ${interval}`, `  evaluation_interval: ${interval}`];
  if (opts.scrape?.length) {
    lines.push('scrape_configs:');
    const jobs = new Map<string, ScrapeTarget[]>();
    for (const t of opts.scrape) {
      const host = t.target.split(':')[0];
      if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') throw new Error(`scrape target ${t.target} is not loopback`);
      const job = t.job ?? 'simulator';
      jobs.set(job, [...(jobs.get(job) ?? []), t]);
    }
    for (const [job, targets] of jobs) {
      lines.push(`  - job_name: ${JSON.stringify(job)}`, `    scrape_interval: ${interval}`, '    static_configs:');
      for (const t of targets) {
        lines.push(`      - targets: [${JSON.stringify(t.target)}]`);
        if (t.labels && Object.keys(t.labels).length) {
          lines.push('        labels:');
          for (const [k, v] of Object.entries(t.labels)) lines.push(`          ${k}: ${JSON.stringify(v)}`);
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function startPrometheus(opts: StartPrometheusOptions = {}): Promise<RunningPrometheus> {
  const log = opts.log ?? defaultLog;
  const config = configYaml(opts); // refuses a target that is not loopback before anything starts
  const { installMs } = ensurePrometheus(log);
  const dir = mkdtempSync(path.join(tmpdir(), 'canary-lens-prom-'));
  trackDir(dir);
  const dataDir = path.join(dir, 'data');
  const configFile = path.join(dir, 'prometheus.yml');
  const logFile = path.join(dir, 'prometheus.log');
  const pidFile = path.join(dir, 'prometheus.pid');
  writeFileSync(configFile, config);
  const timings: PrometheusTimings = { readyMs: 0, ...(installMs !== undefined ? { installMs } : {}) };
  if (opts.openMetrics !== undefined) timings.backfillMs = backfill(opts.openMetrics, dataDir, dir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--storage.tsdb.retention.time=${RETENTION}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];

  const server = new ServerProcess({ name: 'prometheus', command: 'prometheus', args, logFile, pidFile, cleanupDir: dir });

  const waitReady = (): Promise<void> =>
    server.waitUntil(`${url}/-/ready`, async () => (await httpGet(`${url}/-/ready`, { timeoutMs: 2000 })).status === 200, opts.readyTimeoutMs ?? 60_000, { intervalMs: 50 });

  const stopServer = async (): Promise<void> => {
    if (!server.started) return;
    await server.stop(15_000);
    // The port must be closed before a "down" test goes on.
    for (let i = 0; i < 100; i++) {
      if (!(await httpGet(`${url}/-/ready`, { timeoutMs: 500 }).then(() => true, () => false))) break;
      await sleep(50);
    }
  };

  const started = Date.now();
  server.start();
  try {
    await waitReady();
  } catch (e) {
    await stopServer();
    rmSync(dir, { recursive: true, force: true });
    untrackDir(dir);
    throw e;
  }
  timings.readyMs = Date.now() - started;
  log(`ready at ${url} in ${timings.readyMs} ms${timings.backfillMs !== undefined ? ` (backfill ${timings.backfillMs} ms)` : ''}`);

  let stopped = false;
  return {
    url,
    port,
    dir,
    timings,
    stopServer,
    async startServer() {
      if (server.started) return;
      server.start();
      await waitReady();
    },
    get running() {
      return server.running;
    },
    logTail: (lines?: number) => server.logTail(lines),
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopServer();
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
      untrackDir(dir);
    },
  };
}
