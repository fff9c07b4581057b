/**
 * Canary Lens's RolloutPlan (`canary-lens.dev/v1alpha1`) in the language service, as a kind of the registry: schema
 * diagnostics, the `plan-*` rules with their exact ranges, completion (schema keys and enums, split names, the
 * target's backends), hover from the schema, and `canary-lens lint` on the example plan.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompletionItem } from 'vscode-languageserver-types';
import { PLAN_CODES, PRELUDE, assertCovered, expectDiagnostics, serviceWith } from '../support/diagnostics';
import { positionAt } from '../support/text';
import { lint } from '../../src/cli/lint';
import { CONTROLLER_KINDS, DELIVERY_RESOURCES } from '../../src/service/model/deliveryKinds';
import { KIND_IDS } from '../../src/cluster/requests';
import { DEFAULT_PLAN, planProblems } from '../../src/rollout/plan';
import { PLAN_DEFAULTS } from '../../src/service/model/rolloutPlan';
import { rolloutPlanV1alpha1 } from '../../src/service/model/schemas/rolloutPlan';
import type { LanguageService } from '../../src/service/languageService';

const EXAMPLES = join(__dirname, '..', '..', 'examples', 'emojivoto');
const example = (name: string): string => readFileSync(join(EXAMPLES, name), 'utf8');
const PLAN_URI = 'file:///ws/rollout-plan.yaml';
const SPLIT_URI = 'file:///ws/web-svc-ts.yaml';
const ROUTE_URI = 'file:///ws/web-httproute.yaml';

/** The workspace: the example's TrafficSplit and HTTPRoute (namespace emojivoto) and a plan file. */
function withPlan(plan: string): LanguageService {
  return serviceWith({ [SPLIT_URI]: example('web-svc-ts.yaml'), [ROUTE_URI]: example('web-httproute.yaml'), [PLAN_URI]: plan });
}

const HEAD = 'apiVersion: canary-lens.dev/v1alpha1\nkind: RolloutPlan\nmetadata:\n  name: web-v2\n  namespace: emojivoto\nspec:\n';
const TARGET = '  targetRef:\n    kind: TrafficSplit\n    name: web-svc-ts\n';
// The plan starts at line 5 (after the ConfigMap prelude); spec's fields at line 11.
const plan = (spec: string): string => PRELUDE + HEAD + spec;

test('registry: RolloutPlan is a kind of the registry with its schema, and no cluster resource to list or watch', () => {
  const row = CONTROLLER_KINDS.RolloutPlan;
  assert.equal(row.role, 'plan');
  assert.deepEqual(row.versions.map((v) => v.apiVersion), ['canary-lens.dev/v1alpha1']);
  assert.equal(row.versions[0]!.schema, rolloutPlanV1alpha1);
  assert.deepEqual(row.cluster, []);
  assert.ok(!DELIVERY_RESOURCES.map((r): string => r.kind).includes('RolloutPlan'));
  assert.ok(!KIND_IDS.some((id) => /plan/i.test(id)), `the cluster layer lists ${KIND_IDS.join(', ')}`);
  // One set of defaults and one set of checks: the runner's and the editor's.
  assert.deepEqual(DEFAULT_PLAN.steps, [...PLAN_DEFAULTS.steps]);
  assert.equal(DEFAULT_PLAN.holdTime, PLAN_DEFAULTS.holdTime);
  assert.deepEqual(planProblems({ ...DEFAULT_PLAN, steps: [10, 10] }), ['steps must rise: steps[1] (10) is not above steps[0] (10)']);
});

