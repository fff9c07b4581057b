/**
 * The panel's layout at sidebar widths, in Debian's Chromium (playwright-core, never a downloaded browser; skipped
 * when /usr/bin/chromium is absent, as in ./webview.test.ts): a realistic page (a notice with buttons, a Rollout card,
 * the split it manages, hand-written splits with long backend names, live numbers and sparklines) is laid out from
 * 170 px (the narrowest sidebar) to 900 px, and measured in the DOM, not in pixels of an image: no button clips its
 * label, every share bar keeps a usable width, sparkline labels stay on one line, nothing scrolls sideways. Narrow
 * pages stack a bar under its label; wide ones lay the backends out in aligned columns. Screenshots (dark theme) go
 * to .test-artifacts/panel-narrow.png and .test-artifacts/panel-wide.png.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { StatsHistory } from '../../src/extension/panel/history';
import type { PanelModel } from '../../src/extension/panel/model';
import { renderPanelHtml } from '../../src/extension/panel/render';
import type { DeliveryStatus, RolloutView } from '../../src/protocol/messages';
import { buildWebviewBundle, DARK_THEME, modelOf, NOW, REPO_ROOT, result, snapshot, split, statsOf } from './support';
import { pausedView, runningView } from './rolloutFixtures';

// The page's globals, for the callbacks that run in Chromium (the project compiles without the DOM library).
interface Box { left: number; right: number; top: number; bottom: number; width: number; height: number }
interface PageElement {
  scrollWidth: number; clientWidth: number; textContent: string | null;
  getBoundingClientRect(): Box;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
declare const document: { scrollingElement: PageElement; querySelectorAll(selector: string): ArrayLike<PageElement> };
declare const window: { innerWidth: number };
declare function getComputedStyle(element: unknown): { lineHeight: string; fontSize: string };

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO_ROOT, '.test-artifacts');
const NONCE = 'bGF5b3V0LW5vbmNlLTEyMzQ1Njc4';
const NARROW = 170;
const WIDE = 720;
const MIN_BAR = 40;

const DARK = DARK_THEME;

/**
 * Three splits with live numbers and ten minutes of history: a TrafficSplit 80/20 whose canary `web-svc-2` gets 31%
 * (flagged), an HTTPRoute rule with three backends (`emoji-svc-canary-v2` the canary), and a TrafficSplit an Argo
 * Rollout manages (its card first, with its actions); a notice with buttons on top.
 */
function realisticModel(): PanelModel {
  const web = split('web-split', 'web-svc', [['web-svc', 80], ['web-svc-2', 20]]);
  const emoji = split('emoji-route', 'emoji-svc', [['emoji-svc', 70], ['emoji-svc-canary-v1', 20], ['emoji-svc-canary-v2', 10]], { kind: 'HTTPRoute', rule: 1 });
  const managed = split('web-rollout', 'web-root', [['web-stable', 80], ['web-canary', 20]]);
  const numbers = (i: number) => {
    const wave = Math.sin(i / 9);
    return [
      statsOf(web, [
        { success: 0.998 - 0.004 * Math.max(0, wave), rps: 12.4 + 2 * wave, observed: 0.69, p50: 3, p95: 11, p99: 24 },
        { success: 0.952 + 0.03 * Math.cos(i / 7), rps: 5.6 + Math.cos(i / 5), observed: 0.31, p50: 5, p95: 18, p99: 61 },
      ]),
      statsOf(emoji, [
        { success: 1, rps: 31.2 + 3 * wave, observed: 0.7, p50: 2, p95: 7, p99: 15, timeouts: 0 },
        { success: 0.991, rps: 8.9, observed: 0.2, p50: 2, p95: 8, p99: 17, timeouts: 0.001 },
        { success: i > 90 && i < 100 ? null : 0.97, rps: 4.5, observed: 0.1, p50: 4, p95: 21, p99: 140, timeouts: 0.012 },
      ]),
      statsOf(managed, [
        { success: 1, rps: 8.1, observed: 0.8, p50: 3, p95: 9, p99: 18 },
        { success: 0.99, rps: 2, observed: 0.2, p50: 3, p95: 10, p99: 22 },
      ]),
    ];
  };
  const history = new StatsHistory();
  for (let i = 0; i <= 120; i++) history.record(result(numbers(i), NOW - 600 + i * 5));
  const rollout: DeliveryStatus = {
    kind: 'Rollout', controller: 'Argo Rollouts', namespace: 'emojivoto', name: 'web-rollout', phase: 'Paused', weight: 20,
    step: { index: 1, total: 5 }, message: 'CanaryPauseStep', paused: true, aborted: false,
    split: { namespace: 'emojivoto', kind: 'TrafficSplit', name: 'web-rollout' },
    brief: 'Paused · 20% · step 1/5', actions: ['abort', 'promote', 'promote-full'],
  };
  const live = modelOf({ cluster: snapshot([web, emoji, managed], { deliveries: [rollout] }), stats: result(numbers(120)), history });
  // A notice with its buttons (the Prometheus one: the panel shows it above the splits when the URL is not set).
  const notice = modelOf({ cluster: snapshot([web]), prometheus: { kind: 'not-configured' } }).notices;
  return { ...live, notices: [...notice, ...live.notices] };
}

