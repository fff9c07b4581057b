import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InsertTextFormat, type CompletionItem } from 'vscode-languageserver-types';
import { cursorAt } from '../../src/service/document/cursor';
import type { LanguageService } from '../../src/service/languageService';
import { SPLITS, marked, range, rangeIn, workspace, withFile } from '../fixtures/features/helpers';

const NEW = 'file:///ws/canary/new.yaml';

const labels = (items: CompletionItem[]): string[] => items.map((i) => i.label);
const newText = (item: CompletionItem | undefined): string | undefined =>
  item?.textEdit && 'newText' in item.textEdit ? item.textEdit.newText : undefined;
const editRange = (item: CompletionItem | undefined): unknown => (item?.textEdit && 'range' in item.textEdit ? item.textEdit.range : undefined);
const byLabel = (items: CompletionItem[], label: string): CompletionItem => {
  const item = items.find((i) => i.label === label);
  assert.ok(item, `no item ${label} in ${labels(items).join(', ')}`);
  return item;
};
/** Labels as an editor lists them: by sortText, then label. */
const sorted = (items: CompletionItem[]): string[] =>
  [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).map((i) => i.label);

/** Completion in a file of its own, written with a `|` marker, in the emojivoto workspace. */
function completeIn(src: string, ls: LanguageService = workspace().ls): CompletionItem[] {
  const { pos } = withFile(ls, NEW, src);
  return ls.completion(NEW, pos);
}

/** Completion in the multi-document splits file after replacing `from` with `to` (which holds the marker). */
function completeInSplits(from: string, to: string): { items: CompletionItem[]; text: string } {
  const { ls, splits } = workspace();
  assert.ok(splits.includes(from));
  const { text, pos } = marked(splits.replace(from, to));
  ls.setFile(SPLITS, text);
  ls.index.indexSome(Infinity);
  return { items: ls.completion(SPLITS, pos), text };
}

const TS_HEAD = 'apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata:\n  name: web-svc-ts\n  namespace: emojivoto\n';
const ROUTE_HEAD = 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web-canary\n  namespace: emojivoto\n';

describe('completion: keys from the schema of the kind and apiVersion', () => {
  test('HTTPRoute spec in the middle of a multi-document file: only keys not yet written', () => {
    const { items, text } = completeInSplits('  parentRefs:\n    - name: web-apex', '  |\n  parentRefs:\n    - name: web-apex');
    assert.deepEqual(labels(items), ['hostnames']);
    const item = items[0]!;
    assert.equal(item.detail, 'string[]');
    assert.match((item.documentation as { value: string }).value, /^Hostnames defines a set of hostnames/);
    assert.equal(newText(item), 'hostnames:\n  - $0');
    assert.equal(item.insertTextFormat, InsertTextFormat.Snippet);
    const line = text.split('\n').indexOf('  ', 20);
    assert.deepEqual(editRange(item), range(line, 2, line, 2));
  });

  test('a backendRef item: the keys it lacks, required first, objects and lists as snippets', () => {
    const { items } = completeInSplits('          weight: 90\n', '          weight: 90\n          |\n');
    assert.deepEqual(labels(items), ['group', 'kind', 'namespace', 'filters']);
    assert.equal(newText(byLabel(items, 'kind')), 'kind: ');
    assert.equal(byLabel(items, 'kind').detail, 'string');
    assert.equal(byLabel(items, 'kind').insertTextFormat, undefined);
    assert.equal(newText(byLabel(items, 'filters')), 'filters:\n  - $0');
    assert.equal(byLabel(items, 'filters').detail, 'object[]');
  });

  test('TrafficSplit root: the required spec as a block snippet; keys already there are left out', () => {
    const items = completeIn(`${TS_HEAD}|\n`);
    assert.deepEqual(labels(items), ['spec']);
    assert.equal(newText(items[0]), 'spec:\n  $0');
    assert.equal(items[0]!.sortText, '0spec');
  });

  test('v1alpha1 backends: weight is an int-or-string; v1alpha3 adds matches to spec', () => {
    const v1 = completeIn('apiVersion: split.smi-spec.io/v1alpha1\nkind: TrafficSplit\nspec:\n  backends:\n    - service: web-svc\n      |\n');
    assert.deepEqual(labels(v1), ['weight']);
    assert.equal(v1[0]!.detail, 'integer | string');
    const v3 = completeIn('apiVersion: split.smi-spec.io/v1alpha3\nkind: TrafficSplit\nspec:\n  service: web-apex\n  |\n');
    assert.deepEqual(labels(v3), ['backends', 'matches']);
  });

  test('metadata: the fields a user writes, never those the API server owns', () => {
    const items = completeIn(`${TS_HEAD}  |\n`);
    assert.deepEqual(labels(items).sort(), ['annotations', 'finalizers', 'generateName', 'labels', 'ownerReferences']);
  });

  test('an unknown apiVersion falls back to the version Linkerd serves today', () => {
    const items = completeIn('apiVersion: split.smi-spec.io/v9\nkind: TrafficSplit\nspec:\n  |\n');
    assert.deepEqual(labels(items), ['service', 'backends']);
  });

  test('on a written key: renaming it keeps its colon and value', () => {
    const { items, text } = completeInSplits('  service: web-apex\n  backends:', '  serv|ice: web-apex\n  backends:');
    assert.deepEqual(labels(items), ['service']);
    assert.equal(newText(items[0]), 'service');
    assert.deepEqual(editRange(items[0]), rangeIn(text, '  service: web-apex', 'service'));
  });

  test('a blank line under a list of objects offers a new item', () => {
    const items = completeIn(`${TS_HEAD}spec:\n  backends:\n    - service: web-svc\n      weight: 1\n    |\n`);
    assert.deepEqual(labels(items), ['service', 'weight']);
    assert.equal(newText(items[0]), '- service: ');
    assert.equal(items[0]!.filterText, '- service');
  });

  test('documents of other kinds get nothing', () => {
    const { items } = completeInSplits('data:\n  service: web-svc', 'data:\n  service: web-svc\n  |');
    assert.deepEqual(items, []);
  });
});

