/**
 * A guided rollout end to end in real VS Code (code-server in Chromium, see ./vscode.ts, the packaged extension
 * installed from its .vsix) with the demo environment (tools/demo/environment.ts: kube-apiserver + etcd, the traffic
 * simulator following the live weights, Prometheus scraping it every second), with short windows from the
 * `canaryLens.rollout.*` user settings (steps 10 → 50 → 100, window 10 s, hold 40 s, tick 2 s):
 *
 * the split at 1000/0 (kubectl patch, the manifest alike), a healthy canary; `Start rollout → web-svc-2…` on the
 * canary's lens line, the modal confirmation (taking the weights over from kubectl); 900/100 in the API server and the
 * editor, the status bar and the panel's rollout section with its steps; the step to 50 % (500/500 in the API
 * server); then the simulator's error annotation on the canary: the rollout pauses on the success-rate gate; Roll back
 * in the panel and its confirmation: 1000/0 in the API server again.
 *
 * Screenshots: .test-artifacts/e2e/rollout-*.png. Timings printed at the end and kept in
 * .test-artifacts/e2e/rollout-timings.json.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import { startDemoEnvironment, type DemoEnvironment } from '../../tools/demo/environment';
import { sleep, until } from '../support/wait';
import { ARTIFACTS, startVSCode, type VSCode, step as e2eStep } from './vscode';
import { REPO_ROOT, vsixPath } from './vsix';

const FILE = 'web-svc-ts.yaml';
const SPLIT = 'web-svc-ts';
const NAMESPACE = 'emojivoto';
const TS = 'trafficsplits.v1alpha2.split.smi-spec.io';
const CANARY = 'web-svc-2';
const START_LENS = `Start rollout → ${CANARY}…`;
const STEPS = [10, 50, 100];
const WINDOW = '10s';
/** Room at the 50% step, past its first window, for a picture and the failing canary before it would go on. */
const HOLD = '40s';
/** Weights per 1000 at the start and at each step the test sees. */
const START = [1000, 0];
const FIRST = [900, 100];
const SECOND = [500, 500];

const MANIFEST = (stable: number, canary: number): string => [
  'apiVersion: split.smi-spec.io/v1alpha2', 'kind: TrafficSplit', 'metadata:', `  name: ${SPLIT}`, `  namespace: ${NAMESPACE}`,
  'spec:', '  # The root service that clients use to reach the application.', '  service: web-apex',
  '  # Services in the namespace that receive the traffic, in proportion to their weights.', '  backends:',
  '    - service: web-svc', `      weight: ${stable} # the current version`, `    - service: ${CANARY}`, `      weight: ${canary} # the canary`, '',
].join('\n');

const weights = (yaml: string): number[] => [...yaml.matchAll(/^\s*weight:\s*(-?\d+)/gm)].map((m) => Number(m[1]));
const log = (line: string): void => void process.stderr.write(`[e2e rollout] ${line}\n`);

const runStarted = Date.now();
const timings: Record<string, number | string> = {};

/** Runs a step (test/e2e/vscode.ts `step`): screenshots and notifications on failure. */
const step = (vs: VSCode | undefined, name: string, fn: () => Promise<void>): Promise<void> => e2eStep(vs, 'rollout-', name, fn);

interface RolloutRead {
  phase: string;
  /** The machine's status kind (settling, holding, advancing, paused, …). */
  status: string;
  stepText: string;
  steps: string[];
  message: string;
  gates: Record<string, string>;
  actions: string[];
}

/** The rollout section of the split's card as the panel's webview shows it (undefined while there is none). */
async function panelRollout(section: Locator): Promise<RolloutRead | undefined> {
  if ((await section.count()) === 0) return undefined;
  // No DOM types in this project's compilation: the few element members used, structurally.
  interface El { textContent: string | null; getAttribute(name: string): string | null; querySelector(selector: string): El | null; querySelectorAll(selector: string): ArrayLike<El> }
  return section.first().evaluate((raw) => {
    // No named helper functions in here: tsx (esbuild, keepNames) would wrap them in a `__name` call the page lacks.
    const el = raw as unknown as El;
    return {
      phase: el.querySelector('.cl-ro-phase')?.getAttribute('data-phase') ?? '',
      status: el.getAttribute('data-status') ?? '',
      stepText: (el.querySelector('.cl-ro-step-text')?.textContent ?? '').trim(),
      steps: Array.from(el.querySelectorAll('.cl-ro-step')).map((s) => s.getAttribute('aria-label') ?? ''),
      message: (el.querySelector('.cl-ro-message')?.textContent ?? '').trim(),
      gates: Object.fromEntries(Array.from(el.querySelectorAll('.cl-ro-gate')).map((g) => [g.getAttribute('data-gate') ?? '', g.getAttribute('data-verdict') ?? ''])),
      actions: Array.from(el.querySelectorAll('[data-rollout-action]')).map((b) => b.getAttribute('data-rollout-action') ?? ''),
    };
  });
}

