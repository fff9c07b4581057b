/**
 * Manifests read as kubectl reads them (YAML 1.1 scalars of go-yaml v2, `<<` merge keys), the `yaml-1-1-value`
 * warning where YAML 1.2 reads otherwise, and weight edits that never rewrite an inherited weight.
 * Every case is generated from a small template: no fixtures.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic, TextEdit } from 'vscode-languageserver-types';
import { YamlPart } from '../../src/service/document/part';
import { kubectlScalar } from '../../src/service/document/yamlOptions';
import { splitDocumentOf } from '../../src/service/model/adapters';
import { weightEdits } from '../../src/service/features/weightEdits';
import { validateAgainstSchema } from '../../src/service/model/schemas/validate';
import { covered, serviceWith } from '../support/diagnostics';
import { offsetAt } from '../support/text';

const URI = 'file:///split.yaml';

/** An HTTPRoute whose backendRefs are the given lines (indented under `backendRefs:`), after `extra` spec lines. */
function route(backendLines: string[], extra = ''): string {
  return [
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: HTTPRoute',
    'metadata:',
    '  name: web',
    '  namespace: emojivoto',
    'spec:',
    '  parentRefs:',
    '    - name: web-apex',
    '      kind: Service',
    '      group: core',
    '      port: 80',
    ...(extra ? [extra] : []),
    '  rules:',
    '    - backendRefs:',
    ...backendLines.map((l) => `        ${l}`),
    '',
  ].join('\n');
}

function backend(name: string, port: string, weight: string): string[] {
  return [`- name: ${name}`, `  port: ${port}`, `  weight: ${weight}`];
}

function model(text: string) {
  const part = new YamlPart(text);
  const doc = splitDocumentOf(part);
  assert.ok(doc, 'a split document');
  return { part, doc, split: doc.splits[0]! };
}

function diagnostics(text: string, code?: string): Diagnostic[] {
  return serviceWith({ [URI]: text }).diagnostics(URI).filter((d) => code === undefined || d.code === code);
}

function apply(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetAt(out, e.range.start)) + e.newText + out.slice(offsetAt(out, e.range.end));
  return out;
}

