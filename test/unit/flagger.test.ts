/**
 * Flagger Canaries: the delivery model (adapters/canary.ts: owns, refs, plan), the Go durations it reads
 * (model/durations.ts), the Flagger rules (rules/flagger.ts) and their quick fixes (features/deliveryFixes.ts), through
 * the language service as an editor uses it. The expected plans are worked out by hand from Flagger's scheduler
 * (fluxcd/flagger v1.44.0 pkg/controller/scheduler.go): one action per analysis interval.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-types';
import { LanguageService } from '../../src/service/languageService';
import { YamlFile } from '../../src/service/document/file';
import { deliveryDocumentOf } from '../../src/service/model/adapters';
import type { DeliveryDocument } from '../../src/service/model/delivery';
import { formatSeconds, parseGoDuration } from '../../src/service/model/durations';
import { applyTextEdits, editsOf } from '../support/edits';
import { covered } from '../support/diagnostics';
import { canary, containerPorts, deployment, podSpec } from '../support/deliveryManifests';

const CANARY = 'file:///ws/canary.yaml';
const APP = 'file:///ws/app.yaml';
const TEMPLATES = 'file:///ws/templates.yaml';

/** podinfo as Flagger's e2e tests deploy it (test/workloads/deployment.yaml), in namespace test. */
const PODINFO = deployment('podinfo', 'test', podSpec({
  app: 'podinfo', container: 'podinfod', image: 'ghcr.io/stefanprodan/podinfo:6.0.0', compact: true,
  containerLines: containerPorts([['http', 9898], ['http-metrics', 9797], ['grpc', 9999]]),
}));

/** A workload that declares no container ports. */
const QUIET = deployment('quiet', 'test', podSpec({ app: 'quiet', container: 'app', image: 'quiet:1', compact: true, selector: false }));

const metricTemplate = (name: string, ns = 'test'): string => `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  provider:
    type: prometheus
    address: http://prometheus.linkerd-viz:9090
  query: sum(rate(response_total{namespace="{{ namespace }}"}[{{ interval }}]))
`;

function model(text: string): DeliveryDocument {
  const file = new YamlFile('file:///m.yaml', text);
  const doc = deliveryDocumentOf(file.parts[0]!);
  assert.ok(doc, 'a delivery document');
  return doc;
}

const labels = (doc: DeliveryDocument): string[] => doc.plan.steps.map((s) => s.label);
const weights = (doc: DeliveryDocument): number[] => doc.plan.steps.map((s) => s.weight);
const owned = (doc: DeliveryDocument): string[] => doc.owns.map((o) => `${o.how} ${o.kind} ${o.ns}/${o.name}`);
const range = (from: number, to: number, step: number): number[] => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

// ---- durations --------------------------------------------------------------------------------------------------

test('Go durations as time.ParseDuration reads them, and seconds in words', () => {
  assert.equal(parseGoDuration('30s'), 30);
  assert.equal(parseGoDuration('1m30s'), 90);
  assert.equal(parseGoDuration('1h5m'), 3900);
  assert.equal(parseGoDuration('1.5m'), 90);
  assert.equal(parseGoDuration('300ms'), 0.3);
  assert.equal(parseGoDuration('-1m'), -60);
  assert.equal(parseGoDuration('0'), 0);
  for (const bad of ['', '1d', '1m 30s', '5sec', '1', 'm', '--1s', '1s2']) assert.equal(parseGoDuration(bad), undefined, bad);
  assert.equal(formatSeconds(3900), '1h 5m');
  assert.equal(formatSeconds(30), '30s');
  assert.equal(formatSeconds(90), '1m 30s');
  assert.equal(formatSeconds(0), '0s');
  assert.equal(formatSeconds(0.25), '250ms');
});

// ---- the model --------------------------------------------------------------------------------------------------

