/**
 * Installs the real parts the end-to-end tests (and the demo) need, idempotently and with progress output:
 * Debian's build tools, ripgrep and Chromium (apt), and code-server 4.100.3 (VS Code 1.100.3, the newest that runs on
 * Node 20) from npm into a cache folder outside the work tree: `${CANARY_LENS_CACHE:-$HOME/.cache/canary-lens}/code-server`.
 *
 * A plain `npm i code-server` fails on these machines (its postinstall refuses root, a native module needs Kerberos
 * headers, @vscode/ripgrep downloads a binary), so `ensureCodeServer` installs it step by step. Each step
 * leaves a marker when it has finished, so an interrupted install resumes at the step that did not finish, and a
 * finished one costs a few file checks. A lock folder keeps two processes from installing at once.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, lstatSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';

/** Debian packages: the native-module build tools of the recipe, ripgrep (copied in for @vscode/ripgrep), Chromium. */
export const APT_PACKAGES = [
  'build-essential', 'pkg-config', 'python3', 'libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'ripgrep', 'chromium',
];

export const CHROMIUM = '/usr/bin/chromium';

export function cacheRoot(): string {
  return process.env.CANARY_LENS_CACHE || path.join(homedir(), '.cache', 'canary-lens');
}

export interface InstallReport {
  /** Whether anything had to be installed (a cold or partly cold install) or everything was in place. */
  cold: boolean;
  ms: number;
  /** Per step: what ran and how long it took (steps already done are absent). */
  steps: { step: string; ms: number }[];
}

export interface CodeServerInstall {
  dir: string;
  /** code-server's entry point, run with this Node. */
  entry: string;
}

type Log = (line: string) => void;
const defaultLog: Log = (line) => process.stderr.write(`[e2e install] ${line}\n`);

function run(cmd: string, args: string[], opts: SpawnSyncOptions & { log: Log }): void {
  const { log, ...rest } = opts;
  log(`$ ${[cmd, ...args].join(' ')}${rest.cwd ? `   (in ${String(rest.cwd)})` : ''}`);
  // Output goes to stderr so that the progress shows under the test runner too, whose stdout is the report.
  const r = spawnSync(cmd, args, { stdio: ['ignore', process.stderr, process.stderr], ...rest });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')} failed (exit ${r.status ?? r.signal})`);
}