describe('plain scalars as kubectl (go-yaml v2) reads them', () => {
  // source, what go-yaml v2's resolve() gives, whether YAML 1.2 reads something else (the warning).
  const cases: [string, number | boolean | string | null, boolean][] = [
    ['010', 8, true], ['-010', -8, true], ['0120', 80, true], ['1_000', 1000, true], ['+_1', 1, true], ['0X1F', 31, true],
    ['08', 8, false], ['0o10', 8, false], ['0x1F', 31, false], ['0b11', 3, true], ['1e3', 1000, false], ['10', 10, false],
    ['yes', true, true], ['No', false, true], ['on', true, true], ['OFF', false, true], ['y', true, true], ['n', false, true],
    ['true', true, false], ['~', null, false], ['1:20', '1:20', false], ['2001-12-14', '2001-12-14', false], ['.', '.', false],
    ['1e400', '1e400', true], ['18446744073709551615', 2 ** 64, false],
  ];
  for (const [source, value, warns] of cases) {
    it(`${source} → ${JSON.stringify(value)}${warns ? ', with the warning' : ''}`, () => {
      assert.deepEqual(kubectlScalar(source).value, value);
      const text = route([...backend('web-svc', '80', '50'), ...backend('web-svc-2', '80', source)]);
      const { split } = model(text);
      const w = split.backends[1]!.weight;
      if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) assert.equal(w.units, value);
      else assert.equal(w.units, undefined, 'not a usable weight');
      const found = diagnostics(text, 'yaml-1-1-value');
      if (!warns) {
        assert.deepEqual(found, []);
        return;
      }
      assert.equal(found.length, 1);
      assert.equal(covered(text, found[0]!.range), source);
      const message = found[0]!.message;
      assert.ok(typeof message === 'string');
      assert.match(message, new RegExp(`^kubectl reads ${source.replace(/[+.]/g, '\\$&')} as `));
    });
  }

  it('the message says what kubectl reads and how to write either reading', () => {
    const text = route([...backend('web-svc', '80', '90'), ...backend('web-svc-2', '80', '010')]);
    const [d] = diagnostics(text, 'yaml-1-1-value');
    assert.equal(d?.message, 'kubectl reads 010 as 8 (YAML 1.1 octal), not 10: write 8, or quote it for the string "010"');
    const yes = route(backend('web-svc', '80', '1'), '  hostnames: [yes]');
    assert.equal(diagnostics(yes, 'yaml-1-1-value')[0]?.message,
      'kubectl reads yes as the boolean true (YAML 1.1 boolean), not the string "yes": write true, or quote it for the string "yes"');
  });

  it('a port written 0120 is 80 (octal): no port missing, the model has 80', () => {
    const text = route(backend('web-svc', '0120', '1'));
    assert.equal(model(text).split.backends[0]!.port?.value, 80);
    assert.deepEqual(diagnostics(text, 'backend-ref-port-missing'), []);
  });

  it('a YAML 1.1 boolean where the schema wants a string is a schema error too, as the API server says', () => {
    const text = route(backend('web-svc', '80', '1'), '  hostnames: [on]');
    assert.equal(diagnostics(text, 'schema').length, 1);
    assert.equal(diagnostics(route(backend('web-svc', '80', '1'), '  hostnames: ["on"]')).length, 0);
  });

  it('quoted and explicitly tagged scalars are strings: no warning', () => {
    for (const v of ['"010"', "'yes'", '!!str 010']) {
      assert.deepEqual(diagnostics(route(backend('web-svc', '80', '1'), `  hostnames: [${v}]`), 'yaml-1-1-value'), [], v);
    }
  });

  it('quick fixes: the value kubectl reads, or the quoted string', () => {
    const text = route([...backend('web-svc', '80', '90'), ...backend('web-svc-2', '80', '1_000')]);
    const ls = serviceWith({ [URI]: text });
    const d = ls.diagnostics(URI).find((x) => x.code === 'yaml-1-1-value')!;
    const actions = ls.codeActions(URI, d.range, [d]).filter((a) => a.diagnostics?.includes(d));
    assert.deepEqual(actions.map((a) => a.title), ['Write 1000 (what kubectl reads)', 'Quote 1_000 as the string "1_000"']);
    const edits = actions.map((a) => a.edit?.changes?.[URI]?.[0]?.newText);
    assert.deepEqual(edits, ['1000', '"1_000"']);
  });
});

