/**
 * End to end in real VS Code (code-server 4.100.3 in Debian's Chromium, see ./vscode.ts): the packaged extension
 * (canary-lens-<version>.vsix, which `npm test` and `npm run test:e2e` build first) installed into a throwaway
 * extensions folder, a copy of examples/emojivoto as the workspace, and what a person sees and does in the editor:
 * lenses, squiggles, the Problems count, a lens click that edits the file, undo, completion.
 *
 * Screenshots of each step go to .test-artifacts/e2e/; the timings are printed at the end and kept in
 * .test-artifacts/e2e/timings.json.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { until } from '../support/wait';
import { ARTIFACTS, startVSCode, type VSCode, step as e2eStep } from './vscode';
import { REPO_ROOT, vsixPath } from './vsix';

const FILE = 'web-svc-ts.yaml';
/** Line 12 is `      weight: 500 # the current version`; the number starts in column 15. */
const WEB_SVC_WEIGHT = { line: 12, column: 15 };
/** Line 13 is `    - service: web-svc-2`; the name starts in column 16. */
const CANARY_NAME = { line: 13, column: 16, text: 'web-svc-2' };
const EMOJIVOTO_SERVICES = ['emoji-svc', 'voting-svc', 'web-apex', 'web-svc', 'web-svc-2'];

const weights = (yaml: string): number[] => [...yaml.matchAll(/^\s*weight:\s*(-?\d+)/gm)].map((m) => Number(m[1]));

const runStarted = Date.now();
const timings: Record<string, number | string> = {};
let vs: VSCode;

/** Runs a step (test/e2e/vscode.ts `step`): screenshots and notifications on failure. */
const step = (name: string, fn: () => Promise<void>): Promise<void> => e2eStep(vs, '', name, fn);

