/**
 * Argo Rollouts: the Rollout in the delivery model (model/adapters/rollout.ts, rolloutSpec.ts), its rules
 * (rules/argo.ts) and their quick fixes (features/deliveryFixes.ts, Argo section). Manifests are shaped as those of
 * argoproj/argo-rollouts v1.9.1 (examples/, docs/getting-started/) and of
 * argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi v0.15.0 (examples/).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionKind, type Diagnostic } from 'vscode-languageserver-types';
import { LanguageService } from '../../src/service/languageService';
import { deliveryDocumentOf } from '../../src/service/model/adapters';
import type { DeliveryDocument } from '../../src/service/model/delivery';
import { pauseSeconds } from '../../src/service/model/adapters/rolloutSpec';
import type { ClusterFacts } from '../../src/service/workspace/workspaceIndex';
import { covered } from '../support/diagnostics';
import { applyTextEdits, editsOf } from '../support/edits';
import { canaryStrategy, deployment, PLUGIN_DEMO_POD, pluginDemoCanary, podSpec, rollout } from '../support/deliveryManifests';

const URI = 'file:///ws/rollout.yaml';

function serviceWith(files: Record<string, string>, cluster?: ClusterFacts): LanguageService {
  const ls = new LanguageService();
  for (const [uri, text] of Object.entries(files)) ls.setFile(uri, text);
  if (cluster) ls.setClusterFacts(cluster);
  ls.index.indexSome(Infinity);
  return ls;
}

/** The delivery model of the first Rollout of `text`. */
function adapt(text: string): DeliveryDocument {
  const ls = serviceWith({ [URI]: text });
  const part = ls.getFile(URI)!.parts.find((p) => p.kind === 'Rollout');
  assert.ok(part, 'no Rollout part');
  const doc = deliveryDocumentOf(part);
  assert.ok(doc, 'no delivery document');
  return doc;
}

/** The text a span covers. */
const at = (text: string, span: { start: number; end: number } | undefined): string | undefined => (span ? text.slice(span.start, span.end) : undefined);

interface Seen { code: string; text: string; line: number }

/** The `rollout-*` diagnostics of `uri`: code, the text the range covers, its line. */
function rolloutDiagnostics(ls: LanguageService, uri = URI): (Seen & { d: Diagnostic })[] {
  const text = ls.getFile(uri)!.text;
  return ls.diagnostics(uri)
    .filter((d) => String(d.code).startsWith('rollout-'))
    .map((d) => ({ code: String(d.code), text: covered(text, d.range), line: d.range.start.line, d }))
    .sort((a, b) => a.line - b.line || a.code.localeCompare(b.code));
}

function expectRollout(ls: LanguageService, want: readonly Seen[], uri = URI): (Seen & { d: Diagnostic })[] {
  const seen = rolloutDiagnostics(ls, uri);
  assert.deepEqual(seen.map(({ code, text, line }) => ({ code, text, line })), [...want].sort((a, b) => a.line - b.line || a.code.localeCompare(b.code)),
    seen.map((s) => `${s.code} ${s.d.message as string}`).join('\n'));
  return seen;
}

// ---- manifests ---------------------------------------------------------------------------------------------------

