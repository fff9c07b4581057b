/**
 * What follows a successful Apply, without VS Code or a cluster (the glue test drives it through the real apply):
 * the save decision for each value of canaryLens.apply.saveAfterApply, the message and its buttons, the diff's marker.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  appliedMarker, appliedMessage, clock, fileNameOf, markApplied, readSaveAfterApply, SAVE_AFTER_APPLY_DEFAULT, SAVE_AFTER_APPLY_SETTING,
  SAVE_AFTER_APPLY_VALUES, saveButtons, saveDecision, type SaveAfterApply,
} from '../../src/extension/afterApply';

describe('after apply: saving the file', () => {
  test('each setting, dirty or not, saved before or untitled', () => {
    const table: [SaveAfterApply, boolean, boolean, string][] = [];
    for (const setting of SAVE_AFTER_APPLY_VALUES) {
      for (const dirty of [false, true]) for (const untitled of [false, true]) table.push([setting, dirty, untitled, saveDecision({ setting, dirty, untitled })]);
    }
    assert.deepEqual(table.filter(([, dirty]) => !dirty).map((r) => r[3]), ['none', 'none', 'none', 'none', 'none', 'none'], 'a saved file: nothing to do');
    assert.deepEqual(table.filter(([, dirty]) => dirty).map(([s, , u, d]) => `${s}${u ? ' untitled' : ''}: ${d}`), [
      'ask: ask', 'ask untitled: ask',
      'always: save', 'always untitled: ask', // saving an untitled file asks where: never done unasked
      'never: none', 'never untitled: none',
    ]);
  });

  test('the buttons: Save and Always save (not for an untitled file, which "always" would not save); none unless asking', () => {
    assert.deepEqual(saveButtons('ask', false), ['Save', 'Always save']);
    assert.deepEqual(saveButtons('ask', true), ['Save']);
    assert.deepEqual(saveButtons('save', false), []);
    assert.deepEqual(saveButtons('none', false), []);
  });

  test('the setting as read: a value it does not know is the default, "ask"', () => {
    assert.equal(SAVE_AFTER_APPLY_DEFAULT, 'ask');
    for (const v of SAVE_AFTER_APPLY_VALUES) assert.equal(readSaveAfterApply(v), v);
    for (const v of [undefined, 'Always', 1, null]) assert.equal(readSaveAfterApply(v), 'ask');
  });

  test('package.json declares the setting with these values and default, and says why', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { enum?: string[]; default?: unknown; markdownDescription?: string }> } };
    };
    const decl = pkg.contributes.configuration.properties[`canaryLens.${SAVE_AFTER_APPLY_SETTING}`];
    assert.ok(decl);
    assert.deepEqual(decl.enum, [...SAVE_AFTER_APPLY_VALUES]);
    assert.equal(decl.default, SAVE_AFTER_APPLY_DEFAULT);
    assert.match(decl.markdownDescription ?? '', /unsaved file is what gets lost or diverges from git/);
    assert.match(decl.markdownDescription ?? '', /format-on-save/);
  });

  test('the message: what was applied where, then the file', () => {
    const done = ['TrafficSplit emojivoto/web-svc-ts configured'];
    assert.equal(appliedMessage(done, 'kind-canary', 'none', 'web.yaml'), 'Canary Lens: TrafficSplit emojivoto/web-svc-ts configured in kind-canary.');
    assert.equal(appliedMessage(done, 'kind-canary', 'ask', 'web.yaml'), 'Canary Lens: TrafficSplit emojivoto/web-svc-ts configured in kind-canary. web.yaml has unsaved changes.');
    assert.equal(appliedMessage(done, 'kind-canary', 'save', 'web.yaml'), 'Canary Lens: TrafficSplit emojivoto/web-svc-ts configured in kind-canary. Saved web.yaml (canaryLens.apply.saveAfterApply).');
    assert.equal(fileNameOf('/ws/deploy/web.yaml'), 'web.yaml');
    assert.equal(fileNameOf('Untitled-1'), 'Untitled-1');
  });
});

describe('after apply: a diff that stays open', () => {
  const at = new Date(2026, 0, 2, 9, 5, 7); // local time, as the user's clock shows it

  test('the marker names the context, the namespace(s) and the local time', () => {
    assert.equal(clock(at), '09:05:07');
    assert.equal(appliedMarker('kind-canary', ['emojivoto'], at), '# applied to kind-canary/emojivoto at 09:05:07');
    assert.equal(appliedMarker('kind-canary', ['a', 'b'], at), '# applied to kind-canary/a,b at 09:05:07');
  });

  test('it becomes the first line; a second apply of the same diff replaces it rather than stacking', () => {
    const text = 'apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\n';
    const once = markApplied(text, appliedMarker('c', ['n'], at));
    assert.equal(once, `# applied to c/n at 09:05:07\n${text}`);
    const later = appliedMarker('c', ['n'], new Date(2026, 0, 2, 9, 6, 0));
    assert.equal(markApplied(once, later), `${later}\n${text}`);
  });
});
