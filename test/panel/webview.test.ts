/**
 * The webview script for real: its bundle's size, then the panel page in Debian's Chromium (playwright-core, never a
 * downloaded browser) with a stand-in for `acquireVsCodeApi` and VS Code-like theme variables. Models posted to the
 * page re-render it without losing the focused button; buttons work from the keyboard with a visible focus ring and
 * post their messages; hostile names stay text; the CSP reports no violation. Screenshots of a dark and a light
 * theme go to .test-artifacts/panel.png and .test-artifacts/panel-states.png.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildPanelModel, type PanelModel, type PanelNotice } from '../../src/extension/panel/model';
import { renderPanelHtml } from '../../src/extension/panel/render';
import { buildWebviewBundle, DARK_THEME, demo, FOUND, HOSTILE, modelOf, NOW, REPO_ROOT, result, snapshot, split, statsOf } from './support';

// The page's globals, for the callbacks that run in Chromium (the project compiles without the DOM library): the few
// members those callbacks use.
interface PageElement { dataset: Record<string, string | undefined>; textContent: string | null; matches(selector: string): boolean }
declare const window: { postMessage(message: unknown, targetOrigin: string): void };
declare const document: {
  activeElement: PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): { length: number };
};
declare function getComputedStyle(element: unknown): { outlineStyle: string; outlineWidth: string; outlineColor: string };

const LIMIT = 150 * 1024;
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO_ROOT, '.test-artifacts');
const NONCE = 'dGVzdC1ub25jZS0xMjM0NTY3OA==';

let bundle = '';

describe('the webview bundle', () => {
  before(async () => {
    bundle = await buildWebviewBundle();
  });

  test(`is under 150 KB (browser, IIFE, minified)`, () => {
    const size = Buffer.byteLength(bundle);
    console.log(`# webview bundle: ${size} bytes (${(size / 1024).toFixed(1)} KB)`);
    assert.ok(size < LIMIT, `${size} bytes`);
    assert.match(bundle, /^("use strict";)?\(\(\)=>\{/, 'an IIFE');
    assert.doesNotMatch(bundle, /\beval\(|new Function\(/, 'nothing the CSP would have to allow');
    assert.doesNotMatch(bundle, /require\(|process\.env/, 'no Node leftovers');
  });

  test('dist/panel.js, when built, is under 150 KB too', (t) => {
    const file = path.join(REPO_ROOT, 'dist', 'panel.js');
    if (!existsSync(file)) return t.skip('dist/panel.js not built (node scripts/build.mjs)');
    assert.ok(statSync(file).size < LIMIT, `${statSync(file).size} bytes`);
  });
});

// ---------------------------------------------------------------------------------------------------------------

const DARK = DARK_THEME;
const LIGHT = {
  ...DARK,
  'sideBar-background': '#f8f8f8', foreground: '#3b3b3b', descriptionForeground: '#717171', focusBorder: '#005fb8',
  'button-background': '#005fb8', 'button-hoverBackground': '#0258a8', 'button-border': '#0000001a',
  'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'button-secondaryHoverBackground': '#cccccc',
  'charts-green': '#388a34', 'charts-blue': '#1a85ff', 'charts-red': '#e51400', 'charts-yellow': '#bf8803', 'charts-purple': '#652d90',
  'charts-lines': 'rgba(59, 59, 59, 0.5)', 'widget-border': '#e5e5e5', 'panel-border': '#e5e5e5', 'badge-background': '#cccccc',
  'badge-foreground': '#3b3b3b', 'editorWarning-foreground': '#bf8803', 'textBlockQuote-background': '#f2f2f2',
};

/** The panel page as VS Code would serve it, plus the theme variables VS Code puts on the document. */
function page(dir: string, name: string, model: PanelModel, theme: Record<string, string>): string {
  const vars = Object.entries(theme).map(([k, v]) => `--vscode-${k}:${v}`).join(';');
  const html = renderPanelHtml({ nonce: NONCE, cspSource: 'file:', scriptUri: './panel.js', initialState: model })
    .replace('</head>', `<style nonce="${NONCE}">html{${vars};background:var(--vscode-sideBar-background)}</style>\n</head>`);
  const file = path.join(dir, name);
  writeFileSync(file, html);
  return pathToFileURL(file).toString();
}