describe('completion: while the document is mid-edit', () => {
  test('a half-typed key on its own line (the parser reads it as part of the next key)', () => {
    const { items, text } = completeInSplits('  service: web-apex\n  backends:', '  back|\n  backends:');
    // The half-typed word is replaced; `backends` is written below, `service` was removed by the edit.
    assert.deepEqual(labels(items), ['service']);
    assert.deepEqual(editRange(items[0]), rangeIn(text, '  back\n', 'back'));
    assert.equal(newText(items[0]), 'service: ');
  });

  test('`- ` in a sequence: the keys of a new backend', () => {
    const items = completeIn(`${TS_HEAD}spec:\n  service: web-apex\n  backends:\n    - service: web-svc\n      weight: 1\n    - |\n`);
    assert.deepEqual(labels(items), ['service', 'weight']);
    assert.equal(newText(items[0]), 'service: ');
  });

  test('`- ` in a compact sequence (dash at the key\'s column) and a second key of that item', () => {
    const first = completeIn(`${ROUTE_HEAD}spec:\n  rules:\n  - backendRefs:\n    - name: web-svc\n    - |\n`);
    assert.deepEqual(labels(first), ['group', 'kind', 'name', 'namespace', 'port', 'weight', 'filters']);
    const second = completeIn(`${ROUTE_HEAD}spec:\n  rules:\n  - backendRefs:\n    - name: web-svc\n      po|\n`);
    assert.deepEqual(labels(second), ['group', 'kind', 'namespace', 'port', 'weight', 'filters']);
  });

  test('`service: ` with nothing after it: Service names of the namespace', () => {
    const items = completeIn(`${TS_HEAD}spec:\n  service: |\n  backends:\n    - service: web-svc\n      weight: 1\n`);
    assert.deepEqual(labels(items), ['emoji-svc', 'voting-svc', 'web-apex', 'web-svc', 'web-svc-2']);
  });

  test('right after the colon (a trigger character): the value comes with its space', () => {
    const items = completeIn(`${TS_HEAD}spec:\n  service:|\n`);
    assert.equal(newText(byLabel(items, 'web-apex')), ' web-apex');
    assert.deepEqual(editRange(items[0]), range(6, 10, 6, 10));
    assert.equal(newText(completeIn('kind:|\n')[0]), ' TrafficSplit');
  });

  test('a syntax error elsewhere in the document does not stop completion', () => {
    const items = completeIn(`${TS_HEAD}spec:\n  service: web-apex\n  backends:\n    - service: |\n    - service: [web\n`);
    assert.deepEqual(labels(items), ['emoji-svc', 'voting-svc', 'web-apex', 'web-svc', 'web-svc-2']);
  });

  test('CRLF line ends', () => {
    const items = completeIn(`${TS_HEAD}spec:\n  service: web-apex\n  backends:\n    - service: web-svc\n      |\n`.replace(/\n/g, '\r\n'));
    assert.deepEqual(labels(items), ['weight']);
    assert.deepEqual(editRange(items[0]), range(9, 6, 9, 6));
  });

  test('nothing in comments, in block scalars or after a value', () => {
    assert.deepEqual(completeIn(`${TS_HEAD}spec:\n  service: web-apex # the |apex\n`), []);
    assert.deepEqual(completeIn(`${TS_HEAD}  annotations:\n    note: >\n      a: |b\n`), []);
    assert.deepEqual(completeIn(`${TS_HEAD}spec:\n  service: web-apex |\n`), []);
  });
});