/** Two Services selecting `app: <app>` (docs/getting-started/smi/services.yaml), in namespace `ns`. */
function servicesDoc(names: readonly string[], app = 'rollouts-demo', ns = 'default'): string {
  return names.map((name) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  ports:
  - port: 80
    targetPort: http
  selector:
    app: ${app}
`).join('---\n');
}

/** The pods of Argo Rollouts' examples: app `app`, one rollouts-demo container. */
const demoPods = (app: string): string => podSpec({ app, container: 'rollouts-demo', image: 'argoproj/rollouts-demo:blue', compact: true });

/** docs/getting-started/smi/rollout.yaml, with the steps and SMI settings given. */
function smiRollout(o: { smi?: string; steps?: string; canary?: string; stable?: string; extra?: string } = {}): string {
  const strategy = canaryStrategy({
    services: { canaryService: o.canary ?? 'rollouts-demo-canary', stableService: o.stable ?? 'rollouts-demo-stable' },
    trafficRouting: `        smi: ${o.smi ?? '{}'}\n`,
    extra: o.extra,
    steps: o.steps ?? '      - setWeight: 5\n      - pause: {}\n',
  });
  return rollout('rollouts-demo', undefined, '  replicas: 1\n  strategy:\n', strategy, demoPods('rollouts-demo'));
}

/** examples/rollout-canary.yaml: no trafficRouting, a plan of setWeight and pauses. */
const BASIC = rollout('rollout-canary', undefined, '  replicas: 5\n', demoPods('rollout-canary'), '  strategy:\n', canaryStrategy({ steps: `      - setWeight: 20
      - pause: {}
      - setWeight: 40
      - pause: {duration: 40s}
      - setWeight: 60
      - pause: {duration: 20s}
      - setWeight: 80
      - pause: {duration: 20s}
` }));

/** The gatewayAPI plugin (examples/cilium-header-based/rollout.yaml of the plugin), with the plugin config given. */
function gatewayRollout(plugin: string, namespace = 'default', steps = '        - setWeight: 30\n        - pause: {duration: 30s}\n'): string {
  return rollout('rollouts-demo', namespace, '  replicas: 5\n  strategy:\n', pluginDemoCanary(plugin, steps), PLUGIN_DEMO_POD);
}

function routeDoc(kind: 'HTTPRoute' | 'GRPCRoute', name: string, ns = 'default'): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  parentRefs:
  - name: argo-rollouts-stable-service
    kind: Service
    group: core
    port: 80
  rules:
  - backendRefs:
    - name: argo-rollouts-stable-service
      port: 80
    - name: argo-rollouts-canary-service
      port: 80
`;
}

/** examples/workload-ref/workload-ref.yaml: a Rollout taking its pod template from a Deployment. */
function workloadRefRollout(kind = 'Deployment', name = 'rollout-ref-deployment', apiVersion = 'apps/v1'): string {
  return rollout('rollout-ref-deployment', undefined, `  replicas: 5
  workloadRef:
    apiVersion: ${apiVersion}
    kind: ${kind}
    name: ${name}
  strategy:
`, canaryStrategy({ services: { canaryService: 'ref-canary', stableService: 'ref-stable' }, steps: '      - setWeight: 20\n      - pause: {duration: 10s}\n' }));
}

const deploymentDoc = (name: string, app: string): string => deployment(name, undefined, '  replicas: 0\n', demoPods(app));

/** examples/rollout-bluegreen.yaml. */
const BLUE_GREEN = rollout('rollout-bluegreen', undefined, '  replicas: 2\n', demoPods('rollout-bluegreen'), `  strategy:
    blueGreen:
      activeService: rollout-bluegreen-active
      previewService: rollout-bluegreen-preview
      autoPromotionEnabled: false
`);

function analysisTemplateDoc(name: string, kind = 'AnalysisTemplate'): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: ${kind}
metadata:
  name: ${name}
spec:
  metrics:
  - name: success-rate
    interval: 5m
    successCondition: result[0] >= 0.95
    provider:
      prometheus:
        address: http://prometheus.example.com:9090
        query: sum(rate(requests{status!~"5.*"}[5m])) / sum(rate(requests[5m]))
`;
}

// ---- the adapter -----------------------------------------------------------------------------------------------

test('SMI Rollout: owns the TrafficSplit named after it (no trafficSplitName) and manages its two Services', () => {
  const text = smiRollout();
  const doc = adapt(text);
  assert.equal(doc.kind, 'Rollout');
  assert.equal(doc.controller, 'Argo Rollouts');
  assert.equal(doc.api?.apiVersion, 'argoproj.io/v1alpha1');
  assert.equal(doc.name?.value, 'rollouts-demo');
  assert.equal(doc.ns, 'default');
  assert.equal(at(text, doc.kindSpan), 'Rollout');
  assert.equal(at(text, doc.planSpan), 'canary');
  assert.deepEqual(doc.podLabels, { app: 'rollouts-demo' });
  assert.deepEqual(doc.owns.map((o) => [o.kind, o.name, o.ns, o.how, at(text, o.span)]), [
    ['TrafficSplit', 'rollouts-demo', 'default', 'generates', undefined],
    ['Service', 'rollouts-demo-canary', 'default', 'manages', 'rollouts-demo-canary'],
    ['Service', 'rollouts-demo-stable', 'default', 'manages', 'rollouts-demo-stable'],
  ]);
  assert.deepEqual(doc.refs.map((r) => [r.kind, r.value, r.ns, r.what]), [
    ['Service', 'rollouts-demo-canary', 'default', 'canaryService'],
    ['Service', 'rollouts-demo-stable', 'default', 'stableService'],
  ]);
  assert.deepEqual(doc.names.map((n) => [n.what, n.value]), [
    ['metadata.name', 'rollouts-demo'], ['canaryService', 'rollouts-demo-canary'], ['stableService', 'rollouts-demo-stable'],
  ]);
});

test('SMI Rollout: trafficSplitName names the generated TrafficSplit (not a reference); rootService is a reference', () => {
  const text = smiRollout({ smi: '\n          rootService: rollouts-demo\n          trafficSplitName: rollouts-demo-split' });
  const doc = adapt(text);
  const split = doc.owns.find((o) => o.kind === 'TrafficSplit');
  assert.deepEqual([split?.name, split?.how, at(text, split?.span)], ['rollouts-demo-split', 'generates', 'rollouts-demo-split']);
  assert.deepEqual(doc.refs.filter((r) => r.what.startsWith('trafficRouting')).map((r) => [r.kind, r.value, r.what, at(text, r.span)]), [
    ['Service', 'rollouts-demo', 'trafficRouting.smi.rootService', 'rollouts-demo'],
  ]);
  assert.equal(doc.refs.some((r) => r.kind === 'TrafficSplit'), false);
  assert.equal(doc.plan.approximate, undefined);
});

test('gatewayAPI plugin: httpRoute, httpRoutes[], grpcRoute and grpcRoutes[] are managed in the plugin namespace', () => {
  const plugin = `            httpRoute: single-http
            httpRoutes:
              - name: listed-http
                useHeaderRoutes: true
            grpcRoute: single-grpc
            grpcRoutes:
              - name: listed-grpc
            namespace: gateways
`;
  const text = gatewayRollout(plugin, 'apps');
  const doc = adapt(text);
  const routes = doc.owns.filter((o) => o.kind !== 'Service').map((o) => [o.kind, o.name, o.ns, o.how, at(text, o.span)]);
  assert.deepEqual(routes, [
    ['HTTPRoute', 'single-http', 'gateways', 'manages', 'single-http'],
    ['HTTPRoute', 'listed-http', 'gateways', 'manages', 'listed-http'],
    ['GRPCRoute', 'single-grpc', 'gateways', 'manages', 'single-grpc'],
    ['GRPCRoute', 'listed-grpc', 'gateways', 'manages', 'listed-grpc'],
  ]);
  assert.deepEqual(doc.owns.filter((o) => o.kind === 'Service').map((o) => [o.name, o.ns]), [
    ['argo-rollouts-canary-service', 'apps'], ['argo-rollouts-stable-service', 'apps'],
  ]);
  assert.deepEqual(doc.refs.filter((r) => r.kind.endsWith('Route')).map((r) => [r.kind, r.value, r.ns, r.what]), [
    ['HTTPRoute', 'single-http', 'gateways', 'trafficRouting.plugins["argoproj-labs/gatewayAPI"].httpRoute'],
    ['HTTPRoute', 'listed-http', 'gateways', 'trafficRouting.plugins["argoproj-labs/gatewayAPI"].httpRoutes[].name'],
    ['GRPCRoute', 'single-grpc', 'gateways', 'trafficRouting.plugins["argoproj-labs/gatewayAPI"].grpcRoute'],
    ['GRPCRoute', 'listed-grpc', 'gateways', 'trafficRouting.plugins["argoproj-labs/gatewayAPI"].grpcRoutes[].name'],
  ]);
});

test('gatewayAPI plugin without a namespace: the routes are in the Rollout\'s', () => {
  const doc = adapt(gatewayRollout('            httpRoute: argo-rollouts-http-route\n', 'shop'));
  assert.deepEqual(doc.owns.filter((o) => o.kind === 'HTTPRoute').map((o) => [o.name, o.ns]), [['argo-rollouts-http-route', 'shop']]);
});

test('no trafficRouting: the plan is approximate, weights carry forward, a final promote at 100%, no least time (an indefinite pause)', () => {
  const text = BASIC;
  const doc = adapt(text);
  const plan = doc.plan;
  assert.equal(plan.approximate, true);
  assert.deepEqual(plan.steps.map((s) => [s.weight, s.holdSeconds, s.label, s.gate === true]), [
    [20, 0, 'setWeight 20', false],
    [20, undefined, 'pause (until promoted)', true],
    [40, 0, 'setWeight 40', false],
    [40, 40, 'pause 40s', false],
    [60, 0, 'setWeight 60', false],
    [60, 20, 'pause 20s', false],
    [80, 0, 'setWeight 80', false],
    [80, 20, 'pause 20s', false],
    [100, 0, 'promote (full)', false],
  ]);
  assert.deepEqual(plan.steps.slice(0, 2).map((s) => at(text, s.span)), ['setWeight: 20', 'pause: {}']);
  assert.equal(plan.steps.at(-1)?.span, undefined);
  assert.equal(plan.leastSeconds, undefined);
  assert.match(plan.rollback ?? '', /no analysis/);
  assert.equal(doc.owns.length, 0);
});

test('least time: the sum of the pauses (integers, strings, Go durations) when none is indefinite', () => {
  const steps = `      - setWeight: 10
      - pause: {duration: 30}
      - setWeight: 50
      - pause: {duration: "90"}
      - pause: {duration: 1h30m}
      - pause: {duration: 1.5m}
      - pause: {duration: 500ms}
`;
  const doc = adapt(smiRollout({ steps }));
  assert.deepEqual(doc.plan.steps.map((s) => [s.weight, s.holdSeconds]), [[10, 0], [10, 30], [50, 0], [50, 90], [50, 5400], [50, 90], [50, 0], [100, 0]]);
  assert.equal(doc.plan.leastSeconds, 30 + 90 + 5400 + 90);
  assert.equal(doc.plan.approximate, undefined);
});

test('steps before any setWeight run at 0%; analysis, experiment and the other steps keep the weight; analyses make the rollback rule', () => {
  const steps = `      - analysis:
          templates:
          - templateName: success-rate
      - experiment:
          duration: 5m
          templates:
          - name: canary
            specRef: canary
      - setWeight: 25
      - setCanaryScale:
          replicas: 3
      - setHeaderRoute:
          name: header-route
      - setMirrorRoute:
          name: mirror-route
      - plugin:
          name: step-plugin
`;
  const extra = `      analysis:
        startingStep: 2
        templates:
        - templateName: background-check
          clusterScope: true
`;
  const doc = adapt(smiRollout({ steps, extra }));
  assert.deepEqual(doc.plan.steps.map((s) => [s.weight, s.holdSeconds, s.label]), [
    [0, 0, 'analysis: success-rate'],
    [0, 300, 'experiment 5m'],
    [25, 0, 'setWeight 25'],
    [25, 0, 'setCanaryScale 3 replicas'],
    [25, 0, 'setHeaderRoute header-route'],
    [25, 0, 'setMirrorRoute mirror-route'],
    [25, 0, 'plugin step-plugin'],
    [100, 0, 'promote (full)'],
  ]);
  assert.equal(doc.plan.leastSeconds, 300);
  assert.match(doc.plan.rollback ?? '', /background from step 2: background-check; step 0: success-rate\) aborts the rollout: traffic goes back to stable/);
  assert.deepEqual(doc.refs.filter((r) => r.kind.includes('AnalysisTemplate')).map((r) => [r.kind, r.value, r.ns, r.what]), [
    ['AnalysisTemplate', 'success-rate', 'default', 'steps[0].analysis templateName'],
    ['ClusterAnalysisTemplate', 'background-check', '', 'analysis (background) templateName'],
  ]);
});

test('maxTrafficWeight: setWeight is on its scale, the plan in percent', () => {
  const doc = adapt(gatewayRollout('            httpRoute: r\n          maxTrafficWeight: 1000\n'.replace('          maxTrafficWeight', '        maxTrafficWeight'), 'default', '        - setWeight: 250\n        - pause: {duration: 10}\n'));
  assert.deepEqual(doc.plan.steps.map((s) => [s.weight, s.label]), [[25, 'setWeight 250 (of 1000)'], [25, 'pause 10s'], [100, 'promote (full)']]);
});

test('steps read as kubectl reads them: an anchored step, a merged pause, a step list through an alias', () => {
  const text = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: anchors
x-steps: &steps
- setWeight: &w 30
- &hold
  pause: {duration: 1m}
- <<: *hold
- setWeight: *w
spec:
  strategy:
    canary:
      steps: *steps
`;
  const doc = adapt(text);
  assert.deepEqual(doc.plan.steps.map((s) => [s.weight, s.holdSeconds, s.label]), [
    [30, 0, 'setWeight 30'], [30, 60, 'pause 1m'], [30, 60, 'pause 1m'], [30, 0, 'setWeight 30'], [100, 0, 'promote (full)'],
  ]);
  assert.equal(doc.plan.leastSeconds, 120);
});

