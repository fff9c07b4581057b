/**
 * Live split weights as the API server hands them back: a TrafficSplit written through v1alpha1 (quantities, which
 * Flagger's and Argo Rollouts' clients marshal as strings) and listed through v1alpha2 of a `conversion: None` CRD
 * still has `weight: "40"` or `"500m"`. The stats reading takes such an object under the version it was written through
 * (milli units), leaves integer objects as they were, and gives the same desired shares as the integer form.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeSplit } from '../../src/stats';
import { splitsFromObjects, type K8sObjectLike } from '../../src/stats/fromManifests';
import { candidateVersions, liveObjectText } from '../../src/stats/liveVersion';
import { servedVersions } from '../../src/service/model/kinds';

const V1A1 = 'split.smi-spec.io/v1alpha1';
const V1A2 = 'split.smi-spec.io/v1alpha2';

/** A TrafficSplit as listed, with one backend per weight (a, b, c, ...). */
function ts(apiVersion: string, weights: unknown[], name = 'web-split'): K8sObjectLike {
  return {
    apiVersion, kind: 'TrafficSplit', metadata: { name, namespace: 'emojivoto' },
    spec: { service: 'web-apex', backends: weights.map((weight, i) => ({ service: String.fromCharCode(97 + i), weight })) },
  };
}

const readOne = (o: K8sObjectLike) => {
  const { splits, skipped } = splitsFromObjects([o]);
  assert.deepEqual(skipped, []);
  assert.equal(splits.length, 1);
  return splits[0]!;
};

/** Desired shares as the stats module computes them (no series: only the weights count). */
const desired = (o: K8sObjectLike) => computeSplit(readOne(o), [], [], 60).backends.map((b) => b.desiredShare);

describe('the versions a live object may have been written through', () => {
  test('the returned one first, then every other version of its kind in its API group', () => {
    const got = candidateVersions('TrafficSplit', V1A2);
    assert.equal(got[0], V1A2);
    assert.deepEqual(new Set(got), new Set(servedVersions('TrafficSplit')));
    assert.equal(got.length, new Set(got).size, 'no version twice');
    assert.ok(got.includes(V1A1));
  });

  test('another group of the same kind is not a candidate; an unknown kind or no apiVersion has no others', () => {
    const policy = candidateVersions('HTTPRoute', 'policy.linkerd.io/v1beta3');
    assert.ok(policy.length > 1);
    assert.ok(policy.every((v) => v.startsWith('policy.linkerd.io/')), policy.join(', '));
    assert.ok(servedVersions('HTTPRoute').some((v) => v.startsWith('gateway.networking.k8s.io/')));
    assert.deepEqual(candidateVersions('Widget', 'example.com/v1'), ['example.com/v1']);
    assert.deepEqual(candidateVersions('TrafficSplit', undefined), []);
  });
});

describe('weights the API server hands back for any served version', () => {
  const cases: { what: string; weights: unknown[]; apiVersion: string; units: number[]; text: string[] }[] = [
    { what: 'integers (written through v1alpha2): as they are', weights: [90, 10], apiVersion: V1A2, units: [90, 10], text: ['90', '10'] },
    { what: 'numeric strings (a v1alpha1 Quantity marshalled)', weights: ['40', '60'], apiVersion: V1A1, units: [40_000, 60_000], text: ['40', '60'] },
    { what: 'milli quantities', weights: ['500m', '1'], apiVersion: V1A1, units: [500, 1000], text: ['500m', '1'] },
    { what: 'a number beside a quantity string (kubectl wrote one, a client the other)', weights: [40, '500m'], apiVersion: V1A1, units: [40_000, 500], text: ['40', '500m'] },
    { what: 'decimal, SI, exponent and binary quantities', weights: ['1.5', '2k', '1e3', '1Ki'], apiVersion: V1A1, units: [1500, 2_000_000, 1_000_000, 1_024_000], text: ['1.5', '2k', '1e3', '1Ki'] },
    { what: 'a fraction (v1alpha2 of linkerd-smi says `type: number`)', weights: [0.5, 1], apiVersion: V1A1, units: [500, 1000], text: ['0.5', '1'] },
    { what: 'zero as a string', weights: ['0', '100'], apiVersion: V1A1, units: [0, 100_000], text: ['0', '100'] },
  ];
  for (const c of cases) {
    test(c.what, () => {
      const s = readOne(ts(V1A2, c.weights));
      assert.equal(s.apiVersion, c.apiVersion);
      assert.deepEqual(s.backends.map((b) => b.weight), c.units);
      assert.deepEqual(s.backends.map((b) => b.weightText), c.text);
    });
  }

  test('read through v1alpha1 (a cluster without v1alpha2), the same object reads the same', () => {
    for (const weights of [['40', '60'], [40, '500m'], [90, 10]]) {
      const viaV1 = readOne(ts(V1A1, weights));
      assert.equal(viaV1.apiVersion, V1A1);
      assert.deepEqual(desired(ts(V1A1, weights)), desired(ts(V1A2, weights)), JSON.stringify(weights));
    }
  });

  test('a weight no version reads stays as returned and counts 0, as before', () => {
    const s = readOne(ts(V1A2, ['lots', 1]));
    assert.equal(s.apiVersion, V1A2);
    assert.deepEqual(s.backends.map((b) => [b.weight, b.weightText]), [[0, 'lots'], [1, '1']]);
    assert.equal(liveObjectText('k8s:/x.yaml', { apiVersion: V1A2, kind: 'TrafficSplit', metadata: { name: 'x', namespace: 'y' }, spec: { service: 'a', backends: [{ service: 'b', weight: '-1' }] } }).apiVersion, V1A2);
  });

  test('desired shares are exact: a v1alpha1-written split gives the shares of its integer form', () => {
    for (const [strings, numbers] of [[['40', '60'], [40, 60]], [['1', '2'], [1, 2]], [['250m', '750m'], [1, 3]], [['1', '1', '1'], [7, 7, 7]]] as const) {
      const fromStrings = desired(ts(V1A2, [...strings]));
      assert.ok(fromStrings.every((d) => d !== null), 'no "-" for a split whose weights are strings');
      assert.deepEqual(fromStrings, desired(ts(V1A2, [...numbers])), `${strings.join('/')} vs ${numbers.join('/')}`);
    }
  });

  test('HTTPRoutes are read as returned', () => {
    const route: K8sObjectLike = {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'emojivoto' },
      spec: { parentRefs: [{ group: 'core', kind: 'Service', name: 'web-apex' }], rules: [{ backendRefs: [{ name: 'a', port: 80, weight: 3 }, { name: 'b', port: 80 }] }] },
    };
    const s = readOne(route);
    assert.equal(s.apiVersion, 'gateway.networking.k8s.io/v1');
    assert.deepEqual(s.backends.map((b) => b.weight), [3, 1]);
  });
});