describe('completion: values', () => {
  test('apiVersion: the versions served for the kind, Linkerd-served ones first', () => {
    const items = completeIn('apiVersion: |\nkind: TrafficSplit\n');
    assert.deepEqual(sorted(items), [
      'split.smi-spec.io/v1alpha1', 'split.smi-spec.io/v1alpha2', 'split.smi-spec.io/v1alpha3', 'split.smi-spec.io/v1alpha4',
    ]);
    assert.match((byLabel(items, 'split.smi-spec.io/v1alpha3').documentation as { value: string }).value, /Linkerd never served/);
    const route = completeIn('kind: HTTPRoute\napiVersion: gateway|\n');
    assert.deepEqual(sorted(route), [
      'gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1', 'policy.linkerd.io/v1beta1', 'policy.linkerd.io/v1beta2',
      'policy.linkerd.io/v1beta3', 'gateway.networking.k8s.io/v1alpha2',
    ]);
    assert.deepEqual(editRange(route[0]), range(1, 12, 1, 19));
  });

  test('apiVersion without a kind: every version; kind: the kinds that version serves', () => {
    // TrafficSplit 4, HTTPRoute 6, GRPCRoute 2; Canary, MetricTemplate, Rollout, AnalysisTemplate, ClusterAnalysisTemplate,
    // RolloutPlan 1 each.
    assert.equal(completeIn('apiVersion: |\n').length, 18);
    assert.deepEqual(labels(completeIn('kind: |\n')), [
      'TrafficSplit', 'HTTPRoute', 'GRPCRoute', 'Canary', 'MetricTemplate', 'Rollout', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'RolloutPlan',
    ]);
    assert.deepEqual(labels(completeIn('apiVersion: gateway.networking.k8s.io/v1\nkind: HT|\n')), ['HTTPRoute', 'GRPCRoute']);
    assert.deepEqual(labels(completeIn('apiVersion: policy.linkerd.io/v1beta3\nkind: |\n')), ['HTTPRoute']);
  });

  test('enum values from the schema', () => {
    const items = completeIn(`${ROUTE_HEAD}spec:\n  rules:\n    - matches:\n        - path:\n            type: |\n`);
    assert.deepEqual(labels(items), ['Exact', 'PathPrefix', 'RegularExpression']);
    const method = completeIn(`${ROUTE_HEAD}spec:\n  rules:\n    - matches:\n        - method: P|\n`);
    assert.ok(labels(method).includes('PATCH'));
    assert.deepEqual(editRange(method[0]), range(8, 18, 8, 19));
  });
});

