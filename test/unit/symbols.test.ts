import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import { LanguageService } from '../../src/service/languageService';
import { SERVICES, SPLITS, example, range, rangeIn, workspace } from '../fixtures/features/helpers';

/** Names as an outline shows them, children indented. */
function outline(symbols: DocumentSymbol[], depth = 0): string[] {
  return symbols.flatMap((s) => [`${'  '.repeat(depth)}${s.name}${s.detail ? ` · ${s.detail}` : ''}`, ...outline(s.children ?? [], depth + 1)]);
}

describe('document symbols', () => {
  const { ls, splits } = workspace();
  const symbols = ls.documentSymbols(SPLITS);

  test('one symbol per split document of a multi-document file (the ConfigMap is left out)', () => {
    assert.deepEqual(outline(symbols), [
      'web-svc-ts · TrafficSplit split.smi-spec.io/v1alpha2',
      '  web-svc 50% · weight 500',
      '  web-svc-2 50% · weight 500',
      'web-canary · HTTPRoute gateway.networking.k8s.io/v1',
      '  rule 1 → web-apex',
      '    web-svc 90% · weight 90',
      '    web-svc-2 10% · weight 10',
      '  rule 2 → web-apex',
      '    web-svc 25% · weight 1 (default)',
      '    web-svc-2 75% · weight 3',
      'web-svc-ts-old · TrafficSplit split.smi-spec.io/v1alpha1',
      '  web-svc 25% · weight 250m',
      '  web-svc-2 75% · weight 750m',
    ]);
  });

  test('a document spans its part (from `---`, without trailing blank lines); it is selected by its name', () => {
    const [ts, route, old] = symbols;
    assert.deepEqual(ts!.range, range(0, 0, 12, 30));
    assert.deepEqual(ts!.selectionRange, rangeIn(splits, 'name: web-svc-ts\n', 'web-svc-ts'));
    assert.equal(ts!.kind, SymbolKind.Object);
    assert.deepEqual(route!.range, range(21, 0, 49, 19));
    assert.equal(splits.split('\n')[21], '---');
    assert.deepEqual(route!.selectionRange, range(25, 8, 25, 18));
    assert.deepEqual(old!.range.start, { line: 50, character: 0 });
  });

  test('a rule spans its backendRefs and is selected by that key; a backend spans its item and is selected by its name', () => {
    const rule = symbols[1]!.children![0]!;
    assert.equal(rule.kind, SymbolKind.Struct);
    assert.deepEqual(rule.selectionRange, rangeIn(splits, 'backendRefs:', 'backendRefs', 0));
    assert.deepEqual(rule.range.start, rule.selectionRange.start);
    const canary = rule.children![1]!;
    assert.equal(canary.kind, SymbolKind.Field);
    assert.deepEqual(canary.selectionRange, rangeIn(splits, '- name: web-svc-2\n', 'web-svc-2', 0));
    assert.deepEqual(canary.range.start, rangeIn(splits, '- name: web-svc-2\n', 'name', 0).start);
    assert.ok(canary.range.end.line <= rule.range.end.line);
  });

  test('one rule: the backends sit directly under the route (as for a TrafficSplit)', () => {
    const one = new LanguageService();
    one.setFile('file:///ws/route.yaml', example('web-httproute.yaml'));
    assert.deepEqual(outline(one.documentSymbols('file:///ws/route.yaml')), [
      'web-canary · HTTPRoute gateway.networking.k8s.io/v1',
      '  web-svc 90% · weight 90',
      '  web-svc-2 10% · weight 10',
    ]);
  });

  test('unnamed documents, invalid and all-zero weights, shares with one decimal', () => {
    const odd = new LanguageService();
    odd.setFile('file:///ws/odd.yaml', [
      'kind: TrafficSplit',
      'spec:',
      '  backends:',
      '    - service: a',
      '      weight: x',
      '    - service: b',
      '      weight: 0',
      '---',
      'apiVersion: split.smi-spec.io/v1alpha2',
      'kind: TrafficSplit',
      'metadata:',
      '  name: thirds',
      'spec:',
      '  backends:',
      '    - service: a',
      '      weight: 1',
      '    - service: b',
      '      weight: 2',
      '    - weight: 0',
    ].join('\n'));
    const found = odd.documentSymbols('file:///ws/odd.yaml');
    assert.deepEqual(outline(found), [
      '(unnamed TrafficSplit) · TrafficSplit (no apiVersion)',
      '  a – · invalid weight',
      '  b – · weight 0',
      'thirds · TrafficSplit split.smi-spec.io/v1alpha2',
      '  a 33.3% · weight 1',
      '  b 66.7% · weight 2',
      '  (unnamed) 0% · weight 0',
    ]);
    assert.deepEqual(found[0]!.selectionRange, range(0, 6, 0, 18));
  });

  test('files without split documents have no symbols', () => {
    assert.deepEqual(ls.documentSymbols(SERVICES), []);
  });
});