test('podinfo on the linkerd provider: Services, primary and TrafficSplit generated, the target and templates referenced', () => {
  const doc = model(canary({
    provider: 'linkerd',
    analysis: ['interval: 15s', 'threshold: 10', 'maxWeight: 50', 'stepWeight: 5', 'metrics:', '- name: success-rate', '  templateRef:', '    name: success-rate', '- name: latency', '  templateRef:', '    name: latency', '    namespace: linkerd'],
  }));
  assert.equal(doc.kind, 'Canary');
  assert.equal(doc.controller, 'Flagger');
  assert.equal(doc.api?.apiVersion, 'flagger.app/v1beta1');
  assert.equal(doc.name?.value, 'podinfo');
  assert.equal(doc.ns, 'test');
  assert.deepEqual(owned(doc), [
    'generates Service test/podinfo', 'generates Service test/podinfo-primary', 'generates Service test/podinfo-canary',
    'generates Deployment test/podinfo-primary', 'generates TrafficSplit test/podinfo',
  ]);
  assert.deepEqual(doc.refs.map((r) => `${r.what}: ${r.kind} ${r.ns}/${r.value}`), [
    'spec.targetRef: Deployment test/podinfo',
    'analysis.metrics[0].templateRef: MetricTemplate test/success-rate',
    'analysis.metrics[1].templateRef: MetricTemplate linkerd/latency',
  ]);
  assert.deepEqual(doc.names.map((n) => `${n.what}=${n.value}`), ['metadata.name=podinfo', 'metadata.namespace=test', 'spec.targetRef.name=podinfo']);
});

test('the plan of stepWeight 5 up to maxWeight 50: ten weights, promotion, primary back to 100%', () => {
  const text = canary({ provider: 'linkerd' });
  const doc = model(text);
  const steps = range(5, 50, 5);
  assert.deepEqual(labels(doc), ['start', ...steps.map((w) => `${w}%`), 'promote', 'primary 100%']);
  assert.deepEqual(weights(doc), [0, ...steps, 50, 0]);
  assert.ok(doc.plan.steps.every((s) => s.holdSeconds === 15 && !s.gate));
  assert.deepEqual(doc.plan.interval, { text: '15s', seconds: 15 });
  assert.equal(doc.plan.rollback, 'rolls back after 10 failed checks');
  // start + 10 weights + promote + route back: one interval each.
  assert.equal(doc.plan.leastSeconds, (1 + steps.length + 2) * 15);
  assert.equal(text.slice(doc.planSpan.start, doc.planSpan.end), 'analysis');
});

test('a stepWeight that overshoots maxWeight: the weight goes past it, as scheduler.go adds steps capped at 100 only', () => {
  const doc = model(canary({ analysis: ['interval: 1m', 'maxWeight: 50', 'stepWeight: 20'] }));
  assert.deepEqual(labels(doc), ['start', '20%', '40%', '60%', 'promote', 'primary 100%']);
  assert.equal(doc.plan.leastSeconds, 6 * 60);
  assert.equal(doc.plan.rollback, 'rolls back after 1 failed check');
});

test('gatewayapi:v1 with gatewayRefs generates the HTTPRoute <apex> (service.name), not a TrafficSplit', () => {
  const gatewayRefs = ['name: web', 'port: 9898', 'gatewayRefs:', '  - name: web', '    namespace: test', '    group: core', '    kind: Service', '    port: 9898'];
  const doc = model(canary({ provider: 'gatewayapi:v1', service: gatewayRefs }));
  assert.deepEqual(owned(doc), [
    'generates Service test/web', 'generates Service test/web-primary', 'generates Service test/web-canary',
    'generates Deployment test/podinfo-primary', 'generates HTTPRoute test/web',
  ]);
  // No provider: the Linkerd install's gatewayapi:v1beta1 (kustomize/linkerd/patch.yaml), an HTTPRoute too.
  assert.ok(owned(model(canary({ service: gatewayRefs }))).includes('generates HTTPRoute test/web'));
  // Without gatewayRefs the Gateway API routers create nothing; istio routes with kinds that are not splits here.
  for (const doc2 of [model(canary({ provider: 'gatewayapi:v1' })), model(canary({ provider: 'istio', service: gatewayRefs }))]) {
    assert.deepEqual(doc2.owns.map((o) => o.kind), ['Service', 'Service', 'Service', 'Deployment']);
  }
});

test('a Service target: Flagger copies it into <target>-primary and <target>-canary and generates no apex; Knative: nothing', () => {
  const doc = model(canary({ provider: 'linkerd', targetKind: 'Service' }));
  assert.deepEqual(owned(doc), ['generates Service test/podinfo-primary', 'generates Service test/podinfo-canary', 'generates TrafficSplit test/podinfo']);
  const daemon = model(canary({ provider: 'kubernetes', targetKind: 'DaemonSet' }));
  assert.ok(owned(daemon).includes('generates DaemonSet test/podinfo-primary'));
  const knative = model(canary({ provider: 'knative', targetKind: 'Service' }).replace('apiVersion: apps/v1', 'apiVersion: serving.knative.dev/v1'));
  assert.deepEqual(knative.owns, []);
  assert.deepEqual(knative.refs, []);
});

