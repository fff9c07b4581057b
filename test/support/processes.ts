/**
 * Processes the tests start, and how none of them outlives the test process.
 *
 * - Process groups: a server is spawned `detached` (a process group of its own), so `kill(-pgid)` ends it with
 *   everything it started. `killGroup`, `groupAlive` and `endGroup` (SIGTERM, a grace period, SIGKILL) work on them.
 * - Clean-up on exit: the groups and temporary folders registered with `trackGroup` / `trackDir` are killed and
 *   removed when the test process exits, and on SIGINT, SIGTERM and SIGHUP (after which the process still ends).
 * - `ServerProcess`: a long-running server (etcd, kube-apiserver, Prometheus) under a small bash watchdog that ends
 *   it when the test process disappears, even by SIGKILL, when no exit hook can run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { sleep, waitFor } from './wait';

// ---------------------------------------------------------------------------------------------------------------
// Process groups

/** Sends `signal` to the process group `pgid`; a group that is gone already is fine. */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Whether any process of the group `pgid` is still there. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the group, up to `graceMs` for it to go, then SIGKILL to whatever is left; no longer tracked. */
export async function endGroup(pgid: number, graceMs = 3000): Promise<void> {
  killGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  killGroup(pgid, 'SIGKILL');
  untrackGroup(pgid);
}

/** Whether `p` settles within `ms` (the timer is cleared either way, so it never holds the process open). */
export async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Clean-up when the test process ends

const liveGroups = new Set<number>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

/** Kills the group `pgid` with SIGKILL if the test process ends while it is still tracked. */
export function trackGroup(pgid: number): void {
  installExitHook();
  liveGroups.add(pgid);
}

export function untrackGroup(pgid: number): void {
  liveGroups.delete(pgid);
}

/** Removes `dir` (recursively) if the test process ends while it is still tracked. */
export function trackDir(dir: string): void {
  installExitHook();
  liveDirs.add(dir);
}

export function untrackDir(dir: string): void {
  liveDirs.delete(dir);
}

function cleanUpSync(): void {
  for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  liveGroups.clear();
  for (const dir of liveDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
  liveDirs.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', cleanUpSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      cleanUpSync();
      // With no other handler left, the default action again: re-raised, the process dies of the signal. Otherwise
      // the process must still end, with the status a shell gives a process killed by it.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
      else process.exit(128 + constants.signals[sig]);
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A server under a watchdog

/**
 * The watchdog (bash): starts the command, writes its pid to $PIDFILE, and ends it (and removes $CLEANUP_DIR) when
 * the test process ($WATCHED_PID) disappears. Killing the watchdog's process group ends both.
 */
export const WATCHDOG = `
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

export interface ServerProcessOptions {
  /** For messages, and the watchdog's $0. */
  name: string;
  /** The program (a path, or a name looked up in PATH) and its arguments. */
  command: string;
  args: string[];
  /** stdout and stderr of the server (and the watchdog) are appended here. */
  logFile: string;
  /** Where the watchdog writes the server's own pid. */
  pidFile: string;
  /** Removed by the watchdog when the test process disappears. */
  cleanupDir: string;
}

/**
 * A server process in its own process group under the WATCHDOG. start() may be called again after stop() (a restart
 * on the same arguments); the group is tracked for the exit clean-up while it runs.
 */
export class ServerProcess {
  readonly name: string;
  readonly logFile: string;
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  /** `undefined` while running (or before the first start); the exit code, or -1 for a signal or a spawn error. */
  exitCode: number | null | undefined;

  constructor(private readonly options: ServerProcessOptions) {
    this.name = options.name;
    this.logFile = options.logFile;
  }

  start(): void {
    const { name, command, args, logFile, pidFile, cleanupDir } = this.options;
    const fd = openSync(logFile, 'a');
    try {
      this.exitCode = undefined;
      rmSync(pidFile, { force: true });
      const child = spawn('bash', ['-c', WATCHDOG, name, command, ...args], {
        detached: true, // own process group: kill(-pid) ends the watchdog and the server
        stdio: ['ignore', fd, fd],
        env: { ...process.env, PIDFILE: pidFile, WATCHED_PID: String(process.pid), CLEANUP_DIR: cleanupDir },
      });
      this.child = child;
      this.exited = new Promise((resolve) => {
        child.on('exit', (code, signal) => {
          this.exitCode = code ?? (signal ? -1 : null);
          resolve(this.exitCode);
        });
        child.on('error', () => {
          this.exitCode = -1;
          resolve(-1);
        });
      });
      child.unref(); // never keeps the test process alive
      trackGroup(child.pid!);
    } finally {
      closeSync(fd);
    }
  }

  /** Started and not stopped (it may have exited by itself since). */
  get started(): boolean {
    return this.child !== undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitCode === undefined;
  }

  /** The server's own pid (not the watchdog's), once it has started. */
  serverPid(): number | undefined {
    if (!this.running) return undefined;
    try {
      const pid = Number(readFileSync(this.options.pidFile, 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** Resident memory of the server in MB, from /proc. */
  rssMB(): number | undefined {
    const pid = this.serverPid();
    if (pid === undefined) return undefined;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Math.round(Number(m[1]) / 1024) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Polls `probe` (a probe that throws counts as "not yet") until it answers true. Fails at once if the server exits
   * first, and after `timeoutMs`; both messages end with the last lines of the log.
   */
  async waitUntil(
    what: string,
    probe: () => Promise<boolean>,
    timeoutMs: number,
    options: { intervalMs?: number; formatMs?: (ms: number) => string } = {},
  ): Promise<void> {
    const tail = () => `last lines of ${this.logFile}:\n${this.logTail(40)}`;
    await waitFor(what, probe, timeoutMs, {
      ...options,
      ignoreErrors: true,
      abort: () => (this.exitCode !== undefined ? `${this.name} exited (code ${this.exitCode}) before ${what}; ${tail()}` : undefined),
      detail: () => `; ${tail()}`,
    });
  }

  /** SIGTERM to the group, up to `graceMs` for the server to exit, then SIGKILL; the group's leftovers go too. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) return;
    const pgid = child.pid;
    if (this.running) {
      killGroup(pgid, 'SIGTERM');
      if (!(await within(this.exited!, graceMs))) {
        killGroup(pgid, 'SIGKILL');
        await within(this.exited!, 5_000);
      }
    }
    // Whatever else is left in the group (the watchdog's sleep).
    killGroup(pgid, 'SIGKILL');
    untrackGroup(pgid);
    this.child = undefined;
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines - 1).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
