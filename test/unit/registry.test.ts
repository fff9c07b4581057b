/** The kind registry and what the split model derives from it: one entry per kind, nothing kind-specific elsewhere. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wordRemedy } from '../../src/cluster/wording';
import { kindSpec, SPLIT_KIND_IDS } from '../../src/cluster/requests';
import { CLI_WORDING } from '../../src/cli/wording';
import { EXTENSION_WORDING } from '../../src/extension/wording';
import { YamlPart } from '../../src/service/document/part';
import { splitDocumentOf } from '../../src/service/model/adapters';
import { API_VERSIONS, apiVersionInfo, isSplitKind, KINDS, kindNames, SPLIT_KINDS, SPLIT_RESOURCES } from '../../src/service/model/kinds';
import { httpRoute, trafficSplit } from '../support/manifests';

test('every kind has its entry, and every served apiVersion its schema', () => {
  assert.deepEqual([...SPLIT_KINDS], ['TrafficSplit', 'HTTPRoute', 'GRPCRoute']);
  for (const kind of SPLIT_KINDS) {
    const entry = KINDS[kind];
    assert.equal(entry.kind, kind);
    assert.ok(entry.versions.length > 0);
    for (const v of entry.versions) {
      assert.equal(v.kind, kind);
      assert.equal(v.schema.type, 'object', `${v.apiVersion} has a schema`);
      assert.equal(apiVersionInfo(kind, v.apiVersion), v);
    }
  }
  assert.equal(new Set(API_VERSIONS.map((v) => `${v.kind} ${v.apiVersion}`)).size, API_VERSIONS.length, 'no apiVersion twice');
  assert.ok(isSplitKind('HTTPRoute') && !isSplitKind('Service') && !isSplitKind('toString') && !isSplitKind(undefined));
});

test('the cluster lists what the registry serves: each resource version is one of its kind\'s apiVersions', () => {
  assert.deepEqual([...SPLIT_KIND_IDS], SPLIT_RESOURCES.map((r) => r.id));
  assert.equal(new Set(SPLIT_KIND_IDS).size, SPLIT_KIND_IDS.length);
  for (const r of SPLIT_RESOURCES) {
    const spec = kindSpec(r.id);
    assert.equal(spec.kind, r.kind);
    assert.equal(spec.split, r.kind);
    for (const version of r.versions) assert.ok(apiVersionInfo(r.kind, `${r.group}/${version}`)?.linkerdServes, `${r.group}/${version}`);
  }
  assert.throws(() => kindSpec('nonsense'), /unknown resource id/);
});

test('kind names for messages come from the registry', () => {
  assert.equal(kindNames('or'), 'TrafficSplit, HTTPRoute or GRPCRoute');
  assert.equal(kindNames('and'), 'TrafficSplit, HTTPRoute and GRPCRoute');
});

test('backends and parents carry group, kind and namespace, normalised (core = "")', () => {
  const route = splitDocumentOf(new YamlPart(httpRoute({
    namespace: 'emojivoto',
    backends: [
      { name: 'web-svc', port: 80 },
      { name: 'web-svc-2', group: 'core', kind: 'Service', namespace: 'other', port: 80 },
      { name: 'web-remote', group: 'multicluster.x-k8s.io', kind: 'ServiceImport', port: 80 },
    ],
  })));
  assert.ok(route);
  const b = route.splits[0]?.backends ?? [];
  assert.deepEqual(b.map((x) => [x.group, x.kind, x.ns]), [
    ['', 'Service', 'emojivoto'], ['', 'Service', 'other'], ['multicluster.x-k8s.io', 'ServiceImport', 'emojivoto'],
  ]);
  assert.deepEqual(route.parents?.map((p) => [p.group, p.kind, p.ns, p.isService]), [['', 'Service', 'emojivoto', true]]);
  const gateway = splitDocumentOf(new YamlPart(httpRoute({ parentRefs: [{ name: 'gw', namespace: 'infra' }], backends: [{ name: 'web-svc', port: 80 }] })));
  assert.deepEqual(gateway?.parents?.map((p) => [p.group, p.kind, p.ns, p.isService]), [['gateway.networking.k8s.io', 'Gateway', 'infra', false]]);
  const ts = splitDocumentOf(new YamlPart(trafficSplit({ backends: [{ service: 'web-svc', weight: 500 }] })));
  assert.deepEqual(ts?.splits[0]?.backends.map((x) => [x.group, x.kind, x.ns]), [['', 'Service', ts?.ns]]);
});

test('each front end words a library remedy its own way', () => {
  const transient = { nextStep: 'Check that the cluster is running and that the kubeconfig points at it', transient: true };
  assert.equal(wordRemedy(transient, EXTENSION_WORDING), 'Check that the cluster is running and that the kubeconfig points at it; Canary Lens keeps retrying.');
  assert.equal(wordRemedy(transient, CLI_WORDING), 'Check that the cluster is running and that the kubeconfig points at it.');
  const knob = { nextStep: 'Create a kubeconfig', knob: 'kubeconfig' as const };
  assert.equal(wordRemedy(knob, EXTENSION_WORDING), 'Create a kubeconfig, or set canaryLens.kubeconfig.');
  assert.equal(wordRemedy(knob, CLI_WORDING), 'Create a kubeconfig, or pass --kubeconfig.');
  assert.equal(wordRemedy({ nextStep: 'Choose a context.' }, CLI_WORDING), 'Choose a context.');
  assert.equal(wordRemedy({}, CLI_WORDING), undefined);
});
