/**
 * `npm start` (tools/demo/start.ts), as a person runs it: the command in a terminal of its own (its own process
 * group, so the Ctrl-C below reaches npm, the shell and node together, as a terminal's would), the URL it prints
 * opened in Debian's Chromium (playwright-core; the demo itself starts no browser), and then Ctrl-C.
 *
 * Checks: the URL is printed and /healthz answers; the workbench shows the emojivoto workspace; web-svc-ts.yaml
 * gets its lenses including `Apply` (the kubeconfig setting is preset and the demo cluster is connected);
 * the Canary Lens panel shows observed shares for both backends (the Prometheus setting is preset and the simulator's
 * traffic arrives); the demo's Flagger Canary and Argo Rollout are in the API server and their release advances (the
 * simulator stands in for both controllers: status, weights of the TrafficSplits they own); after Ctrl-C the command says it stopped everything, exits 0, and none of the processes it started
 * (code-server, kube-apiserver, etcd, Prometheus, the watchdogs) is left.
 *
 * Screenshot: .test-artifacts/demo.png (the editor with its lenses and the panel with numbers). About a minute warm;
 * a first run on a machine (kube-apiserver to build, code-server to install) takes up to 15 minutes more.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { httpStatus } from '../support/http';
import { freePort } from '../support/ports';
import { killGroup } from '../support/processes';
import { sleep } from '../support/wait';
import { CHROMIUM } from './install';
import { CHROMIUM_ARGS } from './vscode';
import { REPO_ROOT } from './vsix';
import { DEMO_DELIVERIES } from '../../tools/demo/environment';

const SCREENSHOT = path.join(REPO_ROOT, '.test-artifacts', 'demo.png');
const FILE = 'web-svc-ts.yaml';
const PANEL_ICON = '.activitybar li.action-item[aria-label^="Canary Lens"], .activitybar li.action-item:has(> a[aria-label^="Canary Lens"])';
const PANEL_FRAME = 'iframe.webview[src*="purpose=webviewView"]';

const log = (line: string): void => void process.stderr.write(`[e2e start] ${line}\n`);
/** A sleep for races against an exit: it does not keep the test process alive once the race is won. */
const timeout = (ms: number): Promise<undefined> => new Promise((r) => setTimeout(() => r(undefined), ms).unref());

/** A process as /proc shows it: pid, parent, start time (so a reused pid is not mistaken for it) and command. */
interface Proc { pid: number; ppid: number; start: string; cmd: string }

function processes(): Map<number, Proc> {
  const all = new Map<number, Proc>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) is in parentheses and may hold spaces; the fields after it are plain.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      all.set(Number(entry), { pid: Number(entry), ppid: Number(rest[1]), start: rest[19] ?? '', cmd });
    } catch {
      // gone meanwhile
    }
  }
  return all;
}

/** The process and everything below it in the process tree (the detached groups included). */
function tree(root: number): Proc[] {
  const all = processes();
  const out: Proc[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const p = all.get(pid);
    if (p) out.push(p);
    for (const c of all.values()) if (c.ppid === pid) queue.push(c.pid);
  }
  return out;
}

