/**
 * `npm start`: the demo (README, "Commands"), in one command.
 *
 *   1. packages the extension (scripts/package.mjs → canary-lens-<version>.vsix),
 *   2. installs code-server 4.100.3 if needed (test/e2e/install.ts, into a cache folder outside the work tree),
 *   3. starts the demo cluster (./environment.ts: kube-apiserver + etcd with the emojivoto objects, a Flagger Canary
 *      and an Argo Rollout, the traffic simulator with web-svc-2 a little worse than web-svc and standing in for the
 *      Flagger and Argo Rollouts controllers, Prometheus scraping it every second),
 *   4. starts code-server on 127.0.0.1 (port: $PORT, else 8080 when free, else a free one) with the .vsix installed
 *      into a throwaway extensions folder, a copy of examples/emojivoto/ as the workspace and user settings that point
 *      Canary Lens at the demo cluster and its Prometheus,
 *
 * then starts a release of voting (Canary) and emoji (Rollout) for the stand-in controllers to take step by step,
 * prints the URL and what to try, and stops everything on Ctrl-C (SIGINT), SIGTERM or SIGHUP. No browser is started:
 * the user opens the URL. A first run says up front what it will install and build, and how long that takes.
 *
 * code-server's own log and, after the stop, VS Code's logs go to .test-artifacts/demo/.
 *
 * Usage: npm start            (node --import tsx tools/demo/start.ts)
 * Env:   PORT                 port for code-server on 127.0.0.1 (default 8080 if free, else any free port)
 *        CANARY_LENS_CACHE    cache root for kube-apiserver and code-server (default ~/.cache/canary-lens)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { kubeApiServerPath } from '../../test/cluster/harness';
import { APT_PACKAGES, cacheRoot, CODE_SERVER_VERSION, ensureCodeServer } from '../../test/e2e/install';
import { startCodeServer, type CodeServer } from '../../test/e2e/vscode';
import { untilAnswers } from './answers';
import { startDemoEnvironment, type DemoEnvironment } from './environment';

const ROOT = path.resolve(__dirname, '..', '..');
const LOG_DIR = path.join(ROOT, '.test-artifacts', 'demo');
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const started = Date.now();
const say = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const home = (p: string): string => (process.env.HOME && p.startsWith(`${process.env.HOME}/`) ? `~${p.slice(process.env.HOME.length)}` : p);

let env: DemoEnvironment | undefined;
let server: CodeServer | undefined;
/** 'starting' until everything runs; a signal then ends the process at once (the harnesses' exit hooks kill what runs). */
let phase: 'starting' | 'running' | 'stopping' = 'starting';
let stoppingSince = 0;

// ---------------------------------------------------------------------------------------------------------------
// What a first run has to do

function which(cmd: string): boolean {
  return (process.env.PATH ?? '/usr/bin:/bin').split(':').some((d) => d !== '' && existsSync(path.join(d, cmd)));
}

