import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver-types';
import { LanguageService } from '../../src/service/languageService';
import { applyTextEdits, editsOf } from '../support/edits';
import { httpRoute, trafficSplit } from '../support/manifests';
import { canary, rollout } from '../support/deliveryManifests';

/** The obvious quick fixes: a negative weight becomes 0; an unserved apiVersion of a known group the nearest served one. */

const URI = 'file:///work/canary.yaml';

function service(text: string): LanguageService {
  const ls = new LanguageService();
  ls.setFile(URI, text);
  ls.index.indexSome(Infinity);
  return ls;
}

function diagnosticsOf(text: string, code: string): Diagnostic[] {
  return service(text).diagnostics(URI).filter((d) => d.code === code);
}

/** The quick fixes for each `code` diagnostic of `text`, as a client asks for them (range = the diagnostic's). */
function fixesFor(text: string, code: string): { d: Diagnostic; fixes: CodeAction[] }[] {
  const ls = service(text);
  const ds = ls.diagnostics(URI).filter((d) => d.code === code);
  return ds.map((d) => ({ d, fixes: ls.codeActions(URI, d.range, [d]).filter((a) => a.kind === CodeActionKind.QuickFix) }));
}

/** The one fix titled `title` on the one `code` diagnostic, applied; checks it is attached to it and preferred. */
function applyOnly(text: string, code: string, title: string): string {
  const found = fixesFor(text, code);
  assert.equal(found.length, 1, `one ${code} diagnostic`);
  const { d, fixes } = found[0]!;
  const matching = fixes.filter((a) => a.title === title);
  assert.equal(matching.length, 1, `"${title}" in ${JSON.stringify(fixes.map((a) => a.title))}`);
  const fix = matching[0]!;
  assert.deepEqual(fix.diagnostics, [d]);
  assert.equal(fix.isPreferred, true);
  return applyTextEdits(text, editsOf(fix, URI));
}

function assertNoFix(text: string, code: string, title: RegExp): void {
  const found = fixesFor(text, code);
  assert.ok(found.length > 0, `a ${code} diagnostic to test on`);
  for (const { fixes } of found) assert.deepEqual(fixes.filter((a) => title.test(a.title)).map((a) => a.title), []);
}