test('workloadRef: a Deployment reference; the pod labels come from it (none in the Rollout)', () => {
  const text = workloadRefRollout();
  const doc = adapt(text);
  assert.deepEqual(doc.refs.filter((r) => r.what === 'workloadRef').map((r) => [r.kind, r.value, r.ns, at(text, r.span)]), [
    ['Deployment', 'rollout-ref-deployment', 'default', 'rollout-ref-deployment'],
  ]);
  assert.equal(doc.podLabels, undefined);
});

test('blue-green: no plan, only the active and preview Services it manages', () => {
  const text = BLUE_GREEN;
  const doc = adapt(text);
  assert.match(doc.plan.none ?? '', /^blue-green strategy: /);
  assert.deepEqual(doc.plan.steps, []);
  assert.equal(at(text, doc.planSpan), 'blueGreen');
  assert.deepEqual(doc.owns.map((o) => [o.kind, o.name, o.how]), [
    ['Service', 'rollout-bluegreen-active', 'manages'], ['Service', 'rollout-bluegreen-preview', 'manages'],
  ]);
});

test('pause durations as RolloutPause.DurationSeconds reads them', () => {
  const cases: [number | string, number | undefined][] = [
    [30, 30], ['30', 30], ['+30', 30], ['30s', 30], ['10m', 600], ['1h30m', 5400], ['1.9s', 1], ['-500ms', 0], ['0', 0], [0, 0],
    [-5, undefined], ['-1s', undefined], ['1d', undefined], ['10', 10], ['10 s', undefined], ['', undefined], ['abc', undefined],
    ['99999999999', undefined], [2 ** 31, undefined], ['1000000h', undefined],
  ];
  for (const [value, seconds] of cases) {
    const read = pauseSeconds(value);
    assert.deepEqual('seconds' in read ? read.seconds : undefined, seconds, `pause duration ${JSON.stringify(value)}`);
  }
});