/** An object of the demo cluster as JSON, through the KUBECONFIG npm start printed. */
function kubectlGet(kubeconfig: string, what: string): { status?: Record<string, unknown>; spec?: { backends?: { service: string; weight: string }[] } } {
  const r = spawnSync('kubectl', [`--kubeconfig=${kubeconfig}`, '-n', 'emojivoto', 'get', what, '-o', 'json'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `kubectl get ${what}: ${r.stderr}`);
  return JSON.parse(r.stdout) as ReturnType<typeof kubectlGet>;
}

/** How far the demo's Canary and Rollout are: phase, weight, step; and their TrafficSplits' canary weights. */
function deliveries(kubeconfig: string): { canary: string; canaryWeight: number; canarySplit: number; rollout: string; step: number; rolloutWeight: number; rolloutSplit: number } {
  const { canary, rollout } = DEMO_DELIVERIES;
  const c = kubectlGet(kubeconfig, `canary/${canary.name}`);
  const r = kubectlGet(kubeconfig, `rollout/${rollout.name}`);
  const splitWeight = (name: string, backend: string) => Number(kubectlGet(kubeconfig, `trafficsplits.v1alpha1.split.smi-spec.io/${name}`).spec?.backends?.find((b) => b.service === backend)?.weight);
  const weights = (r.status?.canary as { weights?: { canary: { weight: number } } } | undefined)?.weights;
  return {
    canary: String(c.status?.phase),
    canaryWeight: Number(c.status?.canaryWeight),
    canarySplit: splitWeight(canary.split, canary.canary),
    rollout: String(r.status?.phase),
    step: Number(r.status?.currentStepIndex),
    rolloutWeight: weights?.canary.weight ?? -1,
    rolloutSplit: splitWeight(rollout.split, rollout.canary),
  };
}

function stillRunning(procs: Proc[]): Proc[] {
  const now = processes();
  return procs.filter((p) => {
    const q = now.get(p.pid);
    return q !== undefined && q.start === p.start;
  });
}

describe('npm start (the demo)', { timeout: 25 * 60_000 }, () => {
  let child: ChildProcess | undefined;
  let output = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  let browser: Browser | undefined;
  let started: Proc[] = [];

  after(async () => {
    await browser?.close().catch(() => undefined);
    // Whatever happened: nothing of the demo outlives the test.
    if (child?.pid !== undefined && child.exitCode === null) {
      killGroup(child.pid, 'SIGINT');
      await Promise.race([exited, timeout(30_000)]);
    }
    for (const p of stillRunning(started)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch { /* gone */ }
    }
  });

  test('starts, serves the workbench with the presets, and stops everything on Ctrl-C', async () => {
    const port = await freePort();
    const t0 = Date.now();
    child = spawn('npm', ['start'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: String(port), npm_config_update_notifier: 'false' },
      detached: true, // a process group of its own, like a terminal's foreground job
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid!;
    exited = new Promise((resolve) => child!.on('exit', (code, signal) => resolve({ code, signal })));
    const collect = (b: Buffer): void => {
      output += b.toString('utf8');
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);

    // 1. The URL, printed once everything runs (a first run builds and installs first).
    const url = `http://127.0.0.1:${port}/`;
    let deadline = Date.now() + 90_000;
    let firstRunSaid = false;
    while (!output.includes('Press Ctrl-C to stop everything.')) {
      if (child.exitCode !== null) assert.fail(`npm start exited (${child.exitCode}) before printing the URL:\n${output}`);
      if (!firstRunSaid && output.includes('First run on this machine')) {
        firstRunSaid = true;
        deadline += 15 * 60_000;
        log('first run on this machine: allowing 15 more minutes for the build and the install');
      }
      if (Date.now() > deadline) assert.fail(`npm start printed no URL in time:\n${output}`);
      await sleep(250);
    }
    const readyMs = Date.now() - t0;
    log(`npm start ready in ${(readyMs / 1000).toFixed(1)} s`);
    assert.ok(output.includes(url), `the URL ${url} is printed:\n${output}`);
    assert.match(output, /Shift 10% → web-svc-2/, 'says what to try');
    assert.equal(await httpStatus(`${url}healthz`, 5000), 200, '/healthz answers');
    started = tree(pid);
    const names = started.map((p) => p.cmd).join('\n');
    for (const part of ['code-server', 'kube-apiserver', 'etcd', 'prometheus']) assert.ok(names.includes(part), `${part} runs under npm start`);
    assert.match(output, /stands in for the Flagger and Argo Rollouts controllers/, 'says the demo stands in for the controllers');
    const kubeconfig = /KUBECONFIG=(\S+)/.exec(output)?.[1];
    assert.ok(kubeconfig, `the demo cluster's KUBECONFIG is printed:\n${output}`);
    const atReady = deliveries(kubeconfig);
    log(`at ready: ${JSON.stringify(atReady)}`);

    // 2. The URL in a browser: the workspace, the lenses (cluster connected), the panel's observed shares (Prometheus).
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
    const page: Page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    page.setDefaultTimeout(30_000);
    await page.goto(url);
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE }).first().click({ timeout: 60_000 });
    await page.locator('.tab.active', { hasText: FILE }).first().waitFor();
    await page.locator('.codelens-decoration a', { hasText: 'Shift 10% → web-svc-2' }).first().waitFor({ timeout: 60_000 });
    await page.locator('.codelens-decoration a', { hasText: /^\s*Apply\s*$/ }).first().waitFor({ timeout: 60_000 });
    await page.locator(PANEL_ICON).first().click();
    const frame: FrameLocator = page.frameLocator(PANEL_FRAME).first().frameLocator('#active-frame');
    await frame.locator('#root.cl-root').waitFor({ timeout: 60_000 });
    // The observed shares of both backends, once Prometheus has a window's worth of the simulator's traffic.
    const observed = async (): Promise<string[]> => frame.locator('.cl-backend .cl-bar-row', { hasText: 'observed' }).locator('.cl-bar-value').allTextContents();
    deadline = Date.now() + 60_000;
    let shares: string[] = [];
    while (!(shares.length >= 2 && shares.every((s) => /^\d+(\.\d+)?%$/.test(s.trim())))) {
      if (Date.now() > deadline) {
        mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT });
        assert.fail(`the panel showed no observed shares within 60 s; last saw ${JSON.stringify(shares)}; see ${SCREENSHOT}`);
      }
      await sleep(500);
      shares = await observed();
    }
    log(`observed shares: ${shares.join(', ')} (${((Date.now() - t0) / 1000).toFixed(1)} s after npm start)`);
    // 20 s more, so the 30 s window is full and the picture shows the steady numbers (web-svc-2 a little worse).
    await sleep(20_000);
    // The cursor to the empty last line, so that no word is highlighted in the picture.
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click({ position: { x: 300, y: 400 } });
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    log(`screenshot: ${path.relative(REPO_ROOT, SCREENSHOT)}`);
    await browser.close();
    browser = undefined;

    // 3. The release npm start began is under way: the Canary progresses, the Rollout walks its steps, and each
    // TrafficSplit carries its owner's weight (the status and the split move together).
    deadline = Date.now() + 60_000;
    let now = deliveries(kubeconfig);
    while (!(now.canaryWeight > 0 || ['Promoting', 'Finalising', 'Succeeded'].includes(now.canary)) || !(now.step >= 1)) {
      assert.ok(Date.now() < deadline, `the release did not advance: at ready ${JSON.stringify(atReady)}, now ${JSON.stringify(now)}`);
      await sleep(1000);
      now = deliveries(kubeconfig);
    }
    log(`${((Date.now() - t0) / 1000).toFixed(1)} s after npm start: ${JSON.stringify(now)}`);
    assert.ok(['Progressing', 'Promoting', 'Finalising', 'Succeeded'].includes(now.canary), `Canary phase ${now.canary}`);
    // The status and the split are two objects, read by two kubectl calls: the stand-in may take its next step in
    // between (it writes the split, then the status). At rest they agree: read again until they do, for a while.
    for (const until = Date.now() + 15_000; now.canary === 'Progressing' && now.canarySplit !== now.canaryWeight && Date.now() < until;) {
      await sleep(500);
      now = deliveries(kubeconfig);
    }
    if (now.canary === 'Progressing') assert.equal(now.canarySplit, now.canaryWeight, 'the Canary\'s TrafficSplit carries its weight');
    assert.ok(['Progressing', 'Paused', 'Healthy'].includes(now.rollout), `Rollout phase ${now.rollout}`);
    assert.ok(now.rolloutWeight > 0 || now.rollout === 'Healthy', `the Rollout's canary weight: ${now.rolloutWeight}`);

    // 4. Ctrl-C: the whole foreground job gets SIGINT, as from a terminal.
    const stopAt = Date.now();
    process.kill(-pid, 'SIGINT');
    const result = await Promise.race([exited, timeout(45_000)]);
    assert.ok(result, `npm start still running 45 s after Ctrl-C:\n${output.slice(-3000)}`);
    log(`stopped ${((Date.now() - stopAt) / 1000).toFixed(1)} s after Ctrl-C (exit ${result.code ?? result.signal})`);
    assert.match(output, /Stopped everything/, `says it stopped everything:\n${output.slice(-2000)}`);
    // The watchdogs of the cluster harness and Prometheus poll once a second; give them a moment.
    deadline = Date.now() + 10_000;
    let left = stillRunning(started);
    while (left.length > 0 && Date.now() < deadline) {
      await sleep(250);
      left = stillRunning(started);
    }
    assert.deepEqual(left.map((p) => `${p.pid} ${p.cmd.slice(0, 120)}`), [], 'nothing npm start started is left running');
    assert.equal(result.code, 0, `exit code 0 after Ctrl-C:\n${output.slice(-2000)}`);
  });
});