describe('merge keys (`<<`) in backendRefs', () => {
  const anchored = ['- &stable', '  name: web-svc', '  port: 8080', '  weight: 90'];

  it('a single alias: the port and weight are inherited, no port missing', () => {
    const text = route([...anchored, '- <<: *stable', '  name: web-svc-2', '  weight: 10']);
    const { split } = model(text);
    const canary = split.backends[1]!;
    assert.equal(canary.name?.value, 'web-svc-2');
    assert.equal(canary.port?.value, 8080);
    assert.equal(canary.weight.units, 10);
    assert.equal(canary.weight.inheritedFrom, undefined);
    // The inherited port is located at the merge (`*stable`), where this backend takes it.
    const port = canary.port;
    assert.ok(port);
    assert.equal(text.slice(port.span.start, port.span.end), '*stable');
    assert.deepEqual(diagnostics(text, 'backend-ref-port-missing'), []);
  });

  it('a list of aliases: the earlier one wins; an explicit key after the merge wins over both', () => {
    const text = route([
      '- &a {name: web-svc, port: 80, weight: 60}',
      '- &b {name: web-svc-3, port: 9090, weight: 7}',
      '- <<: [*a, *b]',
      '  name: web-svc-2',
    ]);
    const canary = model(text).split.backends[2]!;
    assert.equal(canary.name?.value, 'web-svc-2');
    assert.equal(canary.port?.value, 80);
    assert.equal(canary.weight.units, 60);
    assert.ok(canary.weight.inheritedFrom, 'the weight is inherited');
    assert.equal(text.slice(canary.weight.inheritedFrom.start, canary.weight.inheritedFrom.end), '60');
  });

  it("go-yaml v2's order: a `<<` after an explicit key overrides it", () => {
    const text = route([...anchored, '- name: web-svc-2', '  weight: 10', '  <<: *stable']);
    const canary = model(text).split.backends[1]!;
    assert.equal(canary.name?.value, 'web-svc', 'kubectl reads the merged name');
    assert.equal(canary.weight.units, 90);
  });

  it('a whole backend written as an alias resolves, and its weight is never rewritten', () => {
    const text = route([...anchored, '- *stable']);
    const { part, split } = model(text);
    assert.equal(split.backends.length, 2);
    assert.equal(split.backends[1]!.port?.value, 8080);
    assert.equal(split.backends[1]!.weight.isAlias, true);
    const refused = weightEdits(part, split, [50, 50], undefined);
    assert.ok('refused' in refused);
  });

  it('lenses show the shares of inherited weights', () => {
    const text = route([...anchored, '- <<: *stable', '  name: web-svc-2']);
    const titles = serviceWith({ [URI]: text }).codeLenses(URI).map((l) => l.command?.title ?? '');
    assert.equal(titles.filter((t) => /\b50(\.0)?%/.test(t)).length >= 2, true, titles.join(' | '));
  });

  it('a shift on an inherited weight writes an explicit weight and leaves the anchor alone', () => {
    const text = route([...anchored, '- <<: *stable', '  name: web-svc-2', '  weight: 10', '- <<: *stable', '  name: web-svc-3']);
    const { part, split } = model(text);
    assert.deepEqual(split.backends.map((b) => b.weight.units), [90, 10, 90]);
    const edits = weightEdits(part, split, [90, 10, 80], undefined);
    assert.ok(Array.isArray(edits), JSON.stringify(edits));
    const after = apply(text, edits);
    assert.ok(after.includes('  weight: 90\n'), 'the anchor keeps its weight');
    assert.deepEqual(model(after).split.backends.map((b) => b.weight.units), [90, 10, 80]);
    assert.ok(after.endsWith('        - <<: *stable\n          name: web-svc-3\n          weight: 80\n'), after);
  });

  it("rewriting the anchor's weight gives the backends that inherit it their own", () => {
    const text = route([...anchored, '- <<: *stable', '  name: web-svc-2']);
    const { part, split } = model(text);
    const edits = weightEdits(part, split, [70, 90], undefined);
    assert.ok(Array.isArray(edits), JSON.stringify(edits));
    assert.deepEqual(model(apply(text, edits)).split.backends.map((b) => b.weight.units), [70, 90]);
  });

  it('an anchor read from outside the split is not rewritten', () => {
    const text = route([...anchored, ...backend('web-svc-2', '80', '10')]) + ['    - backendRefs:', '        - *stable', ''].join('\n');
    const { part, split } = model(text);
    const edits = weightEdits(part, split, [80, 20], undefined);
    assert.deepEqual(edits, { refused: 'the weights are shared through the anchor &stable: edit them by hand' });
  });

  it('schema: no unknown field `<<`; the merge satisfies and locates what it brings', () => {
    const text = route([...anchored, '- <<: *stable', '  name: web-svc-2']);
    const { part } = model(text);
    assert.deepEqual(validateAgainstSchema(part.doc, 'gateway.networking.k8s.io/v1', 'HTTPRoute'), []);
    const bad = route(['- &stable', '  name: web-svc', '  port: "80"', '  weight: 1', '- <<: *stable', '  name: web-svc-2']);
    const problems = validateAgainstSchema(new YamlPart(bad).doc, 'gateway.networking.k8s.io/v1', 'HTTPRoute');
    assert.deepEqual(problems.map((p) => bad.slice(p.start, p.end)), ['"80"', '*stable']);
  });

  it('a TrafficSplit backend with a merge key', () => {
    const text = [
      'apiVersion: split.smi-spec.io/v1alpha2',
      'kind: TrafficSplit',
      'metadata: {name: web}',
      'spec:',
      '  service: web-apex',
      '  backends:',
      '    - &b {service: web-svc, weight: 500}',
      '    - <<: *b',
      '      service: web-svc-2',
      '',
    ].join('\n');
    const { split } = model(text);
    assert.deepEqual(split.backends.map((b) => [b.name?.value, b.weight.units]), [['web-svc', 500], ['web-svc-2', 500]]);
  });
});