// ---- rules ---------------------------------------------------------------------------------------------------------

const SERVICES = 'file:///ws/services.yaml';

test('rollout-weight-invalid: setWeight above 100 or below 0; the fix sets the nearest weight and clears it', () => {
  const steps = `      - setWeight: 120
      - setWeight: -5
      - setWeight: 0
      - setWeight: 100
`;
  const ls = serviceWith({ [URI]: smiRollout({ steps }) });
  const seen = expectRollout(ls, [
    { code: 'rollout-weight-invalid', text: '120', line: 13 },
    { code: 'rollout-weight-invalid', text: '-5', line: 14 },
  ]);
  assert.match(seen[0]!.d.message as string, /SetWeight needs to be between 0 and 100/);
  const text = ls.getFile(URI)!.text;
  let fixed = text;
  for (const s of seen) {
    const fixes = ls.codeActions(URI, s.d.range, [s.d]).filter((a) => a.kind === CodeActionKind.QuickFix);
    assert.equal(fixes.length, 1, `one fix for ${s.text}`);
    fixed = applyTextEdits(fixed, editsOf(fixes[0]!, URI));
    ls.setFile(URI, fixed);
  }
  assert.match(fixed, /setWeight: 100\n {6}- setWeight: 0\n/);
  expectRollout(ls, []);
});