describe('weight-invalid: a negative weight becomes 0', () => {
  const cases: { name: string; text: string; from: string; to: string }[] = [
    { name: 'TrafficSplit v1alpha2', text: trafficSplit({ backends: ['web-svc=90', 'web-svc-2=-10'] }), from: 'weight: -10', to: 'weight: 0' },
    { name: 'HTTPRoute', text: httpRoute({ backends: [{ name: 'web-svc', port: 80, weight: -3 }, { name: 'web-svc-2', port: 80, weight: 3 }] }), from: 'weight: -3', to: 'weight: 0' },
    { name: 'v1alpha1 quantity', text: trafficSplit({ version: 'v1alpha1', backends: ['web-svc=1', 'web-svc-2=-500m'] }), from: 'weight: -500m', to: 'weight: 0' },
    { name: 'v1alpha1 quantity, quoted', text: trafficSplit({ version: 'v1alpha1', backends: ['web-svc=1', { service: 'web-svc-2', weight: '"-250m"' }] }).replace(`'"-250m"'`, '"-250m"'), from: 'weight: "-250m"', to: 'weight: "0"' },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.from} → ${c.to}, and the diagnostic is gone`, () => {
      assert.ok(c.text.includes(c.from), c.text);
      const out = applyOnly(c.text, 'weight-invalid', 'Set weight to 0');
      assert.equal(out, c.text.replace(c.from, c.to));
      assert.deepEqual(diagnosticsOf(out, 'weight-invalid'), []);
    });
  }

  test('not offered through an alias, a merge key or an anchor, nor on a weight that is not negative', () => {
    const aliased = trafficSplit({ backends: ['web-svc=90', 'web-svc-2=10'] })
      .replace('weight: 90', 'weight: &neg -10').replace('weight: 10', 'weight: *neg');
    assertNoFix(aliased, 'weight-invalid', /^Set weight/);
    const merged = `${httpRoute({ backends: [{ name: 'web-svc', port: 80, weight: 1 }] })}`.replace(
      /( *)- name: web-svc\n/, (_m, ind: string) => `${ind}- &base {name: web-svc-2, port: 80, weight: -5}\n${ind}- <<: *base\n${ind}  name: web-svc\n`);
    assert.ok(merged.includes('<<: *base'), merged);
    assertNoFix(merged, 'weight-invalid', /^Set weight/);
    assertNoFix(trafficSplit({ backends: ['web-svc=1.5', 'web-svc-2=10'] }), 'weight-invalid', /^Set weight/);
    assertNoFix(httpRoute({ backends: [{ name: 'web-svc', port: 80, weight: 2_000_000 }] }), 'weight-invalid', /^Set weight/);
  });
});

describe('unknown-api-version: the nearest served version of the same group', () => {
  const cases: { name: string; text: string; written: string; nearest: string }[] = [
    { name: 'HTTPRoute, a GA version nobody serves', text: httpRoute({ backends: [{ name: 'web-svc', port: 80 }] }), written: 'gateway.networking.k8s.io/v2', nearest: 'gateway.networking.k8s.io/v1' },
    { name: 'HTTPRoute of Linkerd\'s group', text: httpRoute({ backends: [{ name: 'web-svc', port: 80 }] }), written: 'policy.linkerd.io/v1beta9', nearest: 'policy.linkerd.io/v1beta3' },
    { name: 'GRPCRoute, older than any served', text: httpRoute({ backends: [{ name: 'web-svc', port: 80 }] }).replace('kind: HTTPRoute', 'kind: GRPCRoute'), written: 'gateway.networking.k8s.io/v1alpha1', nearest: 'gateway.networking.k8s.io/v1alpha2' },
    { name: 'TrafficSplit', text: trafficSplit({ backends: ['web-svc=90', 'web-svc-2=10'] }), written: 'split.smi-spec.io/v1alpha5', nearest: 'split.smi-spec.io/v1alpha4' },
    { name: 'Flagger Canary', text: canary(), written: 'flagger.app/v1alpha3', nearest: 'flagger.app/v1beta1' },
    { name: 'Argo Rollout', text: rollout('web', 'shop', '  replicas: 1\n'), written: 'argoproj.io/v1beta1', nearest: 'argoproj.io/v1alpha1' },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.written} → ${c.nearest}, and the diagnostic is gone`, () => {
      const text = c.text.replace(/^apiVersion: .*$/m, `apiVersion: ${c.written}`);
      const out = applyOnly(text, 'unknown-api-version', `Change to ${c.nearest}`);
      assert.equal(out, text.replace(`apiVersion: ${c.written}`, `apiVersion: ${c.nearest}`));
      assert.deepEqual(diagnosticsOf(out, 'unknown-api-version'), []);
    });
  }

  test('quoting is kept', () => {
    const text = httpRoute({ backends: [{ name: 'web-svc', port: 80 }] }).replace(/^apiVersion: .*$/m, "apiVersion: 'gateway.networking.k8s.io/v3'");
    const out = applyOnly(text, 'unknown-api-version', 'Change to gateway.networking.k8s.io/v1');
    assert.ok(out.includes("apiVersion: 'gateway.networking.k8s.io/v1'\n"), out);
  });

  test('not offered for an unknown group, the core group, a missing apiVersion, a version not Kubernetes-shaped, or an alias', () => {
    const route = httpRoute({ backends: [{ name: 'web-svc', port: 80 }] });
    const withApi = (api: string): string => route.replace(/^apiVersion: .*$/m, `apiVersion: ${api}`);
    for (const text of [
      withApi('example.com/v1'),
      withApi('v1'),
      httpRoute({ apiVersion: null, backends: [{ name: 'web-svc', port: 80 }] }),
      canary().replace(/^apiVersion: .*\n/m, ''),
      withApi('gateway.networking.k8s.io/v1beat1'),
    ]) assertNoFix(text, 'unknown-api-version', /^Change to/);
    // In the same document, so it parses: the anchored scalar and the alias reading it.
    assertNoFix(`x-version: &api gateway.networking.k8s.io/v2\n${withApi('*api')}`, 'unknown-api-version', /^Change to/);
    assertNoFix(withApi('&api gateway.networking.k8s.io/v2'), 'unknown-api-version', /^Change to/);
  });
});
