import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover } from 'vscode-languageserver-types';
import { APEX, SERVICES, SPLITS, at, example, range, rangeIn, workspace, withFile } from '../fixtures/features/helpers';

const text = (h: Hover | null): string => {
  assert.ok(h, 'expected a hover');
  return (h.contents as { value: string }).value;
};

describe('hover: weights', () => {
  const { ls, splits } = workspace();

  test('TrafficSplit v1alpha2: share of the split, range = the weight', () => {
    const h = ls.hover(SPLITS, at(splits, 'weight: 500 # the canary', 0, 9));
    assert.equal(text(h), '50.0% of web-svc-ts (500 of 1000)');
    assert.deepEqual(h!.range, range(12, 14, 12, 17));
  });

  test('v1alpha1 quantities in milli units', () => {
    const h = ls.hover(SPLITS, at(splits, '250m', 0, 1));
    assert.equal(text(h), '25.0% of web-svc-ts-old (250m of 1000m)');
    assert.deepEqual(h!.range, rangeIn(splits, 'weight: 250m', '250m'));
  });

  test('HTTPRoute: per rule, one decimal', () => {
    assert.equal(text(ls.hover(SPLITS, at(splits, 'weight: 90', 0, 8))), '90.0% of web-canary rule 1 (90 of 100)');
    assert.equal(text(ls.hover(SPLITS, at(splits, 'weight: 3', 0, 8))), '75.0% of web-canary rule 2 (3 of 4)');
  });

  test('all-zero and invalid weights say why there is no share', () => {
    const zero = withFile(ls, 'file:///ws/zero.yaml',
      'apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata:\n  name: z\nspec:\n  service: a\n  backends:\n    - service: b\n      weight: |0\n    - service: c\n      weight: -1\n');
    assert.equal(text(ls.hover('file:///ws/zero.yaml', zero.pos)), 'no share: every weight of z is 0');
    assert.equal(text(ls.hover('file:///ws/zero.yaml', at(zero.text, '-1'))), 'no share: weight -1 is negative');
  });
});

