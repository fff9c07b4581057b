import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeLens, MarkupContent } from 'vscode-languageserver-types';
import { DELIVERY_ACTION_COMMAND, type DeliveryActionArgs, type DeliveryStatus } from '../../src/protocol/messages';
import { LanguageService } from '../../src/service/languageService';
import { PLAN_WEIGHTS_SHOWN } from '../../src/service/features/deliveryLenses';
import { HOVER_STEPS_SHOWN } from '../../src/service/features/deliveryHover';
import type { ClusterFacts } from '../../src/service/workspace/workspaceIndex';
import { positionAt } from '../support/text';
import { canaryStrategy, linkerdCanary, PODINFO_CANARY, webGatewayCanary, webRollout } from '../support/deliveryManifests';

/**
 * The plan of a Canary or Rollout as lenses and as a hover, and its live state from the cluster facts. The expected
 * plans are worked out from the controllers' rules in the comments, not read back from the adapters.
 */

const URI = 'file:///work/delivery.yaml';

function service(text: string, cluster?: ClusterFacts): LanguageService {
  const ls = new LanguageService();
  ls.setFile(URI, text, 1);
  ls.index.indexSome(Infinity);
  if (cluster) ls.setClusterFacts(cluster);
  return ls;
}

const titles = (ls: LanguageService): string[] => ls.codeLenses(URI).map((l) => l.command?.title ?? '');
const lineOf = (text: string, needle: string): number => positionAt(text, text.indexOf(needle)).line;
const lensesOn = (ls: LanguageService, line: number): CodeLens[] => ls.codeLenses(URI).filter((l) => l.range.start.line === line);

const CANARY_GATED = linkerdCanary([
  'interval: 30s', 'threshold: 2', 'maxWeight: 20', 'stepWeight: 10',
  'webhooks:', '  - name: ask', '    type: confirm-promotion', '    url: http://flagger-loadtester.test/gate/check',
]);

/** The `web` Rollout with this strategy text, in shop with 4 replicas. */
const rollout = (strategy: string): string => webRollout('shop', strategy, 4);

const ROLLOUT = rollout(webGatewayCanary(`        - setWeight: 20
        - pause: {}
        - setWeight: 50
        - pause:
            duration: 10m
`));

const status = (s: Partial<DeliveryStatus> & Pick<DeliveryStatus, 'kind' | 'controller' | 'namespace' | 'name' | 'brief'>): DeliveryStatus =>
  ({ phase: 'Progressing', actions: [], ...s });

const connected = (deliveries: DeliveryStatus[]): ClusterFacts => ({
  namespaces: ['test', 'shop'], facts: [], deliveries, connection: { context: 'kind-demo', namespace: 'shop', state: 'ready' },
});

