/**
 * The guided rollout's activation-side commands (src/extension/rolloutCommands.ts) with a recording `vscode`: the
 * arguments a lens or the panel passes reach the cluster side as a split, bad ones get a message, untrusted workspaces
 * get none of it, and the views of the loaded cluster side reach the panel and the language server (deduplicated).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import type { RolloutActionName, RolloutView } from '../../src/protocol/messages';

class Uri {
  constructor(readonly scheme: string, readonly path: string) {}
  static parse(s: string) { const i = s.indexOf(':'); return new Uri(s.slice(0, i), s.slice(i + 1)); }
  toString() { return `${this.scheme}:${this.path}`; }
}
const ui = { trusted: true, shown: [] as string[], registered: new Map<string, (...a: unknown[]) => unknown>() };
const vscodeStub = {
  Uri,
  window: {
    showInformationMessage: async (m: string) => { ui.shown.push(m); },
    showWarningMessage: async (m: string) => { ui.shown.push(m); },
    showErrorMessage: async (m: string) => { ui.shown.push(m); },
  },
  workspace: { get isTrusted() { return ui.trusted; } },
  commands: { registerCommand: (id: string, f: (...a: unknown[]) => unknown) => { ui.registered.set(id, f); return { dispose() {} }; } },
};
const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? vscodeStub : originalLoad.call(this, request, ...rest);
};
const { parseRolloutSplit, registerRolloutCommands, UNTRUSTED_ROLLOUT_MESSAGE } = require('../../src/extension/rolloutCommands') as typeof import('../../src/extension/rolloutCommands');

const SPLIT = { kind: 'TrafficSplit' as const, name: 'web-svc-ts', namespace: 'emojivoto' };

test('parseRolloutSplit: a split of a known kind with names; a positive whole rule; nothing else', () => {
  assert.deepEqual(parseRolloutSplit(SPLIT), SPLIT);
  assert.deepEqual(parseRolloutSplit({ ...SPLIT, kind: 'HTTPRoute', rule: 2, extra: 1 }), { ...SPLIT, kind: 'HTTPRoute', rule: 2 });
  assert.deepEqual(parseRolloutSplit({ ...SPLIT, rule: 0 }), SPLIT, 'rule 0 is no rule');
  assert.equal(parseRolloutSplit({ ...SPLIT, kind: 'Deployment' }), undefined);
  assert.equal(parseRolloutSplit({ ...SPLIT, name: '' }), undefined);
  assert.equal(parseRolloutSplit({ kind: 'TrafficSplit', name: 'x' }), undefined);
  assert.equal(parseRolloutSplit('web-svc-ts'), undefined);
});

test('commands reach the cluster side; views reach the panel and the server once per change', async () => {
  const calls: unknown[][] = [];
  let views: ((v: RolloutView[]) => void) | undefined;
  const controller = {
    rollouts: {
      start: async (uri: Uri, split: unknown) => { calls.push(['start', uri.toString(), split]); },
      act: async (split: unknown, action: string) => { calls.push([action, split]); },
      onViews: (l: (v: RolloutView[]) => void) => { views = l; return { dispose() {} }; },
    },
  };
  let loaded: ((c: never) => void) | undefined;
  const panelViews: RolloutView[][] = [];
  let panelAction: ((split: RolloutView['split'], action: RolloutActionName) => void) | undefined;
  const sent: unknown[][] = [];
  const client = { isRunning: () => true, onDidChangeState: () => ({ dispose() {} }), sendNotification: async (...a: unknown[]) => { sent.push(a); } };
  registerRolloutCommands({
    log: { error: () => {}, warn: () => {} } as never,
    client: () => client as never,
    controller: async () => controller as never,
    onLoaded: (l) => { loaded = l; },
    panel: { setRollouts: (v) => { panelViews.push([...v]); }, onRolloutAction: (l) => { panelAction = l; return { dispose() {} }; } },
  });
  assert.deepEqual([...ui.registered.keys()].sort(), [
    'canaryLens.rollout.advance', 'canaryLens.rollout.cancel', 'canaryLens.rollout.pause', 'canaryLens.rollout.resume', 'canaryLens.rollout.rollBack', 'canaryLens.rollout.start',
  ]);

  await ui.registered.get('canaryLens.rollout.start')!('file:///ws/a.yaml', SPLIT);
  await ui.registered.get('canaryLens.rollout.rollBack')!(SPLIT);
  await ui.registered.get('canaryLens.rollout.pause')!({ ...SPLIT, kind: 'Nope' });
  panelAction!(SPLIT, 'pause');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(calls, [['start', 'file:///ws/a.yaml', SPLIT], ['rollback', SPLIT], ['pause', SPLIT]]);
  assert.equal(ui.shown.length, 1, 'the bad split: one message');
  assert.match(ui.shown[0]!, /runs from a lens or the Canary Lens panel/);

  ui.trusted = false;
  ui.shown = [];
  await ui.registered.get('canaryLens.rollout.cancel')!(SPLIT);
  assert.deepEqual(ui.shown, [UNTRUSTED_ROLLOUT_MESSAGE]);
  assert.equal(calls.length, 3, 'nothing reached the cluster side');
  ui.trusted = true;

  assert.equal(views, undefined, 'not subscribed before the cluster bundle loads');
  loaded!(controller as never);
  const view = { split: SPLIT, steps: [10, 50, 100], step: 0, phase: 'running', unattended: false, gates: [], status: { kind: 'holding', message: 'gates ✓, 1:20 left', secondsLeft: 80 } } as unknown as RolloutView;
  views!([view]);
  views!([{ ...view, status: { ...view.status, message: 'gates ✓, 1:15 left', secondsLeft: 75 } }]);
  views!([{ ...view, phase: 'paused' }]);
  assert.equal(panelViews.length, 3, 'the panel gets every change (its countdown)');
  // The server: the first and the pause; not the countdown alone, which no lens shows.
  assert.deepEqual(sent.map((s) => (s[0] as { method: string }).method), ['canaryLens/rollouts', 'canaryLens/rollouts']);
  assert.deepEqual(sent.map((s) => (s[1] as { rollouts: RolloutView[] }).rollouts[0]!.phase), ['running', 'paused']);
});
