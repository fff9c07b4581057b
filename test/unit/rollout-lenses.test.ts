import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { START_ROLLOUT_COMMAND, type RolloutView } from '../../src/protocol/messages';
import { LanguageService } from '../../src/service/languageService';
import { rolloutLensTitle } from '../../src/rollout/view';
import { rangeOf } from '../support/text';

/**
 * The guided rollout's lens: `Start rollout → <canary>…` on the canary's line while a cluster is connected, and the
 * rollout on the split (`Rollout 2/4 · gates ✓`) once the client has sent it (`canaryLens/rollouts`).
 */

const URI = 'file:///work/canary.yaml';
const ROOT = join(__dirname, '..', '..');
const TS = readFileSync(join(ROOT, 'examples', 'emojivoto', 'web-svc-ts.yaml'), 'utf8');

function service(text: string, connected = true): LanguageService {
  const ls = new LanguageService();
  ls.setFile(URI, text, 1);
  if (connected) ls.setClusterFacts({ namespaces: [], facts: [], connection: { context: 'dev', namespace: 'emojivoto', state: 'ready' } } as never);
  return ls;
}

const rolloutLenses = (ls: LanguageService) => ls.codeLenses(URI).filter((l) => /^(Start rollout|Rollout )/.test(l.command?.title ?? ''));

function view(over: Partial<RolloutView> = {}): RolloutView {
  const gate = (id: RolloutView['gates'][number]['id'], verdict: RolloutView['gates'][number]['verdict']) => ({
    id, label: id, verdict, value: null, threshold: null, unit: 'requests' as const, detail: '', history: [],
  });
  return {
    split: { kind: 'TrafficSplit', namespace: 'emojivoto', name: 'web-svc-ts' }, canary: 'web-svc-2', steps: [10, 25, 50, 100], step: 1,
    phase: 'running', status: { kind: 'holding', message: 'step 2/4 (web-svc-2 25%): gates ✓, 1:20 left', secondsLeft: 80 },
    holdTime: '2m', window: '1m', startedBy: 'alice@laptop (VS Code)', startedAt: 0, unattended: false,
    gates: [gate('requests', 'pass'), gate('successRate', 'pass'), gate('latencyP99', 'pass')], actions: ['pause', 'rollback', 'cancel'],
    ...over,
  };
}

test('Start rollout: on the canary backend line while connected, naming the document and the split', () => {
  assert.deepEqual(rolloutLenses(service(TS, false)), [], 'no cluster, no start');
  const lenses = rolloutLenses(service(TS));
  assert.equal(lenses.length, 1);
  const lens = lenses[0]!;
  assert.equal(lens.command!.title, 'Start rollout → web-svc-2…');
  assert.equal(lens.command!.command, START_ROLLOUT_COMMAND);
  assert.deepEqual(lens.command!.arguments, [URI, { kind: 'TrafficSplit', name: 'web-svc-ts', namespace: 'emojivoto' }]);
  assert.equal(lens.range.start.line, rangeOf(TS, '- service: web-svc-2').start.line, 'on the canary, not the split row');
});

test('Start rollout: not on a split another takes the apex from (an HTTPRoute under a TrafficSplit); a label says why', () => {
  const route = [
    'apiVersion: gateway.networking.k8s.io/v1', 'kind: HTTPRoute', 'metadata:', '  name: web-route', '  namespace: emojivoto', 'spec:',
    '  parentRefs:', '    - name: web-apex', '      kind: Service', '      group: core', '      port: 80', '  rules:', '    - backendRefs:',
    '        - name: web-svc', '          port: 80', '          weight: 900', '        - name: web-svc-2', '          port: 80', '          weight: 100', '',
  ].join('\n');
  const text = `${TS.trimEnd()}\n---\n${route}`;
  const ls = new LanguageService();
  ls.setFile(URI, text, 1);
  ls.setClusterFacts({ namespaces: [], facts: [], connection: { context: 'dev', namespace: 'emojivoto', state: 'ready' } } as never);
  const lenses = ls.codeLenses(URI).filter((l) => /rollout/i.test(l.command?.title ?? ''));
  const starts = lenses.filter((l) => l.command!.command === START_ROLLOUT_COMMAND);
  assert.deepEqual(starts.map((l) => (l.command!.arguments![1] as { kind: string }).kind), ['TrafficSplit'], 'the TrafficSplit, in effect, may start one');
  const blocked = lenses.find((l) => l.command!.title === 'Rollout: not in effect');
  assert.ok(blocked, lenses.map((l) => l.command!.title).join(', '));
  assert.equal(blocked.range.start.line, text.split('\n').indexOf('        - name: web-svc-2'), 'on the route\'s canary line');
  assert.match(blocked.command!.tooltip ?? '', /TrafficSplit web-svc-ts takes web-apex/);
});

