/**
 * Diagnostics over whole files (README, "What it checks"): the emojivoto examples are clean, Helm templates are skipped
 * quietly, documents of other kinds get only their syntax errors (and feed the index), and positions hold across broken
 * neighbours, flow-style documents and CRLF line ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PRELUDE, expectDiagnostics, serviceWith, type Want } from '../support/diagnostics';
import { trafficSplit } from '../support/manifests';
import { LanguageService } from '../../src/service/languageService';

const EXAMPLES = join(__dirname, '..', '..', 'examples', 'emojivoto');
const examples: Record<string, string> = Object.fromEntries(
  readdirSync(EXAMPLES).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => [`file:///examples/emojivoto/${f}`, readFileSync(join(EXAMPLES, f), 'utf8')]),
);

/** Only the deprecation hint, at the `kind: TrafficSplit` value of each TrafficSplit document. */
function hintsOf(text: string): Want[] {
  return text.split('\n').flatMap((line, i): Want[] =>
    line === 'kind: TrafficSplit' ? [{ code: 'trafficsplit-deprecated', text: 'TrafficSplit', line: i, character: 6 }] : []);
}

test('the emojivoto examples are all there: TrafficSplits (v1alpha1, v1alpha2), an HTTPRoute, Services, workloads', () => {
  const all = Object.values(examples).join('\n');
  assert.ok(Object.keys(examples).length >= 6);
  assert.ok(all.includes('split.smi-spec.io/v1alpha1') && all.includes('split.smi-spec.io/v1alpha2'));
  assert.ok(all.includes('kind: HTTPRoute') && all.includes('kind: Deployment'));
});

test('emojivoto, all files in one service: no error, no warning; a hint on each TrafficSplit', () => {
  const ls = serviceWith(examples);
  // The context is really there, so the workspace rules had something to check against.
  for (const name of ['web-apex', 'web-svc', 'web-svc-2']) assert.equal(ls.index.services('emojivoto', name).length, 1, name);
  assert.ok(ls.index.workloads('emojivoto').length >= 2);
  let hints = 0;
  for (const [uri, text] of Object.entries(examples)) {
    const want = hintsOf(text);
    hints += want.length;
    expectDiagnostics(ls, uri, want, { ignore: [] });
  }
  assert.equal(hints, 2);
});

test('emojivoto, each file alone: no error, no warning', () => {
  for (const [uri, text] of Object.entries(examples)) {
    expectDiagnostics(serviceWith({ [uri]: text }), uri, hintsOf(text), { ignore: [] });
  }
});

test('emojivoto with a broken canary: the workspace context is live (a missing backend and a missing port are found)', () => {
  const uri = 'file:///examples/emojivoto/web-svc-ts.yaml';
  const broken = examples[uri]!.replace('- service: web-svc-2', '- service: web-svc-3');
  const route = 'file:///examples/emojivoto/web-httproute.yaml';
  const ls = serviceWith({ ...examples, [uri]: broken, [route]: examples[route]!.replace('name: web-svc-2\n          port: 80', 'name: web-svc-2\n          port: 8080') });
  expectDiagnostics(ls, uri, [{ code: 'service-not-found', text: 'web-svc-3', line: 12, character: 15 }]);
  expectDiagnostics(ls, route, [{ code: 'port-mismatch', text: '8080', line: 18, character: 16 }]);
});

// ---- Helm templates ------------------------------------------------------------------------------------------

test('Helm templates are skipped quietly, even with values that would be wrong as YAML', () => {
  const uri = 'file:///chart/templates/canary.yaml';
  const text = `{{- if .Values.canary.enabled }}
apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata:
  name: {{ .Values.name }}
  namespace: {{ .Release.Namespace }}
spec:
  service: {{ .Values.apex }}
  backends:
{{- range .Values.backends }}
    - service: {{ .name }}
      weight: {{ .weight }}
{{- end }}
{{- end }}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: {{ include "chart.fullname" . }}
spec:
  parentRefs:
    - name: {{ .Values.apex }}
      kind: Service
      group: core
  rules:
    - backendRefs:
        - name: {{ .Values.stable }}
          port: {{ .Values.port }}
          weight: {{ .Values.weight | default 1 }}
`;
  assert.deepEqual(serviceWith({ [uri]: text }).diagnostics(uri), []);
  assert.deepEqual(serviceWith({ [uri]: text, 'file:///chart/templates/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web-svc\n' }).diagnostics(uri), []);
});

// ---- other kinds ---------------------------------------------------------------------------------------------

