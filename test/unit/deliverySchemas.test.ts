/**
 * The schemas of Flagger's and Argo Rollouts' kinds, generated from their CRDs (scripts/gen-crd-schemas.mjs): the
 * generator is deterministic and its output committed; `schema` diagnostics, completion and hover work on them; the
 * Gateway API plugin's config, which the Rollout CRD leaves open, is typed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompletionItem, Diagnostic, Hover } from 'vscode-languageserver-types';
import { covered, serviceWith } from '../support/diagnostics';
import { marked } from '../fixtures/features/helpers';
import { builtinMetrics, canary, canaryStrategy, PLUGIN_DEMO_POD, pluginDemoCanary, podSpec, rollout } from '../support/deliveryManifests';
import { analysisTemplateV1alpha1, clusterAnalysisTemplateV1alpha1, rolloutV1alpha1 } from '../../src/service/model/schemas/generated/argoRollouts';
import { withSharedRefs } from '../../src/service/model/schemas/sharedRefs';

const ROOT = join(__dirname, '..', '..');
const URI = 'file:///ws/delivery.yaml';

interface Found { text: string; message: string }

/** The `schema` diagnostics of `src` as one file: the text each covers and its message. */
function schemaProblems(src: string): Found[] {
  const ls = serviceWith({ [URI]: src });
  return ls.diagnostics(URI)
    .filter((d: Diagnostic) => d.code === 'schema')
    .map((d) => ({ text: covered(src, d.range), message: typeof d.message === 'string' ? d.message : d.message.value }));
}

/** Asserts exactly one `schema` diagnostic, covering `text`, with a message that contains `message`. */
function expectOne(src: string, text: string, message: string): void {
  const found = schemaProblems(src);
  assert.equal(found.length, 1, JSON.stringify(found));
  assert.equal(found[0]!.text, text);
  assert.ok(found[0]!.message.includes(message), `"${found[0]!.message}" should contain "${message}"`);
}

function completeIn(src: string): CompletionItem[] {
  const { text, pos } = marked(src);
  return serviceWith({ [URI]: text }).completion(URI, pos);
}

function hoverIn(src: string): Hover | null {
  const { text, pos } = marked(src);
  return serviceWith({ [URI]: text }).hover(URI, pos);
}

const hoverText = (h: Hover | null): string => {
  assert.ok(h, 'expected a hover');
  return (h.contents as { value: string }).value;
};

const labels = (items: CompletionItem[]): string[] => items.map((i) => i.label);

// fluxcd/flagger v1.44.0 artifacts/examples/linkerd-canary.yaml (webhooks trimmed to one).
const CANARY = canary({
  provider: 'linkerd',
  beforeTarget: ['progressDeadlineSeconds: 600'],
  afterTarget: ['autoscalerRef:', '  apiVersion: autoscaling/v2', '  kind: HorizontalPodAutoscaler', '  name: podinfo'],
  service: ['name: podinfo', 'port: 80', 'targetPort: 9898', 'portName: http', 'portDiscovery: true'],
  extraSpec: ['skipAnalysis: false'],
  analysis: [
    'interval: 15s', 'threshold: 10', 'maxWeight: 50', 'stepWeight: 5', ...builtinMetrics(),
    'webhooks:', '- name: load-test', '  type: rollout', '  url: http://flagger-loadtester.test/', '  timeout: 5s',
    '  metadata:', '    type: cmd', '    cmd: "hey -z 1m -q 10 -c 2 http://podinfo-canary.test/"',
  ],
});

// argoproj/argo-rollouts v1.9.1 examples/traffic-management/rollout-linkerd.yaml (the Rollout).
const ROLLOUT = rollout('rollout-linkerd', undefined,
  '  replicas: 5\n  revisionHistoryLimit: 2\n',
  podSpec({
    app: 'rollout-linkerd', container: 'rollouts-demo', image: 'argoproj/rollouts-demo:blue # change to green', compact: true,
    metadataLines: ['annotations:', '  linkerd.io/inject: enabled'], containerLines: ['imagePullPolicy: Always', 'ports:', '- containerPort: 8080'],
  }),
  '  strategy:\n',
  canaryStrategy({
    services: { stableService: 'rollout-linkerd-stable', canaryService: 'rollout-linkerd-canary' },
    trafficRouting: '        smi:\n          rootService: rollout-linkerd\n',
    steps: '      - setWeight: 5\n      - pause: {}\n',
  }));

// argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi v0.15.0 examples/cilium-header-based/rollout.yaml (spec.strategy).
const PLUGIN_ROLLOUT = rollout('rollouts-demo', undefined, PLUGIN_DEMO_POD, '  strategy:\n', pluginDemoCanary(`            httpRoutes:
              - name: argo-rollouts-http-route
                useHeaderRoutes: true
            namespace: default
        managedRoutes:
          - name: argo-rollouts
`, `        - pause: {}
        - setHeaderRoute:
            name: argo-rollouts
            match:
              - headerName: X-Test
                headerValue:
                  exact: test
`));

describe('the generator', () => {
  test('is deterministic and its output is the committed one', () => {
    const outs = [mkdtempSync(join(tmpdir(), 'crd-schemas-')), mkdtempSync(join(tmpdir(), 'crd-schemas-'))];
    try {
      for (const out of outs) execFileSync(process.execPath, [join(ROOT, 'scripts', 'gen-crd-schemas.mjs'), '--out', out], { stdio: 'pipe' });
      for (const file of ['flagger.ts', 'argoRollouts.ts']) {
        const committed = readFileSync(join(ROOT, 'src', 'service', 'model', 'schemas', 'generated', file), 'utf8');
        assert.equal(readFileSync(join(outs[0]!, file), 'utf8'), readFileSync(join(outs[1]!, file), 'utf8'), `${file}: two runs differ`);
        assert.ok(readFileSync(join(outs[0]!, file), 'utf8') === committed, `${file} is out of date: run npm run gen:schemas`);
        assert.match(committed, /generated, do not edit/);
      }
    } finally {
      for (const out of outs) rmSync(out, { recursive: true, force: true });
    }
  });

  test('records the releases and commits it read', () => {
    const flagger = readFileSync(join(ROOT, 'src/service/model/schemas/generated/flagger.ts'), 'utf8');
    const argo = readFileSync(join(ROOT, 'src/service/model/schemas/generated/argoRollouts.ts'), 'utf8');
    assert.match(flagger, /fluxcd\/flagger v1\.44\.0 \(commit 15bd6ad555e6c935da55f0ab95977be74c149bd6\), artifacts\/flagger\/crd\.yaml/);
    assert.match(argo, /argoproj\/argo-rollouts v1\.9\.1 \(commit b6bd3bcf8f60d717a98763d26acc983db7f97cb0\), manifests\/crds\/rollout-crd\.yaml/);
    assert.match(argo, /rollouts-plugin-trafficrouter-gatewayapi v0\.15\.0 \(commit 96c63fd7666a7cc9ab1fe19477cd0751550230ab\), pkg\/plugin\/types\.go/);
  });

  test('AnalysisTemplate and ClusterAnalysisTemplate share one spec; shared subtrees compile as references', () => {
    assert.equal(analysisTemplateV1alpha1.properties?.spec, clusterAnalysisTemplateV1alpha1.properties?.spec);
    const compiled = JSON.stringify(withSharedRefs(rolloutV1alpha1));
    assert.ok(compiled.includes('"$ref":"#/definitions/'), 'no shared subtree became a reference');
    // Written out in full the tree is over 1.5 times what ajv compiles with references.
    assert.ok(compiled.length * 1.5 < JSON.stringify(rolloutV1alpha1).length, 'references should cut what ajv compiles');
  });
});