test('Start rollout: a document without a namespace names the selected one', () => {
  const text = TS.replace('  namespace: emojivoto\n', '');
  const [lens] = rolloutLenses(service(text));
  assert.deepEqual(lens!.command!.arguments![1], { kind: 'TrafficSplit', name: 'web-svc-ts', namespace: 'emojivoto' });
});

test('a rollout on the split replaces Start: Rollout 2/4 · gates ✓, then ✗ · paused; ended ones give Start back', () => {
  const ls = service(TS);
  ls.rollouts.set({ rollouts: [view()] });
  assert.deepEqual(rolloutLenses(ls).map((l) => l.command!.title), ['Rollout 2/4 · gates ✓']);
  assert.equal(rolloutLenses(ls)[0]!.command!.tooltip, 'step 2/4 (web-svc-2 25%): gates ✓, 1:20 left');

  const failed = view({ phase: 'paused', gates: view().gates.map((g, i) => (i === 1 ? { ...g, verdict: 'fail' as const } : g)) });
  ls.rollouts.set({ rollouts: [failed] });
  assert.deepEqual(rolloutLenses(ls).map((l) => l.command!.title), ['Rollout 2/4 · gates ✗ · paused']);

  const waiting = view({ step: 0, unattended: true, gates: view().gates.map((g, i) => (i === 0 ? { ...g, verdict: 'insufficient' as const } : g)) });
  ls.rollouts.set({ rollouts: [waiting] });
  assert.deepEqual(rolloutLenses(ls).map((l) => l.command!.title), ['Rollout 1/4 · gates waiting · no runner']);

  ls.rollouts.set({ rollouts: [view({ phase: 'completed', step: 3 })] });
  assert.deepEqual(rolloutLenses(ls).map((l) => l.command!.title), ['Start rollout → web-svc-2…']);

  // Another split's rollout (name, namespace) does not show here.
  ls.rollouts.set({ rollouts: [view({ split: { kind: 'TrafficSplit', namespace: 'other', name: 'web-svc-ts' } }), view({ split: { kind: 'TrafficSplit', namespace: 'emojivoto', name: 'api' } })] });
  assert.deepEqual(rolloutLenses(ls).map((l) => l.command!.title), ['Start rollout → web-svc-2…']);
  // The lens and the rollout's own views word it alike.
  assert.equal(rolloutLensTitle(view()), 'Rollout 2/4 · gates ✓');
});

test('an HTTPRoute of two weighted rules: each rule its own Start and its own rollout (1-based rule)', () => {
  const route = readFileSync(join(ROOT, 'examples', 'emojivoto', 'web-httproute.yaml'), 'utf8');
  const two = `${route}    - matches:\n        - path: {type: PathPrefix, value: /api}\n      backendRefs:\n        - name: web-svc\n          port: 80\n          weight: 50\n        - name: api-canary\n          port: 80\n          weight: 50\n`;
  const ls = service(two);
  const starts = rolloutLenses(ls);
  assert.deepEqual(starts.map((l) => [l.command!.title, l.command!.arguments![1] as unknown]), [
    ['Start rollout → web-svc-2…', { kind: 'HTTPRoute', name: 'web-canary', namespace: 'emojivoto', rule: 1 }],
    ['Start rollout → api-canary…', { kind: 'HTTPRoute', name: 'web-canary', namespace: 'emojivoto', rule: 2 }],
  ]);
  ls.rollouts.set({ rollouts: [view({ split: { kind: 'HTTPRoute', namespace: 'emojivoto', name: 'web-canary', rule: 2 }, canary: 'api-canary' })] });
  assert.deepEqual(rolloutLenses(ls).map((l) => l.command!.title), ['Start rollout → web-svc-2…', 'Rollout 2/4 · gates ✓']);
});

test('a split a controller owns gets no Start rollout, its owner lens instead', () => {
  const owner = { controller: 'Flagger' as const, kind: 'Canary' as const, namespace: 'emojivoto', name: 'web', via: 'ownerReferences' as const };
  const ls = new LanguageService();
  ls.setFile(URI, TS, 1);
  const facts = { namespaces: ['emojivoto'], facts: [], connection: { context: 'dev', namespace: 'emojivoto', state: 'ready' } };
  ls.setClusterFacts(facts as never);
  assert.equal(rolloutLenses(ls).length, 1, 'unowned: Start');
  ls.setClusterFacts({ ...facts, owned: [{ kind: 'TrafficSplit', group: 'split.smi-spec.io', namespace: 'emojivoto', name: 'web-svc-ts', owner }] } as never);
  assert.deepEqual(rolloutLenses(ls), []);
  assert.ok(ls.codeLenses(URI).some((l) => /^Managed by Canary web/.test(l.command?.title ?? '')), 'its owner lens instead');
});