describe('completion: Service names and ports', () => {
  const CLUSTER = {
    namespaces: ['emojivoto'],
    facts: [
      { type: 'Service' as const, name: 'web-svc', ns: 'emojivoto', ports: [{ port: 80, name: 'http' }], readyEndpoints: 2 },
      { type: 'Service' as const, name: 'legacy-web', ns: 'emojivoto', ports: [{ port: 80 }, { port: 9090, name: 'admin' }] },
      { type: 'Service' as const, name: 'other', ns: 'elsewhere', ports: [{ port: 80 }] },
    ],
  };

  test('a TrafficSplit backend in the multi-document file: workspace Services first, then the cluster\'s', () => {
    const { ls, splits } = workspace(CLUSTER);
    const { text, pos } = marked(splits.replace('    - service: web-svc-2\n      weight: 500', '    - service: web-|\n      weight: 500'));
    ls.setFile(SPLITS, text);
    const items = ls.completion(SPLITS, pos);
    assert.deepEqual(sorted(items), ['emoji-svc', 'voting-svc', 'web-apex', 'web-svc', 'web-svc-2', 'legacy-web']);
    const web = byLabel(items, 'web-svc');
    assert.equal(web.detail, '80/http');
    assert.equal((web.documentation as { value: string }).value, 'Service `emojivoto/web-svc`, defined in [../emojivoto.yaml:42](file:///ws/emojivoto.yaml#L42)');
    assert.deepEqual(editRange(web), rangeIn(text, '    - service: web-\n', 'web-'));
    const legacy = byLabel(items, 'legacy-web');
    assert.equal(legacy.detail, '80, 9090/admin');
    assert.deepEqual(legacy.labelDetails, { description: 'cluster' });
    assert.equal((legacy.documentation as { value: string }).value, 'Service `emojivoto/legacy-web`, defined in the cluster (namespace emojivoto)');
  });

  test('HTTPRoute: a Service parentRef name, and a backendRef in the namespace it names', () => {
    const { ls } = workspace(CLUSTER);
    const parent = completeIn(`${ROUTE_HEAD}spec:\n  parentRefs:\n    - name: |\n      kind: Service\n      group: core\n`, ls);
    assert.equal(parent.length, 6);
    // A parentRef that is a Gateway (the default kind) does not name a Service.
    assert.deepEqual(completeIn(`${ROUTE_HEAD}spec:\n  parentRefs:\n    - name: |\n`, ls), []);
    const other = completeIn(`${ROUTE_HEAD}spec:\n  rules:\n    - backendRefs:\n        - namespace: elsewhere\n          name: |\n`, ls);
    assert.deepEqual(labels(other), ['other']);
  });

  test('backendRef port: the ports of the Service named in the same item', () => {
    const { items, text } = completeInSplits('        - name: web-svc-2\n          port: 80', '        - name: web-svc-2\n          port: 8|');
    assert.deepEqual(labels(items), ['80']);
    assert.equal(items[0]!.detail, 'http → 8080');
    assert.deepEqual(editRange(items[0]), rangeIn(text, '        - name: web-svc-2\n          port: 8\n', '8'));
    const grpc = completeIn(`${ROUTE_HEAD}spec:\n  rules:\n    - backendRefs:\n        - port: |\n          name: emoji-svc\n`);
    assert.deepEqual(labels(grpc), ['8080', '8801']);
    assert.deepEqual(grpc.map((i) => i.detail), ['grpc', 'prom']);
  });

  test('parentRef port: the ports of the apex; unknown Services give none', () => {
    const apex = completeIn(`${ROUTE_HEAD}spec:\n  parentRefs:\n    - name: web-apex\n      kind: Service\n      group: core\n      port: |\n`);
    assert.deepEqual(labels(apex), ['80']);
    assert.equal(apex[0]!.detail, 'http');
    assert.deepEqual(completeIn(`${ROUTE_HEAD}spec:\n  rules:\n    - backendRefs:\n        - name: nope\n          port: |\n`), []);
  });
});