function missingAptPackages(packages: string[]): string[] {
  return packages.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

/** Installs the missing Debian packages (needs root; says what to run otherwise). */
export function ensureAptPackages(packages = APT_PACKAGES, log: Log = defaultLog): { step: string; ms: number }[] {
  const missing = missingAptPackages(packages);
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')}. Install them (as root): apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  }
  const steps: { step: string; ms: number }[] = [];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let t = Date.now();
  log(`Debian packages missing: ${missing.join(' ')}; updating the package lists first`);
  run('apt-get', ['update', '-q'], { env, log });
  steps.push({ step: 'apt-get update', ms: Date.now() - t });
  t = Date.now();
  run('apt-get', ['install', '-y', '-q', '-o', 'Dpkg::Use-Pty=0', '--no-install-recommends', ...missing], { env, log });
  steps.push({ step: `apt-get install ${missing.join(' ')}`, ms: Date.now() - t });
  return steps;
}

/** Takes a lock folder (waiting for another installer), runs fn, releases it. A lock whose owner died is taken over. */
function withLock<T>(dir: string, log: Log, fn: () => T): T {
  const lock = path.join(dir, '.lock');
  mkdirSync(dir, { recursive: true });
  const deadline = Date.now() + 30 * 60_000;
  let said = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let owner = NaN;
      try { owner = Number(readFileSync(path.join(lock, 'pid'), 'utf8')); } catch { /* being written or gone */ }
      if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock} has been held for 30 minutes; remove it if no install is running`);
      if (!said) log(`another process (pid ${owner}) is installing into ${dir}; waiting for it`);
      said = true;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function relink(target: string, link: string): void {
  try {
    if (lstatSync(link)) unlinkSync(link);
  } catch { /* absent */ }
  symlinkSync(target, link);
}

/**
 * Makes sure Debian's packages and code-server are installed; returns where code-server is and what it took.
 * Progress lines go to `log` (stderr by default).
 */
export function ensureCodeServer(log: Log = defaultLog): CodeServerInstall & InstallReport {
  const started = Date.now();
  const dir = path.join(cacheRoot(), 'code-server');
  const pkg = path.join(dir, 'node_modules', 'code-server');
  const vscodeDir = path.join(pkg, 'lib', 'vscode');
  const entry = path.join(pkg, 'out', 'node', 'entry.js');
  const done = path.join(dir, `.installed-${CODE_SERVER_VERSION}`);

  const steps = ensureAptPackages(APT_PACKAGES, log);
  if (existsSync(done) && existsSync(entry)) {
    return { dir, entry, cold: steps.length > 0, ms: Date.now() - started, steps };
  }

  withLock(dir, log, () => {
    if (existsSync(done) && existsSync(entry)) return;
    log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (a few minutes the first time, about 300 MB)`);
    const npm = 'npm';
    const npmFlags = ['--no-audit', '--no-fund', '--loglevel=error'];
    const env = { ...process.env, npm_config_yes: 'true', npm_config_update_notifier: 'false' };
    const step = (name: string, fn: () => void): void => {
      const marker = path.join(dir, `.step-${CODE_SERVER_VERSION}-${name.replace(/[^a-z0-9]+/gi, '-')}`);
      if (existsSync(marker)) {
        log(`step "${name}": already done`);
        return;
      }
      const t = Date.now();
      log(`step "${name}" ...`);
      fn();
      const ms = Date.now() - t;
      steps.push({ step: name, ms });
      writeFileSync(marker, `${new Date().toISOString()} ${ms} ms\n`);
      log(`step "${name}": done in ${(ms / 1000).toFixed(1)} s`);
    };
    // A package.json of its own, so npm never walks up into whatever folder holds the cache.
    if (!existsSync(path.join(dir, 'package.json'))) {
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'canary-lens-code-server', private: true }, null, 2) + '\n');
    }
    step('npm install code-server', () => {
      // --ignore-scripts: its postinstall refuses root and downloads; the steps below do what it would.
      run(npm, ['install', `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts', ...npmFlags], { cwd: dir, env, log });
    });
    step('rebuild argon2', () => run(npm, ['rebuild', 'argon2', ...npmFlags], { cwd: dir, env, log }));
    step('install VS Code dependencies', () => {
      run(npm, ['install', '--omit=dev', '--ignore-scripts', ...npmFlags], { cwd: vscodeDir, env, log });
    });
    step('ripgrep from Debian', () => {
      // @vscode/ripgrep would download its binary; Debian's does the same job.
      const bin = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
      mkdirSync(bin, { recursive: true });
      copyFileSync('/usr/bin/rg', path.join(bin, 'rg'));
    });
    step('build native modules', () => run(npm, ['rebuild', ...npmFlags], { cwd: vscodeDir, env, log }));
    step('links', () => {
      relink('node_modules', path.join(vscodeDir, 'node_modules.asar'));
      relink('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
      relink('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
    });
    step('built-in extensions', () => {
      run(npm, ['install', '--omit=dev', ...npmFlags], { cwd: path.join(vscodeDir, 'extensions'), env, log });
    });
    if (!existsSync(entry)) throw new Error(`code-server installed, but ${entry} is missing`);
    writeFileSync(done, `${new Date().toISOString()}\n`);
  });
  const ms = Date.now() - started;
  log(`code-server ${CODE_SERVER_VERSION} ready in ${dir} (${steps.length > 0 ? `installed in ${(ms / 1000).toFixed(1)} s` : 'already installed'})`);
  return { dir, entry, cold: steps.length > 0, ms, steps };
}

// `node --import tsx test/e2e/install.ts` installs (and reports) on its own.
if (require.main === module) {
  const r = ensureCodeServer();
  for (const s of r.steps) console.log(`${s.step}: ${(s.ms / 1000).toFixed(1)} s`);
  console.log(`install ${r.cold ? 'cold' : 'warm'}: ${(r.ms / 1000).toFixed(1)} s`);
}
