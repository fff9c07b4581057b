import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Location } from 'vscode-languageserver-types';
import { APEX, CANARY, SERVICES, SPLITS, at, example, marked, rangeIn, workspace } from '../fixtures/features/helpers';
import { httpRoute } from '../support/manifests';

const OTHER = 'file:///ws/other/route.yaml';
const SERVICES_TEXT = example('emojivoto.yaml');
const APEX_TEXT = example('web-apex.yaml');

/** A route in another file: one backend in emojivoto (named across namespaces), one in its own namespace. */
const OTHER_ROUTE = httpRoute({
  apiVersion: 'policy.linkerd.io/v1beta3',
  name: 'shop',
  namespace: 'shop',
  apex: 'web-svc',
  backends: [{ name: 'web-svc', namespace: 'emojivoto', port: 80 }, { name: 'web-svc', port: 80 }],
});

const where = (locations: Location[]): string[] =>
  locations.map((l) => `${l.uri.replace('file:///ws/', '')}:${l.range.start.line}:${l.range.start.character}-${l.range.end.character}`);

describe('go to definition', () => {
  const { ls, splits } = workspace();

  test('from a TrafficSplit backend to the Service in another file', () => {
    assert.deepEqual(ls.definition(SPLITS, at(splits, '- service: web-svc\n', 0, 14)), [
      { uri: SERVICES, range: rangeIn(SERVICES_TEXT, 'name: web-svc\n', 'web-svc') },
    ]);
  });

  test('from the apex, a Service parentRef and an HTTPRoute backendRef', () => {
    const apex = [{ uri: APEX, range: rangeIn(APEX_TEXT, '  name: web-apex\n  namespace: emojivoto\nspec', 'web-apex') }];
    assert.deepEqual(ls.definition(SPLITS, at(splits, 'service: web-apex', 0, 9)), apex);
    assert.deepEqual(ls.definition(SPLITS, at(splits, 'name: web-apex', 0, 14)), apex); // at the word's end
    assert.deepEqual(where(ls.definition(SPLITS, at(splits, 'name: web-svc-2', 1, 6))), ['web-svc-2.yaml:10:8-17']);
    assert.equal(ls.definition(SPLITS, at(splits, 'name: web-svc-2', 1, 6))[0]!.uri, CANARY);
  });

  test('nothing from weights, keys, other kinds, or a Service only the cluster knows', () => {
    assert.deepEqual(ls.definition(SPLITS, at(splits, 'weight: 90', 0, 8)), []);
    assert.deepEqual(ls.definition(SPLITS, at(splits, 'backends:')), []);
    assert.deepEqual(ls.definition(SPLITS, at(splits, '  service: web-svc\n---', 0, 12)), []);
    const { ls: withCluster } = workspace({ namespaces: ['emojivoto'], facts: [{ type: 'Service', name: 'remote', ns: 'emojivoto', ports: [] }] });
    const m = marked('apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata:\n  name: r\n  namespace: emojivoto\nspec:\n  service: rem|ote\n');
    withCluster.setFile('file:///ws/r.yaml', m.text);
    assert.deepEqual(withCluster.definition('file:///ws/r.yaml', m.pos), []);
  });
});

describe('find references', () => {
  const { ls, splits } = workspace();
  ls.setFile(OTHER, OTHER_ROUTE);
  ls.index.indexSome(Infinity);

  const WEB_SVC_REFS = [
    'canary/splits.yaml:9:15-22',
    'canary/splits.yaml:38:16-23',
    'canary/splits.yaml:45:16-23',
    'canary/splits.yaml:59:15-22',
    'other/route.yaml:12:16-23',
  ];

  test('from a Service document: every apex and backend naming it, in every file, same namespace only', () => {
    const refs = ls.references(SERVICES, at(SERVICES_TEXT, 'name: web-svc\n', 0, 8), false);
    assert.deepEqual(where(refs), WEB_SVC_REFS);
    assert.deepEqual(refs[0], { uri: SPLITS, range: rangeIn(splits, '- service: web-svc\n', 'web-svc') });
  });

  test('with the declaration first when asked', () => {
    const refs = ls.references(SERVICES, at(SERVICES_TEXT, 'name: web-svc\n', 0, 8), true);
    assert.deepEqual(where(refs), ['emojivoto.yaml:41:8-15', ...WEB_SVC_REFS]);
  });

  test('from a reference: the same set, whichever reference the cursor is on', () => {
    assert.deepEqual(where(ls.references(SPLITS, at(splits, 'name: web-svc\n', 1, 7), false)), WEB_SVC_REFS);
    assert.deepEqual(where(ls.references(OTHER, at(OTHER_ROUTE, 'name: web-svc\n          namespace', 0, 7), true)), ['emojivoto.yaml:41:8-15', ...WEB_SVC_REFS]);
  });

  test('the apex: TrafficSplit services and Service parentRefs; another namespace is another Service', () => {
    assert.deepEqual(where(ls.references(APEX, at(APEX_TEXT, 'name: web-apex\n  namespace: emojivoto\nspec', 0, 6), true)), [
      'web-apex.yaml:11:8-16',
      'canary/splits.yaml:7:11-19',
      'canary/splits.yaml:29:12-20',
      'canary/splits.yaml:57:11-19',
    ]);
    // shop/web-svc has no declaration in the workspace: only the parent and the local backend name it.
    assert.deepEqual(where(ls.references(OTHER, at(OTHER_ROUTE, 'name: web-svc\n          port', 0, 7), true)), [
      'other/route.yaml:7:12-19',
      'other/route.yaml:15:16-23',
    ]);
  });

  test('follows edits: a backend renamed in an open file is no longer a reference', () => {
    const { ls: live, splits: text } = workspace();
    const line = at(text, '- service: web-svc\n', 0, 11);
    live.changeFile(SPLITS, [{ range: { start: line, end: { line: line.line, character: line.character + 7 } }, text: 'web-svc-3' }], 1);
    const refs = where(live.references(SERVICES, at(SERVICES_TEXT, 'name: web-svc\n', 0, 8), false));
    assert.deepEqual(refs, ['canary/splits.yaml:38:16-23', 'canary/splits.yaml:45:16-23', 'canary/splits.yaml:59:15-22']);
  });

  test('nothing from places that are not Services', () => {
    assert.deepEqual(ls.references(SPLITS, at(splits, 'weight: 90', 0, 8), true), []);
    assert.deepEqual(ls.references(SERVICES, at(SERVICES_TEXT, 'name: web\n', 0, 7), true), []); // a Deployment
    assert.deepEqual(ls.references(SERVICES, at(SERVICES_TEXT, 'port: 80\n', 0, 7), true), []);
  });
});