test('A/B testing: iterations with match keep the weight at 0, one iteration per interval, then promotion', () => {
  const doc = model(canary({
    provider: 'gatewayapi:v1',
    analysis: ['interval: 1m', 'threshold: 2', 'iterations: 10', 'match:', '- headers:', '    x-canary:', '      exact: insider'],
  }));
  assert.deepEqual(labels(doc), ['start', ...range(1, 10, 1).map((i) => `iteration ${i}/10`), 'promote', 'primary 100%']);
  assert.ok(weights(doc).every((w) => w === 0));
  assert.equal(doc.plan.leastSeconds, 13 * 60);
  assert.equal(doc.plan.rollback, 'rolls back after 2 failed checks');
});

test('blue/green with mirroring: iterations mirrored, then all traffic to the canary a tick before promotion', () => {
  const doc = model(canary({ provider: 'gatewayapi:v1', analysis: ['interval: 30s', 'iterations: 3', 'mirror: true'] }));
  assert.deepEqual(labels(doc), ['start', 'iteration 1/3 (mirrored)', 'iteration 2/3 (mirrored)', 'iteration 3/3 (mirrored)', '100%', 'promote', 'primary 100%']);
  assert.deepEqual(weights(doc), [0, 0, 0, 0, 100, 100, 0]);
  assert.equal(doc.plan.leastSeconds, 7 * 30);
});

test('stepWeights with stepWeightPromotion: the listed weights, then the primary gains 30 per interval', () => {
  const doc = model(canary({ analysis: ['interval: 1m30s', 'stepWeights: [1, 2, 10, 80]', 'stepWeightPromotion: 30'] }));
  assert.deepEqual(labels(doc), ['start', '1%', '2%', '10%', '80%', 'promote', 'primary 50%', 'primary 80%', 'primary 100%']);
  assert.deepEqual(weights(doc), [0, 1, 2, 10, 80, 80, 50, 20, 0]);
  assert.deepEqual(doc.plan.interval, { text: '1m30s', seconds: 90 });
  assert.equal(doc.plan.leastSeconds, 9 * 90);
});

test('gates: confirm-rollout on the start, confirm-traffic-increase on each weight, confirm-promotion on the promotion', () => {
  const hooks = ['webhooks:', '- name: a', '  type: confirm-rollout', '  url: http://gate/approve', '- name: b', '  type: confirm-traffic-increase', '  url: http://gate/approve', '- name: c', '  type: confirm-promotion', '  url: http://gate/approve'];
  const doc = model(canary({ analysis: ['interval: 1m', 'maxWeight: 20', 'stepWeight: 10', ...hooks] }));
  assert.deepEqual(labels(doc), [
    'start (confirm-rollout)', '10% (confirm-traffic-increase)', '20% (confirm-traffic-increase)',
    'promote (confirm-traffic-increase, confirm-promotion)', 'primary 100%',
  ]);
  assert.deepEqual(doc.plan.steps.map((s) => s.gate === true), [true, true, true, true, false]);
  // As if every gate passes at once.
  assert.equal(doc.plan.leastSeconds, 5 * 60);
});

test('interval defaults and bounds (canary.go GetAnalysisInterval), skipAnalysis, a stall', () => {
  const byDefault = model(canary({ analysis: ['maxWeight: 10', 'stepWeight: 10'] }));
  assert.deepEqual(byDefault.plan.interval, { text: '1m (default)', seconds: 60 });
  assert.equal(model(canary({ analysis: ['interval: 5s', 'stepWeight: 50'] })).plan.interval?.seconds, 10);
  assert.equal(model(canary({ analysis: ['interval: 5sec', 'stepWeight: 50'] })).plan.interval?.seconds, 60);
  const skip = model(canary({ extraSpec: ['skipAnalysis: true'], analysis: ['interval: 20s', 'stepWeight: 10'] }));
  assert.deepEqual(labels(skip), ['start', 'promote (analysis skipped)']);
  assert.equal(skip.plan.leastSeconds, 20);
  const stalled = model(canary({ analysis: ['interval: 1m', 'stepWeights: [10, 30, 20]'] }));
  assert.deepEqual(labels(stalled), ['start', '10%', '30%', 'stalls at 30%: the next step weight is -10']);
  assert.equal(stalled.plan.leastSeconds, undefined);
});

// ---- rules ------------------------------------------------------------------------------------------------------