test('schema: an unknown field at its key, a wrong enum at its value, a step over 100 at the item; plan checks keep out of its way', () => {
  const text = plan(TARGET + '  canary: web-svc-2\n  steps: [10, 150]\n  holdTim: 5m\n  gates:\n    latencyP99: { maxRatioToStable: 0.5 }\n');
  const ls = withPlan(text);
  expectDiagnostics(ls, PLAN_URI, [
    { code: 'schema', text: '150', line: 15, character: 14, message: ['100'] },
    { code: 'schema', text: 'holdTim', line: 16, character: 2, message: ['holdTim'] },
    { code: 'schema', text: '0.5', line: 18, character: 36, message: ['1'] },
  ], { absent: ['plan-invalid'] });
  const kind = withPlan(plan('  targetRef:\n    kind: Service\n    name: web-svc-ts\n'));
  expectDiagnostics(kind, PLAN_URI, [{ code: 'schema', text: 'Service', line: 12, character: 10, message: ['TrafficSplit', 'HTTPRoute', 'GRPCRoute'] }], { absent: ['plan-target-not-found'] });
});

test('unknown-api-version: a version of our group nobody serves; another group\'s RolloutPlan is not ours', () => {
  const ls = withPlan(PRELUDE + 'apiVersion: canary-lens.dev/v2\nkind: RolloutPlan\nspec:\n  steps: [50, 10]\n');
  // The plan's own checks still run, as the delivery kinds' rules do under an unserved version; the schema waits for a served one.
  expectDiagnostics(ls, PLAN_URI, [
    { code: 'unknown-api-version', text: 'canary-lens.dev/v2', line: 5, character: 12, message: ['canary-lens.dev/v1alpha1'] },
    { code: 'plan-invalid', text: '10', line: 8, character: 14 },
  ], { absent: ['schema'] });
  const other = withPlan(PRELUDE + 'apiVersion: example.com/v1\nkind: RolloutPlan\nspec:\n  steps: [50, 10]\n  bogus: 1\n');
  expectDiagnostics(other, PLAN_URI, [], { absent: ['plan-invalid', 'unknown-api-version', 'schema'] });
});

test('plan-invalid: steps that do not rise, on the step at fault', () => {
  const ls = withPlan(plan(TARGET + '  steps:\n    - 10\n    - 50\n    - 50\n    - 25\n'));
  expectDiagnostics(ls, PLAN_URI, [
    { code: 'plan-invalid', text: '50', line: 17, character: 6, message: ['steps must rise', 'steps[2] (50)', 'steps[1] (50)'] },
    { code: 'plan-invalid', text: '25', line: 18, character: 6, message: ['steps[3] (25)'] },
  ]);
});

test('plan-invalid: a hold time shorter than two windows, on holdTime; against a default hold, on window', () => {
  const short = withPlan(plan(TARGET + '  holdTime: 90s\n  window: 1m\n'));
  expectDiagnostics(short, PLAN_URI, [{ code: 'plan-invalid', text: '90s', line: 14, character: 12, message: ['holdTime 90s', '2 × 1m'] }]);
  // holdTime absent: its default 2m against a 5m window.
  const wide = withPlan(plan(TARGET + '  window: 5m\n'));
  expectDiagnostics(wide, PLAN_URI, [{ code: 'plan-invalid', text: '5m', line: 14, character: 10, message: ['holdTime 2m', '2 × 5m'] }]);
  const zero = withPlan(plan(TARGET + '  holdTime: 0s\n'));
  expectDiagnostics(zero, PLAN_URI, [{ code: 'plan-invalid', text: '0s', line: 14, character: 12, message: ['longer than 0'] }]);
});

test('plan-invalid near miss: rising steps, a hold of exactly two windows; the example plan is clean', () => {
  const ls = withPlan(plan(TARGET + '  canary: web-svc-2\n  steps: [5, 50, 100]\n  holdTime: 2m\n  window: 1m\n'));
  expectDiagnostics(ls, PLAN_URI, [], { absent: ['plan-invalid', 'plan-target-not-found', 'plan-canary-not-backend', 'schema'] });
  const ex = withPlan(example('rollout-plan.yaml'));
  assert.deepEqual(ex.diagnostics(PLAN_URI), []);
  // Not a split: no split objects for the panel and the stats, no weight lenses.
  assert.deepEqual(ex.splitObjects(PLAN_URI), []);
  assert.deepEqual(ex.codeLenses(PLAN_URI), []);
  assert.equal(ex.splitObjects(SPLIT_URI).length, 1);
});