interface Layout {
  overflow: { scrollWidth: number; innerWidth: number };
  clipped: string[];
  buttons: number;
  bars: number[];
  sparkLabels: { text: string; lines: number }[];
  /** Per backend (split cards only): where the name, the bars and the metrics are. */
  backends: { name: Box; bars: Box; metrics: Box }[];
}

/** DOM measurements of the page as laid out (runs in the page: `__name` stands in for tsx's helper there). */
function measure(): Layout {
  const box = (e: PageElement | null): Box => {
    const r = e!.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
  };
  const all = (s: string) => Array.from(document.querySelectorAll(s));
  const buttons = all('#root button');
  return {
    overflow: { scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth },
    // A label cut off (ellipsis or hidden overflow) is wider than its box; so is one that sticks out of it.
    clipped: buttons.filter((b) => b.scrollWidth > b.clientWidth || box(b).right > window.innerWidth).map((b) => b.textContent ?? ''),
    buttons: buttons.length,
    bars: all('#root svg.cl-bar').map((e) => box(e).width),
    sparkLabels: all('#root .cl-spark-label').map((e) => {
      const s = getComputedStyle(e);
      const line = s.lineHeight.endsWith('px') ? parseFloat(s.lineHeight) : parseFloat(s.fontSize) * 1.4;
      return { text: e.textContent ?? '', lines: box(e).height / line };
    }),
    backends: all('#root .cl-split .cl-backend').map((b) => ({
      name: box(b.querySelector('.cl-backend-name')), bars: box(b.querySelector('.cl-bars')), metrics: box(b.querySelector('.cl-metrics')),
    })),
  };
}

/** Chromium, and a page of the panel's HTML (dark theme) whose first state is `model`, in a temporary folder. */
async function panelBrowser(model: PanelModel, name: string): Promise<{ browser: Browser; dir: string; url: string }> {
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(path.join(tmpdir(), `canary-${name}-`));
  writeFileSync(path.join(dir, 'panel.js'), await buildWebviewBundle());
  const vars = Object.entries(DARK).map(([k, v]) => `--vscode-${k}:${v}`).join(';');
  const html = renderPanelHtml({ nonce: NONCE, cspSource: 'file:', scriptUri: './panel.js', initialState: model })
    .replace('</head>', `<style nonce="${NONCE}">html{${vars};background:var(--vscode-sideBar-background)}</style>\n</head>`);
  writeFileSync(path.join(dir, `${name}.html`), html);
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'xdg-config'), XDG_CACHE_HOME: path.join(dir, 'xdg-cache') },
  });
  return { browser, dir, url: pathToFileURL(path.join(dir, `${name}.html`)).toString() };
}

/**
 * The page in a sidebar `width` px wide, once `selector` is there; the webview script stands in for nothing here (the
 * first paint is the HTML). Device pixels change no CSS length; 1 keeps the pictures small enough for the README.
 */
async function openPage(browser: Browser, url: string, width: number, selector: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
  await page.addInitScript(`window.__name = (f) => f; window.acquireVsCodeApi = () => ({ postMessage() {}, getState() {}, setState() {} });`);
  await page.goto(url);
  await page.waitForSelector(selector);
  return page;
}