test('documents of other kinds get only their syntax errors (kubectl refuses the file for them); the split after them is diagnosed, at its own lines', () => {
  const uri = 'file:///ws/app.yaml';
  const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  name: web
spec:
  replicas: three
  template: [
---
apiVersion: v1
kind: Service
metadata:
  name: web-svc
spec:
  portz: 80
  selector: [1, 2
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: Web_Svc
---
apiVersion: specs.smi-spec.io/v1alpha4
kind: HTTPRouteGroup
metadata:
  name: canary-users
spec:
  matches: 7
---
` + trafficSplit({ namespace: null, backends: ['web-svc=1.5'] });
  expectDiagnostics(serviceWith({ [uri]: text }), uri, [
    // A repeated key and unclosed flow sequences; not `replicas: three`, `portz` or the name `Web_Svc`: no schema for them.
    { code: 'yaml-syntax', text: 'n', line: 4, character: 2, message: ['Map keys must be unique'] },
    { code: 'yaml-syntax', text: '\n', line: 7, character: 13, message: ['Flow sequence'] },
    { code: 'yaml-syntax', text: '\n', line: 15, character: 17, message: ['Flow sequence'] },
    { code: 'weight-invalid', text: '1.5', line: 37, character: 14 },
    { code: 'trafficsplit-deprecated', text: 'TrafficSplit', line: 30, character: 6 },
    // The broken Service still feeds the index: namespace default has Services, web-svc is one, web-apex is not.
    { code: 'service-not-found', text: 'web-apex', line: 34, character: 11 },
  ]);
});

test('a flow-style (JSON) split document is diagnosed at the right characters', () => {
  const uri = 'file:///ws/split.json.yaml';
  const text = PRELUDE + `{"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit", "metadata": {"name": "web-svc-ts"},
 "spec": {"service": "web-apex", "backends": [{"service": "web-svc", "weight": 1.5}, {"service": "web.svc", "weight": 1}]}}
`;
  expectDiagnostics(serviceWith({ [uri]: text }), uri, [
    { code: 'trafficsplit-deprecated', text: '"TrafficSplit"', line: 5, character: 53 },
    { code: 'weight-invalid', text: '1.5', line: 6, character: 79 },
    { code: 'invalid-name', text: '"web.svc"', line: 6, character: 97 },
  ]);
});

test('CRLF line ends: the same lines and characters', () => {
  const uri = 'file:///ws/crlf.yaml';
  const text = (PRELUDE + trafficSplit({ version: 'v1alpha1', namespace: null, backends: ['web-svc=500m', 'web-svc=abc'] })).replace(/\n/g, '\r\n');
  expectDiagnostics(serviceWith({ [uri]: text }), uri, [
    { code: 'duplicate-backend', text: 'web-svc', line: 14, character: 15 },
    { code: 'weight-invalid', text: 'abc', line: 15, character: 14 },
  ]);
});

test('a Helm template file is skipped whole, and {{ in a comment is no template', () => {
  const ls = new LanguageService();
  const split = trafficSplit({ name: 't', namespace: null, apex: 'a', backends: ['b=-1'] });
  ls.setFile('file:///helm.yaml', `${split}---\nkind: ConfigMap\ndata:\n  x: {{ .Values.x }}\n`);
  assert.deepEqual(ls.diagnostics('file:///helm.yaml'), []);
  ls.setFile('file:///comment.yaml', `# render with {{ helm }} later\n${split}`);
  assert.deepEqual(ls.diagnostics('file:///comment.yaml').map((d) => d.code), ['weight-invalid', 'trafficsplit-deprecated']);
});

test('{{ }} in a value is data, not a Helm template: Flagger and Argo templates keep the file analysed', () => {
  const ls = new LanguageService();
  const split = trafficSplit({ name: 't', namespace: null, apex: 'a', backends: ['b=-1'] });
  const metricTemplate = 'apiVersion: flagger.app/v1beta1\nkind: MetricTemplate\nmetadata:\n  name: latency\nspec:\n  provider:\n    type: prometheus\n'
    + '  query: |\n    histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{namespace="{{ namespace }}"}[{{ interval }}])) by (le))\n';
  const analysisTemplate = 'apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata:\n  name: ok\nspec:\n  args:\n  - name: svc\n  metrics:\n'
    + '  - name: ok\n    successCondition: result[0] >= 0.95\n    provider:\n      prometheus:\n        query: sum(rate(x{svc="{{args.svc}}"}[1m]))\n';
  ls.setFile('file:///flagger.yaml', `${split}---\n${metricTemplate}---\n${analysisTemplate}`);
  assert.deepEqual(ls.diagnostics('file:///flagger.yaml').map((d) => d.code).filter((c) => c !== 'schema'), ['weight-invalid', 'trafficsplit-deprecated']);
  // A value that is a template (`key: {{ … }}`) or a line that starts with one is still a Helm template: skipped whole.
  ls.setFile('file:///chart.yaml', `${split}---\n${metricTemplate}  name2: {{ .Values.x }}\n`);
  assert.deepEqual(ls.diagnostics('file:///chart.yaml'), []);
});