describe('plan lenses', () => {
  test('a Canary: the weights after each step, the interval, the threshold and the least time', () => {
    const ls = service(PODINFO_CANARY);
    const lenses = lensesOn(ls, lineOf(PODINFO_CANARY, 'analysis:'));
    // stepWeight 10 up to maxWeight 50, then promotion hands the traffic back to the (promoted) primary.
    assert.deepEqual(lenses.map((l) => l.command?.title), [
      'Plan: 10% → 20% → 30% → 40% → 50% → promoted',
      'every 1m',
      'rolls back after 5 failed checks',
      // One interval per tick: start, five weights, promote, primary back to 100% = 8 intervals of 1m.
      '≥ 8m to full promotion',
    ]);
    assert.ok(lenses.every((l) => l.command?.command === ''), 'plan lenses are labels');
  });

  test('a Canary with a confirm-promotion webhook names its gate', () => {
    const ls = service(CANARY_GATED);
    const gates = titles(ls).filter((t) => t.startsWith('gates: '));
    assert.equal(gates.length, 1, titles(ls).join(' | '));
    assert.match(gates[0]!, /confirm-promotion/);
    const lens = ls.codeLenses(URI).find((l) => l.command?.title === gates[0]);
    assert.match(lens?.command?.tooltip ?? '', /\/gate\/approve/, 'the tooltip says how the loadtester opens the gate');
  });

  test('a long plan is shortened', () => {
    const ls = service(linkerdCanary(['interval: 1m', 'threshold: 5', 'maxWeight: 60', 'stepWeight: 2']));
    const plan = titles(ls).find((t) => t.startsWith('Plan: '));
    // 2, 4, …, 60 is 30 weights: more than PLAN_WEIGHTS_SHOWN, so the first three, then the last two.
    assert.ok(30 > PLAN_WEIGHTS_SHOWN);
    assert.equal(plan, 'Plan: 2% → 4% → 6% → … → 60% → promoted');
  });

  test('a Rollout: setWeight steps, pauses, and an indefinite pause that waits for promotion', () => {
    const ls = service(ROLLOUT);
    const got = lensesOn(ls, lineOf(ROLLOUT, 'canary:')).map((l) => l.command?.title);
    // After the last step Argo Rollouts gives the canary the full weight.
    assert.equal(got[0], 'Plan: 20% → 50% → 100%');
    assert.ok(got.includes('pauses until promoted · 10m'), got.join(' | '));
    assert.ok(got.includes('waits for promotion'), got.join(' | '));
    assert.ok(got.includes('gates: pause (until promoted)'), got.join(' | '));
    assert.ok(!got.some((t) => t?.startsWith('≥')), 'no least time: a step waits for a person');
  });

  test('a Rollout with timed pauses only has a least time', () => {
    const text = ROLLOUT.replace('        - pause: {}\n', '        - pause: {duration: 1m}\n');
    const got = titles(service(text));
    assert.ok(got.includes('≥ 11m to full promotion'), got.join(' | '));
  });

  test('a Rollout without trafficRouting: the weights are approximated by replicas', () => {
    const text = rollout(canaryStrategy({ steps: '        - setWeight: 25\n        - pause: {duration: 30s}\n' }));
    const plan = titles(service(text)).find((t) => t.startsWith('Plan: '));
    assert.equal(plan, 'Plan: 25% → 100% (approximated by replicas)');
  });

  test('no plan: one lens says why', () => {
    const text = rollout(`    blueGreen:
      activeService: web-active
`);
    const got = titles(service(text));
    assert.equal(got.filter((t) => t.startsWith('No plan: ')).length, 1, got.join(' | '));
    assert.ok(!got.some((t) => t.startsWith('Plan: ')));
  });
});

describe('plan hover', () => {
  const hoverAt = (ls: LanguageService, text: string, needle: string, delta = 0): string | undefined => {
    const h = ls.hover(URI, positionAt(text, text.indexOf(needle) + delta));
    return h ? (h.contents as MarkupContent).value : undefined;
  };

  test('on the strategy key: the timeline as a table', () => {
    const ls = service(ROLLOUT);
    const md = hoverAt(ls, ROLLOUT, 'canary:', 2);
    assert.ok(md, 'a hover');
    const rows = md.split('\n').filter((l) => l.startsWith('|'));
    assert.equal(rows[0], '| step | action | weight | hold | elapsed |');
    // Header, separator, four steps and the full promotion.
    assert.equal(rows.length, 2 + 5, md);
    assert.match(rows[2]!, /^\| 1 \| setWeight 20 \| 20% \| 0s \| 0s \|$/);
    assert.match(rows[3]!, /\| pause \(until promoted\) \| 20% \| until promoted \| waits \|$/);
    // After the indefinite pause, time counts from the promotion.
    assert.match(rows[5]!, /\| pause 10m \| 50% \| 10m \| promotion \+ 10m \|$/);
    assert.match(rows[6]!, /\| 100% \|/);
  });

  test('on a step value: the same table, that step in bold; on a key inside a step: not the plan', () => {
    const ls = service(ROLLOUT);
    const md = hoverAt(ls, ROLLOUT, 'setWeight: 50', 'setWeight: '.length);
    assert.ok(md?.includes('| **3** | **setWeight 50** |'), md);
    const onKey = hoverAt(ls, ROLLOUT, 'setWeight: 50', 2);
    assert.ok(!onKey?.includes('| step | action |'), 'a key inside a step keeps its field hover');
  });

  test('a Canary: the interval and threshold above the table', () => {
    const ls = service(PODINFO_CANARY);
    const md = hoverAt(ls, PODINFO_CANARY, 'analysis:', 2) ?? '';
    assert.ok(md.includes('every 1m · rolls back after 5 failed checks · ≥ 8m to full promotion'), md);
    // Elapsed grows by one interval a step: the last row is the eighth minute.
    const rows = md.split('\n').filter((l) => /^\| \d/.test(l));
    assert.equal(rows.length, 8);
    assert.match(rows[7]!, /\| 8m \|$/);
  });

  test('a plan longer than the table shows says how many more steps there are', () => {
    const steps = Array.from({ length: HOVER_STEPS_SHOWN + 5 }, (_, i) => `        - setWeight: ${i + 1}\n`).join('');
    const text = rollout(canaryStrategy({ steps }));
    const md = hoverAt(service(text), text, 'canary:', 2);
    assert.ok(md?.includes(`… ${HOVER_STEPS_SHOWN + 5 + 1 - HOVER_STEPS_SHOWN} more steps`), md);
  });
});