describe('the panel at sidebar widths', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install -y chromium)` }, () => {
  let browser: Browser;
  let dir: string;
  let url: string;

  before(async () => {
    ({ browser, dir, url } = await panelBrowser(realisticModel(), 'layout'));
  });

  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(width: number): Promise<{ page: Page; layout: Layout }> {
    const page = await openPage(browser, url, width, 'article.cl-split');
    return { page, layout: await page.evaluate(measure) };
  }

  for (const width of [NARROW, 200, 260, 320, 400, 560, WIDE, 900]) {
    test(`${width} px: no clipped button, bars at least ${MIN_BAR} px, one-line sparkline labels, no sideways scroll`, async () => {
      const { page, layout } = await open(width);
      try {
        assert.ok(layout.buttons >= 12, `${layout.buttons} buttons`);
        assert.equal(layout.bars.length, 2 * (2 + 3 + 2) + 2 * 2, 'a desired and an observed bar per backend, on the split cards and the Rollout card');
        assert.equal(layout.sparkLabels.length, 2 * 7);
        // All the faults at once, so that a failure says everything wrong at this width.
        const faults = {
          clippedButtons: layout.clipped,
          barsUnder40px: layout.bars.filter((w) => w < MIN_BAR).map(Math.round),
          wrappedSparkLabels: layout.sparkLabels.filter((l) => l.lines > 1.5).map((l) => l.text),
          sidewaysScroll: layout.overflow.scrollWidth > layout.overflow.innerWidth ? `${layout.overflow.scrollWidth} > ${layout.overflow.innerWidth}` : null,
        };
        assert.deepEqual(faults, { clippedButtons: [], barsUnder40px: [], wrappedSparkLabels: [], sidewaysScroll: null });
      } finally {
        await page.close();
      }
    });
  }

  test(`${NARROW} px: each bar is as wide as its card (under its label), and a screenshot`, async () => {
    const { page, layout } = await open(NARROW);
    try {
      for (const b of layout.backends) {
        assert.ok(b.bars.top >= b.name.bottom - 1, 'the bars under the name');
      }
      // The bar itself spans most of its row: the label and the value sit above it, not beside it.
      assert.ok(Math.min(...layout.bars) >= NARROW - 60, `narrowest bar ${Math.round(Math.min(...layout.bars))} px at ${NARROW} px`);
      // The picture: from the top to the end of the first split card (the whole page is four screens tall).
      const bottom = await page.evaluate(() => document.querySelectorAll('article.cl-split')[0]!.getBoundingClientRect().bottom);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'panel-narrow.png'), fullPage: true, clip: { x: 0, y: 0, width: NARROW, height: Math.ceil(bottom) + 8 } });
      assert.ok(statSync(path.join(ARTIFACTS, 'panel-narrow.png')).size > 10_000);
    } finally {
      await page.close();
    }
  });

  test(`${WIDE} px: the backends of a split in aligned columns (name, shares, numbers side by side), and a screenshot`, async () => {
    const { page, layout } = await open(WIDE);
    try {
      for (const b of layout.backends) {
        assert.ok(b.bars.left >= b.name.left + 60, 'the shares beside the name, not under it');
        assert.ok(b.metrics.left >= b.bars.right, 'the numbers beside the shares');
        assert.ok(b.bars.top < b.name.bottom, 'on the same line as the name');
      }
      const lefts = new Set(layout.backends.map((b) => Math.round(b.bars.left)));
      assert.equal(lefts.size, 1, `the share columns line up across backends and splits: ${[...lefts].join(', ')}`);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'panel-wide.png'), fullPage: true });
      assert.ok(statSync(path.join(ARTIFACTS, 'panel-wide.png')).size > 10_000);
    } finally {
      await page.close();
    }
  });
});

/**
 * Mid-rollout: the TrafficSplit `web-split` at step 2 of 4 (25%, 1:20 left, every gate passing, driven by this window)
 * with its live numbers, and an HTTPRoute rule paused by a failed success-rate gate.
 */
function rolloutModel(): PanelModel {
  const web = split('web-split', 'web-svc', [['web-svc', 75], ['web-svc-2', 25]]);
  const emoji = split('emoji-route', 'emoji-svc', [['emoji-svc', 75], ['emoji-svc-canary-v2', 25]], { kind: 'HTTPRoute', rule: 2 });
  const numbers = (i: number) => [
    statsOf(web, [
      { success: 0.998, rps: 12.4 + 2 * Math.sin(i / 9), observed: 0.75, p50: 3, p95: 9, p99: 11 },
      { success: 0.992 + 0.004 * Math.cos(i / 7), rps: 4.1 + Math.cos(i / 5), observed: 0.25, p50: 3, p95: 10, p99: 12 },
    ]),
    statsOf(emoji, [
      { success: 1, rps: 30 + 3 * Math.sin(i / 9), observed: 0.76, p50: 2, p95: 7, p99: 12 },
      { success: 0.971, rps: 9.8, observed: 0.24, p50: 3, p95: 9, p99: 13 },
    ]),
  ];
  const history = new StatsHistory();
  for (let i = 0; i <= 120; i++) history.record(result(numbers(i), NOW - 600 + i * 5));
  return modelOf({
    cluster: snapshot([web, emoji]), stats: result(numbers(120)), history,
    rollouts: [runningView(), ofCanary(pausedView({ kind: 'HTTPRoute', name: 'emoji-route', namespace: 'emojivoto', rule: 2 }), 'emoji-svc-canary-v2')],
  });
}

/** The fixture's rollout of another canary (its name in the words too). */
function ofCanary(v: RolloutView, canary: string): RolloutView {
  return { ...v, canary, status: { ...v.status, message: v.status.message.replaceAll(v.canary, canary) } };
}

interface RolloutLayout {
  overflow: { scrollWidth: number; innerWidth: number };
  clipped: string[];
  buttons: string[];
  gates: { name: Box; value: Box; verdict: Box; spark: Box }[];
  steps: Box[];
  section: Box;
}

function measureRollouts(): RolloutLayout {
  const box = (e: PageElement | null): Box => {
    const r = e!.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
  };
  const all = (s: string) => Array.from(document.querySelectorAll(s));
  const buttons = all('#root .cl-rollout button');
  return {
    overflow: { scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth },
    clipped: all('#root button').filter((b) => b.scrollWidth > b.clientWidth || box(b).right > window.innerWidth).map((b) => b.textContent ?? ''),
    buttons: buttons.map((b) => b.textContent ?? ''),
    gates: all('#root .cl-ro-gate').map((g) => ({
      name: box(g.querySelector('.cl-ro-gate-name')), value: box(g.querySelector('.cl-ro-gate-value')),
      verdict: box(g.querySelector('.cl-ro-verdict')), spark: box(g.querySelector('.cl-ro-spark svg')),
    })),
    steps: all('#root .cl-ro-step').map(box),
    section: box(document.querySelectorAll('#root .cl-rollout')[0]!),
  };
}

describe('a card mid-rollout at sidebar widths', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install -y chromium)` }, () => {
  let browser: Browser;
  let dir: string;
  let url: string;

  before(async () => {
    ({ browser, dir, url } = await panelBrowser(rolloutModel(), 'layout-rollout'));
  });

  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(width: number): Promise<{ page: Page; layout: RolloutLayout }> {
    const page = await openPage(browser, url, width, '.cl-rollout');
    return { page, layout: await page.evaluate(measureRollouts) };
  }

  const faultsOf = (layout: RolloutLayout) => ({
    clippedButtons: layout.clipped,
    sidewaysScroll: layout.overflow.scrollWidth > layout.overflow.innerWidth ? `${layout.overflow.scrollWidth} > ${layout.overflow.innerWidth}` : null,
    gatesOutsideTheSection: layout.gates.filter((g) => [g.name, g.value, g.verdict, g.spark].some((b) => b.right > layout.section.right + 1)).length,
    stepsOutsideTheSection: layout.steps.filter((b) => b.right > layout.section.right + 1).length,
  });
  const NO_FAULTS = { clippedButtons: [], sidewaysScroll: null, gatesOutsideTheSection: 0, stepsOutsideTheSection: 0 };

  test(`${NARROW} px: the rollout's buttons wrap, never clipped; each gate's value under its name, its sparkline under that`, async () => {
    const { page, layout } = await open(NARROW);
    try {
      assert.deepEqual(layout.buttons, ['Pause', 'Roll back', 'Cancel', 'Resume', 'Roll back', 'Cancel']);
      assert.equal(layout.gates.length, 6);
      assert.deepEqual(faultsOf(layout), NO_FAULTS);
      for (const g of layout.gates) {
        assert.ok(g.value.top >= g.name.bottom - 1, 'the value under the name');
        assert.ok(g.spark.top >= g.value.bottom - 1, 'the sparkline under the value');
        assert.ok(g.spark.width >= NARROW - 70, `a sparkline of ${Math.round(g.spark.width)} px`);
      }
      const bottom = await page.evaluate(() => document.querySelectorAll('#root .cl-rollout')[0]!.getBoundingClientRect().bottom);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'panel-rollout-narrow.png'), clip: { x: 0, y: 0, width: NARROW, height: Math.ceil(bottom) + 8 } });
    } finally {
      await page.close();
    }
  });

  test(`${WIDE} px: each gate on one line (name, value, verdict, sparkline), and the screenshot docs/panel-rollout.png shows`, async () => {
    const { page, layout } = await open(WIDE);
    try {
      assert.deepEqual(faultsOf(layout), NO_FAULTS);
      for (const g of layout.gates) {
        assert.ok(g.value.left >= g.name.right && g.verdict.left >= g.value.right && g.spark.left >= g.verdict.right, 'side by side, in order');
        assert.ok(g.value.top < g.name.bottom && g.spark.top < g.name.bottom, 'on one line');
      }
      const lefts = new Set(layout.gates.map((g) => Math.round(g.value.left)));
      assert.equal(lefts.size, 1, `the value columns line up across gates and cards: ${[...lefts].join(', ')}`);
      assert.equal(new Set(layout.steps.map((b) => Math.round(b.top))).size, 2, 'each card\'s timeline on one line');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'panel-rollout.png'), fullPage: true });
      assert.ok(statSync(path.join(ARTIFACTS, 'panel-rollout.png')).size > 10_000);
    } finally {
      await page.close();
    }
  });
});