function missingDebianPackages(packages: string[]): string[] {
  return packages.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

/** What this run has to install or build first, in the order it happens; empty when everything is in place. */
function firstRunWork(): string[] {
  const work: string[] = [];
  const codeServerDir = path.join(cacheRoot(), 'code-server');
  if (!existsSync(path.join(codeServerDir, `.installed-${CODE_SERVER_VERSION}`))) {
    work.push(`installing code-server ${CODE_SERVER_VERSION} into ${home(codeServerDir)} (~1 min, ~300 MB)`);
  }
  const debian = missingDebianPackages(APT_PACKAGES);
  if (!which('prometheus') || !which('promtool')) debian.push('prometheus');
  if (debian.length > 0) work.push(`installing Debian packages: ${debian.join(' ')} (a few minutes)`);
  const kube = kubeApiServerPath();
  if (!existsSync(kube)) {
    work.push(`building kube-apiserver 1.20.2 from Debian's source package into ${home(path.dirname(kube))} (6-9 min, ~1.3 GB of memory, with progress)`);
  } else if (!which('etcd') || !which('kubectl')) {
    work.push('installing etcd and kubectl (Debian packages, ~1 min)');
  }
  return work;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function choosePort(): Promise<number> {
  const wanted = process.env.PORT;
  if (wanted !== undefined && wanted !== '') {
    const port = Number(wanted);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT=${wanted} is not a port number`);
    if (!(await portFree(port))) throw new Error(`PORT=${port}: 127.0.0.1:${port} is in use; choose another port or leave PORT unset`);
    return port;
  }
  return (await portFree(8080)) ? 8080 : anyFreePort();
}

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.setTimeout(1000);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
    sock.once('timeout', () => {
      sock.destroy();
      resolve(false);
    });
  });
}

/** Processes whose command line mentions `text` (not this one). */
function processesMentioning(text: string): string[] {
  const r = spawnSync('pgrep', ['-a', '-f', '--', text], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(`${process.pid} `));
}

function packageExtension(): Promise<string> {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = path.join(ROOT, `${manifest.name}-${manifest.version}.vsix`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs'), '--out', vsix], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    // vsce lists every file it packs; the whole output is shown only when packaging fails.
    let output = '';
    const collect = (buf: Buffer): void => {
      output += buf.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const lines = output.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
      if (code === 0 && existsSync(vsix)) {
        for (const l of lines) if (/^built dist\//.test(l)) say(`      ${l}`);
        resolve(vsix);
      } else {
        for (const l of lines) say(`      ${l}`);
        reject(new Error(`packaging the extension failed (${code ?? signal}); see the output above`));
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Stopping

/**
 * Once everything runs, this process handles the signals itself: the harnesses' own signal handlers (which kill
 * their processes at once and end the process) are taken off, so the stop runs in order and is reported. Their exit
 * hooks stay: whatever ends this process, their processes go with it.
 */
function takeOverSignals(): void {
  for (const sig of SIGNALS) {
    for (const l of process.listeners(sig)) if (l !== onSignal) process.removeListener(sig, l as (...args: unknown[]) => void);
  }
}

function onSignal(sig: NodeJS.Signals): void {
  if (phase === 'starting') {
    say(`\n${sig} during start-up: stopping what has started and exiting.`);
    // The exit hooks of the cluster harness, Prometheus and code-server end their process groups.
    process.exit(130);
  }
  if (phase === 'stopping') {
    // A Ctrl-C reaches this process twice: from the terminal (the whole foreground job gets it) and forwarded by npm.
    if (Date.now() - stoppingSince < 2000) return;
    say(`${sig} again: killing what is left now.`);
    process.exit(130);
  }
  void stopAll(`${sig === 'SIGINT' ? 'Ctrl-C' : sig}: stopping the demo`, 0);
}

async function stopAll(why: string, exitCode: number): Promise<never> {
  phase = 'stopping';
  stoppingSince = Date.now();
  say('');
  say(`${why} …`);
  const ports: { what: string; port: number }[] = [];
  const folders: string[] = [];
  if (server) {
    ports.push({ what: 'code-server', port: server.port });
    folders.push(server.dirs.tmp);
    const t = Date.now();
    await server.stop().catch((e: unknown) => say(`  stopping code-server: ${e instanceof Error ? e.message : String(e)}`));
    say(`  code-server stopped (${secs(Date.now() - t)}); VS Code's logs kept in ${path.relative(process.cwd(), LOG_DIR) || '.'}/`);
  }
  if (env) {
    ports.push(
      { what: 'kube-apiserver', port: Number(new URL(env.cluster.server).port) },
      { what: 'Prometheus', port: Number(new URL(env.prometheusUrl).port) },
      { what: 'the traffic simulator', port: Number(new URL(env.simulatorUrl).port) },
    );
    folders.push(env.cluster.dir);
    const t = Date.now();
    await env.stop().catch((e: unknown) => say(`  stopping the demo cluster: ${e instanceof Error ? e.message : String(e)}`));
    say(`  traffic simulator, Prometheus, kube-apiserver and etcd stopped (${secs(Date.now() - t)})`);
  }
  // Check: nothing answers on the demo's ports and no process mentions its temporary folders any more.
  const left: string[] = [];
  for (const p of ports) if (await listening(p.port)) left.push(`${p.what} still answers on 127.0.0.1:${p.port}`);
  for (const f of folders) for (const proc of processesMentioning(f)) left.push(`still running: ${proc.slice(0, 160)}`);
  if (left.length === 0) {
    say('Stopped everything: code-server, the traffic simulator, Prometheus, kube-apiserver and etcd; temporary folders removed.');
  } else {
    say('Some parts did not stop:');
    for (const l of left) say(`  ${l}`);
    exitCode = exitCode || 1;
  }
  process.exit(exitCode);
}

// ---------------------------------------------------------------------------------------------------------------
// Start

async function main(): Promise<void> {
  for (const sig of SIGNALS) process.on(sig, onSignal);
  // A closed terminal must not turn the stop into a crash.
  process.stdout.on('error', () => undefined);

  say('Canary Lens demo: real VS Code (code-server) with the extension, the emojivoto manifests and a local demo cluster.');
  const firstRun = firstRunWork();
  if (firstRun.length > 0) {
    say('');
    say('First run on this machine, so this takes longer once:');
    for (const w of firstRun) say(`  - ${w}`);
    say('Later runs start in about 20 s.');
  }
  say('');

  let t = Date.now();
  say('[1/4] Building and packaging the extension …');
  const vsix = await packageExtension();
  say(`      ${path.basename(vsix)} (${(statSync(vsix).size / 1024).toFixed(0)} KiB) in ${secs(Date.now() - t)}`);

  t = Date.now();
  say(`[2/4] code-server ${CODE_SERVER_VERSION} …`);
  // Synchronous (it runs npm and apt-get), so it goes before anything that needs the event loop.
  const install = ensureCodeServer((line) => say(`      ${line}`));
  if (install.cold) {
    say(`      installed in ${secs(install.ms)}:`);
    for (const s of install.steps) say(`        ${s.step}: ${secs(s.ms)}`);
  } else {
    say(`      already installed (${secs(Date.now() - t)})`);
  }

  t = Date.now();
  say('[3/4] Demo cluster: kube-apiserver + etcd with emojivoto, the traffic simulator, Prometheus …');
  env = await startDemoEnvironment({
    // The GRPCRoute emoji-canary (examples/emojivoto/emoji-grpcroute.yaml) too: its numbers come from outbound_grpc_route_*.
    grpc: true,
    // The Canary voting and the Rollout emoji, with the simulator standing in for their controllers.
    delivery: true,
    log: (line) => {
      // After start-up the simulator reports the weights it reads from the API server: the applies show up here.
      if (phase === 'starting') say(`      ${line}`);
      else if (phase === 'running') say(`[${new Date().toTimeString().slice(0, 8)}] ${line}`);
    },
  });
  say(`      ready in ${secs(Date.now() - t)}`);

  t = Date.now();
  const port = await choosePort();
  say(`[4/4] code-server on 127.0.0.1:${port} with ${path.basename(vsix)} …`);
  server = await startCodeServer({
    vsix,
    workspaceFrom: path.join(ROOT, 'examples', 'emojivoto'),
    port,
    label: 'demo',
    logDir: LOG_DIR,
    tmpPrefix: 'canary-lens-demo-',
    // The integrated terminal's kubectl talks to the demo cluster too.
    env: { KUBECONFIG: env.kubeconfig },
    settings: {
      'canaryLens.kubeconfig': env.kubeconfig,
      'canaryLens.prometheus.url': env.prometheusUrl,
      'canaryLens.stats.window': '30s',
      'canaryLens.stats.refreshInterval': 2,
      'canaryLens.trace.server': 'off',
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
    },
    log: (line) => {
      // ensureCodeServer ran in step 2 already; its "warm" line is noise here.
      if (!line.startsWith('code-server install:')) say(`      ${line}`);
    },
  });
  // Ready when the URL the user opens answers, not merely when /healthz did.
  const answered = await untilAnswers(server.url);
  say(`      ready in ${secs(answered.at - t)} (${server.url} answers HTTP ${answered.status})`);
  // A new revision of voting and emoji now, so that their canaries run while the user looks.
  const released = await env.release();
  phase = 'running';
  takeOverSignals();

  const url = server.url;
  const rule = '='.repeat(Math.max(60, url.length + 8));
  say('');
  say(rule);
  say(`  Canary Lens demo ready in ${secs(answered.at - started)}. Open in your browser:`);
  say('');
  say(`    ${url}`);
  say(rule);
  say('');
  say('What to try:');
  say('  1. Open web-svc-ts.yaml (Explorer, or Ctrl+P): the lenses above the split show each backend\'s share.');
  say('  2. Click the Canary Lens icon in the activity bar: the Splits panel shows desired and observed shares,');
  say('     success rate and latency per backend (Prometheus, 30 s window, refreshed every 2 s).');
  say('  3. Click "Shift 10% → web-svc-2", then "Apply to cluster": review the diff and confirm');
  say('     (the first time it says "Force Apply": the weights in the cluster were last set by kubectl apply,');
  say('     which loaded the demo\'s manifests, as on your own cluster).');
  say('  4. Watch the panel\'s observed shares follow the new weights within ~30 s; web-svc-2 is a little worse');
  say('     (more errors, slower) than web-svc.');
  say('  5. Open voting-canary.yaml (a Flagger Canary) and emoji-rollout.yaml (an Argo Rollout): a release of each has');
  say('     just started. Canary voting moves 10% more to voting-canary every 10 s up to 50%, then promotes; Rollout');
  say('     emoji goes to 20%, then 40%, and waits there (`pause: {}`) until you Promote it (panel or lens, confirm).');
  say('     Their TrafficSplits (voting, emoji) exist only in the cluster: the controllers generate and own them.');
  say('  6. Another release, in the integrated terminal:');
  for (const line of released) say(`       ${line.replace(/:v(\d+)/g, (_, n: string) => `:v${Number(n) + 1}`)}`);
  say('');
  say('The demo stands in for the Flagger and Argo Rollouts controllers (no pods run here): the traffic simulator writes');
  say('their status step by step and moves their TrafficSplits\' weights, as the controllers would.');
  say('');
  say(`Demo cluster:  kube-apiserver ${env.cluster.server}   KUBECONFIG=${env.kubeconfig}`);
  say(`               Prometheus ${env.prometheusUrl}   simulator ${env.simulatorUrl}/metrics`);
  say(`Logs:          ${path.relative(process.cwd(), server.logFile)}`);
  say(`On a remote machine: ssh -L ${port}:127.0.0.1:${port} <host>, then open the URL on your own machine.`);
  say('');
  say('Press Ctrl-C to stop everything.');
  say('');

  // npm forwards SIGINT and SIGTERM (the script execs node, so they reach this process); should npm itself be killed
  // outright, this process is orphaned and stops the demo rather than run on unseen.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && phase === 'running') void stopAll(`The command that started the demo (pid ${parent}) has gone: stopping the demo`, 1);
  }, 1000).unref();

  // code-server ending by itself (a crash, an OOM kill) ends the demo too.
  void server.exited.then((why) => {
    if (phase === 'running') void stopAll(`${why} unexpectedly (see ${server!.logFile}); stopping the demo`, 1);
  });
}

main().catch((e: unknown) => {
  say('');
  say(`npm start failed: ${e instanceof Error ? e.message : String(e)}`);
  if (phase !== 'stopping') void stopAll('Stopping what has started', 1);
});