describe('Canary Lens in real VS Code (code-server)', { timeout: 20 * 60_000 }, () => {
  before(async () => {
    const started = Date.now();
    vs = await startVSCode({ vsix: vsixPath(), workspaceFrom: path.join(REPO_ROOT, 'examples', 'emojivoto') });
    const t = vs.timings;
    timings.install = `${t.install.cold ? 'cold' : 'warm'} ${(t.install.ms / 1000).toFixed(1)} s`;
    timings.installMs = t.install.ms;
    timings.extensionInstallMs = t.extensionInstallMs;
    timings.serverUpMs = t.serverUpMs;
    timings.workbenchMs = t.workbenchMs;
    timings.startMs = Date.now() - started;
    await vs.screenshot('00-workbench');
  });

  after(async () => {
    await vs?.stop();
    timings.wholeRunMs = Date.now() - runStarted;
    writeFileSync(path.join(ARTIFACTS, 'timings.json'), JSON.stringify(timings, null, 2) + '\n');
    const s = (k: string): string => (typeof timings[k] === 'number' ? `${(timings[k] / 1000).toFixed(1)} s` : 'n/a');
    console.log([
      'e2e timings:',
      `  install (code-server + Debian packages): ${timings.install ?? 'n/a'}`,
      `  install the .vsix:                       ${s('extensionInstallMs')}`,
      `  code-server start to /healthz:           ${s('serverUpMs')}`,
      `  code-server start to workbench:          ${s('workbenchMs')}`,
      `  open ${FILE} to first lens:        ${s('firstLensMs')}`,
      `  whole run:                               ${s('wholeRunMs')}`,
      `  screenshots: ${path.relative(REPO_ROOT, ARTIFACTS)}/*.png`,
    ].join('\n'));
  });

  test(`opening ${FILE} shows the split's lenses with the shares and no error`, async () => {
    await step('open', async () => {
      const opened = Date.now();
      await vs.openFile(FILE);
      const lenses = await vs.waitForLenses({ text: '50/50' });
      timings.firstLensMs = Date.now() - opened;
      assert.ok(lenses.includes('Shift 10% → web-svc-2'), `lenses: ${JSON.stringify(lenses)}`);
      assert.ok(lenses.includes('Shift 10% ← web-svc-2'), `lenses: ${JSON.stringify(lenses)}`);
      // Diagnostics have been published once the lenses are there; none of them is an error.
      await vs.waitForProblems({ errors: 0 });
      assert.equal(await vs.squiggles('error'), 0);
      await vs.screenshot('01-lenses');
    });
  });

  test('a negative weight shows an error squiggle and one problem; fixing it clears both', async () => {
    await step('break-weight', async () => {
      await vs.goTo(WEB_SVC_WEIGHT.line, WEB_SVC_WEIGHT.column);
      await vs.selectRight(3);
      await vs.type('-5');
      await until('an error squiggle', () => vs.squiggles('error'), (n) => n >= 1, 30_000, 200);
      const p = await vs.waitForProblems({ errors: 1 });
      assert.equal(p.errors, 1);
      assert.match(await vs.visibleText(), /weight: -5 # the current version/);
      await vs.screenshot('02-negative-weight');
    });
    await step('fix-weight', async () => {
      await vs.goTo(WEB_SVC_WEIGHT.line, WEB_SVC_WEIGHT.column);
      await vs.selectRight(2);
      await vs.type('500');
      await until('no error squiggle', () => vs.squiggles('error'), (n) => n === 0, 30_000, 200);
      await vs.waitForProblems({ errors: 0 });
      await vs.waitForLenses({ text: '50/50' });
      const saved = await vs.save(FILE);
      assert.deepEqual(weights(saved ?? vs.readFile(FILE)), [500, 500]);
      await vs.screenshot('03-fixed');
    });
  });

  test('clicking "Shift 10% → web-svc-2" makes the weights 400/600, and undo restores 500/500', async () => {
    await step('shift', async () => {
      const before = vs.readFile(FILE);
      assert.deepEqual(weights(before), [500, 500]);
      await vs.clickLens('Shift 10% → web-svc-2');
      await vs.waitForLenses({ text: '40/60' });
      assert.deepEqual(weights(await vs.visibleText()), [400, 600]);
      const saved = await vs.save(FILE, before);
      assert.deepEqual(weights(saved!), [400, 600]);
      // Only the numbers changed: comments and layout are kept.
      assert.equal(saved, before.replace('weight: 500 # the current version', 'weight: 400 # the current version').replace('weight: 500 # the canary', 'weight: 600 # the canary'));
      await vs.screenshot('04-shifted');
    });
    await step('undo', async () => {
      const shifted = vs.readFile(FILE);
      await vs.goTo(1, 1); // focus back in the editor (the click was on the lens)
      await vs.press('Control+Z');
      await vs.waitForLenses({ text: '50/50' });
      assert.deepEqual(weights(await vs.visibleText()), [500, 500]);
      const saved = await vs.save(FILE, shifted);
      assert.deepEqual(weights(saved!), [500, 500]);
      await vs.screenshot('05-undone');
    });
  });

  test('completing a backend service name offers the emojivoto Services', async () => {
    await step('completion', async () => {
      await vs.goTo(CANARY_NAME.line, CANARY_NAME.column);
      await vs.selectRight(CANARY_NAME.text.length);
      await vs.press('Delete');
      const labels = await vs.completionLabels();
      await vs.screenshot('06-completion');
      for (const s of EMOJIVOTO_SERVICES) assert.ok(labels.includes(s), `${s} is offered; offered: ${JSON.stringify(labels)}`);
      // Picking one writes it in.
      await vs.type('web-svc-');
      await until('the suggestions narrowed to web-svc-2', () => vs.completionLabelsShown(), (l) => l.length === 1 && l[0] === 'web-svc-2', 30_000, 200);
      await vs.press('Enter');
      await vs.waitForLenses({ text: '50/50' });
      assert.match(await vs.visibleText(), /- service: web-svc-2\n/);
    });
  });
});