/** Several states at once, for the screenshot only (the panel shows one or two at a time). */
function statesModel(): PanelModel {
  const one = [split('web-split', 'web-svc', [['web-svc-v1', 90], ['web-svc-v2', 10]])];
  const notices: PanelNotice[] = [
    modelOf({ cluster: { state: 'no-kubeconfig', message: 'No kubeconfig: /home/dev/.kube/config (from the default path) does not exist', splits: [] } }),
    modelOf({ cluster: snapshot([], { state: 'forbidden', message: 'Forbidden: user dev cannot list trafficsplits.split.smi-spec.io in namespace emojivoto', forbidden: { verb: 'list', resource: 'trafficsplits.split.smi-spec.io' } }) }),
    modelOf({ cluster: snapshot([], { state: 'crd-missing', message: 'TrafficSplit CRD not installed: install linkerd-smi' }) }),
    modelOf({ cluster: snapshot(one), prometheus: { kind: 'failed', failure: { state: 'prometheus-pod-not-running', message: 'Prometheus pod not running in linkerd-viz (prometheus-6d9f is Pending)', nextStep: 'Check it (kubectl -n linkerd-viz get pods -l component=prometheus); with your own Prometheus, set the viz.linkerd.io/external-prometheus annotation on linkerd-viz or canaryLens.prometheus.url' } } }),
    modelOf({ cluster: snapshot(one), stats: result([statsOf(one[0]!, [{}, {}])]) }),
  ].flatMap((m) => m.notices);
  return { ...modelOf({ cluster: snapshot(one) }), notices, splits: [] };
}