test('rollout-weight-invalid: on the maxTrafficWeight scale, 500 of 1000 is fine and 1200 is not', () => {
  const plugin = '            httpRoute: r\n        maxTrafficWeight: 1000\n';
  const ls = serviceWith({ [URI]: gatewayRollout(plugin, 'default', '        - setWeight: 500\n        - setWeight: 1200\n') });
  const seen = expectRollout(ls, [{ code: 'rollout-weight-invalid', text: '1200', line: 18 }]);
  assert.match(seen[0]!.d.message as string, /between 0 and 1000/);
});

test('rollout-weight-invalid: no fix for a weight written through an alias', () => {
  const steps = `      - setWeight: &big 150
      - setWeight: *big
`;
  const ls = serviceWith({ [URI]: smiRollout({ steps }) });
  const seen = expectRollout(ls, [{ code: 'rollout-weight-invalid', text: '150', line: 13 }, { code: 'rollout-weight-invalid', text: '*big', line: 14 }]);
  assert.equal(ls.codeActions(URI, seen[1]!.d.range, [seen[1]!.d]).filter((a) => a.kind === CodeActionKind.QuickFix).length, 0);
  assert.equal(ls.codeActions(URI, seen[0]!.d.range, [seen[0]!.d]).filter((a) => a.kind === CodeActionKind.QuickFix).length, 1);
});

