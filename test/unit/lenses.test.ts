import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeLens, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { WEIGHTS_COMMAND, type LiveSplitStats, type LiveStatsParams, type WeightCommandArgs, type WeightLensData } from '../../src/protocol/messages';
import { splitDocumentOf } from '../../src/service/model/adapters';
import { LanguageService } from '../../src/service/languageService';
import { STALE_MESSAGE, weightCommandArgs } from '../../src/service/features/weightCommand';
import { weightsRefusal } from '../../src/service/features/weightEdits';
import { applyTextEdits } from '../support/edits';
import { hugeSplit } from '../support/hugeSplits';
import { EAGER_LENS_BACKENDS } from '../../src/service/features/lenses';
import { rangeOf } from '../support/text';
import { applyBlockedWords, blocksApply } from '../../src/protocol/applyWords';

const URI = 'file:///work/canary.yaml';
const ROOT = join(__dirname, '..', '..');
const example = (name: string): string => readFileSync(join(ROOT, 'examples', 'emojivoto', name), 'utf8');
const fixture = (name: string): string => readFileSync(join(ROOT, 'test', 'fixtures', 'edits', name), 'utf8');
const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

const EMOJIVOTO = example('web-svc-ts.yaml');
const V1ALPHA1 = example('web-svc-ts-v1alpha1.yaml');
const HTTPROUTE = example('web-httproute.yaml');

function service(text: string, settings: Partial<LanguageService['settings']> = {}, version = 1): LanguageService {
  const ls = new LanguageService();
  ls.settings = { ...ls.settings, ...settings };
  ls.setFile(URI, text, version);
  return ls;
}

interface Shown { title: string; line: number; character: number; args?: WeightCommandArgs; tooltip?: string }

/**
 * The lenses as an editor shows them: labels come with their title, weight actions without a command but with the
 * data to resolve them (`codeLens/resolve`), which is how every title and tooltip of an action is read here.
 */
function resolved(ls: LanguageService): CodeLens[] {
  return ls.codeLenses(URI).map((l: CodeLens) => {
    if (l.command) return l;
    assert.ok(l.data, 'a lens without a command carries the data to resolve it');
    const done = ls.resolveCodeLens(JSON.parse(JSON.stringify(l)) as CodeLens); // as it comes back over the wire
    assert.ok(done, `resolvable: ${JSON.stringify(l.data)}`);
    return done;
  });
}

function lenses(ls: LanguageService): Shown[] {
  return resolved(ls).map((l: CodeLens) => {
    assert.ok(l.command, 'every lens is resolved');
    const shown: Shown = { title: l.command.title, line: l.range.start.line, character: l.range.start.character };
    if (l.command.command !== '') {
      assert.equal(l.command.command, WEIGHTS_COMMAND);
      assert.equal(l.command.arguments?.length, 1);
      shown.args = l.command.arguments[0] as WeightCommandArgs;
      if (l.command.tooltip) shown.tooltip = l.command.tooltip;
    }
    return shown;
  });
}

const titles = (ls: LanguageService): string[] => lenses(ls).map((l) => l.title);

function lens(ls: LanguageService, title: string, nth = 0): Shown {
  const found = lenses(ls).filter((l) => l.title === title)[nth];
  assert.ok(found, `no lens "${title}" (have ${titles(ls).join(' | ')})`);
  return found;
}

function editsIn(edit: WorkspaceEdit): TextEdit[] {
  if (edit.changes) return edit.changes[URI]!;
  const change = edit.documentChanges?.[0];
  assert.ok(change && 'edits' in change);
  return change.edits as TextEdit[];
}

/** Run a lens's command against the service and feed the result back as the next version; returns the new text. */
function click(ls: LanguageService, title: string, nth = 0): string {
  const { args } = lens(ls, title, nth);
  assert.ok(args, `"${title}" has no command`);
  const result = ls.weightsEdit(args);
  assert.ok('edit' in result, `refused: ${JSON.stringify(result)}`);
  const file = ls.getFile(URI)!;
  const text = applyTextEdits(file.text, editsIn(result.edit));
  ls.changeFile(URI, [{ text }], file.version + 1);
  return text;
}