function secs(k: string): string {
  return typeof timings[k] === 'number' ? `${(timings[k] / 1000).toFixed(1)} s` : 'n/a';
}

after(() => {
  timings.wholeRunMs = Date.now() - runStarted;
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, 'rollout-timings.json'), JSON.stringify(timings, null, 2) + '\n');
  console.log([
    'e2e rollout timings:',
    `  demo environment start:                                   ${secs('environmentMs')}`,
    `  code-server start to workbench:                           ${secs('workbenchMs')}`,
    `  open ${FILE} to the "${START_LENS}" lens:  ${secs('startLensMs')}`,
    `  lens click to confirmation dialog:                        ${secs('clickToDialogMs')}`,
    `  lens click to first step in the API server:               ${secs('clickToFirstStepMs')}`,
    `    confirm to first step in the API server:                ${secs('confirmToFirstStepMs')}`,
    `  first step to 50% in the API server (hold ${HOLD}, window ${WINDOW}):  ${secs('firstToSecondStepMs')}`,
    `  failing canary (annotation) to paused in the panel:       ${secs('failureToPauseMs')}`,
    `  rollback confirm to start weights in the API server:      ${secs('rollbackToLiveMs')}`,
    `  whole run:                                                ${secs('wholeRunMs')}`,
    `  screenshots: ${path.relative(REPO_ROOT, ARTIFACTS)}/rollout-*.png`,
  ].join('\n'));
});

