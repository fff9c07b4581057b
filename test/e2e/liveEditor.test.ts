/**
 * End to end in real VS Code (code-server in Chromium, see ./vscode.ts) with the demo environment (a real
 * kube-apiserver with the emojivoto objects, the traffic simulator, Prometheus): live numbers without the panel.
 *
 * The Canary Lens panel is never opened. With web-svc-ts.yaml open, the lenses show the live numbers (each backend's
 * observed share) and the status bar shows the split's; once the editor is closed, no more stats queries reach
 * Prometheus. The queries are counted by a loopback proxy in front of Prometheus (`canaryLens.prometheus.url` points at
 * it), so the count is what the extension asked, whatever it logs.
 *
 * Screenshots: .test-artifacts/e2e/live-editor-*.png.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { startDemoEnvironment, type DemoEnvironment } from '../../tools/demo/environment';
import { sleep, until } from '../support/wait';
import { startVSCode, type VSCode, step as e2eStep } from './vscode';
import { REPO_ROOT, vsixPath } from './vsix';

const FILE = 'web-svc-ts.yaml';
const SPLIT = 'web-svc-ts';
const REFRESH_SECONDS = 2;
const PANEL_FRAME = 'iframe.webview[src*="purpose=webviewView"]';
/** A backend's live lens: `observed 48.7% · 97.9% · 5.1 rps`. */
const OBSERVED_LENS = /^observed \d+(?:\.\d)?% · /;
/** The status bar item with the split's live numbers: `web-svc-ts: 95.2% · 10.0 rps`, maybe with a flag. */
const STATUS_LIVE = new RegExp(`${SPLIT}: (?:\\d+(?:\\.\\d)?%|no requests) · \\d+\\.\\d rps`);

const log = (line: string): void => void process.stderr.write(`[e2e live-editor] ${line}\n`);

/** Forwards everything to Prometheus on loopback and counts the queries (instant and range). */
interface CountingProxy { url: string; queries: () => number; close(): Promise<void> }

async function countingProxy(target: string): Promise<CountingProxy> {
  const to = new URL(target);
  let queries = 0;
  const server = http.createServer((req, res) => {
    if ((req.url ?? '').startsWith('/api/v1/query')) queries++;
    const upstream = http.request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', (e) => {
      res.writeHead(502);
      res.end(String(e));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    queries: () => queries,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** Runs a step (test/e2e/vscode.ts `step`): screenshots and notifications on failure. */
const step = (vs: VSCode | undefined, name: string, fn: () => Promise<void>): Promise<void> => e2eStep(vs, 'live-editor-', name, fn);

describe('live numbers in the editor, panel closed', { timeout: 15 * 60_000 }, () => {
  let env: DemoEnvironment | undefined;
  let proxy: CountingProxy | undefined;
  let vs: VSCode | undefined;

  before(async () => {
    env = await startDemoEnvironment({ log: (l) => log(`demo: ${l}`) });
    proxy = await countingProxy(env.prometheusUrl);
    log(`Prometheus ${env.prometheusUrl}, counted through ${proxy.url}`);
    vs = await startVSCode({
      vsix: vsixPath(),
      workspaceFrom: path.join(REPO_ROOT, 'examples', 'emojivoto'),
      label: 'live-editor',
      log: (l) => log(`vscode: ${l}`),
      viewport: { width: 1680, height: 960 },
      settings: {
        'canaryLens.kubeconfig': env.kubeconfig,
        'canaryLens.prometheus.url': proxy.url,
        'canaryLens.stats.window': '15s',
        'canaryLens.stats.refreshInterval': REFRESH_SECONDS,
      },
    });
  });

  after(async () => {
    await vs?.stop();
    await proxy?.close();
    await env?.stop();
  });

  test('lenses and status bar show the live numbers; closing the editor stops the queries', async () => {
    const v = vs!;
    const p = proxy!;
    const statusItem = v.page.locator('.statusbar-item', { hasText: `${SPLIT}:` }).first();
    const statusText = async (): Promise<string> => ((await statusItem.textContent({ timeout: 1000 }).catch(() => '')) ?? '').replace(/\u00a0/g, ' ').trim();

    await step(v, 'no-view', async () => {
      // The extension is active (a YAML file was never opened yet, so maybe not): either way nothing is in view.
      await sleep(3 * REFRESH_SECONDS * 1000);
      assert.equal(p.queries(), 0, 'no editor and no panel: no queries');
    });

    await step(v, 'lenses', async () => {
      const opened = Date.now();
      await v.openFile(FILE);
      await v.waitForLenses({ text: /^\s*Apply\s*$/, timeoutMs: 90_000 });
      const lenses = await v.waitForLenses({ text: OBSERVED_LENS, timeoutMs: 60_000 });
      log(`live lenses ${Date.now() - opened} ms after opening: ${JSON.stringify(lenses)}`);
      // The split's row keeps to its actions (it must fit the editor); its live summary is in the hover and the status bar.
      assert.ok(!lenses.some((l) => l.startsWith('Live: ')), `no Live lens on the split: ${JSON.stringify(lenses)}`);
      assert.equal(lenses.filter((l) => OBSERVED_LENS.test(l)).length, 2, `an observed share on each backend: ${JSON.stringify(lenses)}`);
      assert.equal(await v.page.locator(PANEL_FRAME).count(), 0, 'the panel was never opened');
      await v.screenshot('live-editor-01-lenses');
    });

    await step(v, 'status-bar', async () => {
      // The cursor has not moved since the file opened (before the first numbers): the item got them pushed.
      const text = await until('the status bar to show the split\'s live numbers', statusText, (t) => STATUS_LIVE.test(t), 30_000, 250);
      log(`status bar: ${text}`);
      // Refreshes go on while the editor shows the split.
      const first = p.queries();
      await until('more refreshes', async () => p.queries(), (n) => n >= first + 2, 30_000, 250);
      assert.match(await statusText(), STATUS_LIVE);
      await v.screenshot('live-editor-02-status-bar');
    });

    await step(v, 'closed', async () => {
      // The editor's tab close button (no editor is left).
      await v.page.locator('.editor-group-container.active .tab.active .tab-actions .action-label').first().click();
      await v.page.locator('.editor-group-container.active .tab').first().waitFor({ state: 'detached', timeout: 15_000 });
      // A refresh in flight when the editor closed may finish; then nothing more.
      await sleep(2000);
      const stopped = p.queries();
      await sleep(4 * REFRESH_SECONDS * 1000);
      assert.equal(p.queries(), stopped, `no queries after the editor closed (${p.queries() - stopped} more)`);
      assert.equal(await statusItem.isVisible(), false, 'no split under the cursor any more');
      await v.screenshot('live-editor-03-closed');
    });

    await step(v, 'reopened', async () => {
      const before = p.queries();
      await v.openFile(FILE);
      await v.waitForLenses({ text: OBSERVED_LENS, timeoutMs: 30_000 });
      assert.ok(p.queries() > before, 'measured again once the editor shows the split');
    });
  });
});
