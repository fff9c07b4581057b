import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareKubeVersions, isKubeVersion, nearestVersion } from '../../src/service/model/kubeVersions';

// The pairs of kubernetes/apimachinery pkg/version/helpers_test.go, `TestCompareKubeAwareVersionStrings`: a > b?
const UPSTREAM: [string, string, boolean][] = [
  ['v1', 'v2', false],
  ['v2', 'v1', true],
  ['v10', 'v2', true],
  ['v1', 'v2alpha1', true],
  ['v1', 'v2beta1', true],
  ['v1alpha2', 'v1alpha1', true],
  ['v1beta1', 'v2alpha3', true],
  ['v1alpha10', 'v1alpha2', true],
  ['v1beta10', 'v1beta2', true],
  ['foo', 'v1beta2', false],
  ['bar', 'foo', true],
  ['version1', 'version2', true],
  ['version1', 'version10', true],
];

test('compareKubeVersions agrees with apimachinery on its own cases, both ways round', () => {
  for (const [a, b, greater] of UPSTREAM) {
    assert.equal(compareKubeVersions(a, b) > 0, greater, `${a} vs ${b}`);
    assert.equal(compareKubeVersions(b, a) > 0, !greater, `${b} vs ${a}`);
  }
  assert.equal(compareKubeVersions('v1beta1', 'v1beta1'), 0);
});

test('sorting puts GA before beta before alpha, then by number (the doc comment\'s order)', () => {
  const order = ['v2', 'v1', 'v1beta2', 'v1beta1', 'v1alpha1'];
  const shuffled = ['v1beta1', 'v1alpha1', 'v2', 'v1beta2', 'v1'];
  assert.deepEqual([...shuffled].sort((a, b) => compareKubeVersions(b, a)), order);
});

test('isKubeVersion: parseKubeVersion\'s shapes', () => {
  for (const v of ['v1', 'v3', 'v1alpha1', 'v2beta10']) assert.ok(isKubeVersion(v), v);
  for (const v of ['v1.1', 'v1alpha1.1', 'v1beat1', 'V1', '1', 'v1alpha', 'v1gamma1', '']) assert.ok(!isKubeVersion(v), v);
});

test('nearestVersion: the newest served not newer than the written, else the oldest newer one', () => {
  const gateway = ['v1', 'v1beta1', 'v1alpha2'];
  assert.equal(nearestVersion('v2', gateway), 'v1');
  assert.equal(nearestVersion('v1beta2', gateway), 'v1beta1');
  assert.equal(nearestVersion('v1alpha3', gateway), 'v1alpha2');
  assert.equal(nearestVersion('v1alpha1', gateway), 'v1alpha2'); // nothing older: the oldest newer one
  assert.equal(nearestVersion('v2alpha1', gateway), 'v1alpha2'); // alpha of v2 is older than any beta
  assert.equal(nearestVersion('v1alpha5', ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4']), 'v1alpha4');
  assert.equal(nearestVersion('v1alpha3', ['v1beta1']), 'v1beta1');
  assert.equal(nearestVersion('v1beta1', ['v1alpha1']), 'v1alpha1');
});

test('nearestVersion: nothing for a version not Kubernetes-shaped, or nothing served', () => {
  assert.equal(nearestVersion('v1beat1', ['v1', 'v1beta1']), undefined);
  assert.equal(nearestVersion('v2', []), undefined);
});
