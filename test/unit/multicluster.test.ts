/**
 * Backends Linkerd multicluster creates: a mirror `<service>-<cluster>` and a federated Service `<service>-federated`
 * (linkerd/linkerd2 multicluster/service-mirror/cluster_watcher.go) are not missing Services. Known from a Link in the
 * workspace, from a local Service the name extends, or, from the cluster, from the mirror.linkerd.io labels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover } from 'vscode-languageserver-types';
import { buildClusterFacts } from '../../src/cluster/facts';
import { clusterFacts } from '../../src/server/clusterFacts';
import type { LanguageService } from '../../src/service/languageService';
import { expectDiagnostics, serviceWith } from '../support/diagnostics';
import { documents, httpRoute, service } from '../support/manifests';
import { positionAt, offsetOf } from '../support/text';

const URI = 'file:///ws/smiley.yaml';

/** The service-mesh-academy multicluster demo: a route on `smiley` splitting to itself and its mirror from `east`. */
const route = (...backends: string[]): string => httpRoute({
  name: 'smiley-split', namespace: 'faces', apex: { name: 'smiley', port: 80 },
  backends: backends.map((name) => ({ name, port: 80, weight: 50 })),
});
const smiley = service({ name: 'smiley', namespace: 'faces', selector: 'smiley', ports: [80] });
const link = (name: string, target: string, apiVersion = 'multicluster.linkerd.io/v1alpha3'): string =>
  `apiVersion: ${apiVersion}\nkind: Link\nmetadata:\n  name: ${name}\n  namespace: linkerd-multicluster\nspec:\n  targetClusterName: ${target}\n`;

function hoverOn(ls: LanguageService, name: string): string {
  const text = ls.getFile(URI)!.text;
  const h: Hover | null = ls.hover(URI, positionAt(text, offsetOf(text, `- name: ${name}\n`) + 9));
  assert.ok(h, `a hover on ${name}`);
  return (h.contents as { value: string }).value;
}

test('a mirror named after a local Service: no service-not-found; the hover says which cluster', () => {
  const ls = serviceWith({ [URI]: documents(smiley, route('smiley', 'smiley-east')) });
  expectDiagnostics(ls, URI, [], { absent: ['service-not-found'] });
  const h = hoverOn(ls, 'smiley-east');
  assert.match(h, /mirror of Service `smiley`, mirrored from cluster `east` \(named after Service smiley/);
  assert.match(h, /Not in the workspace: Linkerd's service mirror creates it/);
  assert.doesNotMatch(hoverOn(ls, 'smiley'), /mirror/, 'the local Service is no mirror');
  const defined = serviceWith({ [URI]: documents(smiley, service({ name: 'smiley-east', namespace: 'faces', selector: 'smiley', ports: [80] }), route('smiley', 'smiley-east')) });
  assert.doesNotMatch(hoverOn(defined, 'smiley-east'), /mirror/, 'a Service defined in view is what its labels say');
});

test('a cluster name with a dash, and the federated Service next to its local Service', () => {
  const ls = serviceWith({ [URI]: documents(smiley, route('smiley-us-east-1', 'smiley-federated')) });
  expectDiagnostics(ls, URI, [], { absent: ['service-not-found'] });
  assert.match(hoverOn(ls, 'smiley-us-east-1'), /mirrored from cluster `us-east-1`/);
  assert.match(hoverOn(ls, 'smiley-federated'), /federated Service: `smiley` in every linked cluster/);
});

test('a Link in the workspace (any namespace) names the cluster suffix: by its target cluster, or by its own name', () => {
  const ls = serviceWith({
    [URI]: documents(smiley, route('frowny-east', 'frowny-west', 'frowny-federated')),
    'file:///ws/links.yaml': documents(link('east', 'east'), link('to-west', 'west')),
  });
  expectDiagnostics(ls, URI, [], { absent: ['service-not-found'] });
  assert.match(hoverOn(ls, 'frowny-east'), /mirror of Service `frowny`, mirrored from cluster `east` \(a multicluster Link/);
  assert.match(hoverOn(ls, 'frowny-west'), /mirrored from cluster `west`/);
  assert.match(hoverOn(ls, 'frowny-federated'), /federated Service: `frowny`/);
});

test('near miss: names that match nothing still warn (no Link, no local Service, a Link of another group)', () => {
  const ls = serviceWith({
    [URI]: documents(smiley, route('smiley2', 'frowny-east', 'smiley-')),
    'file:///ws/links.yaml': link('east', 'east', 'example.com/v1'),
  });
  const found = expectDiagnostics(ls, URI, [
    { code: 'service-not-found', text: 'smiley2', line: 24, character: 16, message: ['smiley2 (backend)'] },
    { code: 'service-not-found', text: 'frowny-east', line: 27, character: 16 },
    { code: 'service-not-found', text: 'smiley-', line: 30, character: 16 },
  ], { ignore: ['invalid-name'] });
  assert.equal(found.length, 3);
  assert.match(hoverOn(ls, 'frowny-east'), /^\*\*Service\*\* `faces\/frowny-east` \(backend of smiley-split rule 1\)\n\nNot found in the workspace\./);
});

test('near miss: a release suffix next to the local Service is a missing canary, not a cluster', () => {
  const ls = serviceWith({ [URI]: documents(smiley, route('smiley-canary', 'smiley-v2', 'smiley-2', 'smiley-primary')) });
  const missing = ls.diagnostics(URI).filter((d) => d.code === 'service-not-found').map((d) => d.message);
  assert.deepEqual(missing, ['smiley-canary', 'smiley-v2', 'smiley-2', 'smiley-primary'].map((n) => `Service ${n} (backend) is not in namespace faces in the workspace`));
});

test('from the cluster: the mirror.linkerd.io labels say mirror and cluster; other labels do not travel', () => {
  const params = buildClusterFacts({
    namespace: 'faces',
    services: [
      { metadata: { name: 'smiley', namespace: 'faces' }, spec: { ports: [{ port: 80 }], selector: { app: 'smiley' } } },
      {
        metadata: { name: 'smiley-east', namespace: 'faces', labels: { app: 'smiley', 'mirror.linkerd.io/mirrored-service': 'true', 'mirror.linkerd.io/cluster-name': 'east' } },
        spec: { ports: [{ port: 80 }] },
      },
      { metadata: { name: 'smiley-federated', namespace: 'faces', labels: { 'mirror.linkerd.io/mirrored-service': 'true' } }, spec: { ports: [{ port: 80 }] } },
    ],
  });
  assert.deepEqual(params.services.map((s) => s.labels), [
    undefined,
    { 'mirror.linkerd.io/mirrored-service': 'true', 'mirror.linkerd.io/cluster-name': 'east' },
    { 'mirror.linkerd.io/mirrored-service': 'true' },
  ]);
  // Only the route in the workspace: the cluster holds the Services.
  const ls = serviceWith({ [URI]: route('smiley-east', 'smiley-federated') }, clusterFacts(params));
  expectDiagnostics(ls, URI, [], { absent: ['service-not-found'] });
  const east = hoverOn(ls, 'smiley-east');
  assert.match(east, /mirror of Service `smiley`, mirrored from cluster `east` \(its mirror.linkerd.io labels say so\)/);
  assert.match(east, /- ports: 80/);
  assert.match(hoverOn(ls, 'smiley-federated'), /federated Service: `smiley`.*labels say so/);
});