test('plan-target-not-found: a split name not in the namespace, at the name, naming the splits of that kind there', () => {
  const ls = withPlan(plan('  targetRef:\n    kind: TrafficSplit\n    name: web-svc-tx\n  canary: web-svc-3\n'));
  expectDiagnostics(ls, PLAN_URI, [
    { code: 'plan-target-not-found', text: 'web-svc-tx', line: 13, character: 10, message: ['TrafficSplit web-svc-tx', 'namespace emojivoto', 'TrafficSplits there: web-svc-ts'] },
  ], { absent: ['plan-canary-not-backend'] });
  // The right name under the wrong kind: the message says which kind it is.
  const kind = withPlan(plan('  targetRef:\n    kind: HTTPRoute\n    name: web-svc-ts\n'));
  expectDiagnostics(kind, PLAN_URI, [{ code: 'plan-target-not-found', text: 'web-svc-ts', line: 13, character: 10, message: ['(TrafficSplit web-svc-ts is there)'] }]);
  // A rule the route does not have, at the rule.
  const rule = withPlan(plan('  targetRef:\n    kind: HTTPRoute\n    name: web-canary\n    rule: 2\n'));
  expectDiagnostics(rule, PLAN_URI, [{ code: 'plan-target-not-found', text: '2', line: 14, character: 10, message: ['has 1 rule(s)'] }]);
});

test('plan-target-not-found near miss: the route by kind and name; another namespace with no splits known says nothing', () => {
  const ls = withPlan(plan('  targetRef:\n    kind: HTTPRoute\n    name: web-canary\n    rule: 1\n  canary: web-svc-2\n'));
  expectDiagnostics(ls, PLAN_URI, [], { absent: ['plan-target-not-found', 'plan-canary-not-backend'] });
  const elsewhere = withPlan(PRELUDE + HEAD.replace('namespace: emojivoto', 'namespace: books') + TARGET);
  expectDiagnostics(elsewhere, PLAN_URI, [], { absent: ['plan-target-not-found'] });
});

test('plan-canary-not-backend: a canary that is not a backend of the target, at the value, naming the backends', () => {
  const ls = withPlan(plan(TARGET + '  canary: web-svc-3\n'));
  expectDiagnostics(ls, PLAN_URI, [
    { code: 'plan-canary-not-backend', text: 'web-svc-3', line: 14, character: 10, message: ['TrafficSplit emojivoto/web-svc-ts', 'web-svc, web-svc-2'] },
  ]);
  // The plan without a namespace looks in `default`, where the split is not: then nothing is said of the canary.
  const dflt = withPlan(PRELUDE + HEAD.replace('  namespace: emojivoto\n', '') + TARGET + '  canary: web-svc-3\n');
  expectDiagnostics(dflt, PLAN_URI, [], { absent: ['plan-canary-not-backend'] });
});

test('every plan code fired and had a near miss', () => {
  assertCovered(PLAN_CODES);
});

// ---- completion and hover -----------------------------------------------------------------------------------

/** Completion at the `|` of a plan file in the workspace. */
function completeAt(src: string): CompletionItem[] {
  const at = src.indexOf('|');
  const text = src.slice(0, at) + src.slice(at + 1);
  const ls = withPlan(text);
  return ls.completion(PLAN_URI, positionAt(text, at));
}
const labels = (items: CompletionItem[]): string[] => items.map((i) => i.label).sort();