describe('schema diagnostics on Flagger and Argo Rollouts documents', () => {
  test('real examples are clean: a Canary, a Rollout with SMI, a Rollout with the Gateway API plugin', () => {
    assert.deepEqual(schemaProblems(CANARY), []);
    assert.deepEqual(schemaProblems(ROLLOUT), []);
    assert.deepEqual(schemaProblems(PLUGIN_ROLLOUT), []);
  });

  test('an unknown field is reported on its key, with the near name', () => {
    expectOne(CANARY.replace('    maxWeight: 50', '    maxWieght: 50'), 'maxWieght', 'Unknown field "maxWieght" in spec.analysis; did you mean "maxWeight"?');
    expectOne(ROLLOUT.replace('      stableService:', '      stableSrvice:'), 'stableSrvice', 'Unknown field "stableSrvice" in spec.strategy.canary');
  });

  test('a wrong type is reported on the value', () => {
    expectOne(CANARY.replace('stepWeight: 5', 'stepWeight: "ten"'), '"ten"', 'spec.analysis.stepWeight must be a number');
    expectOne(ROLLOUT.replace('- setWeight: 5', '- setWeight: five'), 'five', 'spec.strategy.canary.steps[0].setWeight must be an integer');
    // A weight here is no split weight (those are left to weight-invalid): the schema checks it.
    const experiment = '      - experiment:\n          templates:\n          - name: canary\n            specRef: canary\n            weight: ten\n';
    expectOne(ROLLOUT.replace('      - pause: {}\n', `      - pause: {}\n${experiment}`), 'ten', 'spec.strategy.canary.steps[2].experiment.templates[0].weight must be an integer');
  });

  test('a missing required field is reported on the key of the object that lacks it (a list item: its first key)', () => {
    const src = CANARY.replace('  targetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: podinfo\n', '');
    expectOne(src, 'spec', 'Missing required property "targetRef" in spec');
    expectOne(ROLLOUT.replace('      - containerPort: 8080', '      - protocol: TCP'), 'protocol', 'Missing required property "containerPort" in spec.template.spec.containers[0]');
  });

  test('enum values: the provider', () => {
    expectOne(CANARY.replace('provider: linkerd', 'provider: linkerdd'), 'linkerdd', 'did you mean "linkerd"?');
  });

  test('Flagger analysis: exactly one of iterations, stepWeight, stepWeights, said in words', () => {
    expectOne(CANARY.replace('    stepWeight: 5\n', ''), 'analysis', 'spec.analysis needs one of iterations, stepWeight, stepWeights');
    expectOne(CANARY.replace('    stepWeight: 5\n', '    stepWeight: 5\n    iterations: 10\n'), 'analysis',
      'must set only one of iterations, stepWeight, stepWeights (found iterations and stepWeight)');
    // The shared requirements stay plain: without interval, only interval is missing.
    expectOne(CANARY.replace('    interval: 15s\n    threshold: 10\n', '    threshold: 10\n'), 'analysis', 'Missing required property "interval" in spec.analysis');
  });

  test('a known field without a value is pruned as the API server does; an unknown one is still unknown', () => {
    assert.deepEqual(schemaProblems(CANARY.replace('    portName: http\n', '    portName:\n')), []);
    expectOne(ROLLOUT.replace('    metadata:\n      annotations:', '    metadata:\n      creationTimestamp: null\n      annotations:'),
      'creationTimestamp', 'Unknown field "creationTimestamp" in spec.template.metadata');
  });

  test('the Gateway API plugin config is typed; other plugins stay open', () => {
    expectOne(PLUGIN_ROLLOUT.replace('            namespace: default', '            namespaces: default'), 'namespaces',
      'Unknown field "namespaces" in spec.strategy.canary.trafficRouting.plugins["argoproj-labs/gatewayAPI"]; did you mean "namespace"?');
    expectOne(PLUGIN_ROLLOUT.replace('useHeaderRoutes: true', 'useHeaderRoutes: yes please'), 'yes please', 'must be a boolean');
    expectOne(PLUGIN_ROLLOUT.replace('              - name: argo-rollouts-http-route\n                useHeaderRoutes', '              - useHeaderRoutes'),
      'useHeaderRoutes', 'Missing required property "name"');
    assert.deepEqual(schemaProblems(PLUGIN_ROLLOUT.replace('          argoproj-labs/gatewayAPI:', '          example.com/other:\n            anything: [1, 2]\n          argoproj-labs/gatewayAPI:')), []);
  });

  test('AnalysisTemplate and ClusterAnalysisTemplate are checked alike', () => {
    const template = (kind: string, extra = ''): string =>
      `apiVersion: argoproj.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: success-rate\nspec:\n  metrics:\n  - name: success-rate\n    interval: 5m\n${extra}    provider:\n      prometheus:\n        address: http://prometheus.example.com:9090\n        query: up\n`;
    for (const kind of ['AnalysisTemplate', 'ClusterAnalysisTemplate']) {
      assert.deepEqual(schemaProblems(template(kind)), [], kind);
      expectOne(template(kind, '    failureLimitt: 3\n'), 'failureLimitt', 'did you mean "failureLimit"?');
    }
  });
});