function service(files: Record<string, string>): LanguageService {
  const ls = new LanguageService();
  for (const [uri, text] of Object.entries(files)) ls.setFile(uri, text);
  ls.index.indexSome(Infinity);
  return ls;
}

interface Seen { code: string; text: string; message: string }

/** The Flagger diagnostics of the Canary file: code, the text under the range, the message. */
function flagger(ls: LanguageService, uri = CANARY): Seen[] {
  const text = ls.getFile(uri)!.text;
  return ls.diagnostics(uri)
    .filter((d) => String(d.code).startsWith('canary-'))
    .map((d) => ({ code: String(d.code), text: covered(text, d.range), message: typeof d.message === 'string' ? d.message : d.message.value }));
}

const brief = (seen: Seen[]): string[] => seen.map((s) => `${s.code} ${s.text}`);

/** Applies the quick fix titled `title` for the diagnostic of `code` and returns the service's new diagnostics. */
function applyFix(ls: LanguageService, code: string, title: string, uri = CANARY): Seen[] {
  const d: Diagnostic | undefined = ls.diagnostics(uri).find((x) => x.code === code);
  assert.ok(d, `a ${code} diagnostic`);
  const actions = ls.codeActions(uri, d.range, [d]);
  const fix = actions.find((a) => a.title === title);
  assert.ok(fix, `fix "${title}" among ${JSON.stringify(actions.map((a) => a.title))}`);
  ls.setFile(uri, applyTextEdits(ls.getFile(uri)!.text, editsOf(fix, uri)));
  ls.index.indexSome(Infinity);
  return flagger(ls, uri);
}

test('canary-target-not-found: a targetRef to no workload of the namespace; silent when it exists or nothing is known', () => {
  const ls = service({ [APP]: PODINFO, [CANARY]: canary({ target: 'podinfo2' }) });
  const seen = flagger(ls);
  assert.deepEqual(brief(seen), ['canary-target-not-found podinfo2']);
  assert.match(seen[0]!.message, /Deployment podinfo2 .*namespace test/);
  assert.deepEqual(brief(flagger(service({ [APP]: PODINFO, [CANARY]: canary() }))), []);
  // No workload of namespace test in view: nothing can be said.
  assert.deepEqual(brief(flagger(service({ [CANARY]: canary({ target: 'podinfo2' }) }))), []);
  // The wrong kind: says which kind is there.
  const kind = flagger(service({ [APP]: PODINFO, [CANARY]: canary({ targetKind: 'DaemonSet' }) }));
  assert.deepEqual(brief(kind), ['canary-target-not-found podinfo']);
  assert.match(kind[0]!.message, /a Deployment podinfo is/);
});

test('canary-port-invalid: service.port missing; a port or targetPort the containers do not declare; quick fixes', () => {
  const missing = service({ [APP]: PODINFO, [CANARY]: canary({ service: ['portDiscovery: true'] }) });
  assert.deepEqual(brief(flagger(missing)), ['canary-port-invalid service']);
  assert.deepEqual(brief(applyFix(missing, 'canary-port-invalid', 'Add port: 9898 (a port of the target\'s containers, http)')), []);
  assert.match(missing.getFile(CANARY)!.text, /service:\n {4}portDiscovery: true\n {4}port: 9898\n/);

  const wrong = service({ [APP]: PODINFO, [CANARY]: canary({ service: ['port: 8080'] }) });
  const seen = flagger(wrong);
  assert.deepEqual(brief(seen), ['canary-port-invalid 8080']);
  assert.match(seen[0]!.message, /9898 \(http\), 9797 \(http-metrics\), 9999 \(grpc\)/);
  assert.deepEqual(brief(applyFix(wrong, 'canary-port-invalid', 'Add targetPort: 9898 (http)')), []);
  assert.match(wrong.getFile(CANARY)!.text, /port: 8080\n {4}targetPort: 9898\n/);

  const named = service({ [APP]: PODINFO, [CANARY]: canary({ service: ['port: 80', 'targetPort: web'] }) });
  assert.deepEqual(brief(flagger(named)), ['canary-port-invalid web']);
  assert.deepEqual(brief(applyFix(named, 'canary-port-invalid', 'Set targetPort to 9999 (grpc)')), []);

  // Declared names and numbers are fine; a workload that declares no ports may listen anywhere.
  assert.deepEqual(brief(flagger(service({ [APP]: PODINFO, [CANARY]: canary({ service: ['port: 80', 'targetPort: http'] }) }))), []);
  assert.deepEqual(brief(flagger(service({ [APP]: PODINFO, [CANARY]: canary({ service: ['port: 80', 'targetPort: 9797'] }) }))), []);
  assert.deepEqual(brief(flagger(service({ [APP]: QUIET, [CANARY]: canary({ target: 'quiet', service: ['port: 8080'] }) }))), []);
});