describe('code lenses: the emojivoto split', () => {
  test('titles, in order: the shares, the canary actions, then each backend', () => {
    assert.deepEqual(titles(service(EMOJIVOTO)), [
      '50/50',
      'Shift 10% → web-svc-2',
      'Shift 10% ← web-svc-2',
      'Promote web-svc-2',
      'Roll back',
      // Even split: already even, so left out.
      '50%', '+10%', '−10%',
      '50%', '+10%', '−10%',
    ]);
  });

  test('split lenses sit on the backends key, backend lenses on each backend', () => {
    const shown = lenses(service(EMOJIVOTO));
    const key = rangeOf(EMOJIVOTO, 'backends:').start;
    const first = rangeOf(EMOJIVOTO, 'service: web-svc\n').start;
    const second = rangeOf(EMOJIVOTO, 'service: web-svc-2').start;
    assert.deepEqual(shown.slice(0, 5).map((l) => [l.line, l.character]), Array(5).fill([key.line, key.character]));
    assert.deepEqual(shown.slice(5, 8).map((l) => [l.line, l.character]), Array(3).fill([first.line, first.character]));
    assert.deepEqual(shown.slice(8).map((l) => [l.line, l.character]), Array(3).fill([second.line, second.character]));
  });

  test('commands identify the file, version, part, split and action; tooltips preview the result', () => {
    const ls = service(EMOJIVOTO, {}, 7);
    const shift = lens(ls, 'Shift 10% → web-svc-2');
    assert.deepEqual({ ...shift.args, fingerprint: undefined }, {
      uri: URI, version: 7, part: 0, split: 0, fingerprint: undefined, action: { type: 'shift', target: 1, points: 10 },
    });
    assert.match(shift.args!.fingerprint, new RegExp(`^${EMOJIVOTO.length}:[0-9a-f]+$`));
    assert.equal(shift.tooltip, 'web-svc 40% · web-svc-2 60% (weights 400 / 600)');
    assert.deepEqual(lens(ls, 'Shift 10% ← web-svc-2').args!.action, { type: 'shift', target: 1, points: -10 });
    assert.deepEqual(lens(ls, 'Promote web-svc-2').args!.action, { type: 'promote', target: 1 });
    assert.deepEqual(lens(ls, 'Roll back').args!.action, { type: 'rollback', target: 1 });
    assert.deepEqual(lens(ls, '+10%', 0).args!.action, { type: 'shift', target: 0, points: 10 });
    assert.deepEqual(lens(ls, '−10%', 1).args!.action, { type: 'shift', target: 1, points: -10 });
  });

  test(`up to ${EAGER_LENS_BACKENDS} backends every lens comes with its command (no blinking on refresh); above, weight lenses come with data naming the split and the action`, () => {
    const small = service(EMOJIVOTO, {}, 7).codeLenses(URI);
    assert.ok(small.every((l) => l.command && l.data === undefined), JSON.stringify(small));
    assert.deepEqual(small.filter((l) => l.command!.command === WEIGHTS_COMMAND).map((l) => (l.command!.arguments![0] as WeightCommandArgs).action), [
      { type: 'shift', target: 1, points: 10 }, { type: 'shift', target: 1, points: -10 }, { type: 'promote', target: 1 }, { type: 'rollback', target: 1 },
      { type: 'shift', target: 0, points: 10 }, { type: 'shift', target: 0, points: -10 }, { type: 'shift', target: 1, points: 10 }, { type: 'shift', target: 1, points: -10 },
    ]);

    const n = EAGER_LENS_BACKENDS + 1;
    const first = service(hugeSplit('TrafficSplit', n), {}, 7).codeLenses(URI);
    const labels = first.filter((l) => l.command).map((l) => l.command!.title);
    assert.equal(labels.length, 1 + n, `the shares, then one share per backend: ${JSON.stringify(labels)}`);
    const data = first.filter((l) => !l.command).map((l) => ({ ...(l.data as WeightLensData), fingerprint: undefined }));
    const ref = { uri: URI, version: 7, part: 0, split: 0, fingerprint: undefined };
    assert.deepEqual(data.slice(0, 2), [
      { ...ref, place: 'split', action: { type: 'shift', target: n - 1, points: 10 } },
      { ...ref, place: 'split', action: { type: 'shift', target: n - 1, points: -10 } },
    ]);
    assert.deepEqual(data.filter((d) => d.place === 'backend').length, 2 * n);
  });

  test('the step comes from the settings', () => {
    const shown = titles(service(EMOJIVOTO, { lensStep: 25 }));
    assert.ok(shown.includes('Shift 25% → web-svc-2') && shown.includes('+25%') && shown.includes('−25%'));
  });
});

