import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRolloutArgs, RolloutUsageError, runRollout } from '../../src/cli/rollout';
import { locateSplit, withWeights } from '../../src/rollout/manifest';
import { parseManifest } from '../../src/cluster/apply';

const FILE = [
  'apiVersion: v1', 'kind: Service', 'metadata: { name: web-apex, namespace: emojivoto }', 'spec: { ports: [{ port: 80 }] }', '---',
  'apiVersion: split.smi-spec.io/v1alpha2', 'kind: TrafficSplit', 'metadata:', '  name: web-svc-ts', '  namespace: emojivoto',
  'spec:', '  service: web-apex', '  backends:', '    - service: web-svc', '      weight: 1000 # stable', '    - service: web-svc-2', '      weight: 0', '',
].join('\r\n');

test('manifest: the split is found by kind, name and namespace; only the weights\' characters change, comments and CRLF kept', () => {
  const target = { kind: 'TrafficSplit' as const, name: 'web-svc-ts', namespace: 'emojivoto' };
  const found = locateSplit('f.yaml', FILE, target);
  assert.ok(!('problem' in found));
  assert.deepEqual(found.backends, ['web-svc', 'web-svc-2']);
  assert.deepEqual(found.weights, [1000, 0]);
  assert.match(found.partText, /^---\r\napiVersion: split\.smi-spec\.io/); // the part begins at its --- line
  assert.equal(parseManifest(found.partText).name, 'web-svc-ts', 'the apply path reads the part as it is');
  const edited = withWeights('f.yaml', FILE, target, [900, 100]);
  assert.ok(!('refused' in edited));
  assert.equal(edited.text, FILE.replace('weight: 1000 # stable', 'weight: 900 # stable').replace('weight: 0', 'weight: 100'));
  assert.ok(edited.text.endsWith(edited.partText), 'the part is the file\'s second document');
  // Another namespace, another name, a rule the split does not have: each says why.
  assert.match((locateSplit('f.yaml', FILE, { ...target, namespace: 'prod' }) as { problem: string }).problem, /TrafficSplit prod\/web-svc-ts is not in the file/);
  assert.match((locateSplit('f.yaml', FILE, { ...target, rule: 2 }) as { problem: string }).problem, /has 1 weighted rule/);
  assert.match((withWeights('f.yaml', FILE, target, [1]) as { refused: string }).refused, /expected 2 weights/);
  // A weight v1alpha2 cannot read (a string) is no weight to drive.
  assert.match((locateSplit('f.yaml', FILE.replace('weight: 0', 'weight: "0"'), target) as { problem: string }).problem, /the weight of web-svc-2 cannot be read/);
});

test('manifest: a split written without a namespace is found where it is applied (the selected namespace), else in default', () => {
  const text = FILE.replace('  namespace: emojivoto\r\n', '');
  const target = { kind: 'TrafficSplit' as const, name: 'web-svc-ts', namespace: 'shop' };
  const found = locateSplit('f.yaml', text, target, 'shop');
  assert.ok(!('problem' in found), JSON.stringify(found));
  assert.equal(found.namespace, 'shop');
  assert.ok(!('refused' in withWeights('f.yaml', text, target, [900, 100], 'shop')));
  // Selected elsewhere, it is another object than the target's.
  assert.match((locateSplit('f.yaml', text, target, 'staging') as { problem: string }).problem, /TrafficSplit shop\/web-svc-ts is not in the file/);
  // No namespace asked for: the one in the file, in the selected namespace; with none selected, default.
  const any = { kind: 'TrafficSplit' as const, name: 'web-svc-ts' };
  assert.equal((locateSplit('f.yaml', text, any, 'shop') as { namespace: string }).namespace, 'shop');
  assert.equal((locateSplit('f.yaml', text, any) as { namespace: string }).namespace, 'default');
});

test('rollout CLI: arguments, the plan flags, and usage errors', () => {
  const o = parseRolloutArgs(['run', 'ts.yaml', '--target', 'HTTPRoute/web', '--rule', '2', '--steps', '5,50,100', '--hold-time', '30s', '--min-requests', '20', '--no-auto-advance', '--yes', '--interval=2s']);
  assert.equal(o.command, 'run');
  assert.equal(o.file, 'ts.yaml');
  assert.deepEqual(o.target, { kind: 'HTTPRoute', name: 'web', rule: 2 });
  assert.deepEqual(o.planFlags, { steps: [5, 50, 100], holdTime: '30s', autoAdvance: false, gates: { minRequests: 20 } });
  assert.equal(o.yes, true);
  assert.equal(o.interval, 2);
  assert.throws(() => parseRolloutArgs(['go', 'x.yaml']), (e: unknown) => e instanceof RolloutUsageError && /one of run, status/.test(e.message));
  assert.throws(() => parseRolloutArgs(['run']), /exactly one FILE/);
  assert.throws(() => parseRolloutArgs(['run', 'x.yaml', '--target', 'Service/web']), /KIND\/NAME with KIND one of TrafficSplit, HTTPRoute, GRPCRoute/);
  assert.throws(() => parseRolloutArgs(['run', 'x.yaml', '--interval', 'soon']), /--interval must be a duration/);
  assert.throws(() => parseRolloutArgs(['run', 'x.yaml', '--rule', '2']), /--rule needs --target/);
});

test('rollout CLI: a plan that cannot run and a file without a split stop before any cluster access (exit 2)', async () => {
  const bad = await runRollout(['run', 'nowhere.yaml', '--hold-time', '1m', '--window', '1m'], false);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /the plan cannot run: holdTime 1m is shorter than two stats windows/);
  const missing = await runRollout(['status', '/nonexistent/ts.yaml'], false);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read \/nonexistent\/ts\.yaml/);
});