test('rollout-pause-invalid: negative, unknown unit, no unit, out of range; valid forms are silent; days get a fix', () => {
  const steps = `      - pause: {duration: 1d}
      - pause: {duration: -5}
      - pause: {duration: "-1s"}
      - pause: {duration: 10 s}
      - pause: {duration: "99999999999"}
      - pause: {duration: 30}
      - pause: {duration: "30"}
      - pause: {duration: 10m}
      - pause: {duration: 1h30m}
      - pause: {duration: -500ms}
      - pause: {}
`;
  const ls = serviceWith({ [URI]: smiRollout({ steps }) });
  const seen = expectRollout(ls, [
    { code: 'rollout-pause-invalid', text: '1d', line: 13 },
    { code: 'rollout-pause-invalid', text: '-5', line: 14 },
    { code: 'rollout-pause-invalid', text: '"-1s"', line: 15 },
    { code: 'rollout-pause-invalid', text: '10 s', line: 16 },
    { code: 'rollout-pause-invalid', text: '"99999999999"', line: 17 },
  ]);
  assert.match(seen[0]!.d.message as string, /Duration needs to be greater than 0/);
  const fixes = ls.codeActions(URI, seen[0]!.d.range, [seen[0]!.d]).filter((a) => a.kind === CodeActionKind.QuickFix);
  assert.deepEqual(fixes.map((f) => f.title), ['Write 1d as 24h']);
  ls.setFile(URI, applyTextEdits(ls.getFile(URI)!.text, editsOf(fixes[0]!, URI)));
  assert.equal(rolloutDiagnostics(ls).filter((s) => s.text === '24h' || s.line === 13).length, 0);
  // The negative one has no obvious fix.
  assert.equal(ls.codeActions(URI, seen[1]!.d.range, [seen[1]!.d]).filter((a) => a.kind === CodeActionKind.QuickFix).length, 0);
});

test('rollout-service-invalid: canaryService == stableService, on stableService (no fix)', () => {
  const ls = serviceWith({ [URI]: smiRollout({ canary: 'same', stable: 'same' }) });
  const seen = expectRollout(ls, [{ code: 'rollout-service-invalid', text: 'same', line: 9 }]);
  assert.match(seen[0]!.d.message as string, /same service for the stable and canary services/);
  assert.equal(ls.codeActions(URI, seen[0]!.d.range, [seen[0]!.d]).filter((a) => a.kind === CodeActionKind.QuickFix).length, 0);
});

test('rollout-service-invalid: a Service not in view, said only where the namespace\'s Services are known', () => {
  const ls = serviceWith({ [URI]: smiRollout(), [SERVICES]: servicesDoc(['rollouts-demo-stable']) });
  const seen = expectRollout(ls, [{ code: 'rollout-service-invalid', text: 'rollouts-demo-canary', line: 8 }]);
  assert.match(seen[0]!.d.message as string, /Service rollouts-demo-canary \(canaryService\) is not in namespace default/);
  // No Service of the namespace in view: nothing can be said.
  expectRollout(serviceWith({ [URI]: smiRollout(), [SERVICES]: servicesDoc(['rollouts-demo-stable'], 'rollouts-demo', 'other') }), []);
  // The cluster covers the namespace and has it.
  const cluster: ClusterFacts = {
    namespaces: ['default'],
    facts: [{ type: 'Service', name: 'rollouts-demo-canary', ns: 'default', ports: [{ port: 80 }], selector: { app: 'rollouts-demo', 'rollouts-pod-template-hash': '7bf84f9696' } }],
  };
  expectRollout(serviceWith({ [URI]: smiRollout(), [SERVICES]: servicesDoc(['rollouts-demo-stable']) }, cluster), []);
});

test('rollout-service-invalid: a selector label the pod template lacks; rollouts-pod-template-hash is Argo\'s own', () => {
  const wrong = servicesDoc(['rollouts-demo-canary'], 'someone-else') + '---\n' + servicesDoc(['rollouts-demo-stable']);
  const seen = expectRollout(serviceWith({ [URI]: smiRollout(), [SERVICES]: wrong }), [{ code: 'rollout-service-invalid', text: 'rollouts-demo-canary', line: 8 }]);
  assert.match(seen[0]!.d.message as string, /selects app=someone-else/);
  assert.match(seen[0]!.d.message as string, /has unmatch label "app"/);
  const withHash = servicesDoc(['rollouts-demo-canary', 'rollouts-demo-stable']).replaceAll('    app: rollouts-demo\n', '    app: rollouts-demo\n    rollouts-pod-template-hash: 789746c88d\n');
  expectRollout(serviceWith({ [URI]: smiRollout(), [SERVICES]: withHash }), []);
});