test('canary-weights-invalid: stepWeight above maxWeight, fixed to maxWeight', () => {
  const ls = service({ [CANARY]: canary({ analysis: ['interval: 1m', 'maxWeight: 50', 'stepWeight: 60'] }) });
  const seen = flagger(ls);
  assert.deepEqual(brief(seen), ['canary-weights-invalid 60']);
  assert.match(seen[0]!.message, /sends 60% of the traffic to the canary/);
  assert.deepEqual(brief(applyFix(ls, 'canary-weights-invalid', 'Set stepWeight to 50')), []);
  assert.match(ls.getFile(CANARY)!.text, /stepWeight: 50\n/);
  // Without maxWeight, Flagger's is 100 (scheduler.go maxWeight).
  assert.deepEqual(brief(flagger(service({ [CANARY]: canary({ analysis: ['stepWeight: 120'] }) }))), ['canary-weights-invalid 120']);
  assert.deepEqual(brief(flagger(service({ [CANARY]: canary({ analysis: ['maxWeight: 50', 'stepWeight: 50'] }) }))), []);
});

test('canary-weights-invalid: maxWeight above 100 never reached; no step weight at all; stepWeightPromotion below 0; fractions', () => {
  const ls = service({ [CANARY]: canary({ analysis: ['maxWeight: 150', 'stepWeight: 10'] }) });
  assert.deepEqual(brief(flagger(ls)), ['canary-weights-invalid 150']);
  assert.deepEqual(brief(applyFix(ls, 'canary-weights-invalid', 'Set maxWeight to 100')), []);
  assert.deepEqual(brief(flagger(service({ [CANARY]: canary({ analysis: ['interval: 1m', 'maxWeight: 50'] }) }))), ['canary-weights-invalid analysis']);
  assert.deepEqual(brief(flagger(service({ [CANARY]: canary({ analysis: ['maxWeight: 50', 'stepWeight: 0'] }) }))), ['canary-weights-invalid 0']);
  assert.deepEqual(brief(flagger(service({ [CANARY]: canary({ analysis: ['stepWeight: 10', 'stepWeightPromotion: -10'] }) }))), ['canary-weights-invalid -10']);
  assert.deepEqual(brief(flagger(service({ [CANARY]: canary({ analysis: ['maxWeight: 2.5', 'stepWeight: 1'] }) }))), ['canary-weights-invalid 2.5']);
  // What Flagger reads as unset takes its default, which is not what was written: maxWeight 0 is 100, threshold 0 is 1
  // (scheduler.go maxWeight, canary.go GetAnalysisThreshold): said, with what Flagger does instead.
  const unset = flagger(service({ [CANARY]: canary({ analysis: ['maxWeight: 0', 'threshold: 0', 'stepWeight: 10'] }) }));
  assert.deepEqual(brief(unset), ['canary-weights-invalid 0', 'canary-analysis-invalid 0']);
  assert.match(unset[0]!.message, /maxWeight 0 is below 1: Flagger reads it as unset and takes the canary up to 100%/);
  assert.match(unset[1]!.message, /threshold 0 is below 1: Flagger reads it as 1 and rolls back at the first failed check/);
  assert.deepEqual(brief(flagger(service({ [CANARY]: canary({ analysis: ['maxWeight: 100', 'threshold: 1', 'stepWeight: 10'] }) }))), []);
});