describe('completion: new split documents', () => {
  test('an empty document at the end of a multi-document file: first keys and the snippets', () => {
    const { ls, splits } = workspace();
    const { text, pos } = marked(`${splits}---\n|`);
    ls.setFile(SPLITS, text);
    const items = ls.completion(SPLITS, pos);
    assert.deepEqual(labels(items), ['apiVersion', 'kind', 'TrafficSplit canary', 'HTTPRoute canary', 'GRPCRoute canary']);
    const ts = byLabel(items, 'TrafficSplit canary');
    assert.equal(ts.insertTextFormat, InsertTextFormat.Snippet);
    assert.equal(newText(ts), [
      'apiVersion: split.smi-spec.io/v1alpha2',
      'kind: TrafficSplit',
      'metadata:',
      '  name: ${1:apex}-split',
      '  namespace: ${2:default}',
      'spec:',
      '  service: ${1:apex}',
      '  backends:',
      '    - service: ${3:stable}',
      '      weight: ${4:90}',
      '    - service: ${5:canary}',
      '      weight: ${6:10}',
      '$0',
    ].join('\n'));
    const route = newText(byLabel(items, 'HTTPRoute canary'))!;
    assert.match(route, /^apiVersion: gateway\.networking\.k8s\.io\/v1\nkind: HTTPRoute\n/);
    assert.match(route, /  parentRefs:\n    - name: \$\{1:apex\}\n      kind: Service\n      group: core\n/);
    assert.equal(route.match(/- name: /g)?.length, 3);
    const last = text.split('\n').length - 1;
    assert.deepEqual(editRange(ts), range(last, 0, last, 0));
  });

  test('a half-typed first word is replaced; once the document has keys, no snippets', () => {
    const typed = completeIn('# a new canary\nHTT|');
    assert.deepEqual(labels(typed), ['apiVersion', 'kind', 'TrafficSplit canary', 'HTTPRoute canary', 'GRPCRoute canary']);
    assert.deepEqual(editRange(typed[3]), range(1, 0, 1, 3));
    assert.deepEqual(labels(completeIn('apiVersion: v1\n|\n')), ['kind']);
  });
});

describe('cursor: where completion looks, from the lines alone', () => {
  /** Path, position kind and the word under the cursor, for text with a `|` marker. */
  function where(src: string): [string, string, string] | undefined {
    const at = src.indexOf('|');
    const text = src.slice(0, at) + src.slice(at + 1);
    const c = cursorAt(text, at);
    return c && [c.path.join('.'), c.at, text.slice(c.span.start, c.span.end)];
  }

  test('keys, values and items', () => {
    assert.deepEqual(where('spec:\n  backends:\n    - service: a\n    - service: b\n      weight: 1|0\n'), ['spec.backends.1.weight', 'value', '10']);
    assert.deepEqual(where('spec:\n  rules:\n  - matches: []\n  - backendRefs:\n    - name: a\n    - |\n'), ['spec.rules.1.backendRefs.1', 'key', '']);
    assert.deepEqual(where('a:\n- - x\n  - |\n'), ['a.0.1', 'key', '']);
    assert.deepEqual(where('metadata:\n  labels:\n    "app.k/n": |x\n'), ['metadata.labels.app.k/n', 'value', 'x']);
    assert.deepEqual(where('---\nki|'), ['', 'key', 'ki']);
    assert.deepEqual(where('spec:\n  # a comment\n\n  ser|\n'), ['spec', 'key', 'ser']);
  });

  test('the keys already written around the cursor, but the one being typed', () => {
    const text = 'spec:\n  service: a\n  backends:\n    - service: b\n      weight: 1\n  matches: []\n';
    const c = cursorAt(text, text.indexOf('backends'));
    assert.deepEqual([...c!.siblings.keys()], ['service', 'matches']);
    const item = cursorAt(text, text.indexOf('weight'));
    assert.deepEqual([...item!.siblings], [['service', 'b']]);
  });

  test('nowhere: inside scalars, before a line\'s first token, right after a bare dash', () => {
    assert.equal(where('spec:\n  x: |\n    foo: bar\n    |\n'.replace('x: |', 'x: >')), undefined);
    assert.equal(where('spec:\n |  service: a\n'), undefined);
    assert.equal(where('spec:\n  backends:\n    -|\n'), undefined);
    assert.equal(where('spec:\n  service: a\n    |\n'), undefined);
  });
});