test('rollout-service-invalid: with workloadRef, the selector is checked against the Deployment\'s pod labels', () => {
  const files = (app: string): Record<string, string> => ({
    [URI]: workloadRefRollout(),
    [SERVICES]: servicesDoc(['ref-canary', 'ref-stable'], 'ref-app'),
    'file:///ws/deployment.yaml': deploymentDoc('rollout-ref-deployment', app),
  });
  expectRollout(serviceWith(files('ref-app')), [{ code: 'rollout-weight-approximate', text: 'setWeight', line: 15 }]);
  expectRollout(serviceWith(files('other-app')), [
    { code: 'rollout-service-invalid', text: 'ref-canary', line: 12 },
    { code: 'rollout-service-invalid', text: 'ref-stable', line: 13 },
    { code: 'rollout-weight-approximate', text: 'setWeight', line: 15 },
  ]);
});

test('rollout-route-not-found: the SMI rootService not in view', () => {
  const text = smiRollout({ smi: '\n          rootService: rollouts-demo' });
  const seen = expectRollout(serviceWith({ [URI]: text, [SERVICES]: servicesDoc(['rollouts-demo-canary', 'rollouts-demo-stable']) }), [
    { code: 'rollout-route-not-found', text: 'rollouts-demo', line: 12 },
  ]);
  assert.match(seen[0]!.d.message as string, /rootService/);
  expectRollout(serviceWith({ [URI]: text, [SERVICES]: servicesDoc(['rollouts-demo-canary', 'rollouts-demo-stable', 'rollouts-demo']) }), []);
});

test('rollout-route-not-found: a plugin route not in the workspace, said where routes of the namespace are', () => {
  const rollout = gatewayRollout('            httpRoutes:\n              - name: argo-rollouts-http-route\n            grpcRoute: grpc-route\n');
  const routes = 'file:///ws/routes.yaml';
  // Neither route, but another HTTPRoute of the namespace: both missing.
  expectRollout(serviceWith({ [URI]: rollout, [routes]: routeDoc('HTTPRoute', 'unrelated') }), [
    { code: 'rollout-route-not-found', text: 'argo-rollouts-http-route', line: 15 },
    { code: 'rollout-route-not-found', text: 'grpc-route', line: 16 },
  ]);
  // Both present.
  expectRollout(serviceWith({ [URI]: rollout, [routes]: routeDoc('HTTPRoute', 'argo-rollouts-http-route') + '---\n' + routeDoc('GRPCRoute', 'grpc-route') }), []);
  // A route of that name of the other kind: said, with the hint.
  const seen = expectRollout(serviceWith({ [URI]: rollout, [routes]: routeDoc('HTTPRoute', 'argo-rollouts-http-route') + '---\n' + routeDoc('HTTPRoute', 'grpc-route') }), [
    { code: 'rollout-route-not-found', text: 'grpc-route', line: 16 },
  ]);
  assert.match(seen[0]!.d.message as string, /grpc-route is a HTTPRoute/);
  // No route of the namespace in view (only in another): nothing can be said.
  expectRollout(serviceWith({ [URI]: rollout, [routes]: routeDoc('HTTPRoute', 'argo-rollouts-http-route', 'elsewhere') }), []);
});

test('rollout-weight-approximate: once, on the first setWeight, without trafficRouting; silent with it', () => {
  const seen = expectRollout(serviceWith({ [URI]: BASIC }), [{ code: 'rollout-weight-approximate', text: 'setWeight', line: 20 }]);
  assert.equal(seen[0]!.d.severity, 3);
  expectRollout(serviceWith({ [URI]: smiRollout() }), []);
  // No setWeight at all: nothing approximated.
  expectRollout(serviceWith({ [URI]: BASIC.replace(/ {6}- setWeight: \d+\n/g, '') }), []);
});