test('completion: spec keys from the schema, with their docs; enum values of targetRef.kind; RolloutPlan as a kind', () => {
  const keys = completeAt(HEAD + '  |\n');
  assert.deepEqual(labels(keys), ['autoAdvance', 'autoRollback', 'canary', 'gates', 'holdTime', 'steps', 'targetRef', 'window']);
  assert.match(JSON.stringify(keys.find((i) => i.label === 'holdTime')?.documentation), /at least two stats windows/);
  assert.deepEqual(labels(completeAt(HEAD + '  gates:\n    latencyP99:\n      |\n')), ['maxMs', 'maxRatioToStable']);
  assert.deepEqual(labels(completeAt(HEAD + '  targetRef:\n    kind: |\n')), ['GRPCRoute', 'HTTPRoute', 'TrafficSplit']);
  assert.ok(completeAt('apiVersion: canary-lens.dev/v1alpha1\nkind: |\n').some((i) => i.label === 'RolloutPlan'));
  assert.ok(completeAt('kind: RolloutPlan\napiVersion: |\n').some((i) => i.label === 'canary-lens.dev/v1alpha1'));
});

test('completion: targetRef.name offers the splits of the written kind in the plan\'s namespace; canary the target\'s backends', () => {
  assert.deepEqual(labels(completeAt(HEAD + '  targetRef:\n    kind: TrafficSplit\n    name: |\n')), ['web-svc-ts']);
  assert.deepEqual(labels(completeAt(HEAD + '  targetRef:\n    kind: HTTPRoute\n    name: w|\n')), ['web-canary']);
  // No kind yet: every split of the namespace.
  assert.deepEqual(labels(completeAt(HEAD + '  targetRef:\n    name: |\n')), ['web-canary', 'web-svc-ts']);
  // Another namespace: none.
  assert.deepEqual(labels(completeAt(HEAD.replace('emojivoto', 'books') + '  targetRef:\n    kind: TrafficSplit\n    name: |\n')), []);
  const canary = completeAt(HEAD + TARGET + '  canary: |\n');
  assert.deepEqual(labels(canary), ['web-svc', 'web-svc-2']);
  // The last backend (the default canary) first.
  assert.equal([...canary].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''))[0]!.label, 'web-svc-2');
  assert.deepEqual(labels(completeAt(HEAD + '  targetRef: { kind: TrafficSplit, name: nope }\n  canary: |\n')), []);
});

test('hover: a plan key shows its schema description', () => {
  const text = example('rollout-plan.yaml');
  const ls = withPlan(text);
  const hover = (needle: string): string => {
    const h = ls.hover(PLAN_URI, positionAt(text, text.indexOf(needle) + 1));
    assert.ok(h, `a hover on ${needle}`);
    return JSON.stringify(h.contents);
  };
  assert.match(hover('holdTime:'), /How long every gate must hold at a step/);
  assert.match(hover('maxRatioToStable:'), /multiple of the stable/);
  assert.match(hover('targetRef:'), /The split the plan drives/);
});

test('canary-lens lint: the example plan lints clean with its split; a broken copy reports its problems', async () => {
  const reports = await lint([EXAMPLES]);
  const own = reports.find((r) => r.file.endsWith('rollout-plan.yaml'));
  assert.ok(own, 'lint reads the plan file');
  assert.deepEqual(own.diagnostics, []);
  assert.equal(own.failure, undefined);
  const dir = mkdtempSync(join(tmpdir(), 'plan-lint-'));
  try {
    writeFileSync(join(dir, 'web-svc-ts.yaml'), example('web-svc-ts.yaml'));
    writeFileSync(join(dir, 'plan.yaml'), example('rollout-plan.yaml').replace('canary: web-svc-2', 'canary: web-svc-9').replace('[10, 25, 50, 100]', '[10, 50, 25]'));
    const broken = (await lint([dir])).find((r) => r.file.endsWith('plan.yaml'))!;
    assert.deepEqual(broken.diagnostics.map((d) => `${String(d.code)} ${d.range.start.line}:${d.range.start.character}`), [
      'plan-canary-not-backend 13:10', 'plan-invalid 14:18',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