describe('a guided rollout in real VS Code with the demo cluster', { timeout: 15 * 60_000 }, () => {
  let env: DemoEnvironment | undefined;
  let vs: VSCode | undefined;

  before(async () => {
    let t = Date.now();
    env = await startDemoEnvironment({ log: (l) => log(`demo: ${l}`) });
    timings.environmentMs = Date.now() - t;
    t = Date.now();
    vs = await startVSCode({
      vsix: vsixPath(),
      workspaceFrom: path.join(REPO_ROOT, 'examples', 'emojivoto'),
      label: 'rollout',
      log: (l) => log(`vscode: ${l}`),
      viewport: { width: 1680, height: 960 },
      settings: {
        'canaryLens.kubeconfig': env.kubeconfig,
        'canaryLens.prometheus.url': env.prometheusUrl,
        'canaryLens.stats.window': '15s',
        'canaryLens.stats.refreshInterval': 2,
        'canaryLens.rollout.steps': STEPS,
        'canaryLens.rollout.window': WINDOW,
        'canaryLens.rollout.holdTime': HOLD,
        'canaryLens.rollout.minRequests': 20,
        'canaryLens.rollout.tickInterval': '2s',
        // The simulated canary is healthy but measured on a few dozen requests per window: room for one unlucky error.
        'canaryLens.rollout.minSuccessRate': 95,
        'canaryLens.rollout.maxSuccessDrop': 5,
        // The same simulated latency on both: a P99 ratio on milliseconds-long buckets can flap (src/rollout/gates.ts).
        'canaryLens.rollout.maxP99Ratio': 3,
        'workbench.sideBar.location': 'right',
      },
    });
    timings.workbenchMs = vs.timings.workbenchMs;
    timings.vscodeStartMs = Date.now() - t;
  });

  after(async () => {
    await vs?.stop();
    await env?.stop();
  });

  test('start from the lens, steps in the panel and the API server, a failing canary pauses it, Roll back restores the start', async () => {
    const v = vs!;
    const cluster = env!.cluster;
    const kubectl = async (args: string[]): Promise<string> => {
      const r = await cluster.kubectl(args);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const liveWeights = async (): Promise<string> => (await kubectl(['get', TS, SPLIT, '-n', NAMESPACE, '-o', 'jsonpath={.spec.backends[*].weight}'])).trim();
    const statusBar = (): Promise<string[]> => v.page.locator('.statusbar-item').filter({ hasText: `Rollout ${CANARY}` }).allTextContents();
    let frame: FrameLocator | undefined;
    const section = (): Locator => frame!.locator('section.cl-rollout').filter({ hasText: CANARY });
    let readError = '';
    const read = async (): Promise<RolloutRead | undefined> => panelRollout(section()).catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      if (message !== readError) log(`panel read failed: ${(readError = message)}`);
      return undefined;
    });

    await step(v, 'setup', async () => {
      // Start at 1000/0, as a person would set it (kubectl patch), the manifest alike; the canary as healthy and fast as
      // the stable backend (the demo's web-svc-2 fails 8% and is slower: it would fail the gates at once), and enough
      // traffic that 10% of it makes the minimum requests in a 10 s window.
      await kubectl(['-n', NAMESPACE, 'patch', TS, SPLIT, '--type', 'merge', '-p', JSON.stringify({ spec: { backends: [{ service: 'web-svc', weight: START[0] }, { service: CANARY, weight: START[1] }] } })]);
      await kubectl(['-n', NAMESPACE, 'annotate', '--overwrite', TS, SPLIT, 'canary-lens.dev/sim-rps=40',
        'canary-lens.dev/sim-error-rate=0', `canary-lens.dev/sim-error-rate.${CANARY}=0`, `canary-lens.dev/sim-latency-ms.${CANARY}=p50=4,p99=15`]);
      assert.equal(await liveWeights(), START.join(' '));
      writeFileSync(path.join(v.workspace, FILE), MANIFEST(START[0]!, START[1]!));
    });

    let clicked = 0;
    let confirmed = 0;
    await step(v, 'start', async () => {
      const opened = Date.now();
      await v.openFile(FILE);
      const lenses = await v.waitForLenses({ text: START_LENS, timeoutMs: 60_000 });
      timings.startLensMs = Date.now() - opened;
      log(`lenses: ${JSON.stringify(lenses)}`);
      await v.screenshot('rollout-01-lenses');
      clicked = Date.now();
      await v.clickLens(START_LENS);
      const dialog = await v.waitForDialog(30_000);
      timings.clickToDialogMs = Date.now() - clicked;
      log(`confirmation: ${JSON.stringify(dialog)}`);
      await v.screenshot('rollout-02-confirmation');
      assert.match(dialog.message, new RegExp(`Start a guided rollout of ${CANARY} on .*${SPLIT}`), `dialog: ${JSON.stringify(dialog)}`);
      assert.match(dialog.detail, /Steps: 10% → 50% → 100%/, `detail: ${dialog.detail}`);
      assert.match(dialog.detail, new RegExp(`namespace ${NAMESPACE}`), `detail: ${dialog.detail}`);
      // The weights were last written by kubectl (patch): the button says it takes them over.
      const button = dialog.buttons.find((b) => /^Start/.test(b));
      assert.ok(button, `a Start button: ${JSON.stringify(dialog.buttons)}`);
      assert.match(button, /Taking the Weights Over from kubectl/, `button: ${button}`);
      await v.clickDialogButton(button);
      confirmed = Date.now();
      await until('kubectl to show the first step', liveWeights, (w) => w === FIRST.join(' '), 30_000, 200);
      timings.clickToFirstStepMs = Date.now() - clicked;
      timings.confirmToFirstStepMs = Date.now() - confirmed;
      await until('the editor to show the first step', async () => weights(await v.visibleText()), (w) => w.join(' ') === FIRST.join(' '), 15_000);
      const bar = await until('the status bar to show the rollout', statusBar, (t) => t.some((s) => s.includes(`Rollout ${CANARY} · 10%`)), 15_000);
      log(`status bar: ${JSON.stringify(bar)}`);
      await v.screenshot('rollout-03-first-step');
    });

    await step(v, 'panel', async () => {
      frame = await v.openPanel();
      await v.setSideBarWidth(520);
      const r = await until('the panel to show the rollout', read, (x) => x !== undefined && x.phase === 'running', 30_000);
      log(`panel: ${JSON.stringify(r)}`);
      // Hold 40 s: the first read comes well within the first step.
      assert.deepEqual(r!.steps, ['10%, current step', '50%, next', '100%, next']);
      assert.match(r!.stepText, /step 1\/3 · 10%/);
      assert.ok(r!.actions.includes('rollback') && r!.actions.includes('pause'), `actions: ${JSON.stringify(r!.actions)}`);
      await v.screenshot('rollout-04-panel-first-step');
    });

    let second = 0;
    await step(v, 'advance', async () => {
      const firstAt = confirmed;
      await until('kubectl to show the 50% step', liveWeights, (w) => w === SECOND.join(' '), 150_000, 500);
      second = Date.now();
      timings.firstToSecondStepMs = second - firstAt;
      const r = await until('the panel to show the 50% step', read, (x) => x?.stepText.includes('50%') === true, 15_000);
      log(`panel at 50%: ${JSON.stringify(r)}`);
      assert.equal(r!.steps[0], '10%, done');
      assert.equal(r!.steps[1], '50%, current step');
      await until('the editor to show the 50% step', async () => weights(await v.visibleText()), (w) => w.join(' ') === SECOND.join(' '), 15_000);
      // Past the step's first window (its gates judged on its own traffic), the lenses and the panel's editor row caught
      // up with the edit: the picture of a rollout mid-way.
      const judged = await until('the gates to be judged at 50%', read,
        (x) => x?.status === 'holding' && x.gates.successRate === 'pass' && x.gates.requests === 'pass', 25_000);
      log(`panel judging 50%: ${JSON.stringify(judged)}`);
      await v.lensesSettled();
      await until('the panel\'s editor row to go', () => frame!.locator('.cl-editor-row').count(), (n) => n === 0, 10_000);
      await v.screenshot('rollout-05-panel-second-step');
    });

    let failedAt = 0;
    await step(v, 'fail', async () => {
      await kubectl(['-n', NAMESPACE, 'annotate', '--overwrite', TS, SPLIT, `canary-lens.dev/sim-error-rate.${CANARY}=0.3`]);
      failedAt = Date.now();
      const r = await until('the panel to show the rollout paused', read, (x) => x?.phase === 'paused', 90_000, 250);
      timings.failureToPauseMs = Date.now() - failedAt;
      log(`panel paused: ${JSON.stringify(r)}`);
      assert.equal(r!.gates.successRate, 'fail', `gates: ${JSON.stringify(r!.gates)}; message: ${r!.message}`);
      assert.ok(r!.actions.includes('rollback'), `actions: ${JSON.stringify(r!.actions)}`);
      assert.equal(await liveWeights(), SECOND.join(' '), 'paused: the weights stay at the step');
      const bar = await until('the status bar to say paused', statusBar, (t) => t.some((s) => s.includes(`Rollout ${CANARY} · 50% · paused`)), 15_000);
      log(`status bar: ${JSON.stringify(bar)}`);
      const toasts = await v.toasts();
      log(`toasts: ${JSON.stringify(toasts)}`);
      await v.screenshot('rollout-06-paused');
    });

    await step(v, 'rollback', async () => {
      await section().locator('[data-rollout-action="rollback"]').click();
      const dialog = await v.waitForDialog(30_000);
      log(`rollback confirmation: ${JSON.stringify(dialog)}`);
      assert.match(dialog.message, new RegExp(`Roll back ${CANARY}`), `dialog: ${JSON.stringify(dialog)}`);
      assert.match(dialog.detail, new RegExp(`go back to ${START.join('/')}`), `detail: ${dialog.detail}`);
      await v.screenshot('rollout-07-rollback-confirmation');
      await v.clickDialogButton('Roll Back');
      const confirmedRollback = Date.now();
      await until('kubectl to show the start weights', liveWeights, (w) => w === START.join(' '), 30_000, 200);
      timings.rollbackToLiveMs = Date.now() - confirmedRollback;
      await until('the editor to show the start weights', async () => weights(await v.visibleText()), (w) => w.join(' ') === START.join(' '), 15_000);
      const r = await until('the panel to show it rolled back', read, (x) => x === undefined || x.phase === 'rolled-back', 15_000);
      log(`panel after rollback: ${JSON.stringify(r)}`);
      await sleep(500);
      await v.screenshot('rollout-08-rolled-back');
    });
  });
});