describe('hover: Service names', () => {
  test('a TrafficSplit backend: ports, selector, where it is defined (relative link and line)', () => {
    const { ls, splits } = workspace();
    const h = ls.hover(SPLITS, at(splits, '- service: web-svc\n', 0, 12));
    assert.equal(text(h), [
      '**Service** `emojivoto/web-svc` (backend of web-svc-ts)',
      '',
      '- ports: 80 (http → 8080)',
      '- selector: `app=web-svc`',
      '- defined in [../emojivoto.yaml:42](file:///ws/emojivoto.yaml#L42)',
    ].join('\n'));
    assert.deepEqual(h!.range, range(9, 15, 9, 22));
  });

  test('the apex, from a TrafficSplit and from an HTTPRoute parentRef', () => {
    const { ls, splits } = workspace();
    const expected = [
      '**Service** `emojivoto/web-apex` (apex)',
      '',
      '- ports: 80 (http)',
      '- selector: `app=web-apex`',
      '- defined in [../web-apex.yaml:12](file:///ws/web-apex.yaml#L12)',
    ].join('\n');
    assert.equal(text(ls.hover(SPLITS, at(splits, 'service: web-apex', 0, 12))), expected);
    const parent = ls.hover(SPLITS, at(splits, 'name: web-apex', 0, 8));
    assert.equal(text(parent), expected);
    assert.deepEqual(parent!.range, rangeIn(splits, '    - name: web-apex', 'web-apex'));
  });

  test('an HTTPRoute backend without weight shows its default share', () => {
    const { ls, splits } = workspace();
    const h = ls.hover(SPLITS, at(splits, '- name: web-svc\n', 1, 9));
    assert.equal(text(h).split('\n').at(-1), '- share: 25.0% of web-canary rule 2 (1 of 4) (default weight)');
    assert.match(text(h), /^\*\*Service\*\* `emojivoto\/web-svc` \(backend of web-canary rule 2\)/);
  });

  test('with cluster facts: ready endpoints, and the cluster as a place of definition', () => {
    const { ls, splits } = workspace({
      namespaces: ['emojivoto'],
      facts: [{ type: 'Service', name: 'web-svc-2', ns: 'emojivoto', ports: [{ port: 80, name: 'http' }], selector: { app: 'web-svc-2' }, readyEndpoints: 3 }],
    });
    const h = text(ls.hover(SPLITS, at(splits, 'service: web-svc-2', 0, 10)));
    assert.match(h, /\n- ready endpoints: 3\n/);
    assert.match(h, /\n- defined in \[\.\.\/web-svc-2\.yaml:11\]\(file:\/\/\/ws\/web-svc-2\.yaml#L11\), the cluster \(namespace emojivoto\)$/);
  });

  test('a Service in the same file links to its line; a missing one says where it was looked for', () => {
    const { ls } = workspace();
    const src = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: local\nspec:\n  ports:\n    - port: 8080\n---\n' +
      'apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata:\n  name: s\nspec:\n  service: lo|cal\n  backends:\n    - service: ghost\n      weight: 1\n';
    const m = withFile(ls, 'file:///ws/local.yaml', src);
    assert.equal(text(ls.hover('file:///ws/local.yaml', m.pos)),
      '**Service** `default/local` (apex)\n\n- ports: 8080\n- selector: none\n- defined in [this file, line 4](file:///ws/local.yaml#L4)');
    assert.equal(text(ls.hover('file:///ws/local.yaml', at(m.text, 'ghost'))),
      '**Service** `default/ghost` (backend of s)\n\nNot found in the workspace.');
  });
});

describe('hover: keys', () => {
  const { ls, splits } = workspace();

  test('field documentation from the schema of the kind and apiVersion, range = the key', () => {
    const h = ls.hover(SPLITS, at(splits, 'backends:', 0, 3));
    assert.equal(text(h), '**backends** `object[]`\n\nThe backend services of this split.');
    assert.deepEqual(h!.range, range(8, 2, 8, 10));
    assert.equal(text(ls.hover(SPLITS, at(splits, 'backendRefs:', 0, 1))),
      '**backendRefs** `object[]`\n\nBackendRefs defines the backend(s) where matching requests should be sent, each with a weight.');
    assert.match(text(ls.hover(SPLITS, at(splits, 'weight: 250m'))), /^\*\*weight\*\* `integer \| string`\n\nTraffic weight value of this backend\. A Kubernetes quantity/);
  });

  test('a key inside a backendRef list item', () => {
    assert.match(text(ls.hover(SPLITS, at(splits, 'port: 80', 1, 1))), /^\*\*port\*\* `integer`\n\nPort specifies the destination port number/);
  });

  test('while the document is mid-edit (a half-typed line breaks the parse)', () => {
    const { ls: ls2 } = workspace();
    const m = withFile(ls2, 'file:///ws/edit.yaml',
      'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nspec:\n  rules:\n    - backendRefs:\n        - name: web-svc\n          por\n          wei|ght: 5\n');
    assert.equal(text(ls2.hover('file:///ws/edit.yaml', m.pos)).split('\n')[0], '**weight**');
  });

  test('nothing on other kinds, values without meaning, or comments', () => {
    assert.equal(ls.hover(SPLITS, at(splits, '\ndata:', 0, 1)), null);
    assert.equal(ls.hover(SPLITS, at(splits, '  service: web-svc\n---', 0, 12)), null);
    assert.equal(ls.hover(SERVICES, at(example('emojivoto.yaml'), 'web-svc', 0, 1)), null);
    assert.equal(ls.hover(APEX, { line: 0, character: 3 }), null);
    assert.equal(ls.hover(SPLITS, at(splits, 'the canary', 0, 2)), null);
    assert.equal(ls.hover(SPLITS, at(splits, 'value: /api', 0, 9)), null);
  });
});
