/**
 * The panel's desired shares for TrafficSplits that Flagger's and Argo Rollouts' clients write through v1alpha1 (weights
 * are quantities, marshalled as strings) and the cluster layer lists through v1alpha2: the API server hands back
 * `weight: "40"`, and the card must show 40%, not "-".
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { liveSplits, type LiveObject } from '../../src/extension/panel/liveSplits';
import { formatPercent, renderPanelBody } from '../../src/extension/panel/render';
import { modelOf, snapshot } from './support';

/** As a v1alpha2 list returns a split written through v1alpha1 (canary first, as both controllers write it). */
const written = (name: string, weights: [string, unknown][]): LiveObject => ({
  apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', metadata: { name, namespace: 'test' },
  spec: { service: 'podinfo', backends: weights.map(([service, weight]) => ({ service, weight })) },
});

describe('panel: TrafficSplit weights read back as strings', () => {
  const objects = [
    written('flagger', [['podinfo-canary', '40'], ['podinfo-primary', '60']]),
    written('milli', [['podinfo-canary', '500m'], ['podinfo-primary', '1']]),
    written('integers', [['podinfo-canary', 10], ['podinfo-primary', 90]]),
  ];
  const model = modelOf({ cluster: snapshot(liveSplits(objects, 'test')) });
  const card = (name: string) => {
    const s = model.splits.find((x) => x.name === name);
    assert.ok(s, name);
    return s;
  };

  test('desired shares from numeric strings, quantities and integers alike; the weights as written', () => {
    assert.deepEqual(card('flagger').backends.map((b) => [b.name, b.weightText, b.desiredShare]), [['podinfo-canary', '40', 40 / 100], ['podinfo-primary', '60', 60 / 100]]);
    assert.deepEqual(card('milli').backends.map((b) => [b.weightText, b.desiredShare]), [['500m', 500 / 1500], ['1', 1000 / 1500]]);
    assert.deepEqual(card('integers').backends.map((b) => b.desiredShare), [10 / 100, 90 / 100]);
  });

  test('the rendered card shows the desired percentages', () => {
    const html = renderPanelBody(model);
    for (const [name, share] of [['podinfo-canary', 0.4], ['podinfo-primary', 0.6]] as const) {
      assert.ok(html.includes(`${name}: desired share (weight) ${formatPercent(share)}`), `${name} ${formatPercent(share)}`);
    }
    assert.ok(!html.includes(`desired share (weight) ${formatPercent(null)}`), 'no "-" for a desired share');
  });
});