test('rollout-template-not-found: an analysis templateName not in view, said where templates of that kind and namespace are', () => {
  const steps = `      - setWeight: 20
      - analysis:
          templates:
          - templateName: success-rate
          - templateName: cluster-check
            clusterScope: true
`;
  const text = smiRollout({ steps });
  const templates = 'file:///ws/templates.yaml';
  // Other templates of both kinds in view: both names missing.
  const seen = expectRollout(serviceWith({ [URI]: text, [templates]: analysisTemplateDoc('error-rate') + '---\n' + analysisTemplateDoc('latency', 'ClusterAnalysisTemplate') }), [
    { code: 'rollout-template-not-found', text: 'success-rate', line: 16 },
    { code: 'rollout-template-not-found', text: 'cluster-check', line: 17 },
  ]);
  assert.match(seen[0]!.d.message as string, /AnalysisTemplate 'success-rate' not found/);
  // Both defined.
  expectRollout(serviceWith({ [URI]: text, [templates]: analysisTemplateDoc('success-rate') + '---\n' + analysisTemplateDoc('cluster-check', 'ClusterAnalysisTemplate') }), []);
  // The name exists only at cluster scope: the hint says clusterScope.
  const hinted = expectRollout(serviceWith({ [URI]: text, [templates]: analysisTemplateDoc('error-rate') + '---\n' + analysisTemplateDoc('success-rate', 'ClusterAnalysisTemplate') + '---\n' + analysisTemplateDoc('cluster-check', 'ClusterAnalysisTemplate') }), [
    { code: 'rollout-template-not-found', text: 'success-rate', line: 16 },
  ]);
  assert.match(hinted[0]!.d.message as string, /clusterScope: true/);
  // No template in view at all: templates often live elsewhere, nothing said.
  expectRollout(serviceWith({ [URI]: text }), []);
});

test('rollout-workload-not-found: workloadRef names no Deployment of those in view, or a kind Argo does not resolve', () => {
  const deployments = 'file:///ws/deployment.yaml';
  const seen = expectRollout(serviceWith({ [URI]: workloadRefRollout(), [deployments]: deploymentDoc('another', 'x') }), [
    { code: 'rollout-workload-not-found', text: 'rollout-ref-deployment', line: 9 },
    { code: 'rollout-weight-approximate', text: 'setWeight', line: 15 },
  ]);
  assert.match(seen[0]!.d.message as string, /no Deployment rollout-ref-deployment/);
  expectRollout(serviceWith({ [URI]: workloadRefRollout(), [deployments]: deploymentDoc('rollout-ref-deployment', 'x') }), [
    { code: 'rollout-weight-approximate', text: 'setWeight', line: 15 },
  ]);
  // No Deployment in view: nothing said.
  expectRollout(serviceWith({ [URI]: workloadRefRollout() }), [{ code: 'rollout-weight-approximate', text: 'setWeight', line: 15 }]);
  const unsupported = expectRollout(serviceWith({ [URI]: workloadRefRollout('StatefulSet', 'web') }), [
    { code: 'rollout-workload-not-found', text: 'StatefulSet', line: 8 },
    { code: 'rollout-weight-approximate', text: 'setWeight', line: 15 },
  ]);
  assert.match(unsupported[0]!.d.message as string, /workload of type apps\/StatefulSet is not supported/);
});

test('a Canary-shaped document of another group named Rollout is not read as Argo\'s', () => {
  const kruise = `apiVersion: rollouts.kruise.io/v1alpha1
kind: Rollout
metadata:
  name: rollouts-demo
spec:
  strategy:
    canary:
      steps:
      - setWeight: 150
`;
  expectRollout(serviceWith({ [URI]: kruise }), []);
});

test('rollout-service-invalid: blue-green activeService == previewService, on activeService', () => {
  const text = BLUE_GREEN.replace('previewService: rollout-bluegreen-preview', 'previewService: rollout-bluegreen-active');
  const seen = expectRollout(serviceWith({ [URI]: text }), [{ code: 'rollout-service-invalid', text: 'rollout-bluegreen-active', line: 19 }]);
  assert.match(seen[0]!.d.message as string, /same service for the active and preview services/);
  expectRollout(serviceWith({ [URI]: BLUE_GREEN }), []);
});

test('what a Rollout owns reaches the index: its TrafficSplit, routes and Services have it as owner', () => {
  const ls = serviceWith({
    [URI]: smiRollout({ smi: '\n          trafficSplitName: rollouts-demo-split' }),
    'file:///ws/gateway.yaml': gatewayRollout('            httpRoute: argo-rollouts-http-route\n            namespace: gateways\n').replace('name: rollouts-demo\n', 'name: gateway-demo\n'),
  });
  const owner = (kind: string, ns: string, name: string): string[] => ls.index.ownersOf(kind, ns, name).map((o) => `${o.kind} ${o.namespace}/${o.name} ${o.via}`);
  assert.deepEqual(owner('TrafficSplit', 'default', 'rollouts-demo-split'), ['Rollout default/rollouts-demo naming']);
  assert.deepEqual(owner('TrafficSplit', 'default', 'rollouts-demo'), []);
  assert.deepEqual(owner('Service', 'default', 'rollouts-demo-canary'), ['Rollout default/rollouts-demo reference']);
  assert.deepEqual(owner('HTTPRoute', 'gateways', 'argo-rollouts-http-route'), ['Rollout default/gateway-demo reference']);
});