describe('completion and hover from the generated schemas', () => {
  test('inside spec.analysis of a Canary: its keys, stepWeight among them', () => {
    const items = completeIn(CANARY.replace('    stepWeight: 5\n', '    stepWeight: 5\n    |\n'));
    const names = labels(items);
    for (const k of ['iterations', 'stepWeights', 'stepWeightPromotion', 'match', 'alerts']) assert.ok(names.includes(k), `${k} in ${names.join(', ')}`);
    assert.ok(!names.includes('stepWeight'), 'a key already written is not offered again');
    const fresh = completeIn('apiVersion: flagger.app/v1beta1\nkind: Canary\nspec:\n  analysis:\n    |\n');
    assert.ok(labels(fresh).includes('stepWeight'));
  });

  test('apiVersion values for the kind, and kind values for the apiVersion', () => {
    assert.deepEqual(labels(completeIn('apiVersion: |\nkind: Canary\n')), ['flagger.app/v1beta1']);
    assert.deepEqual(labels(completeIn('kind: Rollout\napiVersion: |\n')), ['argoproj.io/v1alpha1']);
    assert.deepEqual(labels(completeIn('apiVersion: argoproj.io/v1alpha1\nkind: |\n')), ['Rollout', 'AnalysisTemplate', 'ClusterAnalysisTemplate']);
  });

  test('the plugin config completes: httpRoute under argoproj-labs/gatewayAPI, enum values elsewhere', () => {
    const items = completeIn(PLUGIN_ROLLOUT.replace('            namespace: default', '            namespace: default\n            |'));
    assert.ok(labels(items).includes('httpRoute'), labels(items).join(', '));
    assert.ok(!labels(items).includes('namespace'));
    assert.deepEqual(labels(completeIn('apiVersion: flagger.app/v1beta1\nkind: Canary\nspec:\n  targetRef:\n    kind: |\n')), ['DaemonSet', 'Deployment', 'Service']);
  });

  test('hover on maxWeight shows its description from the Flagger CRD', () => {
    const h = hoverText(hoverIn(CANARY.replace('    maxWeight: 50', '    maxWe|ight: 50')));
    assert.match(h, /^\*\*maxWeight\*\* `number`\n\nMax traffic weight routed to canary$/);
  });

  test('hover on a Rollout key shows the Go documentation of the field (the Argo CRDs carry none)', () => {
    const h = hoverText(hoverIn(ROLLOUT.replace('      canaryService:', '      canarySer|vice:')));
    assert.match(h, /^\*\*canaryService\*\* `string`\n\nCanaryService holds the name of a service/);
    const plugin = hoverText(hoverIn(PLUGIN_ROLLOUT.replace('useHeaderRoutes: true', 'useHeader|Routes: true')));
    assert.match(plugin, /UseHeaderRoutes defines header routes will be added/);
  });

  test("another project's Rollout (OpenKruise) gets neither completion nor hover from Argo's schema", () => {
    const kruise = 'apiVersion: rollouts.kruise.io/v1beta1\nkind: Rollout\nspec:\n  strat|egy:\n    canary: {}\n';
    assert.equal(hoverIn(kruise), null);
    assert.deepEqual(completeIn('apiVersion: rollouts.kruise.io/v1beta1\nkind: Rollout\nspec:\n  |\n'), []);
  });
});