describe('live progress lenses', () => {
  test('a Rollout the cluster reports: its state in one line, and each action Argo Rollouts offers now', () => {
    const ls = service(ROLLOUT, connected([status({
      kind: 'Rollout', controller: 'Argo Rollouts', namespace: 'shop', name: 'web', phase: 'Paused',
      brief: 'Paused · 20% · step 2/4', step: { index: 1, total: 4 }, actions: ['promote', 'promote-full', 'abort'],
    })]));
    const top = lensesOn(ls, lineOf(ROLLOUT, 'kind: Rollout'));
    assert.deepEqual(top.map((l) => l.command?.title), ['Paused · 20% · step 2/4', 'Promote', 'Promote fully', 'Abort']);
    assert.equal(top[0]!.command?.command, '');
    for (const l of top.slice(1)) assert.equal(l.command?.command, DELIVERY_ACTION_COMMAND);
    assert.deepEqual(top.slice(1).map((l) => l.command?.arguments?.[0] as DeliveryActionArgs), [
      { namespace: 'shop', name: 'web', action: 'promote' },
      { namespace: 'shop', name: 'web', action: 'promote-full' },
      { namespace: 'shop', name: 'web', action: 'abort' },
    ]);
    assert.match(top[1]!.command?.tooltip ?? '', /kind-demo/, 'the tooltip names the context');
    // The hover marks the live step.
    const md = (ls.hover(URI, positionAt(ROLLOUT, ROLLOUT.indexOf('canary:') + 2))?.contents as MarkupContent).value;
    assert.ok(md.includes('| 2 ◀ now |'), md);
  });

  test('a Canary the cluster reports: its state, no action lens', () => {
    const ls = service(CANARY_GATED, connected([status({
      kind: 'Canary', controller: 'Flagger', namespace: 'test', name: 'podinfo', brief: 'Progressing · 10% · 1/2 failed checks',
    })]));
    const top = lensesOn(ls, lineOf(CANARY_GATED, 'kind: Canary'));
    assert.deepEqual(top.map((l) => l.command?.title), ['Progressing · 10% · 1/2 failed checks']);
    assert.ok(ls.codeLenses(URI).every((l) => l.command?.command === ''), 'no action runs anything for a Canary');
  });

  test('another object of the same name, or none reported: no live lens', () => {
    const other = service(ROLLOUT, connected([
      status({ kind: 'Rollout', controller: 'Argo Rollouts', namespace: 'other', name: 'web', brief: 'Healthy' }),
      status({ kind: 'Canary', controller: 'Flagger', namespace: 'shop', name: 'web', brief: 'Succeeded' }),
      status({ kind: 'Rollout', controller: 'Argo Rollouts', namespace: 'shop', name: 'web', brief: 'Degraded' }),
    ]));
    assert.ok(!titles(other).includes('Healthy') && !titles(other).includes('Succeeded'));
    assert.ok(titles(other).includes('Degraded'), 'the one of its kind, namespace and name');
    assert.ok(!titles(service(ROLLOUT)).some((t) => t.startsWith('Paused')));
  });
});