describe('the panel in Chromium', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install -y chromium)` }, () => {
  let browser: Browser;
  let dir: string;
  let p: Page;
  const { splits, result: last, history } = demo();
  const demoModel = modelOf({ cluster: snapshot(splits), stats: last, history });

  before(async () => {
    const { chromium } = await import('playwright-core');
    dir = mkdtempSync(path.join(tmpdir(), 'canary-panel-'));
    writeFileSync(path.join(dir, 'panel.js'), bundle || (await buildWebviewBundle()));
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'xdg-config'), XDG_CACHE_HOME: path.join(dir, 'xdg-cache') },
    });
    p = await browser.newPage({ viewport: { width: 380, height: 900 }, deviceScaleFactor: 2 });
    // What VS Code provides inside a webview, recorded; CSP violations and errors, recorded.
    // (A string: tsx would wrap a function's inner functions in a `__name` helper the page does not have.)
    await p.addInitScript(`
      window.__name = (f) => f;
      window.__posted = [];
      window.__csp = [];
      window.__state = undefined;
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__posted.push(m),
        getState: () => window.__state,
        setState: (s) => { window.__state = s; },
      });
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
    `);
  });

  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const errors: string[] = [];
  const posted = () => p.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted.splice(0));
  const post = (model: PanelModel) => p.evaluate((m) => window.postMessage({ type: 'model', model: m }, '*'), model);
  const focused = () => p.evaluate(() => document.activeElement?.dataset.focus ?? null);

  test('loads under the CSP, renders the first model and says it is ready', async () => {
    p.on('pageerror', (e) => errors.push(e.message));
    p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await p.goto(page(dir, 'panel.html', demoModel, DARK));
    await p.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    assert.deepEqual(await posted(), [{ type: 'ready' }]);
    assert.equal(await p.locator('article.cl-split').count(), 2);
    assert.deepEqual(await p.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
    assert.deepEqual(errors, []);
  });

  test('keyboard: Tab reaches every button, the focus ring is visible, Enter posts the click', async () => {
    const target = 'op:shift:TrafficSplit/emojivoto/web-split';
    const buttons = await p.locator('button').count();
    let seen = 0;
    for (let i = 0; i < buttons + 2 && (await focused()) !== target; i++) {
      await p.keyboard.press('Tab');
      seen++;
    }
    assert.equal(await focused(), target, `reached in ${seen} presses`);
    const ring = await p.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return { style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor, visible: document.activeElement!.matches(':focus-visible') };
    });
    assert.deepEqual(ring, { style: 'solid', width: '2px', color: 'rgb(0, 120, 212)', visible: true });
    await p.keyboard.press('Enter');
    assert.deepEqual(await posted(), [{ type: 'split', op: 'shift', key: 'TrafficSplit/emojivoto/web-split' }]);
    await p.keyboard.press(' ');
    assert.deepEqual(await posted(), [{ type: 'split', op: 'shift', key: 'TrafficSplit/emojivoto/web-split' }]);
  });

  test('a new model re-renders the numbers and keeps the focus on the same button', async () => {
    const changed = structuredClone(demoModel);
    changed.splits[0]!.backends[1]!.observedShare = 0.12;
    changed.splits[0]!.backends[1]!.flagged = false;
    changed.splits[0]!.backends[0]!.observedShare = 0.88;
    changed.splits[0]!.backends[0]!.flagged = false;
    changed.splits[0]!.flagged = false;
    await post(changed);
    await p.waitForFunction(() => !document.querySelector('.cl-split--flagged'));
    assert.equal(await focused(), 'op:shift:TrafficSplit/emojivoto/web-split');
    assert.equal(await p.evaluate(() => document.activeElement!.matches(':focus-visible')), true);
    assert.deepEqual(await p.locator('.cl-bar-value').allTextContents().then((t) => t.slice(0, 4)), ['90.0%', '88.0%', '10.0%', '12.0%']);
    // The model is kept for a reload of the view (no retained context).
    assert.equal(await p.evaluate(() => ((window as unknown as { __state: { model: PanelModel } }).__state.model.splits[0]!.backends[1]!.observedShare)), 0.12);
    await post(demoModel);
    await p.waitForFunction(() => !!document.querySelector('.cl-split--flagged'));
  });

  test('notice buttons post their command', async () => {
    const m = modelOf({ cluster: snapshot(splits), prometheus: { kind: 'not-configured' } });
    await post(m);
    await p.getByRole('button', { name: /Set Prometheus URL/ }).click();
    assert.deepEqual(await posted(), [{ type: 'command', command: 'openSettings', arg: 'canaryLens.prometheus.url' }]);
    await post(demoModel);
  });

  test('hostile names stay text: no element, no handler, no CSP report', async () => {
    const s = split(HOSTILE, `<img src=x onerror="window.__xss=1">`, [[`<img src=x onerror="window.__xss=2">`, 1], [`"><script>window.__xss=3</script>`, 1]], { objectNamespace: `<svg onload="window.__xss=4">` });
    const m = buildPanelModel({
      trusted: true, cluster: snapshot([s], { context: `<img src=x onerror="window.__xss=5">`, state: 'unreachable', message: `<img src=x onerror="window.__xss=6">` }),
      prometheus: FOUND, stats: result([statsOf(s, [{ success: 1, rps: 1, observed: 0.9 }, { success: 1, rps: 0.1, observed: 0.1 }])]), window: '1m', step: 10, now: NOW,
    });
    await post(m);
    await p.waitForFunction(() => document.querySelectorAll('article.cl-split').length === 1);
    await new Promise((r) => setTimeout(r, 200));
    const found = await p.evaluate(() => ({
      img: document.querySelectorAll('#root img, #root script, #root svg[onload]').length,
      xss: (window as unknown as { __xss?: number }).__xss ?? null,
      text: document.querySelector('.cl-split-name')!.textContent,
      csp: (window as unknown as { __csp: string[] }).__csp,
    }));
    assert.deepEqual(found, { img: 0, xss: null, text: HOSTILE, csp: [] });
    assert.deepEqual(errors, []);
  });

  test('screenshots: the splits (dark theme) and the states (light theme)', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await p.goto(page(dir, 'panel.html', demoModel, DARK));
    await p.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await p.keyboard.press('Tab');
    await p.keyboard.press('Tab');
    await p.screenshot({ path: path.join(ARTIFACTS, 'panel.png'), fullPage: true });
    await p.goto(page(dir, 'states.html', statesModel(), LIGHT));
    await p.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await p.screenshot({ path: path.join(ARTIFACTS, 'panel-states.png'), fullPage: true });
    assert.ok(statSync(path.join(ARTIFACTS, 'panel.png')).size > 10_000);
    assert.deepEqual(await p.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
    assert.deepEqual(errors, []);
  });
});
