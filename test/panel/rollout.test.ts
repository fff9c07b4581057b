/**
 * Guided rollouts in the panel (src/extension/panel/rolloutModel.ts, rolloutRender.ts), from views the rollout
 * library builds: where each shows (its split's card, else a card of its own), the step timeline, the time left, each
 * gate's value against its threshold with its verdict and sparkline, who drives it, the buttons its state offers, the
 * messages those buttons post and what the engine passes on; then a click in Chromium.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { PanelController } from '../../src/extension/panel/controller';
import { parseWebviewMessage, type PanelModel } from '../../src/extension/panel/model';
import { renderPanelBody, renderPanelHtml } from '../../src/extension/panel/render';
import { buildRollout, gateComparison } from '../../src/extension/panel/rolloutModel';
import type { RolloutActionName, RolloutView } from '../../src/protocol/messages';
import { otherDriverView, pausedView, runningView, settlingView, unattendedView } from './rolloutFixtures';
import { buildWebviewBundle, DARK_THEME, FakeSource, FakeTimers, HOSTILE, modelOf, NOW, snapshot, split } from './support';

declare const window: { postMessage(message: unknown, targetOrigin: string): void };

const web = split('web-split', 'web-svc', [['web-svc', 75], ['web-svc-2', 25]]);
const emoji = split('emoji-route', 'emoji-svc', [['emoji-v1', 50], ['emoji-v2', 50]], { kind: 'HTTPRoute', rule: 2 });

const modelWith = (rollouts: RolloutView[]): PanelModel => modelOf({ cluster: snapshot([web, emoji]), rollouts });

/** The text of every element matching a class (tags stripped, entities of the escaper decoded). */
function texts(html: string, cls: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<(\\w+)[^>]*class="(?:[^"]* )?${cls}(?: [^"]*)?"[^>]*>`, 'g');
  for (const m of html.matchAll(re)) {
    // The element's content up to its own closing tag (these elements do not nest their own tag).
    const start = m.index + m[0].length;
    const end = html.indexOf(`</${m[1]}>`, start);
    out.push(html.slice(start, end).replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'));
  }
  return out;
}
const rolloutButtons = (html: string): [string, string, string][] =>
  [...html.matchAll(/<button[^>]*data-rollout-action="([^"]+)" data-rollout="([^"]+)"[^>]*>([^<]*)<\/button>/g)].map((m) => [m[1]!, m[2]!, m[3]!]);
/** The card of a split (from its article to the next one). */
const cardOf = (html: string, key: string): string => {
  const start = html.indexOf(`data-split="${key}"`);
  assert.ok(start >= 0, `a card for ${key}`);
  const end = html.indexOf('<article', start);
  return html.slice(start, end < 0 ? undefined : end);
};

describe('a rollout on its split\'s card', () => {
  test('running at step 2/4 with every gate passing: timeline, time left, each gate against its threshold, Pause / Roll back / Cancel', () => {
    const m = modelWith([runningView()]);
    assert.equal(m.splits[0]!.rollout?.key, 'TrafficSplit/emojivoto/web-split', 'on the card of the split it drives');
    assert.equal(m.splits[1]!.rollout, undefined);
    assert.equal(m.rollouts, undefined, 'no card of its own');
    const card = cardOf(renderPanelBody(m), 'TrafficSplit/emojivoto/web-split');
    assert.deepEqual(texts(card, 'cl-ro-step'), ['10% ✓', '→ 25% ●', '→ 50%', '→ 100%']);
    assert.deepEqual(texts(card, 'cl-ro-step--done'), ['10% ✓']);
    assert.deepEqual(texts(card, 'cl-ro-step--current'), ['→ 25% ●']);
    assert.deepEqual(texts(card, 'cl-ro-step-text'), ['step 2/4 · 25%']);
    assert.deepEqual(texts(card, 'cl-ro-left'), ['1:20 left']);
    assert.deepEqual(texts(card, 'cl-ro-message'), ['step 2/4 (web-svc-2 25%): gates ✓, 1:20 left']);
    assert.deepEqual(texts(card, 'cl-ro-gate-name'), ['requests', 'success rate', 'P99']);
    assert.deepEqual(texts(card, 'cl-ro-gate-value'), ['140 ≥ 100 requests', '99.2% ≥ 99%', '12 ms ≤ 15 ms']);
    assert.deepEqual([...card.matchAll(/data-verdict="(\w+)"/g)].map((x) => x[1]), ['pass', 'pass', 'pass']);
    assert.deepEqual(rolloutButtons(card).map(([a, , label]) => [a, label]), [['pause', 'Pause'], ['rollback', 'Roll back'], ['cancel', 'Cancel']]);
    assert.ok(rolloutButtons(card).every(([, key]) => key === 'TrafficSplit/emojivoto/web-split'));
    assert.deepEqual(texts(card, 'cl-ro-driver').map((t) => t.split(' · ')[0]), ['driven by you']);
    // A sparkline per gate, of this step's four evaluations only (the step-1 one is left out), read out in words.
    const sparks = [...card.matchAll(/<span class="cl-ro-spark"><svg[^>]*aria-label="([^"]*)"[\s\S]*?<\/svg>/g)];
    assert.equal(sparks.length, 3);
    assert.ok(sparks.every((s) => /<polyline points="(\S+ ){3}\S+"/.test(s[0])), 'four points each');
    assert.equal(sparks[1]![1], 'success rate at this step&#39;s 4 evaluations: from 99.6% to 99.3%, between 99.3% and 99.6%');
    assert.equal(sparks[2]![1], 'P99 at this step&#39;s 4 evaluations: from 10 ms to 11.5 ms, between 10 ms and 11.5 ms');
  });

  test('a step that just moved settles: gates in 55 s, no gate shown passing on the previous step\'s report', () => {
    const card = cardOf(renderPanelBody(modelWith([settlingView()])), 'TrafficSplit/emojivoto/web-split');
    assert.deepEqual(texts(card, 'cl-ro-left'), ['gates in 55 s']);
    assert.match(texts(card, 'cl-ro-message')[0] ?? '', /still holds the previous step's traffic; gates count in 55 s/);
    assert.deepEqual([...card.matchAll(/data-verdict="(\w+)"/g)].map((x) => x[1]), ['waiting', 'waiting', 'waiting']);
    assert.ok(!card.includes('140 ≥ 100'), 'the previous step\'s values are not shown as this step\'s');
  });

  test('paused by a failed gate: Resume / Roll back / Cancel, and the failed gate says by how much', () => {
    const html = renderPanelBody(modelWith([pausedView()]));
    const card = cardOf(html, 'TrafficSplit/emojivoto/web-split');
    assert.deepEqual(rolloutButtons(card).map(([a, , label]) => [a, label]), [['resume', 'Resume'], ['rollback', 'Roll back'], ['cancel', 'Cancel']]);
    assert.match(card, /class="cl-rollout cl-rollout--paused"/);
    assert.deepEqual(texts(card, 'cl-ro-gate-value'), ['180 ≥ 100 requests', '97.1% < 99%', '13 ms ≤ 15 ms']);
    assert.deepEqual([...card.matchAll(/data-verdict="(\w+)"/g)].map((x) => x[1]), ['pass', 'fail', 'pass']);
    assert.match(card, /<li class="cl-ro-gate cl-ro-gate--fail" data-gate="successRate"/);
    assert.deepEqual(texts(card, 'cl-ro-left'), [], 'no time left while paused');
    assert.match(texts(card, 'cl-ro-message')[0]!, /gate failed: success rate ≥ 99%: 97.1% < 99%/);
  });

  test('unattended (the lease lapsed): says no runner drives it, and that the split stays at this step', () => {
    const v = unattendedView();
    assert.equal(v.unattended, true, 'the fixture\'s lease lapsed');
    const card = cardOf(renderPanelBody(modelWith([v])), 'TrafficSplit/emojivoto/web-split');
    assert.deepEqual(texts(card, 'cl-ro-unattended'), ['no runner: the split stays at this step']);
    assert.match(card, /data-driver="none"/);
    assert.match(card, /class="cl-rollout cl-rollout--paused"/, 'marked as needing someone');
    assert.doesNotMatch(card, /driven by/);
  });

  test('driven by someone else: their id, not "you"', () => {
    const card = cardOf(renderPanelBody(modelWith([otherDriverView()])), 'TrafficSplit/emojivoto/web-split');
    assert.deepEqual(texts(card, 'cl-ro-driver').map((t) => t.split(' · ')[0]), ['driven by ci-job-7 (canary-lens CLI)']);
  });

  test('gates short of data say what they need; a skipped one says it was not compared', () => {
    const base = runningView().gates;
    assert.equal(gateComparison({ ...base[0]!, verdict: 'insufficient', value: 40 }), '40 requests, needs ≥ 100');
    assert.equal(gateComparison({ ...base[1]!, verdict: 'insufficient', value: null, threshold: null }), '-');
    assert.equal(gateComparison({ ...base[2]!, verdict: 'skipped', value: 18, threshold: null }), '18 ms, not compared');
    assert.equal(gateComparison({ ...base[2]!, verdict: 'fail', value: 140.4, threshold: 15 }), '140 ms > 15 ms');
    assert.deepEqual(buildRollout({ ...runningView(), gates: [{ ...base[0]!, verdict: 'insufficient' }] }).gates.map((g) => g.verdict), ['waiting']);
  });

  test('a completed rollout marks every step done and offers nothing', () => {
    const r = buildRollout({ ...runningView(), step: 3, phase: 'completed', actions: [], status: { kind: 'ended', message: 'complete' } });
    assert.deepEqual(r.steps.map((s) => s.state), ['done', 'done', 'done', 'done']);
    assert.equal(r.left, undefined);
    assert.equal(rolloutButtons(renderPanelBody({ ...modelWith([]), rollouts: [r] })).length, 0);
  });
});

describe('where a rollout shows', () => {
  test('a route rule\'s rollout goes on that rule\'s card; one without a rule on the card of a route\'s only rule', () => {
    const rule2 = unattendedView({ kind: 'HTTPRoute', name: 'emoji-route', namespace: 'emojivoto', rule: 2 });
    const m = modelWith([rule2]);
    assert.equal(m.splits[1]!.rollout?.key, 'HTTPRoute/emojivoto/emoji-route#2');
    assert.equal(modelWith([unattendedView({ kind: 'HTTPRoute', name: 'emoji-route', namespace: 'emojivoto', rule: 1 })]).rollouts?.length, 1, 'rule 1 has no card here');
    const single = split('one-rule', 'one-svc', [['a', 1], ['b', 1]], { kind: 'HTTPRoute' });
    const m2 = modelOf({ cluster: snapshot([single]), rollouts: [unattendedView({ kind: 'HTTPRoute', name: 'one-rule', namespace: 'emojivoto' }), unattendedView({ kind: 'HTTPRoute', name: 'one-rule', namespace: 'other' })] });
    assert.equal(m2.splits[0]!.rollout?.key, 'HTTPRoute/emojivoto/one-rule');
    assert.deepEqual(m2.rollouts?.map((r) => r.key), ['HTTPRoute/other/one-rule'], 'another namespace is another split');
  });

  test('a rollout of a split the panel has no card for: a card of its own above the splits', () => {
    const m = modelWith([unattendedView({ kind: 'TrafficSplit', name: 'books-split', namespace: 'emojivoto' })]);
    assert.deepEqual(m.rollouts?.map((r) => r.key), ['TrafficSplit/emojivoto/books-split']);
    const html = renderPanelBody(m);
    const own = html.indexOf('<section class="cl-rollouts"');
    assert.ok(own >= 0 && own < html.indexOf('<section class="cl-splits"'), 'above the splits');
    assert.match(html, /<article class="cl-rollout-card"[^>]*><h2[^>]*><span class="cl-kind">TrafficSplit<\/span> <span class="cl-split-name">books-split<\/span><\/h2><p class="cl-split-meta">namespace emojivoto · not among the splits shown<\/p>/);
    assert.deepEqual(rolloutButtons(html).map(([a, key]) => [a, key]), [['pause', 'TrafficSplit/emojivoto/books-split'], ['rollback', 'TrafficSplit/emojivoto/books-split'], ['cancel', 'TrafficSplit/emojivoto/books-split']]);
  });

  test('names and messages are escaped; no handler, no style attribute', () => {
    const v: RolloutView = { ...runningView(), canary: HOSTILE, startedBy: HOSTILE, status: { kind: HOSTILE, message: HOSTILE }, split: { kind: 'TrafficSplit', namespace: HOSTILE, name: HOSTILE } };
    v.holder = { ...v.holder!, id: HOSTILE, mine: false };
    v.gates = v.gates.map((g) => ({ ...g, label: HOSTILE, detail: HOSTILE }));
    const html = renderPanelBody(modelWith([v]));
    assert.doesNotMatch(html, /<img/i);
    // No tag gets a handler or a style (quoted attribute values, where escaped names may appear, are blanked first).
    assert.doesNotMatch(html.replace(/"[^"]*"/g, '""'), /<[^>]*\s(on[a-z]+|style)\s*=/i);
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  });
});

describe('rollout buttons → the extension', () => {
  test('the message a button posts is accepted only with a known action and a key', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'rollout', action: 'pause', key: 'TrafficSplit/emojivoto/web-split' }), { type: 'rollout', action: 'pause', key: 'TrafficSplit/emojivoto/web-split' });
    assert.equal(parseWebviewMessage({ type: 'rollout', action: 'delete', key: 'TrafficSplit/emojivoto/web-split' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'rollout', action: 'pause' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'rollout', action: 'pause', key: 'x'.repeat(2000) }), undefined);
  });

  test('the engine shows what setRollouts gave it and passes on only an action that rollout offers', () => {
    const calls: [RolloutView['split'], RolloutActionName][] = [];
    const posted: PanelModel[] = [];
    const c = new PanelController({
      settings: () => ({ prometheusUrl: 'http://127.0.0.1:9', family: 'route', window: '1m', refreshSeconds: 5, step: 10 }),
      trusted: () => true, post: (m) => posted.push(m), timers: new FakeTimers(), now: () => NOW * 1000,
      onRolloutAction: (split, action) => calls.push([split, action]),
    });
    try {
      c.setSource(new FakeSource(snapshot([web])));
      c.setVisible(true);
      const n = posted.length;
      c.setRollouts([runningView()]);
      assert.equal(posted.length, n + 1, 'a new model at once');
      assert.equal(posted.at(-1)!.splits[0]!.rollout?.stepText, 'step 2/4 · 25%');
      c.rolloutAction('TrafficSplit/emojivoto/web-split', 'pause');
      c.rolloutAction('TrafficSplit/emojivoto/web-split', 'advance');
      c.rolloutAction('TrafficSplit/emojivoto/other', 'pause');
      assert.deepEqual(calls, [[{ namespace: 'emojivoto', kind: 'TrafficSplit', name: 'web-split' }, 'pause']]);
      c.setRollouts([pausedView()]);
      c.rolloutAction('TrafficSplit/emojivoto/web-split', 'resume');
      assert.deepEqual(calls.at(-1)![1], 'resume');
      c.setRollouts([]);
      assert.equal(posted.at(-1)!.splits[0]!.rollout, undefined, 'cleared');
      c.rolloutAction('TrafficSplit/emojivoto/web-split', 'resume');
      assert.equal(calls.length, 2, 'nothing for a rollout no longer shown');
    } finally {
      c.dispose();
    }
  });
});

const CHROMIUM = '/usr/bin/chromium';
const NONCE = 'cm9sbG91dC1ub25jZS0xMjM0NTY=';

describe('rollout buttons in Chromium', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install -y chromium)` }, () => {
  let browser: Browser;
  let dir: string;
  let p: Page;

  before(async () => {
    const { chromium } = await import('playwright-core');
    dir = mkdtempSync(path.join(tmpdir(), 'canary-rollout-'));
    writeFileSync(path.join(dir, 'panel.js'), await buildWebviewBundle());
    const vars = Object.entries(DARK_THEME).map(([k, v]) => `--vscode-${k}:${v}`).join(';');
    const html = renderPanelHtml({ nonce: NONCE, cspSource: 'file:', scriptUri: './panel.js', initialState: modelWith([runningView()]) })
      .replace('</head>', `<style nonce="${NONCE}">html{${vars};background:var(--vscode-sideBar-background)}</style>\n</head>`);
    writeFileSync(path.join(dir, 'rollout.html'), html);
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'xdg-config'), XDG_CACHE_HOME: path.join(dir, 'xdg-cache') },
    });
    p = await browser.newPage({ viewport: { width: 380, height: 900 } });
    await p.addInitScript(`
      window.__name = (f) => f;
      window.__posted = [];
      window.__csp = [];
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
    `);
    await p.goto(pathToFileURL(path.join(dir, 'rollout.html')).toString());
    await p.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  });

  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const posted = () => p.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted.splice(0));

  test('a click on Pause posts the rollout action with the rollout\'s key', async () => {
    assert.deepEqual(await posted(), [{ type: 'ready' }]);
    await p.getByRole('button', { name: /^Pause the rollout of web-svc-2 at 25%/ }).click();
    assert.deepEqual(await posted(), [{ type: 'rollout', action: 'pause', key: 'TrafficSplit/emojivoto/web-split' }]);
  });

  test('a new model (paused) re-renders the buttons; Resume from the keyboard posts resume', async () => {
    await p.evaluate((m) => window.postMessage({ type: 'model', model: m }, '*'), modelWith([pausedView()]));
    const resume = p.getByRole('button', { name: /^Resume the rollout of web-svc-2/ });
    await resume.waitFor();
    assert.equal(await p.getByRole('button', { name: /^Pause the rollout/ }).count(), 0);
    await resume.focus();
    await p.keyboard.press('Enter');
    assert.deepEqual(await posted(), [{ type: 'rollout', action: 'resume', key: 'TrafficSplit/emojivoto/web-split' }]);
    assert.deepEqual(await p.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
  });
});