describe('code lenses: other versions and kinds', () => {
  test('v1alpha1 quantities (500m): same titles, milli weights in the preview and the edit', () => {
    const ls = service(V1ALPHA1);
    assert.equal(titles(ls)[0], '50/50');
    assert.equal(lens(ls, 'Shift 10% → web-svc-2').tooltip, 'web-svc 40% · web-svc-2 60% (weights 400m / 600m)');
    const out = click(ls, 'Shift 10% → web-svc-2');
    assert.equal(out, V1ALPHA1.replace('weight: 500m', 'weight: 400m').replace('weight: 500m', 'weight: 600m'));
  });

  test('the HTTPRoute example (90/10): every action, even split included', () => {
    const ls = service(HTTPROUTE);
    assert.deepEqual(titles(ls), [
      '90/10',
      'Shift 10% → web-svc-2', 'Shift 10% ← web-svc-2', 'Promote web-svc-2', 'Roll back', 'Even split',
      '90%', '+10%', '−10%',
      '10%', '+10%', '−10%',
    ]);
    const key = rangeOf(HTTPROUTE, 'backendRefs:').start;
    assert.equal(lenses(ls)[0]!.line, key.line);
    assert.equal(click(ls, 'Even split'), HTTPROUTE.replace('weight: 90', 'weight: 50').replace('weight: 10', 'weight: 50'));
  });

  test('actions that change nothing are left out', () => {
    const promoted = service(EMOJIVOTO.replace('weight: 500 # the current', 'weight: 0 # the current').replace('weight: 500 # the canary', 'weight: 1000 # the canary'));
    assert.deepEqual(titles(promoted), [
      '0/100', 'Shift 10% ← web-svc-2', 'Roll back', 'Even split',
      '0%', '+10%', // web-svc cannot go below 0
      '100%', '−10%', // web-svc-2 cannot go above 100
    ]);
    const single = service(EMOJIVOTO.replace(/    - service: web-svc-2\n.*\n/, ''));
    assert.deepEqual(titles(single), ['100%', '100%']);
  });

  test('a multi-document file: every split gets its lenses, with its part and split index', () => {
    const text = fixture('mixed-kinds.yaml');
    const ls = service(text);
    const summaries = lenses(ls).filter((l) => !l.args && l.title.includes('/'));
    assert.deepEqual(summaries.map((l) => l.title), ['70/30', '50/50', '33.3/66.7', '50/50']);
    const refs = lenses(ls).filter((l) => l.title === 'Promote b').map((l) => [l.args!.part, l.args!.split, l.line]);
    assert.deepEqual(refs, [
      [1, 0, rangeOf(text, 'backends:', 0).start.line],
      [3, 0, rangeOf(text, 'backends:', 1).start.line],
      [4, 0, rangeOf(text, 'backendRefs:', 0).start.line],
      [5, 0, rangeOf(text, 'backendRefs:', 1).start.line],
    ]);
    // A one-line flow document: every lens is on that line, so backend lenses name their backend.
    const flow = lenses(ls).filter((l) => l.line === rangeOf(text, '{apiVersion: gateway').start.line).map((l) => l.title);
    assert.deepEqual(flow, [
      '33.3/66.7', 'Shift 10% → b', 'Shift 10% ← b', 'Promote b', 'Roll back', 'Even split',
      'a 33.3%', '+10% a', '−10% a', 'b 66.7%', '+10% b', '−10% b',
    ]);
    // Shifting the second TrafficSplit leaves every other document byte for byte.
    const out = click(ls, 'Promote b', 1);
    assert.equal(out, text.replace('{service: a, weight: 50}', '{service: a, weight: 0}').replace('{service: b, weight: 50}', '{service: b, weight: 100}'));
  });

  test('HTTPRoute default weights: the command inserts weight lines; the preview warns that the total is coarse', () => {
    const text = fixture('mixed-kinds.yaml');
    const ls = service(text);
    const shift = lenses(ls).filter((l) => l.title === 'Shift 10% → b')[3]!;
    assert.equal(shift.args!.part, 5);
    assert.match(shift.tooltip!, /a total of 2 cannot move exactly 10 points/);
    const result = ls.weightsEdit(shift.args!);
    assert.ok('edit' in result);
    const out = applyTextEdits(text, editsIn(result.edit));
    assert.equal(out, text.replace('    - name: a\n      port: 80\n', '    - name: a\n      port: 80\n      weight: 0\n') + '\n      weight: 2');
  });
});