test('canary-weights-invalid: stepWeights not rising stall the canary; the fix sorts them and drops repeats', () => {
  const ls = service({ [CANARY]: canary({ analysis: ['interval: 1m', 'stepWeights: [10, 30, 20]'] }) });
  const seen = flagger(ls);
  assert.deepEqual(brief(seen), ['canary-weights-invalid 20']);
  assert.match(seen[0]!.message, /stalls at 30%/);
  assert.deepEqual(brief(applyFix(ls, 'canary-weights-invalid', 'Sort stepWeights: [10, 20, 30]')), []);
  assert.match(ls.getFile(CANARY)!.text, /stepWeights: \[10, 20, 30\]/);

  const block = service({ [CANARY]: canary({ analysis: ['interval: 1m', 'stepWeights:', '  - 10', '  - 10', '  - 5', '  - 40'] }) });
  assert.deepEqual(brief(flagger(block)), ['canary-weights-invalid 10']);
  assert.deepEqual(brief(applyFix(block, 'canary-weights-invalid', 'Sort stepWeights: [5, 10, 40] (duplicates removed)')), []);
  assert.match(block.getFile(CANARY)!.text, /stepWeights:\n {6}- 5\n {6}- 10\n {6}- 40\n/);

  assert.deepEqual(brief(flagger(service({ [CANARY]: canary({ analysis: ['stepWeights: [0, 10]'] }) }))), ['canary-weights-invalid 0']);
  assert.deepEqual(brief(flagger(service({ [CANARY]: canary({ analysis: ['stepWeights: [5, 10, 100, 20]'] }) }))), []);
});

test('canary-analysis-invalid: weights beside iterations, min above max, an unreadable interval, the kubernetes provider', () => {
  const ls = service({ [CANARY]: canary({ analysis: ['interval: 1m', 'iterations: 10', 'stepWeight: 10', 'metrics:', '- name: request-success-rate', '  thresholdRange:', '    min: 99', '    max: 50'] }) });
  const seen = flagger(ls);
  assert.deepEqual(brief(seen), ['canary-analysis-invalid stepWeight', 'canary-analysis-invalid 99']);
  assert.match(seen[0]!.message, /blue\/green/);
  assert.match(seen[1]!.message, /rolls back after 1 failed check/);
  assert.deepEqual(brief(flagger(service({ [CANARY]: canary({ analysis: ['interval: 1m 30s', 'stepWeight: 10'] }) }))), ['canary-analysis-invalid 1m 30s']);
  assert.deepEqual(brief(flagger(service({ [CANARY]: canary({ provider: 'kubernetes', analysis: ['interval: 1m', 'stepWeight: 10'] }) }))), ['canary-analysis-invalid kubernetes']);
  assert.deepEqual(brief(flagger(service({ [CANARY]: canary({ analysis: ['interval: 1m', 'iterations: 2.5'] }) }))), ['canary-analysis-invalid 2.5']);
  // Blue/green with its promotion step, and a range the right way round: fine.
  assert.deepEqual(brief(flagger(service({ [CANARY]: canary({ analysis: ['interval: 1m30s', 'iterations: 10', 'stepWeightPromotion: 50', 'metrics:', '- name: latency', '  thresholdRange:', '    min: 1', '    max: 500'] }) }))), []);
});

test('canary-template-not-found: a templateRef to no MetricTemplate of a namespace that has some in view', () => {
  const analysis = ['interval: 1m', 'stepWeight: 10', 'metrics:', '- name: success-rate', '  templateRef:', '    name: success-rate', '- name: latency', '  templateRef:', '    name: latency', '    namespace: linkerd'];
  const ls = service({ [TEMPLATES]: metricTemplate('latency'), [CANARY]: canary({ analysis }) });
  const seen = flagger(ls);
  assert.deepEqual(brief(seen), ['canary-template-not-found success-rate']);
  assert.match(seen[0]!.message, /namespace test/);
  ls.setFile(TEMPLATES, [metricTemplate('latency'), metricTemplate('success-rate')].join('---\n'));
  ls.index.indexSome(Infinity);
  assert.deepEqual(brief(flagger(ls)), []);
  // The linkerd namespace's templates are in view now: latency is not among them.
  ls.setFile('file:///ws/linkerd.yaml', metricTemplate('request-rate', 'linkerd'));
  ls.index.indexSome(Infinity);
  assert.deepEqual(brief(flagger(ls)), ['canary-template-not-found latency']);
  // No templates in view at all: they may well come from elsewhere.
  assert.deepEqual(brief(flagger(service({ [CANARY]: canary({ analysis }) }))), []);
});

test('a good Canary with its workload and templates in view is clean', () => {
  const analysis = ['interval: 30s', 'threshold: 5', 'maxWeight: 50', 'stepWeight: 5', 'metrics:', '- name: success-rate', '  templateRef:', '    name: success-rate', '  thresholdRange:', '    min: 99', '  interval: 1m'];
  const ls = service({ [APP]: PODINFO, [TEMPLATES]: metricTemplate('success-rate'), [CANARY]: canary({ provider: 'linkerd', analysis }) });
  assert.deepEqual(brief(flagger(ls)), []);
});
