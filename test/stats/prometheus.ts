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
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

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

// A server process in its own process group: the watchdog starts it, writes its pid, and ends it when the test
// process (WATCHED_PID) is gone.
const WATCHDOG = `
"$@" &
c=$!
echo "$c" > "$PIDFILE"
trap 'kill -TERM "$c" 2>/dev/null; wait "$c"; exit $?' TERM INT HUP
while kill -0 "$c" 2>/dev/null; do
  if ! kill -0 "$WATCHED_PID" 2>/dev/null; then
    kill -TERM "$c" 2>/dev/null; sleep 3; kill -KILL "$c" 2>/dev/null
    [ -n "$CLEANUP_DIR" ] && rm -rf "$CLEANUP_DIR"
    exit 1
  fi
  sleep 1 &
  wait $!
done
wait "$c"
`;

const liveGroups = new Set<number>();
const liveDirs = new Set<string>();
let exitHandler = false;

function cleanupSync(): void {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  liveGroups.clear();
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  liveDirs.clear();
}

function installExitHandler(): void {
  if (exitHandler) return;
  exitHandler = true;
  process.on('exit', cleanupSync);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function httpGet(url: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether `p` settles within `ms` (the timer is cleared either way, so it never holds the process open). */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startPrometheus(opts: StartPrometheusOptions = {}): Promise<RunningPrometheus> {
  const log = opts.log ?? defaultLog;
  const config = configYaml(opts); // refuses a target that is not loopback before anything starts
  const { installMs } = ensurePrometheus(log);
  installExitHandler();
  const dir = mkdtempSync(path.join(tmpdir(), 'canary-lens-prom-'));
  liveDirs.add(dir);
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

  let child: ChildProcess | undefined;
  let exited: Promise<void> | undefined;
  let exitCode: number | null | undefined;

  const spawnServer = (): void => {
    const fd = openSync(logFile, 'a');
    try {
      exitCode = undefined;
      rmSync(pidFile, { force: true });
      const c = spawn('bash', ['-c', WATCHDOG, 'prometheus', 'prometheus', ...args], {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: { ...process.env, PIDFILE: pidFile, WATCHED_PID: String(process.pid), CLEANUP_DIR: dir },
      });
      child = c;
      exited = new Promise((resolve) => {
        c.on('exit', (code, signal) => {
          exitCode = code ?? (signal ? -1 : null);
          resolve();
        });
        c.on('error', () => {
          exitCode = -1;
          resolve();
        });
      });
      c.unref();
      liveGroups.add(c.pid!);
    } finally {
      closeSync(fd);
    }
  };

  const logTail = (lines = 30): string => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-lines - 1).join('\n');
    } catch {
      return '(no log)';
    }
  };

  const waitReady = async (): Promise<number> => {
    const started = Date.now();
    const deadline = started + (opts.readyTimeoutMs ?? 60_000);
    for (;;) {
      if (exitCode !== undefined) throw new Error(`prometheus exited (${exitCode}) before it was ready:\n${logTail()}`);
      const r = await httpGet(`${url}/-/ready`).catch(() => undefined);
      if (r?.status === 200) return Date.now() - started;
      if (Date.now() > deadline) throw new Error(`prometheus not ready after ${opts.readyTimeoutMs ?? 60_000} ms:\n${logTail()}`);
      await sleep(50);
    }
  };

  const stopServer = async (): Promise<void> => {
    const c = child;
    if (!c || c.pid === undefined) return;
    const pgid = c.pid;
    if (exitCode === undefined) {
      try {
        process.kill(-pgid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const done = await within(exited!, 15_000);
      if (!done) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          /* gone */
        }
        await within(exited!, 5_000);
      }
    }
    try {
      process.kill(-pgid, 'SIGKILL'); // the watchdog's sleep, if left
    } catch {
      /* gone */
    }
    liveGroups.delete(pgid);
    child = undefined;
    // The port must be closed before a "down" test goes on.
    for (let i = 0; i < 100; i++) {
      if (!(await httpGet(`${url}/-/ready`, 500).then(() => true, () => false))) break;
      await sleep(50);
    }
  };

  const started = Date.now();
  spawnServer();
  try {
    await waitReady();
  } catch (e) {
    await stopServer();
    rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
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
      if (child) return;
      spawnServer();
      await waitReady();
    },
    get running() {
      return child !== undefined && exitCode === undefined;
    },
    logTail,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopServer();
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    },
  };
}