describe('context documents read as kubectl reads them', () => {
  // web-svc-2's ports come through a merge key and its selector through an alias (anchors live within one document).
  const services = `apiVersion: v1
kind: Service
metadata: {name: web-svc, namespace: emojivoto}
spec:
  selector: {app: web-svc}
  ports: [{name: http, port: 8080}]
---
apiVersion: v1
kind: Service
metadata:
  name: web-svc-2
  namespace: emojivoto
  labels: &sel {app: web-svc}
spec:
  selector: *sel
  <<: {ports: [{name: http, port: 8080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: emojivoto}
spec:
  template:
    metadata:
      labels: {app: web-svc}
`;
  const route = (port: number): string => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: emojivoto}
spec:
  parentRefs: [{name: web-svc, kind: Service, group: core, port: 8080}]
  rules:
    - backendRefs:
        - {name: web-svc, port: 8080, weight: 90}
        - {name: web-svc-2, port: ${port}, weight: 10}
`;
  it('a port and a selector inherited through `<<` and an alias count', () => {
    const codes = (port: number): string[] => serviceWith({ 'file:///svc.yaml': services, [URI]: route(port) }).diagnostics(URI).map((d) => `${String(d.code)} ${d.message as string}`);
    assert.deepEqual(codes(8080).filter((c) => /port-mismatch|backend-without-workload|service-not-found/.test(c)), []);
    const off = codes(9090).filter((c) => c.startsWith('port-mismatch'));
    assert.equal(off.length, 1, off.join('\n'));
    assert.match(off[0]!, /8080/);
  });
});

describe('aliases kubectl refuses', () => {
  // A billion-laughs document: each level nine aliases of the one before, 9^levels nodes once expanded.
  const laughs = (levels: number): string => {
    let text = 'apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata: {name: x}\nspec:\n  service: web\n  backends:\n    - service: a\n      weight: 1\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let i = 1; i < levels; i++) text += `  l${i}: &l${i} [${Array.from({ length: 9 }, () => `*l${i - 1}`).join(', ')}]\n`;
    return text;
  };
  it('an alias bomb is one yaml-syntax error at the first line, saying kubectl refuses it; a few aliases are read', () => {
    const bomb = serviceWith({ [URI]: laughs(7) }).diagnostics(URI).filter((d) => d.code === 'yaml-syntax');
    assert.deepEqual(bomb.map((d) => [d.range.start.line, d.range.start.character]), [[0, 0]]);
    assert.match(bomb[0]!.message as string, /excessive aliasing/);
    const few = serviceWith({ [URI]: laughs(3) }).diagnostics(URI);
    assert.deepEqual(few.filter((d) => d.code === 'yaml-syntax'), []);
    assert.ok(few.some((d) => d.code === 'schema'), 'a small expansion is validated (l0.. are unknown fields)');
  });
});

describe('a context document whose alias holds itself', () => {
  it('is indexed without recursing forever (the walk is bounded in depth)', () => {
    const svc = 'apiVersion: v1\nkind: Service\nmetadata: {name: web-svc, namespace: emojivoto}\nspec:\n  selector: {app: web}\n  ports: &p [{port: 80, x: *p}]\n';
    const ls = serviceWith({ 'file:///svc.yaml': svc });
    assert.deepEqual(ls.index.services('emojivoto', 'web-svc').map((s) => s.ports.map((p) => p.port)), [[80]]);
  });
});

describe('a merge key whose value is not a map', () => {
  it('in a rule match does not throw (the yaml package toJSON would): kubectl refuses it, said once, and the route is still analysed', () => {
    const route = 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: web, namespace: emojivoto}\nspec:\n  parentRefs: [{name: web-apex, kind: Service, group: core, port: 80}]\n  rules:\n    - matches:\n        - <<: 5\n          path: {type: PathPrefix, value: /api}\n      backendRefs:\n        - {name: web-svc, port: 80, weight: -1}\n';
    const diagnostics = serviceWith({ [URI]: route }).diagnostics(URI);
    const codes = diagnostics.map((d) => d.code);
    assert.ok(codes.includes('weight-invalid'), codes.join(', '));
    const syntax = diagnostics.filter((d) => d.code === 'yaml-syntax');
    assert.deepEqual(syntax.map((d) => [d.range.start.line, d.message]), [[0, 'kubectl cannot read this document: a merge key `<<` takes a map or a list of maps (go-yaml v2 decode.go: "map merge requires map or sequence of maps as the value")']]);
    const fine = route.replace('<<: 5', '<<: [{method: GET}]');
    assert.deepEqual(serviceWith({ [URI]: fine }).diagnostics(URI).filter((d) => d.code === 'yaml-syntax'), []);
  });
});