describe('code lenses: guard rails', () => {
  test('a schema error in the split: one lens saying where, no actions', () => {
    const text = EMOJIVOTO.replace('- service: web-svc-2', '- servce: web-svc-2');
    const shown = lenses(service(text));
    assert.deepEqual(shown.map((l) => l.title), ['Canary Lens: fix the schema error in spec.backends[1].service to shift weights']);
    assert.equal(shown[0]!.args, undefined);
    assert.equal(shown[0]!.line, rangeOf(text, 'backends:').start.line);
  });

  test('a schema error in another HTTPRoute rule blocks only that rule', () => {
    const text = HTTPROUTE.replace('  rules:\n', '  rules:\n    - backendRefs:\n        - {name: web-svc, port: 80, weigth: 3}\n');
    const shown = titles(service(text));
    assert.equal(shown[0], 'Canary Lens: fix the schema error in spec.rules[0].backendRefs[0].weigth to shift weights');
    assert.equal(shown[1], '90/10');
  });

  test('a YAML syntax error: one lens naming the line of the diagnostic', () => {
    const text = EMOJIVOTO.replace('weight: 500 # the canary', 'weight: [500 # the canary');
    const ls = service(text);
    const syntax = ls.diagnostics(URI).find((d) => d.code === 'yaml-syntax');
    assert.ok(syntax);
    assert.deepEqual(titles(ls), [`Canary Lens: fix the YAML syntax error on line ${syntax.range.start.line + 1} to shift weights`]);
  });

  test('an alias or anchored weight: the refusal of weightsRefusal, nothing to click', () => {
    const text = fixture('refusals.yaml');
    const ls = service(text);
    const part = ls.getFile(URI)!.parts[0]!;
    const refusal = weightsRefusal(part, splitDocumentOf(part)!.splits[0]!);
    assert.ok(refusal && /anchor|alias/.test(refusal));
    const first = lenses(ls).filter((l) => l.line < rangeOf(text, '---').start.line);
    assert.deepEqual(first.map((l) => [l.title, l.args]), [[`Canary Lens: ${refusal}`, undefined]]);
    const aliasOnly = service(text.replace('weight: &w 50', 'weight: 50').replace('  name: aliased\n', '  name: aliased\n  labels: {w: &w "5"}\n'));
    assert.equal(titles(aliasOnly)[0], 'Canary Lens: the weight of b is an alias: edit its anchor by hand');
  });

  test('an invalid quantity: the refusal message', () => {
    const shown = titles(service(V1ALPHA1.replace('weight: 500m', 'weight: 5x')));
    assert.equal(shown.length, 1);
    assert.match(shown[0]!, /^Canary Lens: the weight of web-svc is invalid \(weight "5x" is not a valid quantity/);
  });

  test('a stale command is refused: after an edit, a new version, or a different text at the same version', () => {
    const ls = service(EMOJIVOTO);
    const { args } = lens(ls, 'Promote web-svc-2');
    ls.changeFile(URI, [{ range: rangeOf(EMOJIVOTO, 'web-apex'), text: 'web-apex2' }], 2);
    assert.deepEqual(ls.weightsEdit(args!), { refused: STALE_MESSAGE });
    assert.equal(STALE_MESSAGE, 'Canary Lens: the split changed since this lens was shown; try again');
    // Same version, different text (a client that re-opened the file): the fingerprint catches it.
    const reopened = service(EMOJIVOTO.replace('web-apex', 'web-apex2'));
    assert.deepEqual(reopened.weightsEdit(args!), { refused: STALE_MESSAGE });
    // A split index that is not there any more.
    assert.deepEqual(service(EMOJIVOTO).weightsEdit({ ...args!, split: 3 }), { refused: STALE_MESSAGE });
    assert.deepEqual(service(EMOJIVOTO).weightsEdit({ ...args!, uri: 'file:///elsewhere.yaml' }), { refused: 'Canary Lens: the document is not open any more' });
  });

  test('a command that changes nothing, or whose target is gone, is refused with the current shares', () => {
    const ls = service(EMOJIVOTO);
    const { args } = lens(ls, 'Promote web-svc-2');
    assert.deepEqual(ls.weightsEdit({ ...args!, action: { type: 'even' } }), { refused: 'Canary Lens: nothing to change (web-svc 50% · web-svc-2 50%)' });
    assert.ok('refused' in ls.weightsEdit({ ...args!, action: { type: 'promote', target: 5 } }));
  });

  test('command arguments from the wire are checked', () => {
    const { args } = lens(service(EMOJIVOTO), 'Promote web-svc-2');
    assert.deepEqual(weightCommandArgs(JSON.parse(JSON.stringify(args))), args);
    for (const bad of [null, 'x', { ...args, version: -1 }, { ...args, part: '0' }, { ...args, action: { type: 'shift', target: 0 } },
      { ...args, action: { type: 'explode' } }, { ...args, action: { type: 'promote', target: 1.5 } }, { ...args, fingerprint: 3 }]) {
      assert.equal(weightCommandArgs(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('weightsEdit: the walkthrough', () => {
  const expected = (text: string, a: number, b: number): string =>
    text.replace('weight: 500 # the current', `weight: ${a} # the current`).replace('weight: 500 # the canary', `weight: ${b} # the canary`);

  for (const [name, text] of [['LF', EMOJIVOTO], ['CRLF', crlf(EMOJIVOTO)]] as const) {
    test(`${name}: 500/500, shift +25 points to the canary → 250/750; promote → 0/1000; only the weights change`, () => {
      const ls = service(text, { lensStep: 25 });
      const shifted = click(ls, 'Shift 25% → web-svc-2');
      assert.equal(shifted, expected(text, 250, 750));
      assert.equal(titles(ls)[0], '25/75');
      const promoted = click(ls, 'Promote web-svc-2');
      assert.equal(promoted, expected(text, 0, 1000));
      assert.equal(titles(ls)[0], '0/100');
      if (name === 'CRLF') assert.doesNotMatch(promoted, /[^\r]\n/, 'every line break is still CRLF');
    });
  }

  test('with versioned edits, the document version goes along (the editor refuses a moved-on document)', () => {
    const ls = service(EMOJIVOTO, {}, 4);
    const result = ls.weightsEdit(lens(ls, 'Promote web-svc-2').args!, true);
    assert.ok('edit' in result);
    const change = result.edit.documentChanges?.[0];
    assert.ok(change && 'textDocument' in change);
    assert.deepEqual(change.textDocument, { uri: URI, version: 4 });
    assert.equal(applyTextEdits(EMOJIVOTO, editsIn(result.edit)), expected(EMOJIVOTO, 0, 1000));
  });
});

describe('splitAt (palette commands)', () => {
  test('the split under the cursor, with its backends and shares', () => {
    const ls = service(EMOJIVOTO, {}, 3);
    const at = ls.splitAt(URI, rangeOf(EMOJIVOTO, 'web-svc-2').start)!;
    assert.deepEqual({ ...at, fingerprint: undefined }, {
      uri: URI, version: 3, part: 0, split: 0, fingerprint: undefined, label: 'web-svc-ts',
      backends: [{ name: 'web-svc', share: 0.5, weight: '500' }, { name: 'web-svc-2', share: 0.5, weight: '500' }],
      canary: 1, step: 10,
    });
    assert.equal(at.fingerprint, lens(ls, 'Roll back').args!.fingerprint);
  });

  test('HTTPRoute rules: the rule under the cursor; defaults show as 1; nothing outside split documents', () => {
    const text = fixture('mixed-kinds.yaml');
    const ls = service(text);
    const at = ls.splitAt(URI, rangeOf(text, 'name: b', 1).start)!;
    assert.deepEqual([at.part, at.split, at.backends.map((b) => b.weight)], [5, 0, ['1', '1']]);
    assert.equal(ls.splitAt(URI, rangeOf(text, 'kind: Deployment').start), undefined);
    assert.equal(ls.splitAt(URI, rangeOf(text, 'weight: "500"').start), undefined);
  });

  test('a blocked split says why', () => {
    const text = V1ALPHA1.replace('weight: 500m', 'weight: 5x');
    const at = service(text).splitAt(URI, rangeOf(text, 'web-svc-2').start)!;
    assert.match(at.blocked!, /the weight of web-svc is invalid/);
  });
});

describe('live stats and the cluster lens', () => {
  const titles = (ls: LanguageService): string[] => resolved(ls).map((l) => l.command!.title);
  const SPLIT_KEY = rangeOf(EMOJIVOTO, 'backends:').start;
  /** What the split's own row shows (everything on its key's line). */
  const splitRow = (ls: LanguageService): string[] => resolved(ls).filter((l) => l.range.start.line === SPLIT_KEY.line).map((l) => l.command!.title);
  const hoverText = (ls: LanguageService, text: string, needle: string): string => {
    const at = rangeOf(text, needle).start;
    return JSON.stringify(ls.hover(URI, { line: at.line, character: at.character + 1 })?.contents ?? null);
  };
  const LIVE: LiveSplitStats = {
    namespace: 'emojivoto', kind: 'TrafficSplit', name: 'web-svc-ts', brief: '96.0% · 2.0 rps',
    backends: [
      { name: 'web-svc', brief: '99.0% · 1.6 rps', detail: 'success 99.0% · 1.6 rps', flagged: true },
      { name: 'web-svc-2', brief: '84.0% · 0.4 rps', detail: 'success 84.0% · 0.4 rps', flagged: true },
    ],
  };
  const live = (flagged: readonly boolean[]): LiveStatsParams => ({ splits: [{ ...LIVE, backends: LIVE.backends.map((b, i) => ({ ...b, flagged: flagged[i]! })) }] });

  test('the split row keeps to its shares and actions: no live text, the same titles with and without numbers', () => {
    const ls = service(EMOJIVOTO);
    const before = splitRow(ls);
    ls.live.set(live([true, true]));
    const after = splitRow(ls);
    assert.deepEqual(after, before);
    assert.deepEqual(after, ['50/50', 'Shift 10% → web-svc-2', 'Shift 10% ← web-svc-2', 'Promote web-svc-2', 'Roll back']);
    assert.ok(!after.some((t) => /rps|⚠|Live/.test(t)), after.join(' | '));
    const shares = resolved(ls).find((l) => l.command!.title === '50/50')!;
    assert.equal(shares.command!.tooltip, 'web-svc 50% · web-svc-2 50%', 'the tooltip names the backends');
  });

  test('each backend lens carries its live numbers, with ⚠ only for a backend off its weight', () => {
    const ls = service(EMOJIVOTO);
    ls.live.set(live([false, true]));
    const shown = titles(ls);
    assert.ok(shown.includes('99.0% · 1.6 rps'), shown.join(' | '));
    assert.ok(shown.includes('84.0% · 0.4 rps · ⚠ off its weight'), shown.join(' | '));
    assert.ok(!shown.some((t) => t.startsWith('99.0%') && t.includes('⚠')));
    const canary = rangeOf(EMOJIVOTO, 'service: web-svc-2').start.line;
    const row = resolved(ls).filter((l) => l.range.start.line === canary);
    assert.deepEqual(row.map((l) => l.command!.title), ['50%', '84.0% · 0.4 rps · ⚠ off its weight', '+10%', '−10%']);
    assert.equal(row[1]!.command!.tooltip, 'success 84.0% · 0.4 rps');
  });

  test('the hover on the split carries its live line; the hover on a weight its backend\'s', () => {
    const ls = service(EMOJIVOTO);
    assert.doesNotMatch(hoverText(ls, EMOJIVOTO, 'backends:'), /Live/);
    ls.live.set(live([true, true]));
    assert.match(hoverText(ls, EMOJIVOTO, 'backends:'), /Live: 96.0% · 2.0 rps · ⚠ web-svc, web-svc-2 off their weights/);
    assert.match(hoverText(ls, EMOJIVOTO, 'weight: 500 # the current'.slice(8)), /Live: success 99.0% · 1.6 rps ⚠/);
    assert.doesNotMatch(hoverText(ls, EMOJIVOTO, 'spec:'), /Live/, 'only the split\'s own key');
  });

  test('the hover on an HTTPRoute rule\'s backendRefs carries that rule\'s live line', () => {
    const ls = service(HTTPROUTE);
    ls.live.set({ splits: [{ namespace: 'emojivoto', kind: 'HTTPRoute', name: 'web-canary', rule: 0, brief: '50.0% · 1.0 rps', backends: [] }] });
    assert.match(hoverText(ls, HTTPROUTE, 'backendRefs:'), /Live: 50.0% · 1.0 rps"/);
  });

  test('grammar: one backend off its weight, two off their weights (hover and status bar)', () => {
    const ls = service(EMOJIVOTO);
    const at = { line: EMOJIVOTO.split('\n').findIndex((l) => l.includes('web-svc-2')), character: 8 };
    assert.equal(ls.splitAt(URI, at)?.live, undefined);
    ls.live.set(live([false, true]));
    assert.equal(ls.splitAt(URI, at)?.live, '96.0% · 2.0 rps · ⚠ web-svc-2 off its weight');
    ls.live.set(live([true, true]));
    assert.equal(ls.splitAt(URI, at)?.live, '96.0% · 2.0 rps · ⚠ web-svc, web-svc-2 off their weights');
    ls.live.set(live([false, false]));
    assert.equal(ls.splitAt(URI, at)?.live, '96.0% · 2.0 rps');
  });

  test('stats of another split or namespace do not show; clearing removes them', () => {
    const ls = service(EMOJIVOTO);
    const numbers = (): string[] => titles(ls).filter((t) => t.includes('rps'));
    ls.live.set({ splits: [{ ...LIVE, namespace: 'other' }] });
    assert.deepEqual(numbers(), []);
    ls.live.set(live([false, false]));
    assert.deepEqual(numbers(), ['99.0% · 1.6 rps', '84.0% · 0.4 rps']);
    ls.live.set({ splits: [] });
    assert.deepEqual(numbers(), []);
  });

  const connect = (ls: LanguageService): void =>
    ls.setClusterFacts({ namespaces: [], facts: [], connection: { context: 'dev', namespace: 'emojivoto', state: 'ready' } });

  test('Apply shows while connected, once per document, with the part to apply', () => {
    const ls = service(`${HTTPROUTE}---\n${EMOJIVOTO}`);
    assert.ok(!titles(ls).includes('Apply'));
    connect(ls);
    const apply = resolved(ls).filter((l) => l.command!.title === 'Apply');
    assert.deepEqual(apply.map((l) => [l.command!.command, l.command!.arguments]), [
      ['canaryLens.applyToCluster', [{ uri: URI, part: 0 }]],
      ['canaryLens.applyToCluster', [{ uri: URI, part: 1 }]],
    ]);
    assert.ok(!titles(ls).some((t) => t.startsWith('Apply:')), 'a clean file has no "fix first" label');
  });

  test('a document with errors gets a label saying what to fix first instead of Apply; other documents keep Apply', () => {
    // All weights 0 is an error (weights-all-zero) that leaves the weight actions (Even split fixes it).
    const broken = EMOJIVOTO.replace(/weight: 500/g, 'weight: 0');
    const text = `${HTTPROUTE}---\n${broken}`;
    const ls = service(text);
    connect(ls);
    const errors = ls.diagnostics(URI).filter((d) => d.severity === 1);
    assert.deepEqual(errors.map((d) => d.code), ['weights-all-zero']);
    const applies = resolved(ls).filter((l) => l.command!.title.startsWith('Apply'));
    assert.deepEqual(applies.map((l) => [l.command!.title, l.command!.command]), [
      ['Apply', 'canaryLens.applyToCluster'],
      [`Apply: fix 1 error first (weights-all-zero line ${errors[0]!.range.start.line + 1})`, ''],
    ]);
    assert.equal(applies[1]!.range.start.line, rangeOf(text, 'backends:').start.line);
    assert.ok(titles(ls).includes('Even split'), 'the weight actions stay');

    // A second error in the same document: counted, the first one named.
    const two = broken.replace('name: web-svc-ts', 'name: Web_Svc_TS');
    ls.setFile(URI, two, 2);
    const errs = ls.diagnostics(URI).filter((d) => d.severity === 1).sort((a, b) => a.range.start.line - b.range.start.line);
    assert.equal(errs.length, 2, JSON.stringify(errs.map((d) => d.code)));
    assert.deepEqual(titles(ls).filter((t) => t.startsWith('Apply')), [`Apply: fix 2 errors first (${String(errs[0]!.code)} line ${errs[0]!.range.start.line + 1})`]);

    // Fixed: Apply is back.
    ls.setFile(URI, EMOJIVOTO, 3);
    assert.deepEqual(titles(ls).filter((t) => t.startsWith('Apply')), ['Apply']);
  });
});

describe('the words of Apply held back', () => {
  test('how many errors and the first; errors about the cluster\'s copy do not hold Apply back', () => {
    assert.equal(applyBlockedWords([{ code: 'schema', line: 3 }]), 'fix 1 error first (schema line 3)');
    assert.equal(applyBlockedWords([{ code: 'invalid-name', line: 4 }, { code: 'weight-invalid', line: 12 }]), 'fix 2 errors first (invalid-name line 4)');
    assert.equal(blocksApply('weight-invalid'), true);
    assert.equal(blocksApply('route-not-accepted'), false);
  });
});
